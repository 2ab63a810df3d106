// A unit x step heatmap over a window of the text, one column per character with the
// character under it, plus rows for the selected unit's gates and states. Hover shows the
// value under the pointer; a click selects that unit and step.
import { css, textOn, type Scale } from './colors.js';
import { showChar } from './chars.js';
import { sizeCanvas } from './sharp-canvas.js';

/** One row of the selected unit's track: a label, its values [T] and their scale. */
export interface TrackRow {
  label: string;
  values: (t: number) => number;
  scale: Scale;
}

export interface HeatmapFrame {
  data: Float32Array;
  H: number;
  /** Units in display order (top to bottom). */
  order: number[];
  scale: Scale;
  chars: string[];
  start: number;
  end: number;
  cursor: number;
  unit: number;
  track: TrackRow[];
}

export interface HeatmapView {
  root: HTMLElement;
  draw(f: HeatmapFrame): void;
  /** Column width in CSS pixels: the stepper sizes its window with it. */
  readonly cellW: number;
  onPick(l: (unit: number | null, t: number) => void): void;
}

const GUTTER = 46;
const TRACK_H = 13;
const CHAR_H = 18;

export function createHeatmap(): HeatmapView {
  const root = document.createElement('div');
  root.className = 'heatmap';
  root.innerHTML = `<canvas class="hm-canvas" tabindex="-1"></canvas><div class="hm-tip" role="status" hidden></div>`;
  const canvas = root.querySelector<HTMLCanvasElement>('canvas')!;
  const tip = root.querySelector<HTMLElement>('.hm-tip')!;
  const cellW = 14;
  let frame: HeatmapFrame | null = null;
  let rowH = 4;
  const listeners: Array<(unit: number | null, t: number) => void> = [];

  /** What lies under a point: a unit row, a track row or the character row, and a step. */
  const hit = (x: number, y: number) => {
    if (!frame || x < GUTTER) return null;
    const t = frame.start + Math.floor((x - GUTTER) / cellW);
    if (t >= frame.end) return null;
    const mapH = frame.order.length * rowH;
    if (y < mapH) return { t, unit: frame.order[Math.floor(y / rowH)]!, track: -1 };
    const k = Math.floor((y - mapH - 4) / TRACK_H);
    return { t, unit: null, track: k >= 0 && k < frame.track.length ? k : -1 };
  };

  canvas.addEventListener('mousemove', (e) => {
    const f = frame;
    const h = hit(e.offsetX, e.offsetY);
    if (!f || !h) return void (tip.hidden = true);
    const ch = `'${showChar(f.chars[h.t] ?? ' ')}'`;
    tip.textContent =
      h.unit !== null
        ? `unit ${h.unit} · step ${h.t + 1} ${ch} · ${f.data[h.t * f.H + h.unit]!.toFixed(3)}`
        : h.track >= 0
          ? `unit ${f.unit} ${f.track[h.track]!.label} · step ${h.t + 1} ${ch} · ${f.track[h.track]!.values(h.t).toFixed(3)}`
          : `step ${h.t + 1} ${ch}`;
    tip.hidden = false;
    tip.style.left = `${Math.min(e.offsetX + 12, canvas.clientWidth - 200)}px`;
    tip.style.top = `${e.offsetY + 14}px`;
  });
  canvas.addEventListener('mouseleave', () => (tip.hidden = true));
  canvas.addEventListener('click', (e) => {
    const h = hit(e.offsetX, e.offsetY);
    if (h) for (const l of listeners) l(h.unit, h.t);
  });

  return {
    root,
    cellW,
    onPick(l) {
      listeners.push(l);
    },
    draw(f) {
      frame = f;
      const n = f.end - f.start;
      rowH = Math.max(3, Math.min(10, Math.floor(240 / f.order.length)));
      const mapH = f.order.length * rowH;
      const width = GUTTER + n * cellW;
      const height = mapH + 4 + f.track.length * TRACK_H + CHAR_H;
      const ctx = sizeCanvas(canvas, width, height);
      ctx.clearRect(0, 0, width, height);
      for (let s = f.start; s < f.end; s++) {
        const x = GUTTER + (s - f.start) * cellW;
        f.order.forEach((u, r) => {
          ctx.fillStyle = css(f.scale.color(f.data[s * f.H + u]!));
          ctx.fillRect(x, r * rowH, cellW, rowH);
        });
        f.track.forEach((row, k) => {
          ctx.fillStyle = css(row.scale.color(row.values(s)));
          ctx.fillRect(x, mapH + 4 + k * TRACK_H, cellW, TRACK_H - 1);
        });
        const ch = f.chars[s] ?? ' ';
        const y = mapH + 4 + f.track.length * TRACK_H;
        ctx.fillStyle = s === f.cursor ? '#0072b2' : '#fff';
        ctx.fillRect(x, y, cellW, CHAR_H);
        ctx.fillStyle = s === f.cursor ? textOn([0, 114, 178]) : s < f.cursor ? '#111' : '#888';
        ctx.textAlign = 'center';
        ctx.font = '12px ui-monospace, monospace';
        ctx.fillText(showChar(ch), x + cellW / 2, y + CHAR_H / 2);
      }
      // Labels: unit numbers every few rows, the selected unit's row outlined.
      ctx.textAlign = 'right';
      ctx.font = '10px ui-monospace, monospace';
      ctx.fillStyle = '#333';
      const every = Math.max(1, Math.ceil(11 / rowH));
      f.order.forEach((u, r) => {
        if (r % every === 0 || u === f.unit) ctx.fillText(`u${u}`, GUTTER - 4, r * rowH + rowH / 2);
      });
      f.track.forEach((row, k) => ctx.fillText(row.label, GUTTER - 4, mapH + 4 + k * TRACK_H + TRACK_H / 2));
      const sel = f.order.indexOf(f.unit);
      ctx.strokeStyle = '#e6007e';
      ctx.lineWidth = 2;
      if (sel >= 0) ctx.strokeRect(GUTTER - 1, sel * rowH - 1, n * cellW + 2, rowH + 2);
      if (f.cursor >= f.start && f.cursor < f.end) ctx.strokeRect(GUTTER + (f.cursor - f.start) * cellW, 1, cellW, height - 2);
      root.dataset.start = String(f.start);
      root.dataset.end = String(f.end);
      root.dataset.rows = String(f.order.length);
      root.dataset.order = f.order.join(',');
      root.dataset.rowH = String(rowH);
    },
  };
}
