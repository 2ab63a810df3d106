// `npm run longrun`: 1,000,000 streaming steps and 10,000 training steps, with the JS heap,
// array buffers, WebAssembly memory and worker count sampled along the way. Exits 1 if any of
// them grows after warm-up beyond a small allowance (memory must stay flat).
import { growth, streamingRun, trainingRun, type MemorySample } from '../test/reliability/lib/longrun.js';

const streamSteps = Number(process.argv[2] ?? 1_000_000);
const trainSteps = Number(process.argv[3] ?? 10_000);

const table = (name: string, s: MemorySample[]) => {
  console.log(`\n${name}\n| step | heap MiB | array buffers MiB | WASM MiB | workers |\n|---|---|---|---|---|`);
  for (const x of s) console.log(`| ${x.at} | ${x.heapMiB.toFixed(1)} | ${x.arrayBuffersMiB.toFixed(1)} | ${x.wasmMiB.toFixed(1)} | ${x.workers} |`);
};

let t0 = performance.now();
const stream = streamingRun(streamSteps);
console.log(`streaming: ${streamSteps} steps in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
table('Streaming (2-layer LSTM 8 -> 64, batch 1)', stream);
t0 = performance.now();
const train = await trainingRun(trainSteps);
console.log(`\ntraining: ${trainSteps} steps in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
table('Training (char LSTM 32 units, batch 8 x 16 steps, 2 threads)', train);
let bad = false;
for (const [name, s] of [['streaming', stream], ['training', train]] as const) {
  const g = growth(s);
  const ok = g.heap < 8 && g.arrayBuffers < 8 && g.wasm <= 0 && g.workers === 0;
  bad ||= !ok;
  console.log(`${name}: growth after warm-up heap ${g.heap.toFixed(2)} MiB, array buffers ${g.arrayBuffers.toFixed(2)} MiB, WASM ${g.wasm.toFixed(2)} MiB, workers ${g.workers}: ${ok ? 'flat' : 'GROWS'}`);
}
process.exit(bad ? 1 : 0);
