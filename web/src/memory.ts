// Panel 3: a plain RNN, a GRU and an LSTM trained side by side (in a worker) on recalling a
// symbol seen N steps earlier: loss curves, accuracy by distance and ||dL/dh_t|| over t.
import uPlot from 'uplot';
import { CELL_COLORS } from './colors.js';
import { CELLS, type CellKind, type EvalReport, type FromWorker, type ToWorker, type TrainSettings } from './protocol.js';

const LABEL: Record<CellKind, string> = { rnn: 'plain RNN', gru: 'GRU', lstm: 'LSTM' };
const DASH: Record<CellKind, number[]> = { rnn: [], gru: [6, 3], lstm: [2, 2] };

/** Scale range: the data's, or 0..1 while there is none. */
const fallback: uPlot.Range.Function = (_u, min, max) => (min === null || max === null || !(max > min) ? [min ?? 0, min === null ? 1 : (min ?? 0) + 1] : [min, max]);

function chart(el: HTMLElement, title: string, xLabel: string, yLabel: string, extra: Partial<uPlot.Options> = {}): uPlot {
  const width = Math.max(260, Math.min(420, el.clientWidth || 360));
  const opts: uPlot.Options = {
    title,
    width,
    height: 220,
    series: [{ label: xLabel }, ...CELLS.map((c) => ({ label: LABEL[c], stroke: CELL_COLORS[c], width: 2, dash: DASH[c], spanGaps: true }))],
    scales: { x: { time: false, range: fallback }, y: { range: fallback } },
    axes: [{ label: xLabel }, { label: yLabel, size: 60 }],
    legend: { show: true, live: false },
    cursor: { drag: { x: false, y: false } },
    ...extra,
  };
  // Two empty points so the axes and their labels show before any training.
  return new uPlot(opts, [[0, 1], [null, null], [null, null], [null, null]], el);
}

/** What the tests read: the latest losses, first losses and evaluation. */
export interface MemoryStatus {
  step: number;
  done: boolean;
  backend: string;
  /** Threads the training worker's large passes use (2 in a cross-origin-isolated page). */
  threads: number;
  firstLoss: Record<CellKind, number> | null;
  lastLoss: Record<CellKind, number> | null;
  /** Mean loss over the first and the last 20 steps (single steps are noisy). */
  early: Record<CellKind, number> | null;
  late: Record<CellKind, number> | null;
  msPerStep: number;
  report: EvalReport | null;
}

export function createMemoryPanel(root: HTMLElement): void {
  const num = (id: string) => Number(root.querySelector<HTMLInputElement>(`#${id}`)!.value);
  const button = root.querySelector<HTMLButtonElement>('#train')!;
  const status = root.querySelector<HTMLElement>('#train-status')!;
  const lossEl = root.querySelector<HTMLElement>('#loss-chart')!;
  const accEl = root.querySelector<HTMLElement>('#acc-chart')!;
  const gradEl = root.querySelector<HTMLElement>('#grad-chart')!;
  let worker: Worker | null = null;
  let charts: { loss: uPlot; acc: uPlot; grad: uPlot } | null = null;
  let losses: number[][] = [[], [], [], []];
  const state: MemoryStatus = { step: 0, done: false, backend: '?', threads: 0, firstLoss: null, lastLoss: null, early: null, late: null, msPerStep: 0, report: null };
  let started = 0;
  const meanOf = (from: number, to: number) =>
    Object.fromEntries(CELLS.map((c, i) => [c, losses[i + 1]!.slice(from, to).reduce((a, b) => a + b, 0) / Math.max(1, losses[i + 1]!.slice(from, to).length)])) as Record<CellKind, number>;
  const publish = () => (root.dataset.status = JSON.stringify(state));

  const makeCharts = () => {
    charts?.loss.destroy();
    charts?.acc.destroy();
    charts?.grad.destroy();
    charts = {
      loss: chart(lossEl, 'Training loss', 'step', 'cross-entropy (nats)'),
      acc: chart(accEl, 'Accuracy by distance', 'distance to the marked symbol (steps)', 'accuracy (chance 0.25)', { scales: { x: { time: false, range: fallback }, y: { range: [0, 1] } } }),
      // log10 on a linear axis labelled in powers of ten: spans of 30 decades stay readable.
      grad: chart(gradEl, 'Gradient reaching step t', 'time step t (loss at the last step)', '‖dL/dh_t‖ / ‖dL/dh_T‖', {
        scales: { x: { time: false, range: fallback }, y: { range: fallback } },
        axes: [{ label: 'time step t (loss at the last step)' }, { label: '‖dL/dh_t‖ / ‖dL/dh_T‖', size: 60, incrs: [1, 2, 5, 10, 20, 50], values: (_u, ticks) => ticks.map((v) => `1e${v}`) }],
      }),
    };
  };

  const onMessage = (m: FromWorker) => {
    if (!charts) return;
    if (m.type === 'backend') Object.assign(state, { backend: m.name, threads: m.threads });
    else if (m.type === 'progress') {
      state.step = m.step;
      state.lastLoss = m.loss;
      state.firstLoss ??= m.loss;
      state.msPerStep = (performance.now() - started) / m.step;
      losses[0]!.push(m.step);
      CELLS.forEach((c, i) => losses[i + 1]!.push(m.loss[c]));
      // Redraw at most every few steps: uPlot is fast, but the page has other work.
      if (m.step % 5 === 0) charts.loss.setData(losses as uPlot.AlignedData);
      status.textContent = `step ${m.step} · loss ${CELLS.map((c) => `${LABEL[c]} ${m.loss[c].toFixed(3)}`).join(', ')}`;
    } else if (m.type === 'eval') {
      state.report = m.report;
      const centers = m.report.bins.map(([lo, hi]) => (lo + hi) / 2);
      charts.acc.setData([centers, ...CELLS.map((c) => m.report.accuracy[c])] as uPlot.AlignedData);
      const T = m.report.gradNorm.lstm.length;
      // Relative to the last step, where the loss is: the curves compare how fast each decays.
      const rel = (g: number[]) => g.map((v) => (v > 0 && g[T - 1]! > 0 ? Math.log10(v / g[T - 1]!) : null));
      charts.grad.setData([Array.from({ length: T }, (_, t) => t), ...CELLS.map((c) => rel(m.report.gradNorm[c]))] as uPlot.AlignedData);
    } else if (m.type === 'done') {
      charts.loss.setData(losses as uPlot.AlignedData);
      state.done = true;
      const n = losses[0]!.length;
      state.early = meanOf(0, Math.min(20, n));
      state.late = meanOf(Math.max(0, n - 20), n);
      button.textContent = 'Train';
      status.textContent += ' · done';
    } else {
      status.textContent = `error: ${m.message}`;
    }
    publish();
  };

  const start = () => {
    const settings: TrainSettings = {
      seqLen: num('seq-len'),
      hidden: num('hidden'),
      lr: num('lr'),
      steps: num('steps'),
      batch: 32,
      seed: 1,
      evalEvery: 50,
    };
    worker ??= new Worker(new URL('./worker.ts', import.meta.url), { type: 'module' });
    worker.onmessage = (e: MessageEvent<FromWorker>) => onMessage(e.data);
    worker.onerror = (e) => (status.textContent = `worker error: ${e.message}`);
    losses = [[], [], [], []];
    Object.assign(state, { step: 0, done: false, firstLoss: null, lastLoss: null, early: null, late: null, report: null });
    started = performance.now();
    makeCharts();
    publish();
    button.textContent = 'Stop';
    worker.postMessage({ type: 'start', settings } satisfies ToWorker);
  };
  button.addEventListener('click', () => {
    if (button.textContent === 'Stop') {
      worker?.postMessage({ type: 'stop' } satisfies ToWorker);
      button.textContent = 'Train';
    } else start();
  });
  makeCharts();
  status.textContent = 'Press Train: the three models train in a background worker (a minute or two at the defaults).';
  publish();
}
