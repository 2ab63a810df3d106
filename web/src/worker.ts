// Trains a plain RNN, a GRU and an LSTM side by side on the recall task, off the main
// thread, reporting losses, accuracy by distance, gradient norms and one recall sequence
// read by each model as it goes.
import { adam, clipGradNorm, gru, Linear, lstm, rnn, Rng } from 'recur';
import { initKernels, useThreads } from './kernels.js';
import { CELLS, type CellKind, type FromWorker, type ToWorker, type TrainSettings } from './protocol.js';
import { CLASSES, FEATURES, recallBatch } from './recall-task.js';
import { evaluate, lossOf, rememberTrace, type Net } from './worker-eval.js';

// The worker scope, typed without the WebWorker lib (which clashes with DOM's).
const scope = globalThis as unknown as {
  postMessage(m: FromWorker): void;
  onmessage: ((e: MessageEvent<ToWorker>) => void) | null;
};
const post = (m: FromWorker) => scope.postMessage(m);
let running = 0;
const tick = new MessageChannel();
const waiting: Array<() => void> = [];
tick.port1.onmessage = () => waiting.shift()?.();
const yieldToMessages = () =>
  new Promise<void>((resolve) => {
    waiting.push(resolve);
    tick.port2.postMessage(null);
  });

function build(kind: CellKind, s: TrainSettings): Net {
  const options = { inputSize: FEATURES, hiddenSize: s.hidden, seed: s.seed };
  // The LSTM's forget bias starts at 1 (Gers et al. 2000; Jozefowicz et al. 2015): its
  // forget gates start mostly open, the usual practice, and it learns to hold with them.
  const layer = kind === 'lstm' ? lstm({ ...options, forgetBias: 1 }) : kind === 'gru' ? gru(options) : rnn(options);
  const head = new Linear({ inFeatures: s.hidden, outFeatures: CLASSES, seed: s.seed + 1 });
  const opt = adam([...layer.parameters(), ...head.parameters()], { lr: s.lr });
  return { layer, head, opt };
}

function trainStep(net: Net, x: Float32Array, targets: Int32Array, T: number, B: number): number {
  net.opt.zeroGrad();
  const { loss } = lossOf(net, x, targets, T, B, false);
  loss.backward();
  clipGradNorm([...net.layer.parameters(), ...net.head.parameters()], 1);
  net.opt.step();
  return loss.data[0]!;
}

function report(nets: Record<CellKind, Net>, s: TrainSettings, step: number): void {
  const { report, units } = evaluate(nets, s);
  post({ type: 'eval', step, report, remember: rememberTrace(nets, s, step, units) });
}

async function train(s: TrainSettings, run: number): Promise<void> {
  const nets = { rnn: build('rnn', s), gru: build('gru', s), lstm: build('lstm', s) };
  const rng = new Rng(s.seed);
  report(nets, s, 0);
  for (let step = 1; step <= s.steps; step++) {
    if (run !== running) return;
    const batch = recallBatch(s.seqLen, s.batch, rng, 0.5);
    const loss = { rnn: 0, gru: 0, lstm: 0 };
    for (const kind of CELLS) loss[kind] = trainStep(nets[kind], batch.x, batch.targets, s.seqLen, s.batch);
    post({ type: 'progress', step, loss });
    if (step % s.evalEvery === 0 || step === s.steps) report(nets, s, step);
    // Yield so a 'stop' or a new 'start' message can be handled between steps (a message
    // port, not setTimeout, whose nested calls are clamped to 4 ms).
    if (step % 5 === 0) await yieldToMessages();
  }
  post({ type: 'done', step: s.steps });
}

// Two threads at most: the page's main thread keeps a core for drawing while this trains.
const kernels = initKernels().then(async (name) => post({ type: 'backend', name, threads: await useThreads(2) }));

scope.onmessage = (e: MessageEvent<ToWorker>) => {
  const msg = e.data;
  running++;
  if (msg.type === 'stop') return;
  const run = running;
  void kernels
    .then(() => train(msg.settings, run))
    .catch((err: unknown) => post({ type: 'error', message: err instanceof Error ? err.message : String(err) }));
};
