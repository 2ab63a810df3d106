// Speed of the cell variants: ms per forward (no gradient) of one layer, input 64, hidden 256,
// batch 64, seq 100. Variants run on the reference (TypeScript) variant kernels, with the selected
// backend's gemm for their matrix products (wasm here), except recurrent dropout, which the WASM
// kernels apply themselves; the plain cell is shown on both backends for comparison. Run: node --import tsx scripts/variants-bench.ts
import { gru, lstm, noGrad, Rng, setBackend, Tensor, type RecurrentLayer, type RecurrentState } from '../src/index.js';

const I = 64, H = 256, B = 64, T = 100;
const reps = Number(process.env.REPS ?? 3);
const rng = new Rng(1);
const x = new Tensor(Float32Array.from({ length: T * B * I }, () => rng.uniform(-1, 1)), [T, B, I]);

type Make = () => RecurrentLayer<RecurrentState>;
const rows: Array<[string, string, Make, boolean]> = [
  ['LSTM plain', 'wasm', () => lstm({ inputSize: I, hiddenSize: H }), false],
  ['LSTM plain', 'js', () => lstm({ inputSize: I, hiddenSize: H }), false],
  ['LSTM peephole', 'variant: TS + wasm gemm', () => lstm({ inputSize: I, hiddenSize: H, peephole: true }), false],
  ['LSTM coupleInputForget', 'variant: TS + wasm gemm', () => lstm({ inputSize: I, hiddenSize: H, coupleInputForget: true }), false],
  ['LSTM clip 3', 'variant: TS + wasm gemm', () => lstm({ inputSize: I, hiddenSize: H, clip: 3 }), false],
  ['LSTM layerNorm', 'variant: TS + wasm gemm', () => lstm({ inputSize: I, hiddenSize: H, layerNorm: true }), false],
  ['LSTM recurrentDropout 0.25 (training)', 'wasm (dropout masks)', () => lstm({ inputSize: I, hiddenSize: H, recurrentDropout: 0.25 }), true],
  ['LSTM zoneout 0.1 (training)', 'variant: TS + wasm gemm', () => lstm({ inputSize: I, hiddenSize: H, zoneout: 0.1 }), true],
  ['GRU plain (reset after)', 'wasm', () => gru({ inputSize: I, hiddenSize: H }), false],
  ['GRU resetAfter: false', 'variant: TS + wasm gemm', () => gru({ inputSize: I, hiddenSize: H, resetAfter: false }), false],
  ['GRU layerNorm', 'variant: TS + wasm gemm', () => gru({ inputSize: I, hiddenSize: H, layerNorm: true }), false],
  ['GRU recurrentDropout 0.25 (training)', 'wasm (dropout masks)', () => gru({ inputSize: I, hiddenSize: H, recurrentDropout: 0.25 }), true],
];

console.log(`| cell | kernels | ms per forward (median of ${reps}) |\n|---|---|---|`);
for (const [name, backend, make, training] of rows) {
  try {
    setBackend(backend === 'js' ? 'js' : 'wasm');
  } catch (e) {
    console.log(`| ${name} | ${backend} | unavailable: ${(e as Error).message} |`);
    continue;
  }
  const layer = make();
  layer.train(training);
  noGrad(() => layer.forward(x)); // warm-up
  const times: number[] = [];
  for (let r = 0; r < reps; r++) {
    const t0 = performance.now();
    noGrad(() => layer.forward(x));
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  console.log(`| ${name} | ${backend} | ${times[Math.floor(reps / 2)]!.toFixed(0)} |`);
}
