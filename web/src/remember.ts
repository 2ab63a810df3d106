// "Watch it remember": one recall sequence played step by step through the three trained
// models. Each model's best units (by how well they decode the symbol) are drawn for all
// four possible marked symbols: the lines split when the symbol enters and stay apart as
// long as the model still knows it. The LSTM's gates of its best unit run underneath.
import { variantSpread } from './analysis.js';
import { diverging, viridis } from './colors.js';
import { variantOf, type CellSource } from './cell-source.js';
import { LABEL } from './memory-charts.js';
import { CELLS, type CellKind, type RememberData } from './protocol.js';
import { CLASSES } from './recall-task.js';
import { heatStrip, lineChart } from './svg-chart.js';

const VARIANT_COLORS = ['#E69F00', '#56B4E9', '#CC79A7', '#000000'];
export const symbolName = (s: number) => (s < 0 ? '?' : 'ABCDEFGH'[s] ?? String(s));
const GATE_ROWS: Record<CellKind, Array<[string, string]>> = {
  lstm: [['f', 'forget'], ['i', 'input'], ['o', 'output']],
  gru: [['z', 'update'], ['r', 'reset']],
  rnn: [],
};

/**
 * The variant whose symbol the LSTM's best unit writes most strongly (largest |c| just after
 * the symbol enters): the one it stores. A unit need not store every symbol the same way.
 */
export function heldVariant(d: RememberData): number {
  const tr = d.cells.lstm;
  const state = tr.c ?? tr.h;
  const u = tr.units[0]!;
  const s = Math.min(d.T - 1, d.markAt + 1);
  let best = 0;
  for (let b = 1; b < CLASSES; b++) if (Math.abs(state[(s * CLASSES + b) * tr.H + u]!) > Math.abs(state[(s * CLASSES + best) * tr.H + u]!)) best = b;
  return best;
}

export interface RememberView {
  show(d: RememberData): void;
  /** Called with the chosen model's sequence, the step and its best unit (the cell diagram follows). */
  onStep(l: (src: CellSource, t: number, unit: number) => void): void;
}

export function createRememberView(root: HTMLElement): RememberView {
  const q = <T extends HTMLElement>(s: string) => root.querySelector<T>(s)!;
  const scrub = q<HTMLInputElement>('#rem-scrub');
  const playBtn = q<HTMLButtonElement>('#rem-play');
  const variantPick = q<HTMLSelectElement>('#rem-symbol');
  const diagramPick = q<HTMLSelectElement>('#rem-diagram');
  const seqEl = q<HTMLElement>('#rem-seq');
  const cols = q<HTMLElement>('#rem-cols');
  const caption = q<HTMLElement>('#rem-caption');
  for (let k = 0; k < CLASSES; k++) variantPick.add(new Option(`marked symbol ${symbolName(k)}`, String(k)));
  let data: RememberData | null = null;
  let variantChosen = false;
  let t = 0;
  let timer: number | null = null;
  const listeners: Array<(src: CellSource, t: number, unit: number) => void> = [];

  const stateOf = (d: RememberData, kind: CellKind) => d.cells[kind].c ?? d.cells[kind].h;
  const source = (d: RememberData, kind: CellKind, b: number): CellSource => {
    const tr = d.cells[kind];
    const one = (a: Float32Array) => variantOf(a, d.T, CLASSES, tr.H, b);
    return {
      cell: kind,
      T: d.T,
      H: tr.H,
      gates: Object.fromEntries(Object.entries(tr.gates).map(([k, g]) => [k, one(g)])),
      c: tr.c ? one(tr.c) : null,
      h: one(tr.h),
      input: (s) => (s === d.markAt ? `${symbolName(b)} (marked)` : s === d.T - 1 ? 'the query' : `distractor ${symbolName(d.symbols[s]!)}`),
      origin: `the recall sequence of panel 3 (trained ${d.step} steps)`,
    };
  };

  const render = (notify = true) => {
    if (!data) return;
    const d = data;
    const b = Number(variantPick.value);
    scrub.value = String(t);
    seqEl.replaceChildren(
      ...d.symbols.map((s, i) => {
        const span = document.createElement('span');
        span.textContent = i === d.markAt ? symbolName(b) : symbolName(s);
        span.className = `${i === d.markAt ? 'marked' : i === d.T - 1 ? 'query' : ''} ${i === t ? 'cur' : i > t ? 'future' : ''}`;
        span.title = i === d.markAt ? 'the marked symbol: remember it' : i === d.T - 1 ? 'the query: which symbol was marked?' : 'a distractor';
        return span;
      }),
    );
    const marks = [{ t: d.markAt, label: 'symbol' }, { t: d.T - 1, label: 'query' }];
    cols.replaceChildren(
      ...CELLS.map((kind) => {
        const tr = d.cells[kind];
        const H = tr.H;
        const state = stateOf(d, kind);
        const at = (a: Float32Array, s: number, v: number, u: number) => a[(s * CLASSES + v) * H + u]!;
        const series = (a: Float32Array, v: number, u: number) => Array.from({ length: d.T }, (_, s) => at(a, s, v, u));
        const top = tr.units[0]!;
        const bound = kind === 'lstm' ? Math.max(1, ...Array.from({ length: CLASSES }, (_, v) => Math.max(...series(state, v, top).map(Math.abs)))) : 1;
        const lines = Array.from({ length: CLASSES }, (_, v) => ({ values: series(state, v, top), color: VARIANT_COLORS[v]!, width: v === b ? 3 : 1.2, label: `marked ${symbolName(v)}` }));
        const gateRows = GATE_ROWS[kind].map(([g, name]) => heatStrip(name, series(tr.gates[g]!, b, top), d.T, viridis(0, 1), t));
        // How much the whole state still depends on the symbol: mean over units of the spread across the variants.
        const spread = variantSpread(state, d.T, CLASSES, H);
        const spreadTop = Math.max(1e-6, ...spread);
        const unitRows = tr.units.map((u) => heatStrip(`u${u}`, series(state, b, u), d.T, diverging(bound), t));
        const box = document.createElement('div');
        box.className = 'rem-col';
        box.dataset.cell = kind;
        const sv = kind === 'lstm' ? 'cell c' : 'hidden h';
        const acc = tr.units.map((u, i) => `${u} (${Math.round(tr.unitAccuracy[i]! * 100)}%)`).join(', ');
        const now = `${sv} ${at(state, t, b, top).toFixed(2)}${GATE_ROWS[kind].map(([g, name]) => ` · ${name} ${at(tr.gates[g]!, t, b, top).toFixed(2)}`).join('')}`;
        box.innerHTML = `<h4>${LABEL[kind]} <span class="note">answers right with p = ${tr.correctProb[b]!.toFixed(2)}</span></h4>
          <p class="note">${sv} of unit ${top}, one line per possible marked symbol (${VARIANT_COLORS.map((c, k) => `<b style="color:${c}">${symbolName(k)}</b>`).join(' ')}; thick: ${symbolName(b)})</p>
          ${lineChart(lines, d.T, t, marks, -bound, bound)}
          ${gateRows.length ? `<p class="note">gates of unit ${top}</p>${gateRows.join('')}` : ''}
          <p class="note">how much the whole ${sv} still depends on the symbol (mean spread over the four variants)</p>
          ${lineChart([{ values: spread, color: '#333', width: 2, label: 'spread' }], d.T, t, marks, 0, spreadTop, 360, 70)}
          <p class="note">${sv} of the units that best tell the symbol (decoding accuracy): ${acc}</p>${unitRows.join('')}
          <p class="rem-now">step ${t + 1}: ${now}</p>`;
        return box;
      }),
    );
    caption.textContent = `Step ${t + 1} of ${d.T}: ${t < d.markAt ? 'distractors; nothing to remember yet' : t === d.markAt ? 'the marked symbol enters' : t < d.T - 1 ? `${t - d.markAt} step${t - d.markAt === 1 ? '' : 's'} since the symbol: is it still held?` : 'the query: which symbol was marked?'}`;
    root.dataset.remStep = String(t);
    const kind = diagramPick.value as CellKind;
    // Only the learner's own moves take the cell diagram over; a training report does not.
    if (notify) for (const l of listeners) l(source(d, kind, b), t, d.cells[kind].units[0]!);
  };

  const go = (to: number) => {
    if (!data) return;
    t = Math.max(0, Math.min(data.T - 1, to));
    render();
  };
  const pause = () => {
    if (timer !== null) clearInterval(timer);
    timer = null;
    playBtn.textContent = '▶ play';
  };
  playBtn.addEventListener('click', () => {
    if (timer !== null) return pause();
    if (!data) return;
    if (t >= data.T - 1) t = -1;
    playBtn.textContent = '⏸ pause';
    timer = window.setInterval(() => (data && t < data.T - 1 ? go(t + 1) : pause()), 250);
  });
  q('#rem-back').addEventListener('click', () => go(t - 1));
  q('#rem-fwd').addEventListener('click', () => go(t + 1));
  scrub.addEventListener('input', () => go(Number(scrub.value)));
  variantPick.addEventListener('change', () => {
    variantChosen = true;
    render();
  });
  diagramPick.addEventListener('change', () => render());

  return {
    show(d) {
      const first = data === null || data.T !== d.T;
      data = d;
      (globalThis as unknown as { recurRemember?: RememberData }).recurRemember = d;
      root.hidden = false;
      scrub.max = String(d.T - 1);
      // A new race starts at the symbol; later reports keep the step the learner is on.
      if (first) t = Math.min(d.T - 1, d.markAt);
      // Show first the symbol the LSTM's best unit stores; the learner can switch to the others.
      if (d.step > 0 && !variantChosen) variantPick.value = String(heldVariant(d));
      render(false);
    },
    onStep(l) {
      listeners.push(l);
    },
  };
}
