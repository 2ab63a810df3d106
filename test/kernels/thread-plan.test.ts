// The thread plan (threads/plan.ts) on its own, without starting a worker: which passes
// split, how, and which thread owns each chunk.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_POLICY, planMany, planPass, rowsOf, unitThreads, work, type PlanContext } from '../../src/kernels/wasm/threads/plan.js';
import { makeArgs, type CaseSpec } from './helpers.js';

const spec = (over: Partial<CaseSpec>): CaseSpec => ({ mode: 'lstm', T: 10, B: 16, I: 8, H: 32, proj: 0, bias: true, lengths: false, reverse: false, seed: 1, ...over });
const forced: PlanContext = { threads: 3, policy: { minWork: 0, minRows: 1 }, units: true };

test('rows split near-equally, contiguous, covering the batch', () => {
  assert.deepEqual(rowsOf(7, 3), [{ b0: 0, b1: 2 }, { b0: 2, b1: 4 }, { b0: 4, b1: 7 }]);
  assert.deepEqual(rowsOf(4, 1), [{ b0: 0, b1: 4 }]);
  // The multiply-adds a pass counts: T B 4H (I + P) for an LSTM.
  assert.equal(work(makeArgs(spec({}))), 10 * 16 * 4 * 32 * (8 + 32));
});

test('batch splits: chunk 0 on the caller, chunk i on worker i - 1', () => {
  const plan = planPass(makeArgs(spec({ B: 7 })), forced);
  assert.deepEqual(plan, {
    strategy: 'batch',
    chunks: [
      { b0: 0, b1: 2, worker: null },
      { b0: 2, b1: 4, worker: 0 },
      { b0: 4, b1: 7, worker: 1 },
    ],
  });
  // minRows caps the chunks: 7 rows at 4 per chunk make one chunk, so no split.
  assert.deepEqual(planPass(makeArgs(spec({ B: 7 })), { ...forced, policy: { minWork: 0, minRows: 4 } }), { strategy: 'single' });
  assert.equal(planPass(makeArgs(spec({ B: 8 })), { ...forced, policy: { minWork: 0, minRows: 4 } }).strategy, 'batch');
});

test('what stays on one thread: one thread, too little work, a cell variant', () => {
  const a = makeArgs(spec({ B: 8 }));
  assert.deepEqual(planPass(a, { ...forced, threads: 1 }), { strategy: 'single' });
  assert.deepEqual(planPass(a, { ...forced, policy: DEFAULT_POLICY }), { strategy: 'single' }, `${work(a)} multiply-adds < 2^27`);
  const big = makeArgs(spec({ T: 100, B: 64, I: 64, H: 256 }));
  assert.equal(planPass(big, { ...forced, policy: DEFAULT_POLICY }).strategy, 'batch');
  const variant = { ...big, variant: { peephole: null, coupleInputForget: false, clip: 1, resetAfter: true, layerNorm: null, inputMask: null, hiddenMask: null, zoneout: null } };
  assert.deepEqual(planPass(variant, { ...forced, policy: DEFAULT_POLICY }), { strategy: 'single' });
});

test('small inference batches split by hidden units, 16 units a thread at least', () => {
  const infer = (over: Partial<CaseSpec>) => makeArgs(spec({ B: 1, ...over }), false, false);
  const ctx: PlanContext = { threads: 3, policy: { minWork: 0, minRows: 4 }, units: true };
  assert.deepEqual(planPass(infer({ H: 96 }), ctx), { strategy: 'units', threads: 3 });
  assert.deepEqual(planPass(infer({ H: 32 }), ctx), { strategy: 'units', threads: 2 }, '3 threads would get 10.7 units each');
  assert.equal(unitThreads(infer({ H: 40 }), 3), 1, 'no multiple of 16 units per thread');
  assert.equal(unitThreads(makeArgs(spec({ B: 1, H: 96 }), true, false), 3), 1, 'a pass to be backpropagated');
  assert.equal(unitThreads(infer({ H: 96, proj: 8 }), 3), 1, 'a projection');
  // Where the shared memory failed, the same pass goes by batch rows (one row here: no split).
  assert.deepEqual(planPass(infer({ H: 96 }), { ...ctx, units: false }), { strategy: 'single' });
});

test('independent inference passes share the threads out; saved passes go one at a time', () => {
  const both = [false, true].map((reverse) => makeArgs(spec({ B: 6, reverse }), false, false));
  // 2 threads: one pass each, whole. 4 threads: each pass split in two.
  assert.deepEqual(planMany(both, { ...forced, threads: 2 }), {
    strategy: 'together',
    pieces: [
      { pass: 0, whole: true, chunk: { b0: 0, b1: 6, worker: null } },
      { pass: 1, whole: true, chunk: { b0: 0, b1: 6, worker: 0 } },
    ],
  });
  const four = planMany(both, { ...forced, threads: 4 });
  assert.equal(four.strategy, 'together');
  if (four.strategy === 'together') {
    assert.deepEqual(four.pieces.map((p) => [p.pass, p.chunk.b0, p.chunk.b1, p.chunk.worker, p.whole]), [
      [0, 0, 3, null, false],
      [0, 3, 6, 0, false],
      [1, 0, 3, 1, false],
      [1, 3, 6, 2, false],
    ]);
  }
  assert.deepEqual(planMany([...both, ...both, both[0]!], forced), { strategy: 'groups', size: 3 });
  assert.deepEqual(planMany(both.map((a) => ({ ...a, saveForBackward: true })), forced), { strategy: 'each' });
  assert.deepEqual(planMany(both, { ...forced, threads: 1 }), { strategy: 'each' });
  assert.deepEqual(planMany(both, { ...forced, policy: DEFAULT_POLICY }), { strategy: 'each' }, 'too little work together');
});

test('small calls (one step, batch 1, hidden 256) stay on the calling thread at any thread count', () => {
  for (const threads of [2, 3, 8]) {
    for (const save of [true, false]) {
      const ctx: PlanContext = { threads, policy: DEFAULT_POLICY, units: true };
      const a = makeArgs(spec({ T: 1, B: 1, I: 64, H: 256 }), save, false);
      assert.deepEqual(planPass(a, ctx), { strategy: 'single' }, `threads ${threads} save ${save}`);
    }
  }
});
