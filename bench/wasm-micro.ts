// Quick measurement of the WASM SIMD kernels against the TypeScript reference.
// Run: node --import tsx bench/wasm-micro.ts   (build the kernels first: npm run build:wasm)
import { jsBackend } from '../src/kernels/js/index.js';
import type { Backend, CellMode, SequenceForwardArgs } from '../src/kernels/types.js';
import { gateCount } from '../src/kernels/types.js';
import { wasmBackendSync } from '../src/kernels/wasm/index.js';
import { loadKernelsSync } from '../src/kernels/wasm/module.js';

const wasm = wasmBackendSync();
if (!wasm) throw new Error('the WASM SIMD backend is not available here');

let seed = 7;
const rand = (n: number, s: number) =>
  Float32Array.from({ length: n }, () => {
    seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
    return ((seed / 2 ** 32) * 2 - 1) * s;
  });

function args(mode: CellMode, T: number, B: number, I: number, H: number, save: boolean): SequenceForwardArgs {
  const G = gateCount(mode) * H;
  const k = 1 / Math.sqrt(H);
  return {
    mode,
    dims: { T, B, I, H, P: H },
    weights: { wIh: rand(G * I, k), wHh: rand(G * H, k), bIh: rand(G, k), bHh: rand(G, k), wHr: null },
    x: rand(T * B * I, 1),
    h0: new Float32Array(B * H),
    c0: mode === 'lstm' ? new Float32Array(B * H) : null,
    lengths: null,
    reverse: false,
    saveForBackward: save,
    trace: false,
  };
}

/** Best of `reps` timings of fn, in ms (the machine may be shared: the minimum is the least disturbed). */
function time(fn: () => void, reps: number): number {
  fn();
  let best = Infinity;
  for (let r = 0; r < reps; r++) {
    const t0 = performance.now();
    fn();
    best = Math.min(best, performance.now() - t0);
  }
  return best;
}

const flops = (a: SequenceForwardArgs) => {
  const { T, B, I, H } = a.dims;
  return 2 * T * B * (I + H) * gateCount(a.mode) * H;
};
const line = (what: string, ms: number, f: number) =>
  console.log(`${what.padEnd(52)} ${ms.toFixed(3).padStart(9)} ms ${(f / ms / 1e6).toFixed(1).padStart(7)} GFLOP/s`);

/**
 * The same LSTM pass on the raw kernels, without copying inputs in or results out: fresh
 * result arrays cost page faults that vary a lot between machines (and dominate in sandboxes).
 */
function kernelOnly(a: SequenceForwardArgs): number {
  const { exports: k, memory } = loadKernelsSync();
  const { T, B, I, H } = a.dims;
  const G = 4 * H;
  let p = 65536;
  const take = (n: number) => ((p += Math.ceil((n * 4) / 64) * 64), p - Math.ceil((n * 4) / 64) * 64);
  const x = take(T * B * I), wih = take(I * G), xg = take(T * B * G), whh = take(H * G), hs = take((T + 1) * B * H);
  const cs = take((T + 1) * B * H), gates = take(B * G), y = take(T * B * H), hg = take(B * G), bias = take(G);
  memory.grow(Math.ceil((p + 1024) / 65536));
  const view = new Float32Array(memory.buffer);
  view.set(a.x, x >> 2);
  view.set(a.weights.wIh, wih >> 2);
  view.set(a.weights.wHh, whh >> 2);
  return time(() => {
    k.gemm(x, I, T * B, I, wih, G, xg, G, bias, 0);
    k.forward(2, T, B, H, H, xg, whh, 0, 0, hs, cs, gates, 0, 0, 0, y, 0, 0, hg, 0, 0, 0, 0, 0, 0, 0, 0);
  }, 15);
}

function inference(b: Backend, a: SequenceForwardArgs, reps: number): number {
  return time(() => b.sequenceForward(a), reps);
}

const threads = wasm.threads;
wasm.setThreads(1);
console.log('LSTM I=64 H=256 B=64 T=100, one thread');
const big = args('lstm', 100, 64, 64, 256, false);
const fw = inference(wasm, big, 15);
line('wasm inference', fw, flops(big));
const small = args('lstm', 5, 64, 64, 256, false);
const fj = inference(jsBackend, small, 3) * 20;
line('js reference inference (T=5, scaled x20)', fj, flops(big));
console.log(`speed-up ${(fj / fw).toFixed(1)}x`);

line('  of which inside WASM (input GEMM + time loop)', kernelOnly(big), flops(big));

const train = args('lstm', 100, 64, 64, 256, true);
const tt = time(() => {
  const r = wasm.sequenceForward(train);
  wasm.sequenceBackward({ forward: train, result: r, dy: r.y, dhN: null, dcN: null, stepGrads: false });
}, 5);
line('wasm forward+backward (training, 3x flops)', tt, 3 * flops(train));

for (const mode of ['gru', 'rnn_tanh'] as CellMode[]) {
  const a = args(mode, 100, 64, 64, 256, false);
  line(`wasm ${mode} inference`, inference(wasm, a, 9), flops(a));
}

if (threads > 1) {
  wasm.setThreads(threads);
  console.log(`\n${threads} threads (batch split across workers)`);
  line('wasm inference', inference(wasm, big, 15), flops(big));
  line('wasm forward+backward (training, 3x flops)', time(() => {
    const r = wasm.sequenceForward(train);
    wasm.sequenceBackward({ forward: train, result: r, dy: r.y, dhN: null, dcN: null, stepGrads: false });
  }, 5), 3 * flops(train));
  wasm.setThreads(1);
}

console.log('\nbatch 1, LSTM I=64 H=256');
const seq1 = args('lstm', 100, 1, 64, 256, false);
const s1 = inference(wasm, seq1, 21);
line('wasm sequence T=100 (per step)', s1 / 100, flops(seq1) / 100);
const step1 = args('lstm', 1, 1, 64, 256, false);
line('wasm sequenceForward T=1 (re-packs weights)', inference(wasm, step1, 201), flops(step1));
const kernel = wasm.prepareStep({ mode: 'lstm', batch: 1, inputSize: 64, hiddenSize: 256, outSize: 256, weights: step1.weights });
const h = new Float32Array(256);
const c = new Float32Array(256);
const x = rand(64, 1);
const n = 2000;
const ks = time(() => {
  for (let i = 0; i < n; i++) kernel.step(x, h, c, h, c);
}, 5) / n;
line('wasm prepareStep().step', ks, flops(step1));
line('js reference T=1', inference(jsBackend, step1, 21), flops(step1));
wasm.setThreads(threads);
