// What the training worker measures between updates: accuracy by distance, gradient norms
// over time (dL/dh, and the LSTM's dL/dc), and one recall sequence read by each model.
import { crossEntropy, Linear, noGrad, Rng, select, softmax, Tensor } from 'recur';
import type { Adam, RecurrentLayer, RecurrentState } from 'recur';
import { bestUnits, cellStateGrad, decodingAccuracy, stepNorms } from './analysis.js';
import { CELLS, type CellKind, type EvalReport, type RememberData, type RememberTrace, type TrainSettings } from './protocol.js';
import { CLASSES, distanceBins, FEATURES, recallBatch, recallVariants } from './recall-task.js';

export interface Net {
  layer: RecurrentLayer<RecurrentState>;
  head: Linear;
  opt: Adam;
}

/** Loss on the last step's output; the trace lets the caller read dL/dh_t after backward. */
export function lossOf(net: Net, x: Float32Array, targets: Int32Array, T: number, B: number, trace: boolean) {
  const res = net.layer.forward(new Tensor(x, [T, B, FEATURES]), undefined, { trace });
  const logits = net.head.forward(select(res.output, T - 1));
  return { loss: crossEntropy(logits, targets), logits, trace: res.trace };
}

/** Units shown in "watch it remember": how many, chosen by decoding accuracy. */
const SHOWN_UNITS = 3;

/** Accuracy by distance, gradient norms and the units that carry the symbol; gradients cleared after. */
export function evaluate(nets: Record<CellKind, Net>, s: TrainSettings): { report: EvalReport; units: Record<CellKind, { units: number[]; acc: number[] }> } {
  const T = s.seqLen;
  const B = 256;
  const H = s.hidden;
  const batch = recallBatch(T, B, new Rng(s.seed + 999));
  const bins = distanceBins(T);
  const report: EvalReport = { bins, accuracy: { rnn: [], gru: [], lstm: [] }, gradNorm: { rnn: [], gru: [], lstm: [] }, cellGradNorm: [] };
  const units = {} as Record<CellKind, { units: number[]; acc: number[] }>;
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
    const tr = trace![0]!;
    report.gradNorm[kind] = stepNorms(tr.gradH!.data, T, B, H);
    if (kind === 'lstm') {
      const dc = cellStateGrad(tr.gradH!.data, tr.gates.o!.data, tr.gates.f!.data, tr.c!.data, T, B * H);
      report.cellGradNorm = stepNorms(dc, T, B, H);
    }
    // The memory just before the query: the LSTM keeps it in c, the others in h.
    const state = (tr.c ?? tr.h).data.subarray((T - 2) * B * H, (T - 1) * B * H);
    const acc = decodingAccuracy(state, batch.targets, H, CLASSES);
    const chosen = bestUnits(acc, Math.min(SHOWN_UNITS, H));
    units[kind] = { units: chosen, acc: chosen.map((u) => acc[u]!) };
  }
  return { report, units };
}

/** One recall sequence (symbol ~10% in, so the distance is long) read by every model in all CLASSES variants. */
export function rememberTrace(nets: Record<CellKind, Net>, s: TrainSettings, step: number, units: Record<CellKind, { units: number[]; acc: number[] }>): RememberData {
  const T = s.seqLen;
  const markAt = Math.max(0, Math.min(T - 3, Math.round(T * 0.1)));
  const { x, symbols } = recallVariants(T, markAt, new Rng(s.seed + 4242));
  const cells = {} as Record<CellKind, RememberTrace>;
  noGrad(() => {
    for (const kind of CELLS) {
      const res = nets[kind].layer.forward(new Tensor(x, [T, CLASSES, FEATURES]), undefined, { trace: true });
      const logits = nets[kind].head.forward(select(res.output, T - 1)).data;
      const tr = res.trace![0]!;
      const gates: Record<string, Float32Array> = {};
      for (const [k, g] of Object.entries(tr.gates)) gates[k] = g.data.slice();
      const correctProb = Array.from({ length: CLASSES }, (_, b) => softmax(logits.subarray(b * CLASSES, (b + 1) * CLASSES))[b]!);
      cells[kind] = { H: s.hidden, units: units[kind].units, unitAccuracy: units[kind].acc, gates, c: tr.c ? tr.c.data.slice() : null, h: tr.h.data.slice(), correctProb };
    }
  });
  return { step, T, markAt, symbols, cells };
}
