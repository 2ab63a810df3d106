// The race's charts (uPlot): training loss, accuracy by distance with the chance line, and
// the gradient reaching each step, at initialisation and now, with the LSTM's cell path.
import uPlot from 'uplot';
import { CELL_COLORS } from './colors.js';
import { CELLS, type CellKind, type EvalReport } from './protocol.js';
import { CLASSES } from './recall-task.js';

export const LABEL: Record<CellKind, string> = { rnn: 'plain RNN', gru: 'GRU', lstm: 'LSTM' };
const DASH: Record<CellKind, number[]> = { rnn: [], gru: [8, 4], lstm: [] };
// Markers tell overlapping lines apart: GRU large hollow rings around LSTM's small dots.
const POINTS: Record<CellKind, uPlot.Series.Points> = {
  rnn: { show: true, size: 6 },
  gru: { show: true, size: 11, width: 2, fill: '#fff' },
  lstm: { show: true, size: 5 },
};

/** Scale range: the data's, or 0..1 while there is none. */
const fallback: uPlot.Range.Function = (_u, min, max) => (min === null || max === null || !(max > min) ? [min ?? 0, min === null ? 1 : (min ?? 0) + 1] : [min, max]);

const chartWidth = (el: HTMLElement) => Math.max(240, Math.min(420, el.clientWidth || 360));

function chart(el: HTMLElement, title: string, series: uPlot.Series[], axes: uPlot.Axis[], y: uPlot.Scale = { range: fallback }): uPlot {
  const width = chartWidth(el);
  const opts: uPlot.Options = {
    title,
    width,
    height: 220,
    series: [{ label: axes[0]!.label as string }, ...series],
    scales: { x: { time: false, range: fallback }, y },
    axes,
    legend: { show: true, live: false },
    cursor: { drag: { x: false, y: false } },
  };
  // Two empty points so the axes and their labels show before any training.
  return new uPlot(opts, [[0, 1], ...series.map(() => [null, null])] as uPlot.AlignedData, el);
}

const line = (c: CellKind, extra: Partial<uPlot.Series> = {}): uPlot.Series => ({ label: LABEL[c], stroke: CELL_COLORS[c], width: 2, dash: DASH[c], spanGaps: true, ...extra });

export interface RaceCharts {
  setLoss(data: number[][]): void;
  setReport(r: EvalReport, initial: EvalReport | null, step: number): void;
  /** Fits the charts to their boxes again (after the window changed size). */
  resize(): void;
  destroy(): void;
}

export function createRaceCharts(lossEl: HTMLElement, accEl: HTMLElement, gradEl: HTMLElement): RaceCharts {
  const loss = chart(lossEl, 'Training loss', CELLS.map((c) => line(c)), [{ label: 'training step' }, { label: 'cross-entropy (nats)', size: 60 }]);
  const acc = chart(
    accEl,
    'Accuracy by distance',
    [...CELLS.map((c) => line(c, { points: POINTS[c] })), { label: `chance (1/${CLASSES})`, stroke: '#777', dash: [2, 4], width: 1.5 }],
    [{ label: 'distance to the marked symbol (steps)' }, { label: 'accuracy', size: 50 }],
    { range: [0, 1] },
  );
  // log10 on a linear axis labelled in powers of ten: spans of 30 decades stay readable.
  const grad = chart(
    gradEl,
    'Gradient reaching step t',
    [
      ...CELLS.map((c) => line(c, { label: `${LABEL[c]} dL/dh, now` })),
      { label: 'LSTM dL/dc (cell path), now', stroke: CELL_COLORS.lstm, width: 2, dash: [2, 3] },
      ...CELLS.map((c) => line(c, { label: `${LABEL[c]} at start`, width: 1, dash: [1, 3], alpha: 0.7 })),
    ],
    [{ label: 'time step t (loss at the last step)' }, { label: 'relative to the last step', size: 60, incrs: [1, 2, 5, 10, 20, 50], values: (_u, ticks) => ticks.map((v) => `1e${v}`) }],
  );
  return {
    setLoss(data) {
      loss.setData(data as uPlot.AlignedData);
    },
    setReport(r, initial) {
      const centers = r.bins.map(([lo, hi]) => (lo + hi) / 2);
      acc.setData([centers, ...CELLS.map((c) => r.accuracy[c]), centers.map(() => 1 / CLASSES)] as uPlot.AlignedData);
      const T = r.gradNorm.lstm.length;
      // Relative to the last step, where the loss is: the curves compare how fast each decays.
      const rel = (g: number[] | undefined) => (g ?? []).map((v) => (v > 0 && g![T - 1]! > 0 ? Math.log10(v / g![T - 1]!) : null));
      const init = (c: CellKind) => rel(initial?.gradNorm[c]);
      grad.setData([Array.from({ length: T }, (_, t) => t), ...CELLS.map((c) => rel(r.gradNorm[c])), rel(r.cellGradNorm), ...CELLS.map(init)] as uPlot.AlignedData);
    },
    resize() {
      for (const [u, el] of [[loss, lossEl], [acc, accEl], [grad, gradEl]] as const) u.setSize({ width: chartWidth(el), height: 220 });
    },
    destroy() {
      loss.destroy();
      acc.destroy();
      grad.destroy();
    },
  };
}
