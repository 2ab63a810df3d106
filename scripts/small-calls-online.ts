// Online learning on a stream (issue #25): per step, layer.step with gradients, a loss on its
// output, backward and an Adam step, state detached between steps. Prints the median ms of
// 100 steps. Usage: RECUR_THREADS=1 npx tsx scripts/small-calls-online.ts [seconds, default 2]
import { adam } from '../src/training/optimizers/adam.js';
import { lstm } from '../src/nn/layers/factories.js';
import { mse } from '../src/nn/losses.js';
import { Rng } from '../src/tensor/random.js';
import { Tensor } from '../src/tensor/tensor.js';

const seconds = Number(process.argv[2] ?? '2');
const rng = new Rng(1);
const fill = (n: number): Float32Array => Float32Array.from({ length: n }, () => rng.uniform(-1, 1));
const layer = lstm({ inputSize: 64, hiddenSize: 256, seed: 3 });
const opt = adam(layer.parameters(), { lr: 1e-4 });
const xs = Array.from({ length: 100 }, () => new Tensor(fill(64), [1, 64]));
const targets = Array.from({ length: 100 }, () => fill(256));
const run = (): void => {
  let state = layer.zeroState(1);
  for (let t = 0; t < 100; t++) {
    opt.zeroGrad();
    const r = layer.step(xs[t]!, state);
    mse(r.output, targets[t]!).backward();
    opt.step();
    state = { h: r.state.h.detach(), c: r.state.c!.detach() };
  }
};
run();
const samples: number[] = [];
const end = performance.now() + seconds * 1000;
while (performance.now() < end) {
  const t0 = performance.now();
  run();
  samples.push(performance.now() - t0);
}
samples.sort((a, b) => a - b);
console.log(JSON.stringify({ peer: 'recur', online100: Number(samples[samples.length >> 1]!.toFixed(3)), samples: samples.length }));
