// Heatmaps stacked over one time axis, one column per feature frame, every map with the same
// gutter and column width so a frame lines up from the spectrogram down to the prediction.
// One cursor column runs through all of them; hover shows the value under the pointer; a click
// (or ← → Home End on the focused strip) moves the cursor.
import { css, type Scale } from './colors.js';
import { legendHtml } from './legend.js';
import { sizeCanvas } from './sharp-canvas.js';

/** One heatmap: `rows` rows top to bottom, one column per frame. */
export interface StripMap {
  /** Names the canvas (data-map) for tests and styles. */
  key: string;
  title: string;
  rows: number;
  /** Pixels per row (see rowHeight). */
  rowH: number;
  value(row: number, t: number): number;
  scale: Scale;
  /** Under the legend bar, e.g. what 0 and 1 mean. */
  legendNote: string;
  /** Gutter label of a row ('' for none). */
  rowLabel(row: number): string;
  /** Hover text of a cell. */
  describe(row: number, t: number, v: number): string;
}

export interface Strip {
  root: HTMLElement;
  draw(maps: StripMap[], T: number, tickLabel: (t: number) => string, tickEvery: number): void;
  setCursor(t: number): void;
  /** Column width in CSS pixels of the last draw. */
  readonly colW: number;
  onPick(l: (t: number) => void): void;
}

export const GUTTER = 48;
const AXIS_H = 16;

/** Row height giving a map about `target` pixels, within [lo, hi]. */
export const rowHeight = (rows: number, target: number, lo = 1, hi = 10) => Math.max(lo, Math.min(hi, Math.floor(target / rows)));

export function createStrip(onKey: (key: string) => boolean): Strip {
  const root = document.createElement('div');
  root.className = 'au-strip';
  root.tabIndex = 0;
  root.setAttribute('role', 'group');
  root.setAttribute('aria-label', 'the recording frame by frame: click a column or use the arrow keys to move the frame cursor');
  const inner = document.createElement('div');
  inner.className = 'au-inner';
  const cursor = document.createElement('div');
  cursor.className = 'au-cursor';
  const tip = document.createElement('div');
  tip.className = 'hm-tip';
  tip.hidden = true;
  tip.setAttribute('role', 'status');
  root.append(inner);
  let colW = 8;
  let T = 0;
  const listeners: Array<(t: number) => void> = [];
  const frameAt = (x: number) => Math.floor((x - GUTTER) / colW);

  const canvasFor = (width: number, height: number) => {
    const canvas = document.createElement('canvas');
    const ctx = sizeCanvas(canvas, width, height);
    ctx.textAlign = 'right';
    return { canvas, ctx };
  };

  const drawMap = (m: StripMap) => {
    const rowH = m.rowH;
    const width = GUTTER + T * colW;
    const { canvas, ctx } = canvasFor(width, m.rows * rowH);
    for (let t = 0; t < T; t++) {
      for (let r = 0; r < m.rows; r++) {
        ctx.fillStyle = css(m.scale.color(m.value(r, t)));
        ctx.fillRect(GUTTER + t * colW, r * rowH, colW, rowH);
      }
    }
    ctx.fillStyle = '#333';
    const height = m.rows * rowH;
    // Labels at least 11 px apart, kept inside the canvas (a 10 px label on a 3 px row would be cut).
    let lastY = -Infinity;
    for (let r = 0; r < m.rows; r++) {
      const label = m.rowLabel(r);
      const y = Math.max(5, Math.min(height - 5, r * rowH + rowH / 2));
      if (label === '' || y - lastY < 11) continue;
      ctx.fillText(label, GUTTER - 4, y);
      lastY = y;
    }
    Object.assign(canvas.dataset, { map: m.key, columns: String(T), rows: String(m.rows), colW: String(colW), rowH: String(rowH) });
    canvas.className = 'au-canvas';
    canvas.setAttribute('role', 'img');
    canvas.setAttribute('aria-label', `${m.title}: ${m.rows} rows, one column per frame (${T} frames); hover for values`);
    canvas.addEventListener('mousemove', (e) => {
      const t = frameAt(e.offsetX);
      const r = Math.floor(e.offsetY / rowH);
      if (t < 0 || t >= T || r < 0 || r >= m.rows) return void (tip.hidden = true);
      tip.textContent = m.describe(r, t, m.value(r, t));
      tip.hidden = false;
      const box = canvas.getBoundingClientRect();
      const host = inner.getBoundingClientRect();
      tip.style.left = `${Math.max(0, Math.min(box.left - host.left + e.offsetX + 12, root.scrollLeft + root.clientWidth - 260))}px`;
      tip.style.top = `${box.top - host.top + e.offsetY + 14}px`;
    });
    canvas.addEventListener('mouseleave', () => (tip.hidden = true));
    const figure = document.createElement('div');
    figure.className = 'au-map';
    const caption = document.createElement('div');
    caption.className = 'au-caption legend';
    caption.innerHTML = `<span class="au-title"></span>${legendHtml(m.scale, m.legendNote)}`;
    caption.querySelector('.au-title')!.textContent = m.title;
    figure.append(caption, canvas);
    return figure;
  };

  const drawAxis = (tickLabel: (t: number) => string, tickEvery: number) => {
    const { canvas, ctx } = canvasFor(GUTTER + T * colW, AXIS_H);
    ctx.fillStyle = '#333';
    ctx.textAlign = 'left';
    ctx.fillText('ms', 2, AXIS_H / 2 + 3);
    ctx.textAlign = 'center';
    for (let t = 0; t < T; t += tickEvery) {
      const x = GUTTER + t * colW + colW / 2;
      ctx.fillRect(x, 0, 1, 4);
      ctx.fillText(tickLabel(t), x, AXIS_H / 2 + 3);
    }
    canvas.className = 'au-axis';
    return canvas;
  };

  inner.addEventListener('click', (e) => {
    const target = e.target as HTMLElement;
    if (target.tagName !== 'CANVAS') return;
    const t = frameAt((e as MouseEvent).offsetX);
    if (t >= 0 && t < T) for (const l of listeners) l(t);
  });
  root.addEventListener('keydown', (e) => {
    // Handled here, so panel 1's page-wide arrow keys do not also step its text.
    if (onKey(e.key)) {
      e.preventDefault();
      e.stopPropagation();
    }
  });

  return {
    root,
    get colW() {
      return colW;
    },
    onPick(l) {
      listeners.push(l);
    },
    draw(maps, frames, tickLabel, tickEvery) {
      T = frames;
      // Columns as wide as fit (2 to 32 px); a longer recording scrolls sideways.
      colW = Math.max(2, Math.min(32, Math.floor((root.clientWidth - GUTTER - 2) / Math.max(1, T))));
      // Captions wrap within the visible width or the plots', whichever is wider.
      inner.style.width = `${Math.max(GUTTER + T * colW, root.clientWidth)}px`;
      const every = Math.max(tickEvery, tickEvery * Math.ceil(44 / (colW * tickEvery)));
      const [first, ...rest] = maps;
      inner.replaceChildren(...(first ? [drawMap(first), drawAxis(tickLabel, every)] : []), ...rest.map(drawMap), cursor, tip);
      root.dataset.columns = String(T);
      root.dataset.colW = String(colW);
    },
    setCursor(t) {
      cursor.style.left = `${GUTTER + t * colW}px`;
      cursor.style.width = `${colW}px`;
      root.dataset.cursor = String(t);
      // Keep the cursor in view when the strip scrolls sideways.
      const x = GUTTER + t * colW;
      if (x < root.scrollLeft + GUTTER || x + colW > root.scrollLeft + root.clientWidth) root.scrollLeft = Math.max(0, x - root.clientWidth / 2);
    },
  };
}
