import { main } from '../../src/cli/main.js';

/**
 * Runs `recur args...` in this process (a spawn costs about a second) and returns the exit
 * status with what it printed on stdout and stderr.
 */
export async function recurInProcess(...args: string[]): Promise<{ status: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const [log, error] = [console.log, console.error];
  console.log = (...a: unknown[]) => void out.push(a.join(' '));
  console.error = (...a: unknown[]) => void err.push(a.join(' '));
  try {
    const status = await main(['node', 'recur', ...args]);
    process.exitCode = undefined;
    return { status, out: out.join('\n'), err: err.join('\n') };
  } finally {
    [console.log, console.error] = [log, error];
  }
}
