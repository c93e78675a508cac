/** Loads the manifest for a command and prints its diagnostics; undefined means "stop, exit 1". */
import { parsePartition, type Partition } from '../model/partition.js';
import { relative } from 'node:path';
import { loadManifest } from '../manifest/load.js';
import type { CompareMethod, Config } from '../manifest/types.js';
import { formatDiagnostic, hasErrors, type Diagnostic } from '../model/diagnostic.js';
import type { CliIo } from './io.js';

export function printDiagnostics(io: CliIo, diagnostics: readonly Diagnostic[]): void {
  for (const diagnostic of diagnostics) {
    const file = diagnostic.file ? relative(io.cwd, diagnostic.file) || diagnostic.file : undefined;
    const line = formatDiagnostic({ ...diagnostic, ...(file !== undefined ? { file } : {}) });
    io.err(`${diagnostic.severity === 'error' ? io.stderrStyle.red(line) : io.stderrStyle.yellow(line)}\n`);
  }
}

export async function loadConfig(io: CliIo, file: string): Promise<Config | undefined> {
  return (await loadConfigWithDiagnostics(io, file)).config;
}

/** Like loadConfig, also returning the diagnostics (for machine formats). */
export async function loadConfigWithDiagnostics(io: CliIo, file: string): Promise<{ config?: Config; diagnostics: readonly Diagnostic[] }> {
  const result = await loadManifest(file, io.env);
  printDiagnostics(io, result.diagnostics);
  if (hasErrors(result.diagnostics) || !result.config) return { diagnostics: result.diagnostics };
  return { config: result.config, diagnostics: result.diagnostics };
}

/** `--partition K/N` (parsed: model/partition.ts) on every sync of the manifest. */
export function withPartition(config: Config, partition: string | Partition | undefined): Config {
  if (partition === undefined) return config;
  return { ...config, partition: typeof partition === 'string' ? parsePartition(partition) : partition };
}

/** The manifest with every sync's `compare` replaced (`--compare`), or as it is. */
export function withCompare(config: Config, compare: CompareMethod | undefined): Config {
  if (!compare) return config;
  return { ...config, syncs: config.syncs.map((sync) => ({ ...sync, compare })) };
}
