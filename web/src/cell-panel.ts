// Panel 2: the cell of the loaded model drawn with the values of one unit at the step the
// stepper is on.
import { gruDiagram, lstmDiagram, rnnDiagram, type Values } from './cell-diagrams.js';
import { showChar, type TextTrace } from './model.js';

export interface CellPanel {
  show(tr: TextTrace, t: number): void;
}

export function createCellPanel(root: HTMLElement): CellPanel {
  const unitInput = root.querySelector<HTMLInputElement>('#cell-unit')!;
  const holder = root.querySelector<HTMLElement>('#cell-diagram')!;
  const caption = root.querySelector<HTMLElement>('#cell-caption')!;
  let last: { tr: TextTrace; t: number } | null = null;

  const draw = () => {
    if (!last) return;
    const { tr, t } = last;
    unitInput.max = String(tr.H - 1);
    const u = Math.max(0, Math.min(tr.H - 1, Number(unitInput.value) || 0));
    const at = (a: Float32Array | undefined | null, s: number) => (a && s >= 0 ? a[s * tr.H + u]! : 0);
    const g = tr.gates;
    const v: Values = { h: at(tr.h, t), hPrev: at(tr.h, t - 1) };
    if (tr.cell === 'lstm') {
      Object.assign(v, { i: at(g.i, t), f: at(g.f, t), g: at(g.g, t), o: at(g.o, t), c: at(tr.c, t), cPrev: at(tr.c, t - 1) });
      Object.assign(v, { fc: v.f! * v.cPrev!, ig: v.i! * v.g!, tc: Math.tanh(v.c!) });
    } else if (tr.cell === 'gru') {
      Object.assign(v, { r: at(g.r, t), z: at(g.z, t), n: at(g.n, t) });
      Object.assign(v, { zh: v.z! * v.hPrev!, zn: (1 - v.z!) * v.n! });
    }
    holder.innerHTML = tr.cell === 'lstm' ? lstmDiagram(v) : tr.cell === 'gru' ? gruDiagram(v) : rnnDiagram(v);
    root.dataset.cell = tr.cell;
    caption.textContent = `${tr.cell.toUpperCase()} unit ${u} at step ${t + 1}, reading '${showChar([...tr.text][t] ?? ' ')}'`;
  };
  unitInput.addEventListener('input', draw);
  return {
    show(tr, t) {
      last = { tr, t };
      draw();
    },
  };
}
