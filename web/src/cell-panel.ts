// Panel 2: the cell of the loaded model (or of the remember view's model) drawn with one
// unit's values at the current step. Selecting a gate highlights it and shows its equation.
import { gruDiagram, lstmDiagram, rnnDiagram, type Values } from './cell-diagrams.js';
import type { CellSource } from './cell-source.js';
import { DEFAULT_GATE, equation } from './equations.js';

export interface CellPanel {
  show(src: CellSource, t: number, unit: number): void;
  /** The learner typed a unit: the stepper selects it too. */
  onUnit(l: (u: number) => void): void;
}

const NAMES = { lstm: 'LSTM', gru: 'GRU', rnn: 'plain RNN' } as const;

/** One unit's values at step t, with the products the diagram writes on its wires. */
export function valuesAt(src: CellSource, t: number, u: number): Values {
  const at = (a: Float32Array | undefined | null, s: number) => (a && s >= 0 ? a[s * src.H + u]! : 0);
  const g = src.gates;
  const v: Values = { h: at(src.h, t), hPrev: at(src.h, t - 1) };
  if (src.cell === 'lstm') {
    Object.assign(v, { i: at(g.i, t), f: at(g.f, t), g: at(g.g, t), o: at(g.o, t), c: at(src.c, t), cPrev: at(src.c, t - 1) });
    Object.assign(v, { fc: v.f! * v.cPrev!, ig: v.i! * v.g!, tc: Math.tanh(v.c!) });
  } else if (src.cell === 'gru') {
    Object.assign(v, { r: at(g.r, t), z: at(g.z, t), n: at(g.n, t) });
    Object.assign(v, { zh: v.z! * v.hPrev!, zn: (1 - v.z!) * v.n! });
  } else v.a = Math.abs(v.h!) < 1 - 1e-6 ? Math.atanh(v.h!) : NaN; // saturated: not recoverable
  return v;
}

export function createCellPanel(root: HTMLElement): CellPanel {
  const unitInput = root.querySelector<HTMLInputElement>('#cell-unit')!;
  const holder = root.querySelector<HTMLElement>('#cell-diagram')!;
  const caption = root.querySelector<HTMLElement>('#cell-caption')!;
  const eq = root.querySelector<HTMLElement>('#cell-equation')!;
  const valuesEl = root.querySelector<HTMLElement>('#cell-values')!;
  let last: { src: CellSource; t: number } | null = null;
  let selected: string | null = null;
  const unitListeners: Array<(u: number) => void> = [];

  const draw = () => {
    if (!last) return;
    const { src, t } = last;
    unitInput.max = String(src.H - 1);
    const u = Math.max(0, Math.min(src.H - 1, Number(unitInput.value) || 0));
    const v = valuesAt(src, t, u);
    const sel = selected && equation(src.cell, selected, v) ? selected : DEFAULT_GATE[src.cell];
    const focused = (document.activeElement as HTMLElement | null)?.dataset?.gate;
    holder.innerHTML = src.cell === 'lstm' ? lstmDiagram(v, sel) : src.cell === 'gru' ? gruDiagram(v, sel) : rnnDiagram(v, sel);
    if (focused) holder.querySelector<SVGGElement>(`[data-gate="${focused}"]`)?.focus();
    eq.innerHTML = equation(src.cell, sel, v);
    // The same numbers as text: readable on a phone, where the drawing is small, and by screen readers.
    valuesEl.textContent = Array.from(holder.querySelectorAll('.chip text'), (e) => e.textContent).join(' · ');
    root.dataset.cell = src.cell;
    root.dataset.gate = sel;
    const typed = Number(unitInput.value);
    const warn = Number.isInteger(typed) && typed === u ? '' : ` (unit '${unitInput.value}' does not exist: this model has units 0 to ${src.H - 1})`;
    caption.textContent = `${NAMES[src.cell]} unit ${u}${warn} at step ${t + 1} of ${src.origin}, reading ${src.input(t)}`;
  };
  const pick = (e: Event) => {
    const g = (e.target as Element).closest<SVGGElement>('[data-gate]');
    if (!g) return;
    selected = g.dataset.gate!;
    draw();
  };
  holder.addEventListener('click', pick);
  holder.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' || e.key === ' ') {
      e.preventDefault();
      e.stopPropagation();
      pick(e);
    }
  });
  unitInput.addEventListener('input', () => {
    draw();
    for (const l of unitListeners) l(Number(unitInput.value) || 0);
  });
  return {
    show(src, t, unit) {
      last = { src, t };
      unitInput.value = String(unit);
      draw();
    },
    onUnit(l) {
      unitListeners.push(l);
    },
  };
}
