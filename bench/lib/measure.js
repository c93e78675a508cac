/**
 * Runs a command as a child process and measures it: wall time (from spawn to exit, in this
 * process), CPU time of the process (user + system, with GNU time), and peak RSS — ru_maxrss via GNU `/usr/bin/time -f %M` when it exists, otherwise the
 * highest VmHWM seen while polling /proc/<pid>/status every 20 ms (Linux).
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const GNU_TIME = '/usr/bin/time';
const hasGnuTime = existsSync(GNU_TIME);

export const rssMethod = hasGnuTime ? 'GNU time (ru_maxrss of the process)' : 'VmHWM from /proc/<pid>/status, polled every 20 ms';

/**
 * @param {string} command
 * @param {readonly string[]} args
 * @param {{ cwd?: string, env?: NodeJS.ProcessEnv, input?: string }} [options]
 * @returns {Promise<{ code: number, stdout: string, stderr: string, wallMs: number, cpuMs: number | undefined, peakRssMb: number | undefined }>}
 */
export async function measure(command, args, options = {}) {
  const scratch = mkdtempSync(join(tmpdir(), 'pssync-bench-time-'));
  const timeFile = join(scratch, 'rss');
  const [file, argv] = hasGnuTime ? [GNU_TIME, ['-f', '%M %U %S', '-o', timeFile, command, ...args]] : [command, [...args]];
  const started = performance.now();
  const child = spawn(file, argv, { cwd: options.cwd, env: options.env ?? process.env, stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk) => (stderr += chunk));
  child.stdin.end(options.input ?? '');
  let polledKb = 0;
  const poll = hasGnuTime
    ? undefined
    : setInterval(() => {
        try {
          const match = /VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
          if (match) polledKb = Math.max(polledKb, Number(match[1]));
        } catch {
          // exited between polls
        }
      }, 20);
  const code = await new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (exitCode, signal) => resolve(exitCode ?? (signal ? 128 : 1)));
  });
  const wallMs = performance.now() - started;
  if (poll) clearInterval(poll);
  let peakKb = polledKb;
  let cpuMs;
  if (hasGnuTime) {
    try {
      // GNU time writes "Command exited with non-zero status N" first when the command fails.
      const lines = readFileSync(timeFile, 'utf8').trim().split('\n');
      const [rss, user, system] = lines[lines.length - 1].split(' ').map(Number);
      peakKb = rss;
      cpuMs = (user + system) * 1000;
    } catch {
      peakKb = 0;
    }
  }
  rmSync(scratch, { recursive: true, force: true });
  return { code, stdout, stderr, wallMs, cpuMs, peakRssMb: peakKb > 0 ? peakKb / 1024 : undefined };
}
