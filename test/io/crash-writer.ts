/**
 * Child process for the kill -9 test: saves numbered checkpoints in a loop, forever, until
 * the parent kills it. Each version v writes a directory {weights.safetensors, config.json}
 * and a single file, all holding v, so a reader can tell a mixed or torn state.
 * Usage: node --import tsx crash-writer.ts <dir> <file> <firstVersion>
 */
import { writeFileAtomic } from '../../src/io/atomic-write.js';
import { writeDirAtomic } from '../../src/checkpoint/atomic-dir.js';
import { writeSafetensors } from '../../src/io/safetensors.js';

const [dir, file, first] = process.argv.slice(2) as [string, string, string];
const payload = (v: number): Uint8Array => writeSafetensors({ w: { shape: [64, 1024], data: new Float32Array(65536).fill(v) } }, { version: String(v) });

for (let v = Number(first); ; v++) {
  await writeDirAtomic(dir, { 'weights.safetensors': payload(v), 'config.json': JSON.stringify({ version: v }) });
  await writeFileAtomic(file, payload(v));
  if (v === Number(first)) process.stdout.write('ready\n');
}
