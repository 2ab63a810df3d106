// A pass saved for backward borrows the pack cache's copy of unchanged weights instead of
// copying them (pack-cache.ts, saved.ts). Whatever happens to those bits before backward
// runs (an in-place edit and another pass, eviction from the cache, the save moving out of
// kernel memory), its gradients stay those of the weights it ran with.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { jsBackend } from '../../src/kernels/js/index.js';
import type { SequenceBackwardArgs, SequenceForwardArgs, SequenceForwardResult, SequenceWeights } from '../../src/kernels/types.js';
import { Arena } from '../../src/kernels/wasm/arena.js';
import { loadKernelsSync } from '../../src/kernels/wasm/module.js';
import { PackCache } from '../../src/kernels/wasm/pack-cache.js';
import { SavedStore, type SavedHandle } from '../../src/kernels/wasm/saved.js';
import { wasmBackward } from '../../src/kernels/wasm/backward.js';
import { wasmForward } from '../../src/kernels/wasm/forward.js';
import { singleThreadBackend } from '../../src/kernels/wasm/single.js';
import { assertClose, GRAD_KEYS, makeArgs, type CaseSpec } from './helpers.js';

const spec = (mode: CaseSpec['mode'], proj = 0): CaseSpec => ({ mode, T: 4, B: 3, I: 5, H: 8, proj, bias: true, lengths: true, reverse: false, seed: 21 });

const backwardArgs = (forward: SequenceForwardArgs, result: SequenceForwardResult): SequenceBackwardArgs => {
  const { T, B, P } = forward.dims;
  return { forward, result, dy: Float32Array.from({ length: T * B * P }, (_, i) => Math.sin(i + 1)), dhN: null, dcN: null, stepGrads: false };
};

/** The reference gradients of `args` run with `weights`. */
const reference = (args: SequenceForwardArgs, weights: SequenceWeights) => {
  const a = { ...args, weights };
  return jsBackend.sequenceBackward(backwardArgs(a, jsBackend.sequenceForward(a)));
};

const copyWeights = (w: SequenceWeights): SequenceWeights => ({
  wIh: w.wIh.slice(), wHh: w.wHh.slice(), bIh: w.bIh?.slice() ?? null, bHh: w.bHh?.slice() ?? null, wHr: w.wHr?.slice() ?? null,
});

/**
 * A save of other weights of the same shape, backpropagated: its freed room (where the next
 * save's own copy of the weights would go) holds wrong bits, so a save that reads its room
 * instead of what was evacuated into it gets wrong gradients. Then a pass that packs `args`'
 * weights, so the next save of them borrows.
 */
function poisonRoom(wasm: ReturnType<typeof singleThreadBackend> & object, args: SequenceForwardArgs): void {
  const w = args.weights;
  const other = { ...args, weights: { ...copyWeights(w), wIh: w.wIh.map((v) => -v), wHh: w.wHh.map((v) => 2 * v) } };
  wasm.sequenceBackward(backwardArgs(other, wasm.sequenceForward(other)));
  wasm.sequenceForward({ ...args, saveForBackward: false });
}

test('a save borrows the kept bits of unchanged weights; an in-place edit and another pass before its backward leave its gradients', () => {
  const wasm = singleThreadBackend()!;
  if (!wasm.packCache!.comparesInPlace) return assert.fail('Node compares weights in place (Buffer.equals)');
  for (const [mode, proj] of [['lstm', 0], ['lstm', 3], ['gru', 0], ['rnn_tanh', 0]] as const) {
    const args = makeArgs(spec(mode, proj), true, false);
    poisonRoom(wasm, args);
    const old = copyWeights(args.weights);
    const first = wasm.sequenceForward(args);
    assert.equal(wasm.saved.borrowedParts, 2, `${mode} P${proj}: W_ih and W_hh borrowed, not copied`);
    // An optimiser-like edit in place, then a pass with the new weights: the cache repacks,
    // evacuating the first save's borrowed bits before it overwrites them.
    args.weights.wIh[0]! += 0.5;
    args.weights.wHh[args.weights.wHh.length - 1]! -= 0.25;
    const second = wasm.sequenceForward(args);
    assert.equal(wasm.saved.borrowedParts, 0, `${mode} P${proj}: evacuated; the changed weights were copied`);
    const gFirst = wasm.sequenceBackward(backwardArgs(args, first));
    const gSecond = wasm.sequenceBackward(backwardArgs(args, second));
    const wantFirst = reference(args, old);
    const wantSecond = reference(args, args.weights);
    for (const key of GRAD_KEYS) {
      assertClose(`${mode} P${proj} first ${key}`, gFirst[key], wantFirst[key], 1e-5);
      assertClose(`${mode} P${proj} second ${key}`, gSecond[key], wantSecond[key], 1e-5);
    }
    assert.notDeepEqual(gFirst.dWHh, gSecond.dWHh, 'the edit changes the gradients');
  }
});

test('a save that moves out of kernel memory takes its borrowed bits with it', () => {
  const tight = singleThreadBackend(undefined, { savedBudget: 1 })!;
  const args = makeArgs(spec('lstm'), true, false);
  poisonRoom(tight, args);
  const old = copyWeights(args.weights);
  const first = tight.sequenceForward(args);
  assert.equal(tight.saved.borrowedParts, 2);
  // A second save past the budget moves the first out to JS arrays.
  const other = makeArgs({ ...spec('lstm'), seed: 5 }, true, false);
  const second = tight.sequenceForward(other);
  assert.equal(tight.saved.borrowedParts, 0, 'the moved-out save copied its borrowed bits; the new one had nothing to borrow');
  args.weights.wHh.fill(0.125);
  tight.sequenceForward({ ...args, saveForBackward: false });
  const got = tight.sequenceBackward(backwardArgs(args, first));
  const want = reference(args, old);
  for (const key of GRAD_KEYS) assertClose(`moved out ${key}`, got[key], want[key], 1e-5);
  tight.sequenceBackward(backwardArgs(other, second));
  assert.equal(tight.saved.size, 0);
});

test('evicting or freeing a pinned cache block first copies its bits into the save', () => {
  const inst = loadKernelsSync();
  const arena = new Arena(inst);
  const cache = new PackCache(arena, 1);
  const store = new SavedStore(arena);
  // A new call that packs `weights` (6 x 20) into the cache.
  const packIn = (weights: Float32Array) => {
    cache.beginCall();
    const entry = cache.reserve(weights, 1, 6, 6, 20);
    arena.begin();
    const src = arena.take(weights.length);
    arena.commit().set(weights, src >> 2);
    cache.refresh(inst.exports, entry, src);
    return entry;
  };
  const w = Float32Array.from({ length: 6 * 20 }, (_, i) => Math.cos(i));
  const e = packIn(w);
  assert.ok(cache.matches(e, w), 'the kept bits are the weights');
  const sizes = { x: 1, wIh: w.length, wHh: 0, wHr: 0, hs: 1, cs: 0, gates: 0, hn: 0, m: 0 };
  const { handle, layout } = store.keep(sizes, false);
  store.borrow(handle, 'wIh', cache, e.block);
  const lent = store.lookup(handle);
  assert.ok('layout' in lent && lent.layout.wIh === e.block.ptr, 'read from the cache block while borrowed');
  // A new call whose block does not fit the 1-byte budget evicts the borrowed one.
  cache.beginCall();
  cache.reserve(w.map((v) => -v), 1, 6, 6, 20);
  assert.ok(e.block.freed);
  assert.equal(store.borrowedParts, 0);
  const own = store.lookup(handle);
  assert.ok('layout' in own && own.layout.wIh === layout.wIh, 'read from its own room now');
  assert.deepEqual(arena.f32().slice(layout.wIh >> 2, (layout.wIh >> 2) + w.length), w);
  // A lookup keeps the blocks it lends for the rest of the call.
  const w2 = Float32Array.from(w, (v) => v + 1);
  const e2 = packIn(w2);
  const second = store.keep(sizes, false);
  store.borrow(second.handle, 'wIh', cache, e2.block);
  cache.beginCall();
  store.lookup(second.handle);
  cache.reserve(w2.map((v) => -v), 1, 6, 6, 20);
  assert.ok(!e2.block.freed, 'lent to this call: not evicted');
  store.release(second.handle.savedId);
  store.release(handle.savedId);
  assert.equal(store.borrowedParts, 0);
});

test("backward's own cache reservations never evict the blocks its lookup lent (a 1-byte pack budget)", () => {
  for (const mode of ['lstm', 'gru', 'rnn_tanh'] as const) {
    const inst = loadKernelsSync();
    const arena = new Arena(inst);
    const store = new SavedStore(arena);
    const cache = new PackCache(arena, 1);
    const args = makeArgs({ ...spec(mode), seed: 3 }, true, false);
    wasmForward(inst.exports, arena, store, cache, { ...args, saveForBackward: false }, true);
    const r = wasmForward(inst.exports, arena, store, cache, args, true);
    assert.equal(store.borrowedParts, 2, `${mode}: borrowed`);
    const got = wasmBackward(inst.exports, arena, store, cache, backwardArgs(args, r));
    store.release((r.saved as SavedHandle).savedId);
    const want = reference(args, args.weights);
    for (const key of GRAD_KEYS) assertClose(`${mode} ${key}`, got[key], want[key], 1e-5);
  }
});

test('where weights cannot be compared in place (browsers), they are copied in, compared in SIMD, never borrowed', () => {
  const inst = loadKernelsSync();
  const arena = new Arena(inst);
  const store = new SavedStore(arena);
  const cache = new PackCache(arena, undefined, null);
  assert.equal(cache.comparesInPlace, false);
  const args = makeArgs(spec('lstm', 3), true, false);
  const run = () => wasmForward(inst.exports, arena, store, cache, args, true);
  const back = (r: SequenceForwardResult) => {
    const g = wasmBackward(inst.exports, arena, store, cache, backwardArgs(args, r));
    store.release((r.saved as SavedHandle).savedId);
    return g;
  };
  back(run());
  const { hits, misses } = cache;
  const old = copyWeights(args.weights);
  const first = run();
  assert.equal(store.borrowedParts, 0);
  assert.equal(cache.misses, misses, 'unchanged weights: nothing repacked');
  assert.equal(cache.hits - hits, 3, 'W_ih, W_hh, W_hr reused after the in-kernel compare');
  args.weights.wHh[0]! += 0.5;
  const second = run();
  assert.equal(cache.misses - misses, 1, 'the edited W_hh repacked');
  const gFirst = back(first);
  const gSecond = back(second);
  const wantFirst = reference(args, old);
  const wantSecond = reference(args, args.weights);
  for (const key of GRAD_KEYS) {
    assertClose(`first ${key}`, gFirst[key], wantFirst[key], 1e-5);
    assertClose(`second ${key}`, gSecond[key], wantSecond[key], 1e-5);
  }
});

test('one array as both W_ih and W_hh (I == P) is packed once per change, and its saves stay right', () => {
  const wasm = singleThreadBackend()!;
  const cache = wasm.packCache!;
  const args = makeArgs({ ...spec('gru'), I: 8 }, true, false);
  const tied = { ...args, weights: { ...args.weights, wHh: args.weights.wIh } };
  wasm.sequenceBackward(backwardArgs(tied, wasm.sequenceForward(tied)));
  const old = copyWeights(tied.weights);
  const first = wasm.sequenceForward(tied);
  tied.weights.wIh[3]! -= 0.5;
  const misses = cache.misses;
  const second = wasm.sequenceForward(tied);
  assert.equal(cache.misses - misses, 1, 'the shared block repacked once');
  const gFirst = wasm.sequenceBackward(backwardArgs(tied, first));
  const gSecond = wasm.sequenceBackward(backwardArgs(tied, second));
  const wantFirst = reference(tied, old);
  const wantSecond = reference(tied, tied.weights);
  for (const key of GRAD_KEYS) {
    assertClose(`first ${key}`, gFirst[key], wantFirst[key], 1e-5);
    assertClose(`second ${key}`, gSecond[key], wantSecond[key], 1e-5);
  }
});
