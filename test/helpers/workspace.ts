/** A temporary project directory with a manifest and data files, and a way to run the built CLI in it. */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { afterAll } from 'vitest';

export const PSSYNC_BIN = resolve(import.meta.dirname, '../../bin/pssync.js');

export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export interface Workspace {
  readonly dir: string;
  write(path: string, content: string): string;
  run(args: readonly string[], env?: Record<string, string>, stdin?: string): Promise<CliResult>;
}

export function useWorkspace(): Workspace {
  const dir = mkdtempSync(join(tmpdir(), 'pssync-test-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  return {
    dir,
    write(path, content) {
      const file = join(dir, path);
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, content);
      return file;
    },
    run: (args, env = {}, stdin) => runCli(args, { cwd: dir, env, ...(stdin !== undefined ? { stdin } : {}) }),
  };
}

export function runCli(
  args: readonly string[],
  options: { cwd: string; env?: Record<string, string>; stdin?: string },
): Promise<CliResult> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [PSSYNC_BIN, ...args], {
      cwd: options.cwd,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', CI: 'true', ...(process.env.PSSYNC_COMPARE ? { PSSYNC_COMPARE: process.env.PSSYNC_COMPARE } : {}), ...options.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolvePromise({ code: code ?? -1, stdout, stderr }));
    child.stdin.end(options.stdin ?? '');
  });
}
