// Recurrent dropout on the WASM kernels (args.dropout): the same outputs and gradients as the
// reference variant kernels given the same masks, on one thread, on both builds, split
// across threads, and through a layer with recurrentDropout (autograd routes it to the
// backend instead of the variant kernels).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dropoutVariant, variantSequenceBackward, variantSequenceForward } from '../../src/kernels/js/variants/index.js';
import { jsBackend } from '../../src/kernels/js/index.js';
import type { Backend, CellMode, CellVariant, DropoutMasks, SequenceForwardArgs } from '../../src/kernels/types.js';
import { kernelVariant } from '../../src/kernels/wasm/module.js';
import { singleThreadBackend } from '../../src/kernels/wasm/single.js';
import { wasmBackendSync } from '../../src/kernels/wasm/index.js';
import { isSplitSaved } from '../../src/kernels/wasm/threads/batch-split.js';
import { DEFAULT_POLICY } from '../../src/kernels/wasm/threads/plan.js';
import { sequenceBackward as entryBackward, sequenceForward as entryForward } from '../../src/kernels/entry.js';
import { lstm, gru, setBackend, getBackend, Tensor, weightedSum } from '../../src/index.js';
import { assertClose, GRAD_KEYS, makeArgs, seeded, type CaseSpec } from './helpers.js';

const FWD = 1e-5;
const GRAD = 1e-4;

/** Inverted-dropout masks with p = 0.3 (0 or 1/0.7), seeded. */
function masks(B: number, I: number, P: number, seed: number, which: 'both' | 'input' | 'hidden'): DropoutMasks {
  const r = seeded(seed);
  const draw = (n: number) => Float32Array.from({ length: n }, () => (r() < -0.4 ? 0 : 1 / 0.7));
  return { input: which === 'hidden' ? null : draw(B * I), hidden: which === 'input' ? null : draw(B * P) };
}

const asVariant = (m: DropoutMasks): CellVariant => dropoutVariant(m);

function specs(): { spec: CaseSpec; which: 'both' | 'input' | 'hidden' }[] {
  const out: { spec: CaseSpec; which: 'both' | 'input' | 'hidden' }[] = [];
  let seed = 300;
  for (const mode of ['rnn_tanh', 'rnn_relu', 'lstm', 'gru'] as CellMode[]) {
    for (const [lengths, reverse] of [[false, false], [true, true], [true, false]] as const) {
      for (const which of ['both', 'input', 'hidden'] as const) {
        out.push({ spec: { mode, T: 6, B: 5, I: 7, H: 9, proj: 0, bias: seed % 2 === 0, lengths, reverse, seed: seed++ }, which });
      }
    }
    // Hidden 20: full 4-unit groups and the 16-column GEMM panels, batch 7 with odd rows.
    out.push({ spec: { mode, T: 5, B: 7, I: 8, H: 20, proj: 0, bias: true, lengths: true, reverse: false, seed: seed++ }, which: 'both' });
  }
  return out;
}

function upstream(a: SequenceForwardArgs): { dy: Float32Array; dhN: Float32Array; dcN: Float32Array | null } {
  const { T, B, H, P } = a.dims;
  return {
    dy: Float32Array.from({ length: T * B * P }, (_, i) => Math.sin(i)),
    dhN: Float32Array.from({ length: B * P }, (_, i) => Math.cos(i)),
    dcN: a.mode === 'lstm' ? Float32Array.from({ length: B * H }, (_, i) => Math.sin(2 * i)) : null,
  };
}

/** Runs one case on `backend` and on the variant kernels and compares everything. */
function compare(backend: Pick<Backend, 'sequenceForward' | 'sequenceBackward'>, spec: CaseSpec, which: 'both' | 'input' | 'hidden', what: string, split = false): void {
  const plain = makeArgs(spec);
  const m = masks(plain.dims.B, plain.dims.I, plain.dims.P, spec.seed + 1, which);
  const args: SequenceForwardArgs = { ...plain, dropout: m };
  const ref: SequenceForwardArgs = { ...plain, variant: asVariant(m) };
  const got = backend.sequenceForward(args);
  if (split) assert.ok(isSplitSaved(got.saved), `${what}: the pass was split`);
  const want = variantSequenceForward(ref);
  assertClose(`${what} y`, got.y, want.y, FWD);
  assertClose(`${what} hN`, got.hN, want.hN, FWD);
  assertClose(`${what} cN`, got.cN, want.cN, FWD);
  const up = upstream(args);
  const gGot = backend.sequenceBackward({ forward: args, result: got, ...up, stepGrads: true });
  const gWant = variantSequenceBackward({ forward: ref, result: want, ...up, stepGrads: true });
  for (const key of GRAD_KEYS) assertClose(`${what} ${key}`, gGot[key], gWant[key], GRAD);
}

test('dropout masks on the WASM kernels match the reference variant kernels (both builds)', () => {
  // This runtime's build (relaxed where it validates, which also enables it), then the plain one.
  for (const variant of [...new Set([kernelVariant(), 'simd128' as const])]) {
    const backend = singleThreadBackend(variant)!;
    assert.equal(backend.dropoutMasks, true);
    for (const { spec, which } of specs()) {
      compare(backend, spec, which, `${variant} ${spec.mode} H${spec.H} ${which} lengths${spec.lengths} reverse${spec.reverse}`);
    }
  }
});

test('dropout masks split across threads match the reference, forward identical to one thread', () => {
  const wasm = wasmBackendSync()!;
  const before = wasm.threads;
  try {
    wasm.setThreads(3, { minWork: 0, minRows: 1 });
    for (const { spec, which } of specs().filter((s) => s.which === 'both')) {
      const what = `3 threads ${spec.mode} H${spec.H} lengths${spec.lengths} reverse${spec.reverse}`;
      compare(wasm, spec, which, what, true);
      const args = { ...makeArgs(spec), dropout: masks(spec.B, spec.I, spec.H, spec.seed + 1, which) };
      const one = singleThreadBackend()!.sequenceForward(args);
      assert.deepEqual(wasm.sequenceForward(args).y, one.y, `${what}: y identical to one thread`);
    }
  } finally {
    wasm.setThreads(1);
    wasm.setThreads(before, DEFAULT_POLICY);
  }
});

test('a layer with recurrentDropout trains on the WASM backend with the reference variant gradients', () => {
  const previous = getBackend();
  try {
    for (const make of [lstm, gru]) {
      const grads: Record<string, Float32Array>[] = [];
      const outputs: Float32Array[] = [];
      for (const backend of ['wasm', 'js']) {
        setBackend(backend);
        // Same seed: the same weights and the same dropout masks on both backends.
        const layer = make({ inputSize: 6, hiddenSize: 12, numLayers: 2, recurrentDropout: 0.25, seed: 11 });
        const x = new Tensor(Float32Array.from({ length: 5 * 3 * 6 }, (_, i) => Math.sin(i)), [5, 3, 6]);
        const { output } = layer.forward(x);
        weightedSum(output, Float32Array.from({ length: output.size }, (_, i) => Math.cos(i))).backward();
        outputs.push(output.data);
        grads.push(Object.fromEntries(Object.entries(layer.stateDict()).map(([k, t]) => [k, t.grad!])));
      }
      assertClose(`${make.name} output`, outputs[0]!, outputs[1]!, FWD);
      for (const key of Object.keys(grads[1]!)) assertClose(`${make.name} ${key}.grad`, grads[0]![key]!, grads[1]![key]!, GRAD);
      // The masks are in effect: without dropout the output differs.
      setBackend('wasm');
      const plainLayer = make({ inputSize: 6, hiddenSize: 12, numLayers: 2, seed: 11 });
      const x = new Tensor(Float32Array.from({ length: 5 * 3 * 6 }, (_, i) => Math.sin(i)), [5, 3, 6]);
      const plainOut = plainLayer.forward(x).output.data;
      assert.ok(plainOut.some((v, i) => Math.abs(v - outputs[0]![i]!) > 1e-3), `${make.name}: dropout changed the output`);
    }
  } finally {
    setBackend(previous);
  }
});

test('dropout masks survive eviction of the saved pass to JS arrays', () => {
  // A 1-byte budget: each kept block moves out to JS arrays as soon as the next pass keeps one.
  const backend = singleThreadBackend(undefined, { savedBudget: 1 })!;
  for (const mode of ['lstm', 'gru', 'rnn_tanh'] as CellMode[]) {
    const spec: CaseSpec = { mode, T: 5, B: 4, I: 6, H: 8, proj: 0, bias: true, lengths: true, reverse: false, seed: 77 };
    compare(
      {
        sequenceForward: (a) => {
          const r = backend.sequenceForward(a);
          const resident = backend.saved.bytes;
          const other = backend.sequenceForward({ ...a, dropout: undefined }); // evicts r's block
          assert.equal(backend.saved.bytes, resident, 'only the newest save is resident: the first one moved out');
          backend.releaseSaved([(other.saved as { savedId: number }).savedId]);
          return r;
        },
        sequenceBackward: (a) => backend.sequenceBackward(a),
      },
      spec,
      'both',
      `evicted ${mode}`,
    );
  }
});

test('the kernel entry point: dropout masks reach only backends that apply them, other variants the variant kernels', () => {
  const spec: CaseSpec = { mode: 'gru', T: 4, B: 3, I: 5, H: 6, proj: 0, bias: true, lengths: false, reverse: true, seed: 91 };
  const plain = makeArgs(spec);
  const m = masks(plain.dims.B, plain.dims.I, plain.dims.P, 92, 'both');
  const seen: string[] = [];
  const spy = (inner: Backend, dropoutMasks: boolean): Backend => ({
    ...inner,
    name: `spy ${inner.name}`,
    dropoutMasks,
    sequenceForward: (a) => {
      seen.push(a.variant ? 'variant' : a.dropout ? 'dropout' : 'plain');
      return inner.sequenceForward(a);
    },
  });
  const reference = spy(jsBackend, false);
  const wasmOne = spy(singleThreadBackend()!, true);
  const variantArgs: SequenceForwardArgs = { ...plain, variant: asVariant(m) };
  const want = variantSequenceForward(variantArgs);
  // Masks on the reference backend (no dropoutMasks): the variant kernels, not the backend.
  assert.deepEqual(entryForward({ ...plain, dropout: m }, reference).y, want.y);
  assert.deepEqual(entryForward(variantArgs, reference).y, want.y);
  assert.deepEqual(seen, [], 'the reference backend never sees masks or variants');
  assert.notDeepEqual(want.y, jsBackend.sequenceForward(plain).y, 'the masks change the output');
  // A variant that is dropout alone runs on a backend with masks, as masks; gradients agree.
  const got = entryForward(variantArgs, wasmOne);
  assert.deepEqual(seen, ['dropout']);
  assertClose('gru y', got.y, want.y, FWD);
  const up = upstream(plain);
  const gGot = entryBackward({ forward: variantArgs, result: got, ...up, stepGrads: true }, wasmOne);
  const gWant = variantSequenceBackward({ forward: variantArgs, result: want, ...up, stepGrads: true });
  for (const key of GRAD_KEYS) assertClose(`gru ${key}`, gGot[key], gWant[key], GRAD);
  // Anything more than dropout: the variant kernels, whatever the backend.
  seen.length = 0;
  const clipped: SequenceForwardArgs = { ...plain, variant: { ...asVariant(m), clip: 0.5 } };
  assert.deepEqual(entryForward(clipped, wasmOne).y, variantSequenceForward(clipped).y);
  assert.deepEqual(seen, []);
  // Backends run plain cells: handed a variant (or the reference masks), they say where to go.
  assert.throws(() => jsBackend.sequenceForward(variantArgs), /js backend: it runs plain cells; .*cell variant.*kernels\/entry\.ts/);
  assert.throws(() => jsBackend.sequenceForward({ ...plain, dropout: m }), /js backend: .*dropout masks/);
  assert.throws(() => singleThreadBackend()!.sequenceForward(variantArgs), /wasm backend: .*cell variant.*kernels\/entry\.ts/);
});

test('autograd sends recurrent dropout alone to a backend with dropoutMasks, every other variant to the variant kernels', () => {
  const previous = getBackend();
  const seen: { dropout: boolean; variant: boolean }[] = [];
  const inner = singleThreadBackend()!;
  const spy: Backend = {
    ...inner,
    name: 'spy',
    dropoutMasks: true,
    sequenceForward: (a) => {
      seen.push({ dropout: a.dropout !== undefined, variant: a.variant !== undefined });
      return inner.sequenceForward(a);
    },
  };
  try {
    setBackend(spy);
    const x = new Tensor(Float32Array.from({ length: 4 * 2 * 3 }, (_, i) => Math.sin(i)), [4, 2, 3]);
    lstm({ inputSize: 3, hiddenSize: 5, recurrentDropout: 0.3, seed: 1 }).forward(x);
    assert.deepEqual(seen, [{ dropout: true, variant: false }], 'dropout alone reaches the backend with masks');
    const others = [
      { zoneout: 0.1 },
      { clip: 2 },
      { coupleInputForget: true },
      { layerNorm: true },
      { peephole: true },
    ];
    for (const extra of others) {
      seen.length = 0;
      lstm({ inputSize: 3, hiddenSize: 5, recurrentDropout: 0.3, seed: 1, ...extra }).forward(x);
      assert.deepEqual(seen, [], `dropout with ${JSON.stringify(extra)} stays off the backend`);
    }
    seen.length = 0;
    gru({ inputSize: 3, hiddenSize: 5, recurrentDropout: 0.3, resetAfter: false, seed: 1 }).forward(x);
    assert.deepEqual(seen, [], 'dropout with resetAfter: false stays off the backend');
    // Evaluation mode: no masks, a plain pass.
    seen.length = 0;
    const evalLayer = lstm({ inputSize: 3, hiddenSize: 5, recurrentDropout: 0.3, seed: 1 });
    evalLayer.train(false);
    evalLayer.forward(x);
    assert.deepEqual(seen, [{ dropout: false, variant: false }]);
  } finally {
    setBackend(previous);
  }
});
