/**
 * Manifest loading: YAML (with positions) → interpolate → validate (schema) → normalize.
 * Each stage runs only when the ones before it found no errors that would make its own
 * findings noise; every problem comes back as a Diagnostic, nothing is thrown.
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { redact } from '../model/redaction.js';
import { type Diagnostic, hasErrors } from '../model/diagnostic.js';
import { type Env, interpolate, registerManifestSecrets } from './interpolate.js';
import { normalize } from './normalize.js';
import type { Config } from './types.js';
import { validateManifest } from './validate.js';
import { readYaml } from './yaml-tree.js';

export interface ManifestResult {
  /** Present only when there are no errors. */
  readonly config?: Config;
  /** Sorted by position. */
  readonly diagnostics: readonly Diagnostic[];
}

export async function loadManifest(file: string, env: Env): Promise<ManifestResult> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? 'file not found' : code === 'EISDIR' ? 'is a directory' : (code ?? 'unreadable');
    return {
      diagnostics: [{ code: 'PSSYNC_E_YAML', severity: 'error', message: `cannot read manifest: ${reason}`, file }],
    };
  }
  return parseManifest(text, file, env);
}

/** `file` names the manifest in diagnostics and anchors relative paths; it is not read. */
export function parseManifest(text: string, file: string, env: Env): ManifestResult {
  const tree = readYaml(text.replace(/^\uFEFF/, ''), file);
  if (hasErrors(tree.diagnostics)) return finish(tree.diagnostics);

  const interpolated = interpolate(tree.value, tree.index, env, file);
  // Before anything can fail or print: passwords are secrets wherever they came from.
  registerManifestSecrets(interpolated.value);
  const diagnostics = [
    ...interpolated.diagnostics,
    ...validateManifest(interpolated.value, tree.index, file, interpolated.unresolved),
  ];
  if (hasErrors(diagnostics)) return finish(diagnostics);

  const normalized = normalize(interpolated.value, tree.index, { file, absoluteFile: resolve(file), text });
  return finish(normalized.diagnostics, normalized.config);
}

function finish(diagnostics: readonly Diagnostic[], config?: Config): ManifestResult {
  const sorted = [...diagnostics]
    // Belt and braces: messages never quote values, but a value could still reach one.
    .map((diagnostic) => ({ ...diagnostic, message: redact(diagnostic.message) }))
    .sort((a, b) => (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0));
  return hasErrors(sorted) || !config ? { diagnostics: sorted } : { config, diagnostics: sorted };
}
