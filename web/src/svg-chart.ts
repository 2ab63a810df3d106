// Small SVG line charts and heat strips (no library): the remember view draws many of them.
import { css, type Scale } from './colors.js';

export interface Line {
  values: ArrayLike<number>;
  color: string;
  width?: number;
  label?: string;
}

/** Lines over steps 0..T-1, drawn up to `upTo`; vertical marks at given steps; y from lo to hi. */
export function lineChart(lines: Line[], T: number, upTo: number, marks: Array<{ t: number; label: string }>, lo: number, hi: number, w = 360, h = 120): string {
  const padL = 46;
  const padB = 16;
  const x = (t: number) => padL + ((w - padL - 6) * t) / Math.max(1, T - 1);
  const y = (v: number) => 4 + (h - padB - 8) * (1 - (Math.min(hi, Math.max(lo, v)) - lo) / (hi - lo || 1));
  const paths = lines.map((l) => {
    const pts: string[] = [];
    for (let t = 0; t <= Math.min(upTo, T - 1); t++) pts.push(`${x(t).toFixed(1)},${y(l.values[t]!).toFixed(1)}`);
    return `<polyline points="${pts.join(' ')}" fill="none" stroke="${l.color}" stroke-width="${l.width ?? 1.5}"><title>${l.label ?? ''}</title></polyline>`;
  });
  const markSvg = marks.map((m) => `<line x1="${x(m.t)}" x2="${x(m.t)}" y1="2" y2="${h - padB}" class="mark"/><text x="${x(m.t) + (x(m.t) > w - 50 ? -2 : 2)}" y="${h - 4}" text-anchor="${x(m.t) > w - 50 ? 'end' : 'start'}" class="tick">${m.label}</text>`);
  const zero = lo < 0 && hi > 0 ? `<line x1="${padL}" x2="${w - 6}" y1="${y(0)}" y2="${y(0)}" class="zero"/>` : '';
  return `<svg viewBox="0 0 ${w} ${h}" class="line-chart" role="img">
    <text x="${padL - 3}" y="12" text-anchor="end" class="tick">${fmtTick(hi)}</text><text x="${padL - 3}" y="${h - padB}" text-anchor="end" class="tick">${fmtTick(lo)}</text>
    ${zero}${markSvg.join('')}<line x1="${x(upTo)}" x2="${x(upTo)}" y1="2" y2="${h - padB}" class="cursor"/>${paths.join('')}</svg>`;
}

const fmtTick = (v: number) => (Math.abs(v) >= 10 ? v.toFixed(0) : v.toFixed(1));

/** One row of T coloured cells with a label; the cursor column outlined. */
export function heatStrip(label: string, values: ArrayLike<number>, T: number, scale: Scale, cursor: number, w = 360): string {
  const padL = 46;
  const cw = (w - padL - 6) / T;
  const cells = Array.from({ length: T }, (_, t) => `<rect x="${(padL + t * cw).toFixed(2)}" y="1" width="${(cw + 0.4).toFixed(2)}" height="12" fill="${css(scale.color(values[t]!))}"/>`);
  return `<svg viewBox="0 0 ${w} 14" class="strip" role="img" aria-label="${label}"><text x="${padL - 3}" y="11" text-anchor="end" class="tick">${label}</text>${cells.join('')}
    <rect x="${(padL + cursor * cw).toFixed(2)}" y="0.5" width="${cw.toFixed(2)}" height="13" class="strip-cursor"/></svg>`;
}
