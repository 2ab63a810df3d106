import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ShapeError } from '../../../src/errors.js';
import { normaliseBySpeaker, SPEAKER_STD_FLOOR, type Frames } from '../../../src/data/audio/index.js';

/** A [frames, width] matrix from rows. */
const frames = (rows: number[][]): Frames => ({ frames: rows.length, width: rows[0]!.length, data: Float32Array.from(rows.flat()) });
const close = (actual: Frames, rows: number[][], what: string) => {
  assert.equal(actual.frames, rows.length, `${what}: frames`);
  rows.flat().forEach((v, i) => assert.ok(Math.abs(actual.data[i]! - v) <= 1e-6, `${what}[${i}]: ${actual.data[i]} vs ${v}`));
};

// Speaker A: two recordings of 2 frames each; speaker B: one of 3 frames. Band 1 of A barely
// moves (std below the floor), band 1 of B not at all.
const a0 = frames([[1, 0], [3, 0]]);
const a1 = frames([[5, 0], [7, 2 ** -10]]);
const b0 = frames([[10, 100], [20, 100], [30, 100]]);

test('normaliseBySpeaker: each band by the mean and population std over all frames of the speaker\'s recordings (hand computation), order kept', () => {
  const [x0, y0, x1] = normaliseBySpeaker([a0, b0, a1], ['A', 'B', 'A']);
  // A, band 0: 1, 3, 5, 7 -> mean 4, variance (9 + 1 + 1 + 9) / 4 = 5.
  // A, band 1: 0, 0, 0, 2^-10 -> mean 2^-12, variance 3 * 2^-24, std sqrt(3) * 2^-12 = 4.2e-4 < 1e-3: divided by the floor.
  const s5 = Math.sqrt(5);
  const m = 2 ** -12;
  assert.ok(Math.sqrt(3) * m < SPEAKER_STD_FLOOR);
  close(x0!, [[-3 / s5, -m / 1e-3], [-1 / s5, -m / 1e-3]], 'A, recording 0');
  close(x1!, [[1 / s5, -m / 1e-3], [3 / s5, (2 ** -10 - m) / 1e-3]], 'A, recording 1');
  // B, band 0: 10, 20, 30 -> mean 20, std sqrt(200 / 3); band 1 constant: 0 (the floor, not a division by 0).
  const sb = Math.sqrt(200 / 3);
  close(y0!, [[-10 / sb, 0], [0, 0], [10 / sb, 0]], 'B');
  // Over each speaker, every band of the result averages 0.
  for (const b of [0, 1]) assert.ok(Math.abs(x0!.data[b]! + x0!.data[2 + b]! + x1!.data[b]! + x1!.data[2 + b]!) < 1e-6);
  // The inputs are left as they were.
  assert.deepEqual([...a0.data], [1, 0, 3, 0]);
});

test('normaliseBySpeaker: one speaker\'s recordings do not affect another\'s; a lone recording uses its own statistics; any key', () => {
  const [x0, , x1] = normaliseBySpeaker([a0, b0, a1], ['A', 'B', 'A']);
  const louder = frames([[1000, -5], [-40, 7], [3, 9]]);
  const [z0, , z1] = normaliseBySpeaker([a0, louder, a1], ['A', 'B', 'A']);
  assert.deepEqual([...z0!.data], [...x0!.data]);
  assert.deepEqual([...z1!.data], [...x1!.data]);
  // The same recordings as three speakers: each by its own statistics (a0 alone: band 0 is 1, 3 -> -1, 1).
  const [alone] = normaliseBySpeaker([a0, b0, a1], [0, 1, 2]);
  close(alone!, [[-1, 0], [1, 0]], 'a0 alone');
  // null is a key like any other (predict's unmatched recordings).
  assert.deepEqual(normaliseBySpeaker([a0, a1], [null, null]).map((f) => [...f.data]), normaliseBySpeaker([a0, a1], ['A', 'A']).map((f) => [...f.data]));
  assert.deepEqual(normaliseBySpeaker([], []), []);
});

test('normaliseBySpeaker: mismatched lengths or widths are ShapeErrors', () => {
  assert.throws(() => normaliseBySpeaker([a0, a1], ['A']), (e: unknown) => e instanceof ShapeError && /2 recordings but 1 speakers/.test(e.message));
  assert.throws(() => normaliseBySpeaker([a0, frames([[1, 2, 3]])], ['A', 'A']), (e: unknown) => e instanceof ShapeError && /recording 1 has 3 values per frame, the first has 2/.test(e.message));
});
