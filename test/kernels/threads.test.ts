// Passes split across worker threads by batch rows: same values as the reference, forward
// bit-identical to one thread, gradients equal up to float32 summation order.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { jsBackend } from '../../src/kernels/js/index.js';
import type { CellMode } from '../../src/kernels/types.js';
import { wasmBackendSync } from '../../src/kernels/wasm/index.js';
import { isSplitSaved } from '../../src/kernels/wasm/threads/batch-split.js';
import { DEFAULT_POLICY } from '../../src/kernels/wasm/threads/plan.js';
import { WorkerPool } from '../../src/kernels/wasm/threads/pool.js';
import type { Assignment, Job, ReplyValue } from '../../src/kernels/wasm/threads/protocol.js';
import { lstm, noGrad, Tensor, weightedSum, getBackend, setBackend } from '../../src/index.js';
import { assertClose, GRAD_KEYS, makeArgs, type CaseSpec } from './helpers.js';

const wasm = wasmBackendSync()!;

test('threaded passes (3 threads, forced split) match one thread and the reference', () => {
  const before = wasm.threads;
  try {
    const specs: CaseSpec[] = [];
    let seed = 900;
    for (const mode of ['rnn_tanh', 'rnn_relu', 'lstm', 'gru'] as CellMode[]) {
      for (const proj of mode === 'lstm' ? [0, 4] : [0]) {
        for (const [lengths, reverse] of [[false, false], [true, true], [true, false]] as const) {
          specs.push({ mode, T: 6, B: 7, I: 5, H: 9, proj, bias: seed % 2 === 0, lengths, reverse, seed: seed++ });
          // 3- and 2-row chunks: their odd rows take the four-panel one-row tile (gates >= 64).
          specs.push({ mode, T: 4, B: 7, I: 5, H: 20, proj, bias: seed % 2 === 0, lengths, reverse, seed: seed++ });
        }
      }
    }
    // One thread first for every case, then one switch to 3 (workers start once).
    wasm.setThreads(1);
    const single = specs.map((spec) => wasm.sequenceForward(makeArgs(spec)));
    wasm.setThreads(3, { minWork: 0, minRows: 1 });
    specs.forEach((spec, n) => {
      const what = `${spec.mode} proj${spec.proj} lengths${spec.lengths} reverse${spec.reverse}`;
      const args = makeArgs(spec);
      const one = single[n]!;
      const three = wasm.sequenceForward(args);
      assert.ok(isSplitSaved(three.saved), `${what}: the pass was split`);
      assert.deepEqual(three.y, one.y, `${what}: y identical`);
      assert.deepEqual(three.hN, one.hN, `${what}: hN identical`);
      assert.deepEqual(three.cN, one.cN, `${what}: cN identical`);
      assert.deepEqual(three.trace, one.trace, `${what}: trace identical`);
      const want = jsBackend.sequenceForward(args);
      const { T, B, P } = args.dims;
      const upstream = Float32Array.from({ length: T * B * P }, (_, i) => Math.sin(i));
      const dhN = Float32Array.from({ length: B * P }, (_, i) => Math.cos(i));
      const gWant = jsBackend.sequenceBackward({ forward: args, result: want, dy: upstream, dhN, dcN: null, stepGrads: true });
      const gGot = wasm.sequenceBackward({ forward: args, result: three, dy: upstream, dhN, dcN: null, stepGrads: true });
      for (const key of GRAD_KEYS) assertClose(`${what} ${key}`, gGot[key], gWant[key], 1e-4);
    });
  } finally {
    wasm.setThreads(1);
    wasm.setThreads(before, DEFAULT_POLICY);
  }
});

test('startThreads starts the pool and says how many threads large passes use', async () => {
  const before = wasm.threads;
  try {
    wasm.setThreads(1);
    assert.equal(await wasm.startThreads(), 1);
    assert.equal(wasm.liveWorkers, 0);
    wasm.setThreads(2);
    assert.equal(await wasm.startThreads(), 2);
    assert.equal(wasm.liveWorkers, 1, 'started before any pass');
  } finally {
    wasm.setThreads(1);
    wasm.setThreads(before, DEFAULT_POLICY);
  }
});

test('sequenceForwardMany runs independent inference passes at once, with the values of one thread', () => {
  const before = wasm.threads;
  const { posted, restore } = spyJobs();
  try {
    let seed = 1300;
    const lists = (['lstm', 'gru', 'rnn_tanh'] as CellMode[]).flatMap((mode) =>
      [false, true].map((lengths) =>
        // A bidirectional layer's two directions: same input, one reversed; plus an odd batch.
        [false, true].map((reverse) => makeArgs({ mode, T: 5, B: 7, I: 4, H: 6, proj: mode === 'lstm' && lengths ? 3 : 0, bias: true, lengths, reverse, seed: seed++ }, false, true)),
      ),
    );
    wasm.setThreads(1);
    const single = lists.map((list) => list.map((a) => wasm.sequenceForward(a)));
    // 2 threads: one pass each (one job); 4 threads: each pass split in two (three jobs).
    for (const [threads, jobs] of [[2, 1], [4, 3]] as const) {
      wasm.setThreads(threads, { minWork: 0, minRows: 1 });
      lists.forEach((list, n) => {
        posted.length = 0;
        const got = wasm.sequenceForwardMany!(list);
        assert.deepEqual(posted, [jobs], `${threads} threads, case ${n}: one round of ${jobs} jobs`);
        got.forEach((r, i) => {
          const want = single[n]![i]!;
          assert.deepEqual(r.y, want.y, `case ${n} pass ${i}: y identical`);
          assert.deepEqual(r.hN, want.hN, `case ${n} pass ${i}: hN identical`);
          assert.deepEqual(r.cN, want.cN, `case ${n} pass ${i}: cN identical`);
          assert.deepEqual(r.trace, want.trace, `case ${n} pass ${i}: trace identical`);
          assert.equal(r.saved, null);
        });
      });
    }
    // Passes to be backpropagated keep their saves on this thread's split: one pass at a time.
    posted.length = 0;
    const trainArgs = lists[0]!.map((a) => ({ ...a, saveForBackward: true }));
    wasm.sequenceForwardMany!(trainArgs);
    assert.deepEqual(posted, [3, 3], 'each saved pass split on its own');
  } finally {
    restore();
    wasm.setThreads(1);
    wasm.setThreads(before, DEFAULT_POLICY);
  }
});

test('a bidirectional layer at inference gives the same output on 1 and 2 threads, and still trains on 2', () => {
  const before = wasm.threads;
  const backend = getBackend();
  setBackend(wasm);
  try {
    const layer = lstm({ inputSize: 5, hiddenSize: 12, numLayers: 2, bidirectional: true, seed: 4 });
    const x = new Tensor(Float32Array.from({ length: 9 * 6 * 5 }, (_, i) => Math.sin(i * 0.37)), [9, 6, 5]);
    const lengths = [9, 3, 7, 1, 9, 5];
    wasm.setThreads(1);
    const one = noGrad(() => layer.forward(x, undefined, { lengths }));
    wasm.setThreads(2, { minWork: 0, minRows: 1 });
    const spy = spyJobs();
    const two = noGrad(() => layer.forward(x, undefined, { lengths }));
    spy.restore();
    assert.deepEqual(spy.posted, [1, 1], 'per layer, one round trip: the reverse direction on the worker');
    assert.deepEqual(two.output.data, one.output.data);
    assert.deepEqual(two.state.h.data, one.state.h.data);
    assert.deepEqual(two.state.c.data, one.state.c.data);
    // With gradients the passes are saved and split by batch rows; the loss is the same.
    const out = layer.forward(x, undefined, { lengths }).output;
    weightedSum(out, new Float32Array(out.size).fill(1)).backward();
    assert.deepEqual(out.data, one.output.data);
    assert.ok(layer.stateDict().weight_hh_l1_reverse.grad!.some((g) => g !== 0));
  } finally {
    setBackend(backend);
    wasm.setThreads(1);
    wasm.setThreads(before, DEFAULT_POLICY);
  }
});

test('passes with output targets leave their rows in their columns on 1, 2 and 4 threads, and nothing changes with the next pass', () => {
  const before = wasm.threads;
  const { posted, restore } = spyJobs();
  try {
    let seed = 1700;
    // Each list: the two directions of a layer (the reverse one with lengths on odd cases).
    const lists = (['lstm', 'gru', 'rnn_tanh'] as CellMode[]).flatMap((mode) =>
      [false, true].map((lengths) =>
        [false, true].map((reverse) => makeArgs({ mode, T: 5, B: 7, I: 4, H: 6, proj: mode === 'lstm' && lengths ? 3 : 0, bias: true, lengths, reverse, seed: seed++ }, false, false)),
      ),
    );
    wasm.setThreads(1);
    const single = lists.map((list) => list.map((a) => wasm.sequenceForward(a)));
    const column = (data: Float32Array, rows: number, width: number, offset: number, P: number) =>
      Float32Array.from({ length: rows * P }, (_, i) => data[Math.floor(i / P) * width + offset + (i % P)]!);
    // 1 thread: written from WASM memory; 2: one pass here, one on the worker, placed when
    // it comes back; 4: each pass split in two chunks merged into the target. (Node's
    // replies are messages, never borrowed views: the browser threads page checks that a
    // borrowed reply's rows and states are copied out.)
    for (const threads of [1, 2, 4]) {
      wasm.setThreads(threads, { minWork: 0, minRows: 1 });
      const kept: { data: Float32Array; copy: Float32Array; results: { hN: Float32Array; cN: Float32Array | null; hNCopy: Float32Array; cNCopy: Float32Array | null }[] }[] = [];
      lists.forEach((list, n) => {
        const { T, B, P } = list[0]!.dims;
        const width = 2 * P + 1; // a spare column: nothing may be written outside the pass's own
        const data = new Float32Array(T * B * width).fill(-7);
        posted.length = 0;
        const got = wasm.sequenceForwardMany!(list.map((a, d) => ({ ...a, into: { data, stride: width, offset: d * P } })));
        // Workers took part (not a fallback to this thread): one round of 1 job on 2 threads, of 3 on 4.
        assert.deepEqual(posted, threads > 1 ? [threads - 1] : [], `${threads} threads, case ${n}: jobs per round`);
        got.forEach((r, d) => {
          const want = single[n]![d]!;
          const what = `${threads} threads, case ${n} pass ${d}`;
          assert.equal(r.y, data, `${what}: y is the target itself`);
          assert.deepEqual(column(data, T * B, width, d * P, P), want.y, `${what}: its columns hold its y`);
          assert.deepEqual(r.hN, want.hN, `${what}: hN identical`);
          assert.deepEqual(r.cN, want.cN, `${what}: cN identical`);
        });
        assert.ok(column(data, T * B, width, 2 * P, 1).every((v) => v === -7), `${threads} threads, case ${n}: the spare column untouched`);
        kept.push({ data, copy: data.slice(), results: got.map((r) => ({ hN: r.hN, cN: r.cN, hNCopy: r.hN.slice(), cNCopy: r.cN ? r.cN.slice() : null })) });
        // One pass alone, split by batch rows on 2 and 4 threads (this thread's chunk writes
        // its rows into the output itself): without a target, and into a target.
        posted.length = 0;
        const alone = wasm.sequenceForward(list[1]!);
        assert.deepEqual(posted, threads > 1 ? [threads - 1] : [], `${threads} threads, case ${n}: a pass alone, split`);
        assert.deepEqual(alone.y, single[n]![1]!.y, `${threads} threads, case ${n}: a pass alone, y identical`);
        assert.deepEqual(alone.hN, single[n]![1]!.hN, `${threads} threads, case ${n}: a pass alone, hN identical`);
        const wide = new Float32Array(T * B * width).fill(-7);
        const placed = wasm.sequenceForward({ ...list[1]!, into: { data: wide, stride: width, offset: 1 } });
        assert.equal(placed.y, wide);
        assert.deepEqual(column(wide, T * B, width, 1, P), single[n]![1]!.y, `${threads} threads, case ${n}: a pass alone into a target`);
        assert.ok(column(wide, T * B, width, 0, 1).every((v) => v === -7), `${threads} threads, case ${n}: the column before the target untouched`);
      });
      // What earlier passes returned stays as it was after later ones.
      kept.forEach((k, n) => {
        assert.deepEqual(k.data, k.copy, `${threads} threads, case ${n}: output unchanged by later passes`);
        k.results.forEach((r, d) => {
          assert.deepEqual(r.hN, r.hNCopy, `${threads} threads, case ${n} pass ${d}: hN unchanged by later passes`);
          assert.deepEqual(r.cN, r.cNCopy, `${threads} threads, case ${n} pass ${d}: cN unchanged by later passes`);
        });
      });
    }
  } finally {
    restore();
    wasm.setThreads(1);
    wasm.setThreads(before, DEFAULT_POLICY);
  }
});

/** Records the number of jobs of each round sent to the workers. */
function spyJobs(): { posted: number[]; restore: () => void } {
  const run = WorkerPool.prototype.run;
  const posted: number[] = [];
  WorkerPool.prototype.run = function <J extends Job, L>(this: WorkerPool, jobs: readonly Assignment<J>[], local: () => L) {
    posted.push(jobs.length);
    return run.call(this, jobs, local) as { local: L; replies: ReplyValue[J['kind']][] };
  };
  return { posted, restore: () => void (WorkerPool.prototype.run = run) };
}

test('small batches split by hidden units across threads give the values of one thread', () => {
  const before = wasm.threads;
  const { posted, restore } = spyJobs();
  try {
    const specs: CaseSpec[] = [];
    let seed = 1500;
    for (const mode of ['rnn_tanh', 'rnn_relu', 'lstm', 'gru'] as CellMode[]) {
      for (const [B, lengths, reverse] of [[1, false, false], [3, true, true], [5, true, false]] as const) {
        specs.push({ mode, T: 7, B, I: 5, H: 96, proj: 0, bias: seed % 2 === 0, lengths, reverse, seed: seed++ });
      }
    }
    wasm.setThreads(1);
    const single = specs.map((spec) => wasm.sequenceForward(makeArgs(spec, false, false)));
    // 96 units: 48 per thread on 2 threads, 32 on 3.
    for (const [threads, jobs] of [[2, 1], [3, 2]] as const) {
      wasm.setThreads(threads, { minWork: 0, minRows: 4 });
      specs.forEach((spec, n) => {
        const what = `${threads} threads ${spec.mode} B${spec.B} lengths${spec.lengths} reverse${spec.reverse}`;
        posted.length = 0;
        const got = wasm.sequenceForward(makeArgs(spec, false, false));
        assert.deepEqual(posted, [jobs], `${what}: split by units`);
        assert.deepEqual(got.y, single[n]!.y, `${what}: y identical`);
        assert.deepEqual(got.hN, single[n]!.hN, `${what}: hN identical`);
        assert.deepEqual(got.cN, single[n]!.cN, `${what}: cN identical`);
      });
    }
    // K > 256 (W_ih with I 320, W_hh with H 512) at odd rows: the GEMM adds partial sums
    // through its staging buffer, which each thread must have to itself.
    wasm.setThreads(2, { minWork: 0, minRows: 4 });
    for (const spec of [
      { mode: 'lstm', T: 5, B: 1, I: 320, H: 64, proj: 0, bias: true, lengths: false, reverse: false, seed: 31 },
      { mode: 'gru', T: 4, B: 3, I: 7, H: 512, proj: 0, bias: true, lengths: true, reverse: true, seed: 32 },
      { mode: 'lstm', T: 3, B: 1, I: 9, H: 512, proj: 0, bias: false, lengths: false, reverse: false, seed: 33 },
    ] as CaseSpec[]) {
      wasm.setThreads(1);
      const want = wasm.sequenceForward(makeArgs(spec, false, false));
      wasm.setThreads(2, { minWork: 0, minRows: 4 });
      for (let rep = 0; rep < 3; rep++) {
        posted.length = 0;
        const got = wasm.sequenceForward(makeArgs(spec, false, false));
        assert.deepEqual(posted, [1], `${spec.mode} I${spec.I} H${spec.H}: split by units`);
        assert.deepEqual(got.y, want.y, `${spec.mode} I${spec.I} H${spec.H} (call ${rep}): y identical`);
        assert.deepEqual(got.hN, want.hN);
      }
    }
    // Staging that fails (lengths for more sequences than the batch) lets the waiting workers
    // go at once, and the next pass splits as before.
    const bad = makeArgs({ mode: 'lstm', T: 4, B: 1, I: 3, H: 64, proj: 0, bias: true, lengths: false, reverse: false, seed: 8 }, false, false);
    const started = Date.now();
    assert.throws(() => wasm.sequenceForward({ ...bad, lengths: Int32Array.of(4, 4) }), RangeError);
    assert.ok(Date.now() - started < 10_000, 'the workers were released, not left to time out');
    posted.length = 0;
    wasm.sequenceForward(bad);
    assert.deepEqual(posted, [1], 'still split by units');
    // Weights edited in place between calls are packed again (each thread checks its rows).
    wasm.setThreads(2, { minWork: 0, minRows: 4 });
    const args = makeArgs({ mode: 'lstm', T: 6, B: 1, I: 4, H: 64, proj: 0, bias: true, lengths: false, reverse: false, seed: 77 }, false, false);
    const first = wasm.sequenceForward(args);
    for (const [w, i] of [[args.weights.wHh, 5], [args.weights.wHh, 64 * 64 * 3 + 40], [args.weights.wIh, 4 * 200]] as const) {
      w[i] = w[i]! + 0.5;
      const edited = wasm.sequenceForward(args);
      wasm.setThreads(1);
      const want = wasm.sequenceForward(args);
      wasm.setThreads(2, { minWork: 0, minRows: 4 });
      assert.notDeepEqual(edited.y, first.y, `edit at ${i} seen`);
      assert.deepEqual(edited.y, want.y, `edit at ${i}: y as one thread computes it`);
    }
    // What does not split by units: hidden sizes that are no multiple of 16 per thread,
    // passes to be backpropagated, projections.
    posted.length = 0;
    wasm.sequenceForward(makeArgs({ mode: 'lstm', T: 4, B: 1, I: 3, H: 40, proj: 0, bias: true, lengths: false, reverse: false, seed: 5 }, false, false));
    wasm.sequenceForward(makeArgs({ mode: 'lstm', T: 4, B: 1, I: 3, H: 64, proj: 0, bias: true, lengths: false, reverse: false, seed: 6 }, true, false));
    wasm.sequenceForward(makeArgs({ mode: 'lstm', T: 4, B: 1, I: 3, H: 64, proj: 8, bias: true, lengths: false, reverse: false, seed: 7 }, false, false));
    assert.deepEqual(posted, []);
  } finally {
    restore();
    wasm.setThreads(1);
    wasm.setThreads(before, DEFAULT_POLICY);
  }
});
