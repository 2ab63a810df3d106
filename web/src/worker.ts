// Trains a plain RNN, a GRU and an LSTM side by side on the recall task, off the main
// thread, reporting losses, accuracy by distance and dL/dh_t norms as it goes.
import { adam, clipGradNorm, crossEntropy, gru, Linear, lstm, rnn, Rng, select, Tensor } from 'recur';
import type { Adam, RecurrentLayer, RecurrentState } from 'recur';
import { initKernels, useThreads } from './kernels.js';
import { CELLS, type CellKind, type EvalReport, type FromWorker, type ToWorker, type TrainSettings } from './protocol.js';
import { CLASSES, distanceBins, FEATURES, recallBatch } from './recall-task.js';

interface Net {
  layer: RecurrentLayer<RecurrentState>;
  head: Linear;
  opt: Adam;
}

// The worker scope, typed without the WebWorker lib (which clashes with DOM's).
const scope = globalThis as unknown as {
  postMessage(m: FromWorker): void;
  onmessage: ((e: MessageEvent<ToWorker>) => void) | null;
};
const post = (m: FromWorker) => scope.postMessage(m);
let running = 0;

function build(kind: CellKind, s: TrainSettings): Net {
  const options = { inputSize: FEATURES, hiddenSize: s.hidden, seed: s.seed };
  const layer = kind === 'lstm' ? lstm(options) : kind === 'gru' ? gru(options) : rnn(options);
  const head = new Linear({ inFeatures: s.hidden, outFeatures: CLASSES, seed: s.seed + 1 });
  const opt = adam([...layer.parameters(), ...head.parameters()], { lr: s.lr });
  return { layer, head, opt };
}

/** Loss on the last step's output; the trace lets the caller read dL/dh_t after backward. */
function lossOf(net: Net, x: Float32Array, targets: Int32Array, T: number, B: number, trace: boolean) {
  const res = net.layer.forward(new Tensor(x, [T, B, FEATURES]), undefined, { trace });
  const logits = net.head.forward(select(res.output, T - 1));
  return { loss: crossEntropy(logits, targets), logits, trace: res.trace };
}

function trainStep(net: Net, x: Float32Array, targets: Int32Array, T: number, B: number): number {
  net.opt.zeroGrad();
  const { loss } = lossOf(net, x, targets, T, B, false);
  loss.backward();
  clipGradNorm([...net.layer.parameters(), ...net.head.parameters()], 1);
  net.opt.step();
  return loss.data[0]!;
}

/** Accuracy by distance and dL/dh_t on a fixed batch; the gradients are cleared after. */
function evaluate(nets: Record<CellKind, Net>, s: TrainSettings): EvalReport {
  const T = s.seqLen;
  const B = 256;
  const batch = recallBatch(T, B, new Rng(s.seed + 999));
  const bins = distanceBins(T);
  const report: EvalReport = { bins, accuracy: { rnn: [], gru: [], lstm: [] }, gradNorm: { rnn: [], gru: [], lstm: [] } };
  for (const kind of CELLS) {
    const net = nets[kind];
    const { loss, logits, trace } = lossOf(net, batch.x, batch.targets, T, B, true);
    loss.backward();
    net.opt.zeroGrad();
    const hits = bins.map(() => [0, 0]);
    for (let b = 0; b < B; b++) {
      let best = 0;
      for (let k = 1; k < CLASSES; k++) if (logits.data[b * CLASSES + k]! > logits.data[b * CLASSES + best]!) best = k;
      const bin = bins.findIndex(([lo, hi]) => batch.distances[b]! >= lo && batch.distances[b]! <= hi);
      hits[bin]![0]! += best === batch.targets[b] ? 1 : 0;
      hits[bin]![1]! += 1;
    }
    report.accuracy[kind] = hits.map(([h, n]) => (n! > 0 ? h! / n! : NaN));
    const g = trace![0]!.gradH!;
    const H = s.hidden;
    report.gradNorm[kind] = Array.from({ length: T }, (_, t) => {
      let total = 0;
      for (let b = 0; b < B; b++) {
        let sq = 0;
        for (let k = 0; k < H; k++) sq += g.data[(t * B + b) * H + k]! ** 2;
        total += Math.sqrt(sq);
      }
      return total / B;
    });
  }
  return report;
}

async function train(s: TrainSettings, run: number): Promise<void> {
  const nets = { rnn: build('rnn', s), gru: build('gru', s), lstm: build('lstm', s) };
  const rng = new Rng(s.seed);
  post({ type: 'eval', step: 0, report: evaluate(nets, s) });
  for (let step = 1; step <= s.steps; step++) {
    if (run !== running) return;
    const batch = recallBatch(s.seqLen, s.batch, rng, 0.5);
    const loss = { rnn: 0, gru: 0, lstm: 0 };
    for (const kind of CELLS) loss[kind] = trainStep(nets[kind], batch.x, batch.targets, s.seqLen, s.batch);
    post({ type: 'progress', step, loss });
    if (step % s.evalEvery === 0 || step === s.steps) post({ type: 'eval', step, report: evaluate(nets, s) });
    // Yield so a 'stop' or a new 'start' message can be handled between steps.
    if (step % 5 === 0) await new Promise((r) => setTimeout(r, 0));
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
