/** Runs `keyturn <args>` in-process (src/cli/main.ts) and captures what it writes. */
import { vi } from 'vitest';
import { main } from '../../src/cli/main';

export async function keyturn(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const out = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => ((stdout += String(chunk)), true));
  const err = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => ((stderr += String(chunk)), true));
  try {
    return { code: await main(args), stdout, stderr };
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
}

/** The last line of a command's output (where `--json` puts its result). */
export const lastLine = (text: string): string => text.trimEnd().split('\n').at(-1)!;
