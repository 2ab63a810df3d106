// A small flat folder of spoken digits for CLI tests, copied from data/spoken_digits (CC BY-SA
// 4.0, attribution in its README) into a temporary folder removed when the process exits.
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A fresh temporary folder (`tmp`) holding `digits/`: speakers george and theo, digits 0-2,
 * recordings 0-4 of each, flat (`{digit}_{speaker}_{index}.wav`).
 */
export function tinyDigits(prefix: string): { tmp: string; data: string } {
  const tmp = mkdtempSync(join(tmpdir(), prefix));
  process.on('exit', () => rmSync(tmp, { recursive: true, force: true }));
  const data = join(tmp, 'digits');
  mkdirSync(data);
  for (const d of [0, 1, 2]) for (let i = 0; i < 5; i++) for (const s of ['george', 'theo']) copyFileSync(`data/spoken_digits/${d}_${s}_${i}.wav`, join(data, `${d}_${s}_${i}.wav`));
  return { tmp, data };
}
