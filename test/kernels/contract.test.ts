// One contract suite, run on every backend (the reference, both WASM builds, and the WASM
// backend on 3 threads with splitting forced on): PyTorch parity cases through the layers,
// then random shapes against an independent float64 oracle (forward values, states, traces;
// gradients by finite differences), and the fast backends' gradients against the reference's.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { getBackend, setBackend } from '../../src/kernels/backend.js';
import { jsBackend } from '../../src/kernels/js/index.js';
import type { Backend, CellMode } from '../../src/kernels/types.js';
import { singleThreadBackend } from '../../src/kernels/wasm/single.js';
import { newWasmBackend, wasmBackendSync } from '../../src/kernels/wasm/index.js';
import { isSplitSaved } from '../../src/kernels/wasm/threads/batch-split.js';
import { parseReferenceCase, runReferenceCase } from '../../src/io/pytorch-reference.js';
import { assertClose, GRAD_KEYS, makeArgs, seeded, SMALL_SHAPES, type CaseSpec } from './helpers.js';
import { assertGradsMatchOracle, oracleForward } from './oracle.js';

const wasm = wasmBackendSync();
test('the WASM SIMD backend loads in Node 20', () => {
  assert.ok(wasm !== null, 'wasmBackendSync() returned null');
  assert.equal(wasm.name, 'wasm');
});
// The default build (relaxed SIMD where the runtime has it) and the plain SIMD128 build that
// runtimes without relaxed SIMD load.
const plain: Backend = { ...singleThreadBackend('simd128')!, name: 'wasm-simd128' };
// Its own instance on 3 threads, every pass of 2 or more sequences split by batch rows.
const threaded = newWasmBackend()!;
threaded.setThreads(3, { minWork: 0, minRows: 1 });
const split: Backend = { ...threaded, name: 'wasm-3-threads', sequenceForward: (a) => threaded.sequenceForward(a), sequenceBackward: (a) => threaded.sequenceBackward(a) };
const backends: Backend[] = [jsBackend, ...(wasm ? [wasm, plain, split] : [])];

const dir = fileURLToPath(new URL('../fixtures/pytorch/', import.meta.url));
const cases = readdirSync(dir).filter((f) => f.endsWith('.json')).sort();
const FWD = 1e-5;
const GRAD = 1e-4;

/** Runs `fn` with `backend` as the global backend, restoring the previous one. */
function withBackend<T>(backend: Backend, fn: () => T): T {
  const before = getBackend();
  setBackend(backend);
  try {
    return fn();
  } finally {
    setBackend(before);
  }
}

const shapes = [
  ...SMALL_SHAPES,
  { T: 3, B: 5, I: 33, H: 36, proj: 20 },
  // T*B > 256 and > 128: the blocked GEMM paths.
  { T: 20, B: 15, I: 9, H: 13, proj: 5 },
];
const modes: CellMode[] = ['rnn_tanh', 'rnn_relu', 'lstm', 'gru'];

function specs(): CaseSpec[] {
  const out: CaseSpec[] = [];
  let seed = 1;
  for (const mode of modes) {
    for (const shape of shapes) {
      for (const proj of mode === 'lstm' ? [0, shape.proj] : [0]) {
        if (proj > 0 && proj >= shape.H) continue;
        for (const bias of [true, false]) {
          for (const lengths of [false, true]) {
            for (const reverse of [false, true]) out.push({ mode, ...shape, proj, bias, lengths, reverse, seed: seed++ });
          }
        }
      }
    }
  }
  return out;
}

const name = (c: CaseSpec) =>
  `${c.mode} T${c.T} B${c.B} I${c.I} H${c.H}${c.proj ? ` P${c.proj}` : ''}${c.bias ? '' : ' nobias'}${c.lengths ? ' lengths' : ''}${c.reverse ? ' reverse' : ''}`;

for (const backend of backends) {
  describe(`backend contract: ${backend.name}`, () => {
    test('PyTorch parity: every case in test/fixtures/pytorch', () => {
      assert.ok(cases.length >= 32, `expected at least 32 cases, found ${cases.length}`);
      withBackend(backend, () => {
        for (const file of cases) {
          const c = parseReferenceCase(JSON.parse(readFileSync(dir + file, 'utf8')), file);
          const r = runReferenceCase(c, { forward: FWD, grad: GRAD });
          const bad = r.comparisons.filter((x) => !(x.error <= x.tolerance));
          assert.deepEqual(bad, [], `${file}: ${JSON.stringify(bad)}`);
          assert.ok(r.comparisons.filter((x) => x.what.startsWith('grad ')).length >= Object.keys(c.state_dict).length + 1);
        }
      });
    });

    test('random shapes match the oracle: outputs, states, traces, gradients', () => {
      let splits = 0;
      for (const spec of specs()) {
        const what = `${backend.name} ${name(spec)}`;
        const args = makeArgs(spec);
        const want = oracleForward(args);
        const got = backend.sequenceForward(args);
        if (isSplitSaved(got.saved)) splits++;
        assertClose(`${what} y`, got.y, Float32Array.from(want.y), FWD);
        assertClose(`${what} hN`, got.hN, Float32Array.from(want.hN), FWD);
        assertClose(`${what} cN`, got.cN, want.cN && Float32Array.from(want.cN), FWD);
        assert.ok(got.trace, `${what}: trace missing`);
        assertClose(`${what} trace gates`, got.trace.gates, Float32Array.from(want.gates), FWD);
        assertClose(`${what} trace c`, got.trace.c, want.c && Float32Array.from(want.c), FWD);
        assertClose(`${what} trace h`, got.trace.h, Float32Array.from(want.h), FWD);

        const r = seeded(spec.seed + 1000);
        const { T, B, H, P } = args.dims;
        const rand = (n: number) => Float32Array.from({ length: n }, () => r());
        // Alternate which upstream gradients are present.
        const dy = spec.seed % 3 === 2 ? null : rand(T * B * P);
        const dhN = spec.seed % 3 === 1 ? null : rand(B * P);
        const dcN = spec.mode === 'lstm' && spec.seed % 2 === 0 ? rand(B * H) : null;
        // The reference first: backward frees a fast backend's saved state.
        const gRef = backend === jsBackend ? null : jsBackend.sequenceBackward({ forward: args, result: jsBackend.sequenceForward(args), dy, dhN, dcN, stepGrads: true });
        const up = { forward: args, result: got, dy, dhN, dcN, stepGrads: true };
        const gGot = backend.sequenceBackward(up);
        assertGradsMatchOracle(what, up, gGot, GRAD, spec.seed + 2000);
        // A fast backend's gradients, element by element, against the (oracle-checked) reference.
        for (const key of GRAD_KEYS) if (gRef) assertClose(`${what} ${key}`, gGot[key], gRef[key], GRAD);
      }
      if (backend === split) assert.ok(splits > 100, `passes of 2 or more sequences were split (${splits})`);
    });

    test('backward returns fresh arrays, owned by the caller: none shared, none rewritten by a later call', () => {
      // Autograd takes these arrays over as the tensors' .grad (autograd/recurrent.ts).
      for (const mode of modes) {
        for (const proj of mode === 'lstm' ? [0, 3] : [0]) {
          const spec: CaseSpec = { mode, T: 5, B: 3, I: 4, H: 6, proj, bias: true, lengths: false, reverse: false, seed: 31 };
          const args = makeArgs(spec);
          const { T, B, H, P } = args.dims;
          const r = seeded(7);
          const rand = (n: number) => Float32Array.from({ length: n }, () => r());
          const call = () => {
            const res = backend.sequenceForward(args);
            const dy = rand(T * B * P);
            const dhN = rand(B * P);
            const dcN = mode === 'lstm' ? rand(B * H) : null;
            const g = backend.sequenceBackward({ forward: args, result: res, dy, dhN, dcN, stepGrads: true });
            return { g, upstream: [dy, dhN, dcN, res.y, res.hN, res.cN] };
          };
          const first = call();
          const kept = GRAD_KEYS.map((k) => (first.g[k] ? Float32Array.from(first.g[k]!) : null));
          const second = call();
          const arrays = [first.g, second.g].flatMap((g) => GRAD_KEYS.map((k) => g[k]).filter((a): a is Float32Array => a !== null));
          const foreign = [...first.upstream, ...second.upstream, args.x, args.h0, args.c0, ...Object.values(args.weights)].filter((a): a is Float32Array => a !== null);
          const buffers = new Set(arrays.map((a) => a.buffer));
          assert.equal(buffers.size, arrays.length, `${backend.name} ${mode} P${proj}: each gradient has a buffer of its own`);
          for (const a of foreign) assert.ok(!buffers.has(a.buffer), `${backend.name} ${mode} P${proj}: a gradient shares memory with an input or a forward result`);
          GRAD_KEYS.forEach((k, i) => assert.deepEqual(first.g[k], kept[i], `${backend.name} ${mode} P${proj}: ${k} rewritten by the next call`));
        }
      }
    });

    test('inference without saving gives the same outputs, and no step gradients unless asked', () => {
      for (const spec of specs().filter((s) => s.seed % 4 === 0)) {
        const what = `${backend.name} ${name(spec)}`;
        const args = makeArgs(spec, false, false);
        const want = oracleForward(args);
        const got = backend.sequenceForward(args);
        assert.equal(got.trace, null, `${what}: trace not asked for`);
        assertClose(`${what} y`, got.y, Float32Array.from(want.y), FWD);
        assertClose(`${what} hN`, got.hN, Float32Array.from(want.hN), FWD);
        assertClose(`${what} cN`, got.cN, want.cN && Float32Array.from(want.cN), FWD);
        const train = makeArgs(spec, true, false);
        const res = backend.sequenceForward(train);
        const g = backend.sequenceBackward({ forward: train, result: res, dy: res.y, dhN: null, dcN: null, stepGrads: false });
        assert.equal(g.dhSteps, null, `${what}: dhSteps not asked for`);
      }
    });

    test('padding: zero output and gradients at padded steps, state held', () => {
      const spec: CaseSpec = { mode: 'lstm', T: 6, B: 3, I: 4, H: 6, proj: 0, bias: true, lengths: true, reverse: true, seed: 5 };
      const args = makeArgs(spec);
      const { T, B, P } = args.dims;
      const res = backend.sequenceForward(args);
      const lengths = args.lengths!;
      const g = backend.sequenceBackward({ forward: args, result: res, dy: new Float32Array(T * B * P).fill(1), dhN: null, dcN: null, stepGrads: true });
      let padded = 0;
      for (let t = 0; t < T; t++) {
        for (let b = 0; b < B; b++) {
          if (t < lengths[b]!) continue;
          padded++;
          for (let j = 0; j < P; j++) {
            assert.equal(res.y[(t * B + b) * P + j], 0, `y at padded t=${t} b=${b}`);
            assert.equal(g.dhSteps![(t * B + b) * P + j], 0, `dhSteps at padded t=${t} b=${b}`);
          }
          for (let i = 0; i < args.dims.I; i++) assert.equal(g.dx[(t * B + b) * args.dims.I + i], 0, `dx at padded t=${t} b=${b}`);
        }
      }
      assert.ok(padded > 0, 'the case has padding');
      // Reverse direction: the final state is the state after t = 0.
      for (let b = 0; b < B; b++) {
        for (let j = 0; j < P; j++) assert.equal(res.hN[b * P + j], res.trace!.h[b * P + j], `hN b=${b}`);
      }
    });
  });
}
