// A colour legend as HTML: the scale's gradient with its ticks placed where their colours are.
import { css, type Scale } from './colors.js';

/** Where value v sits along the bar (0..1), found by bisecting the scale's `at` (monotone). */
function position(scale: Scale, v: number): number {
  if (!scale.at) return (v - scale.min) / (scale.max - scale.min);
  let lo = 0;
  let hi = 1;
  for (let k = 0; k < 40; k++) {
    const mid = (lo + hi) / 2;
    if (scale.at(mid) < v) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

/** Gradient bar, ticks under it, and a note after it. */
export function legendHtml(scale: Scale, note = '', unit = ''): string {
  const stops = Array.from({ length: 21 }, (_, k) => css(scale.color(scale.at ? scale.at(k / 20) : scale.min + ((scale.max - scale.min) * k) / 20)));
  const ticks = scale.ticks ?? [scale.min, (scale.min + scale.max) / 2, scale.max];
  return `<span class="legend-bar"><span class="bar" style="background:linear-gradient(to right,${stops.join(',')})"></span>
    <span class="ticks">${ticks.map((v) => `<span style="left:${(position(scale, v) * 100).toFixed(1)}%">${Number(v.toFixed(2))}${unit}</span>`).join('')}</span></span>${note ? `<span class="note">${note}</span>` : ''}`;
}
