import { readFileSync } from 'node:fs';

let cached: string | null = null;

/** recur's version from its package.json (one level above src/ or dist/); 'unknown' if unreadable. */
export function recurVersion(): string {
  if (cached === null) {
    try {
      cached = String((JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version);
    } catch {
      cached = 'unknown';
    }
  }
  return cached;
}
