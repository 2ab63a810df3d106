// Streaming inference: an LSTM fed one timestep at a time, carrying its state between calls,
// gives the same numbers as one forward pass over the whole sequence.
// Run: node --import tsx examples/streaming.ts
import { lstm, noGrad, Rng, Tensor } from '../src/index.js';

const layer = lstm({ inputSize: 4, hiddenSize: 16, numLayers: 2, seed: 1 });
const rng = new Rng(2);
const T = 50;
const x = new Tensor(Float32Array.from({ length: T * 4 }, () => rng.uniform(-1, 1)), [T, 1, 4]); // [seq, batch, features]

const whole = noGrad(() => layer.forward(x)).output;
let state = layer.zeroState(1);
let maxDiff = 0;
for (let t = 0; t < T; t++) {
  const xt = new Tensor(x.data.subarray(t * 4, (t + 1) * 4), [1, 4]);
  const step = noGrad(() => layer.step(xt, state));
  state = step.state;
  for (let k = 0; k < 16; k++) maxDiff = Math.max(maxDiff, Math.abs(step.output.data[k]! - whole.get(t, 0, k)));
}
console.log(`streamed ${T} steps; largest difference from one forward pass: ${maxDiff.toExponential(2)}`);
if (maxDiff > 1e-6) process.exit(1);
