export interface SlowLink {
  readonly host: string;
  readonly port: number;
  readonly rttMs: number;
  readonly mbitPerSecond: number;
  /** Bytes that crossed the link in each direction (reset() sets them to 0). */
  readonly bytes: { toServer: number; fromServer: number };
  reset(): void;
  close(): Promise<void>;
}

export function startSlowLink(target: { host?: string; port: number; rttMs?: number; mbitPerSecond?: number }): Promise<SlowLink>;
