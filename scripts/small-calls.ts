// Per-call cost of the differentiable path on small calls (issue #25, bench W7/W8):
//   W7: LSTM 64->256, batch 1, one step: zeroGrad, forward, MSE, backward (and forward under noGrad)
//   W8: 100 layer.step calls carrying the state, gradients enabled (and under noGrad)
// Prints one JSON line of medians in ms. Usage:
//   RECUR_THREADS=1 npx tsx scripts/small-calls.ts [seconds, default 2] [measures, default w7,w7NoGrad,w8,w8NoGrad]
import { getBackend } from '../src/kernels/backend.js';
import { noGrad } from '../src/autograd/graph.js';
import { lstm } from '../src/nn/layers/factories.js';
import { mse } from '../src/nn/losses.js';
import { Rng } from '../src/tensor/random.js';
import { Tensor } from '../src/tensor/tensor.js';

const seconds = Number(process.argv[2] ?? '2');
const only = (process.argv[3] ?? 'w7,w7NoGrad,w8,w8NoGrad').split(',');
const I = 64;
const H = 256;
const STEPS = 100;
const rng = new Rng(1);
const fill = (n: number): Float32Array => Float32Array.from({ length: n }, () => rng.uniform(-1, 1));
const layer = lstm({ inputSize: I, hiddenSize: H, seed: 3 });
const x = new Tensor(fill(I), [1, 1, I]);
const target = new Tensor(fill(H), [1, 1, H]);
const xs = Array.from({ length: STEPS }, () => new Tensor(fill(I), [1, I]));

const w7 = (): void => {
  layer.zeroGrad();
  mse(layer.forward(x).output, target).backward();
};
const w7NoGrad = (): void => void noGrad(() => layer.forward(x).output);
const loop = (): Tensor => {
  let state = layer.zeroState(1);
  let out: Tensor | null = null;
  for (const xt of xs) ({ output: out, state } = layer.step(xt, state));
  return out!;
};
const w8 = (): void => void loop();
const w8NoGrad = (): void => void noGrad(loop);

const median = (a: number[]): number => {
  const s = [...a].sort((p, q) => p - q);
  return s[Math.floor(s.length / 2)]!;
};
/** Runs the four measures round-robin (one call each per round) for `seconds`. */
function measure(): Record<string, number> {
  const all: Record<string, () => void> = { w7, w7NoGrad, w8, w8NoGrad };
  const fns = Object.fromEntries(Object.entries(all).filter(([k]) => only.includes(k)));
  const samples: Record<string, number[]> = Object.fromEntries(Object.keys(fns).map((k) => [k, []]));
  for (const f of Object.values(fns)) for (let i = 0; i < 20; i++) f();
  const end = performance.now() + seconds * 1000;
  while (performance.now() < end) {
    for (const [k, f] of Object.entries(fns)) {
      // W7 calls are short: time batches of 10 for a steadier clock.
      const reps = k.startsWith('w7') ? 10 : 1;
      const t0 = performance.now();
      for (let r = 0; r < reps; r++) f();
      samples[k]!.push((performance.now() - t0) / reps);
    }
  }
  return Object.fromEntries(Object.entries(samples).map(([k, v]) => [k, Number(median(v).toFixed(4))]));
}

const b = getBackend() as { name: string; threads?: number };
console.log(JSON.stringify({ peer: 'recur', backend: b.name, threads: b.threads ?? 1, ...measure() }));
