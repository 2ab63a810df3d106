import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../../src/tensor/random.js';

test('Rng: xoshiro128** seeded by splitmix32, as an independent implementation computes it', () => {
  // Reference values from a separate Python implementation of the same two algorithms.
  const first5 = (seed: number) => { const r = new Rng(seed); return Array.from({ length: 5 }, () => r.nextUint32()); };
  assert.deepEqual(first5(0), [3809008728, 1133695204, 53579671, 2891528803, 139681546]);
  assert.deepEqual(first5(42), [2837322924, 544945897, 479756282, 3500138142, 339756180]);
});

test('Rng: a saved state continues the same sequence', () => {
  const a = new Rng(7);
  for (let i = 0; i < 10; i++) a.random();
  const b = new Rng(999);
  b.setState(a.getState());
  assert.deepEqual(Array.from({ length: 20 }, () => b.nextUint32()), Array.from({ length: 20 }, () => a.nextUint32()));
});

test('Rng: uniform and normal draws have the right moments; int and shuffled cover their ranges', () => {
  const r = new Rng(3);
  const n = 100_000;
  let su = 0, sn = 0, sn2 = 0;
  for (let i = 0; i < n; i++) {
    su += r.random();
    const z = r.normal();
    sn += z;
    sn2 += z * z;
  }
  // Four standard errors: 1/sqrt(12n) for the uniform mean, 1/sqrt(n) and sqrt(2/n) for the normal's.
  assert.ok(Math.abs(su / n - 0.5) < 4 / Math.sqrt(12 * n), `uniform mean ${su / n}`);
  assert.ok(Math.abs(sn / n) < 4 / Math.sqrt(n), `normal mean ${sn / n}`);
  assert.ok(Math.abs(sn2 / n - 1) < 4 * Math.sqrt(2 / n), `normal variance ${sn2 / n}`);
  const seen = new Set<number>();
  for (let i = 0; i < 1000; i++) seen.add(r.int(7));
  assert.deepEqual([...seen].sort(), [0, 1, 2, 3, 4, 5, 6]);
  const xs = Array.from({ length: 50 }, (_, i) => i);
  const s = r.shuffled(xs);
  assert.notDeepEqual(s, xs);
  assert.deepEqual([...s].sort((a, b) => a - b), xs);
});
