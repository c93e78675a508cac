/**
 * Spill files hold the user's rows: their directory is private and goes away when the process
 * exits, is interrupted, or — killed outright — when the next run starts. Runs the built module
 * (dist/) in child processes with their own TMPDIR.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const DIST = resolve(import.meta.dirname, '../../../dist/storage/spill-file.js');
const BIN = resolve(import.meta.dirname, '../../../bin/pssync.js');
const root = mkdtempSync(join(tmpdir(), 'pssync-spill-test-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** A child that spills one row, prints its spill directory's mode, then waits or exits. */
function child(tmp: string, then: 'exit' | 'wait'): Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string }> {
  const script = `
    const { openSpillFile } = await import(${JSON.stringify(DIST)});
    const { readdirSync, statSync } = await import('node:fs');
    openSpillFile('test').append(['1', null]);
    const dir = readdirSync(process.env.TMPDIR).find((name) => name.startsWith('pssync-rows-' + process.pid + '-'));
    process.stdout.write((statSync(process.env.TMPDIR + '/' + dir).mode & 0o777).toString(8) + '\\n');
    if (${JSON.stringify(then)} === 'wait') setInterval(() => {}, 1000);
  `;
  const running = spawn(process.execPath, ['--input-type=module', '-e', script], { env: { ...process.env, TMPDIR: tmp }, stdio: ['ignore', 'pipe', 'inherit'] });
  let stdout = '';
  return new Promise((resolvePromise, reject) => {
    running.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      if (then === 'wait' && stdout.endsWith('\n')) running.kill('SIGTERM');
    });
    running.on('error', reject);
    running.on('close', (code, signal) => resolvePromise({ code, signal, stdout }));
  });
}

describe('spill files', () => {
  it('live in a private directory that is gone after a normal exit', async () => {
    const tmp = join(root, 'exit');
    mkdirSync(tmp);
    const result = await child(tmp, 'exit');
    expect(result.code).toBe(0);
    expect(result.stdout.trim()).toBe('700');
    expect(readdirSync(tmp)).toEqual([]);
  });

  it('are removed when the process is terminated, which still dies of the signal', async () => {
    const tmp = join(root, 'term');
    mkdirSync(tmp);
    const result = await child(tmp, 'wait');
    expect(result.signal).toBe('SIGTERM');
    expect(readdirSync(tmp)).toEqual([]);
  });

  it("a killed run's directory is removed by the next run; other processes' are left alone", async () => {
    const tmp = join(root, 'orphans');
    mkdirSync(join(tmp, 'pssync-rows-999999999-abc'), { recursive: true });
    mkdirSync(join(tmp, `pssync-rows-${process.pid}-live`));
    await child(tmp, 'exit');
    expect(readdirSync(tmp)).toEqual([`pssync-rows-${process.pid}-live`]);
    expect(statSync(join(tmp, `pssync-rows-${process.pid}-live`)).isDirectory()).toBe(true);
  });

  it('every pssync command removes them at its start, even one that spills nothing', async () => {
    const tmp = join(root, 'cli');
    mkdirSync(join(tmp, 'pssync-rows-999999998-xyz', 'inner'), { recursive: true });
    const exited = await new Promise<number | null>((resolvePromise, reject) => {
      const running = spawn(process.execPath, [BIN, '--version'], { env: { ...process.env, TMPDIR: tmp }, stdio: 'ignore' });
      running.on('error', reject);
      running.on('close', resolvePromise);
    });
    expect(exited).toBe(0);
    expect(readdirSync(tmp)).toEqual([]);
  });
});
