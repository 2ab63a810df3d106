import { scaleLinear } from 'd3-scale';
import { line } from 'd3-shape';

/** One line of a chart: points (x, y), a label for the legend, and a colour. */
export interface Series {
  label: string;
  points: Array<[number, number]>;
  color: string;
  dashed?: boolean;
}

/** Colour-blind-safe palette (Okabe-Ito). */
export const PALETTE = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9'];

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/**
 * A line chart as a standalone SVG document, with labelled axes and a legend, for loss
 * curves and forecasts written next to checkpoints. d3 computes the scales, ticks and paths.
 */
export function lineChartSvg(series: Series[], options: ChartOptions): string {
  return stackedChartsSvg([{ series, options }]);
}

export interface ChartOptions {
  title: string;
  xLabel: string;
  yLabel: string;
  width?: number;
  height?: number;
}

/** Several charts one above the other in one SVG document (e.g. loss, then validation). */
export function stackedChartsSvg(charts: Array<{ series: Series[]; options: ChartOptions }>): string {
  const width = Math.max(...charts.map((c) => c.options.width ?? 800));
  const heights = charts.map((c) => c.options.height ?? 400);
  const total = heights.reduce((a, b) => a + b, 0);
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${total}" viewBox="0 0 ${width} ${total}" font-family="sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="white"/>`,
  ];
  let y = 0;
  charts.forEach((c, i) => {
    parts.push(`<g transform="translate(0 ${y})">`, chartBody(c.series, { ...c.options, width, height: heights[i]! }), '</g>');
    y += heights[i]!;
  });
  parts.push('</svg>');
  return parts.join('\n');
}

function chartBody(series: Series[], options: ChartOptions): string {
  const width = options.width ?? 800;
  const height = options.height ?? 400;
  const m = { top: 40, right: 20, bottom: 50, left: 70 };
  const pts = series.flatMap((s) => s.points).filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y));
  const xs = pts.map((p) => p[0]);
  const ys = pts.map((p) => p[1]);
  const x = scaleLinear()
    .domain(xs.length ? [Math.min(...xs), Math.max(...xs)] : [0, 1])
    .range([m.left, width - m.right])
    .nice();
  const y = scaleLinear()
    .domain(ys.length ? [Math.min(...ys), Math.max(...ys)] : [0, 1])
    .range([height - m.bottom, m.top])
    .nice();
  const path = line<[number, number]>()
    .defined(([a, b]) => Number.isFinite(a) && Number.isFinite(b))
    .x((p) => x(p[0]))
    .y((p) => y(p[1]));
  const parts: string[] = [
    `<text x="${width / 2}" y="20" text-anchor="middle" font-size="15">${esc(options.title)}</text>`,
  ];
  for (const t of x.ticks(8)) {
    parts.push(`<line x1="${x(t)}" x2="${x(t)}" y1="${m.top}" y2="${height - m.bottom}" stroke="#eee"/>`);
    parts.push(`<text x="${x(t)}" y="${height - m.bottom + 16}" text-anchor="middle">${esc(x.tickFormat(8)(t))}</text>`);
  }
  for (const t of y.ticks(6)) {
    parts.push(`<line x1="${m.left}" x2="${width - m.right}" y1="${y(t)}" y2="${y(t)}" stroke="#eee"/>`);
    parts.push(`<text x="${m.left - 6}" y="${y(t) + 4}" text-anchor="end">${esc(y.tickFormat(6)(t))}</text>`);
  }
  parts.push(`<line x1="${m.left}" x2="${width - m.right}" y1="${height - m.bottom}" y2="${height - m.bottom}" stroke="#333"/>`);
  parts.push(`<line x1="${m.left}" x2="${m.left}" y1="${m.top}" y2="${height - m.bottom}" stroke="#333"/>`);
  parts.push(`<text x="${(m.left + width - m.right) / 2}" y="${height - 12}" text-anchor="middle">${esc(options.xLabel)}</text>`);
  parts.push(`<text transform="translate(16 ${(m.top + height - m.bottom) / 2}) rotate(-90)" text-anchor="middle">${esc(options.yLabel)}</text>`);
  series.forEach((s, i) => {
    const d = path(s.points);
    if (d) parts.push(`<path d="${d}" fill="none" stroke="${s.color}" stroke-width="2"${s.dashed ? ' stroke-dasharray="6 4"' : ''}/>`);
    const ly = m.top + 8 + i * 16;
    parts.push(`<line x1="${width - m.right - 150}" x2="${width - m.right - 130}" y1="${ly}" y2="${ly}" stroke="${s.color}" stroke-width="2"${s.dashed ? ' stroke-dasharray="6 4"' : ''}/>`);
    parts.push(`<text x="${width - m.right - 125}" y="${ly + 4}">${esc(s.label)}</text>`);
  });
  return parts.join('\n');
}
