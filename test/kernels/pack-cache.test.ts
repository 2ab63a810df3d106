// Packed weights kept between WASM calls: reused only while the weights' bits are unchanged,
// so weights edited in place (an optimiser step, loadStateDict) are always seen.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { jsBackend } from '../../src/kernels/js/index.js';
import { Arena } from '../../src/kernels/wasm/arena.js';
import { singleThreadBackend } from '../../src/kernels/wasm/single.js';
import { loadKernelsSync } from '../../src/kernels/wasm/module.js';
import { PackCache } from '../../src/kernels/wasm/pack-cache.js';
import { assertClose, makeArgs } from './helpers.js';

test('a second call with the same weights reuses the panels; any changed bit repacks', () => {
  const wasm = singleThreadBackend()!;
  const cache = wasm.packCache!;
  for (const [mode, proj] of [['lstm', 0], ['lstm', 3], ['gru', 0], ['rnn_relu', 0]] as const) {
    const args = makeArgs({ mode, T: 4, B: 1, I: 3, H: 5, proj, bias: true, lengths: false, reverse: false, seed: 7 }, false, false);
    const packs = proj ? 3 : 2;
    const first = wasm.sequenceForward(args);
    const { hits, misses } = cache;
    const again = wasm.sequenceForward(args);
    assert.equal(cache.hits - hits, packs, `${mode} P${proj}: every weight reused`);
    assert.equal(cache.misses, misses);
    assert.deepEqual(again.y, first.y);
    // In-place edits of each weight, one bit of one element: seen, and the result follows.
    for (const key of ['wIh', 'wHh', ...(proj ? ['wHr' as const] : [])] as const) {
      const w = args.weights[key]!;
      const bits = new Uint32Array(w.buffer, w.byteOffset, w.length);
      bits[w.length - 1]! ^= 1 << 20;
      const before = cache.misses;
      const got = wasm.sequenceForward(args);
      assert.equal(cache.misses - before, 1, `${mode} ${key}: repacked`);
      assertClose(`${mode} P${proj} ${key} edited`, got.y, jsBackend.sequenceForward(args).y, 1e-5);
      assert.notDeepEqual(got.y, first.y, `${mode} ${key}: the edit changes the output`);
    }
  }
});

test('blocks in use by a call are never evicted; older ones go past the budget', () => {
  const inst = loadKernelsSync();
  const arena = new Arena(inst);
  const cache = new PackCache(arena, 1);
  const a = Float32Array.from({ length: 6 * 20 }, (_, i) => i);
  const b = Float32Array.from({ length: 6 * 20 }, (_, i) => -i);
  cache.beginCall();
  const ea = cache.reserve(a, 1, 6, 6, 20).block;
  const eb = cache.reserve(b, 1, 6, 6, 20).block;
  assert.ok(!ea.freed && !eb.freed, 'both reserved in this call survive a budget of 1 byte');
  assert.notEqual(ea.ptr, eb.ptr);
  // Another layout of the same array is a block of its own (a hidden-unit split's slices).
  const slices = cache.keep(a, 'units lstm 6 5 2', 4096);
  assert.ok(slices !== ea && slices.ptr !== ea.ptr && !slices.freed);
  assert.equal(cache.keep(a, 'units lstm 6 5 2', 4096), slices, 'the same layout again: the same block');
  cache.beginCall();
  const ec = cache.reserve(Float32Array.from(a), 1, 6, 6, 20).block;
  assert.ok(ea.freed && eb.freed && slices.freed && !ec.freed, 'the older blocks made room');
  cache.beginCall();
  const again = cache.reserve(a, 1, 6, 6, 20).block;
  assert.ok(!again.freed && !again.valid, 'an evicted entry is made anew, and packs before use');
});

test("backward's weight panels are reused while the saved bits are the cached ones, repacked after any edit", () => {
  const wasm = singleThreadBackend()!;
  const cache = wasm.packCache!;
  const args = makeArgs({ mode: 'lstm', T: 3, B: 2, I: 3, H: 5, proj: 0, bias: true, lengths: false, reverse: false, seed: 9 });
  const { T, B, P } = args.dims;
  const dy = Float32Array.from({ length: T * B * P }, (_, i) => Math.cos(i));
  const grads = () => wasm.sequenceBackward({ forward: args, result: wasm.sequenceForward(args), dy, dhN: null, dcN: null, stepGrads: false });
  const reference = () => jsBackend.sequenceBackward({ forward: args, result: jsBackend.sequenceForward(args), dy, dhN: null, dcN: null, stepGrads: false });
  grads();
  const { hits, misses } = cache;
  const again = grads();
  assert.equal(cache.misses, misses, 'nothing packed again: forward panels and both backward panels reused');
  assert.equal(cache.hits - hits, 4);
  assertClose('reused panels', again.dx, reference().dx, 1e-5);
  for (const key of ['wIh', 'wHh'] as const) {
    const w = args.weights[key];
    w[0]! += 0.25;
    const before = cache.misses;
    const got = grads();
    assert.equal(cache.misses - before, 2, `${key} edited: its forward and backward panels repacked`);
    const want = reference();
    assertClose(`${key} edited: dx`, got.dx, want.dx, 1e-5);
    assertClose(`${key} edited: dh0`, got.dh0, want.dh0, 1e-5);
  }
});
