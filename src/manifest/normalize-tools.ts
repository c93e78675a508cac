/** What the normalizers of destinations, sources and syncs are given to report problems and resolve paths. */
import type { DiagnosticCode } from '../model/diagnostic.js';
import type { Position } from './types.js';

export interface Tools {
  readonly report: (code: DiagnosticCode, pointer: string, message: string, at?: 'key' | 'value', sync?: string) => void;
  readonly position: (pointer: string) => Position;
  /** Relative to the manifest's directory; `-` (standard input) stays as it is. */
  readonly resolvePath: (path: string) => string;
}
