/** The CLI's window on the world, injected so commands are testable; every write is redacted. */
import { createInterface } from 'node:readline/promises';
import { redact } from '../model/redaction.js';
import { COLOR, PLAIN, useColor, type Style } from '../render/style.js';

export interface CliIo {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
  /** Machine output and the text plan. */
  out(text: string): void;
  /** Human output: progress, diagnostics, reports. */
  err(text: string): void;
  readonly stdoutStyle: Style;
  readonly stderrStyle: Style;
  /** Whether a person can answer a prompt (stdin and stderr are terminals). */
  readonly interactive: boolean;
  /** Whether stderr can show live (redrawn) progress. */
  readonly liveProgress: boolean;
  ask(question: string): Promise<string>;
}

export function processIo(): CliIo {
  const env = process.env;
  const ci = env.CI !== undefined && env.CI !== 'false' && env.CI !== '0';
  return {
    env,
    cwd: process.cwd(),
    out: (text) => process.stdout.write(redact(text)),
    err: (text) => process.stderr.write(redact(text)),
    stdoutStyle: useColor(process.stdout, env) ? COLOR : PLAIN,
    stderrStyle: useColor(process.stderr, env) ? COLOR : PLAIN,
    interactive: Boolean(process.stdin.isTTY && process.stderr.isTTY),
    liveProgress: Boolean(process.stderr.isTTY) && !ci && env.TERM !== 'dumb',
    async ask(question) {
      const prompt = createInterface({ input: process.stdin, output: process.stderr });
      try {
        return await prompt.question(question);
      } finally {
        prompt.close();
      }
    },
  };
}
