// Colour scales readable with colour-vision deficiencies: viridis for values in [0, 1]
// (gates), a blue-white-orange diverging scale for signed values (states).
import { symlog, symlogInverse } from './analysis.js';

export type Rgb = readonly [number, number, number];

const VIRIDIS: readonly Rgb[] = [
  [68, 1, 84], [72, 36, 117], [65, 68, 135], [53, 95, 141], [42, 120, 142],
  [33, 145, 140], [34, 168, 132], [68, 191, 112], [122, 209, 81], [189, 223, 38], [253, 231, 37],
];
const BLUE_ORANGE: readonly Rgb[] = [
  [5, 48, 97], [33, 102, 172], [103, 169, 207], [209, 229, 240], [247, 247, 247],
  [254, 224, 182], [253, 184, 99], [224, 130, 20], [127, 59, 8],
];

function ramp(stops: readonly Rgb[], t: number): Rgb {
  const x = Math.min(1, Math.max(0, Number.isFinite(t) ? t : 0)) * (stops.length - 1);
  const i = Math.min(stops.length - 2, Math.floor(x));
  const f = x - i;
  const a = stops[i]!;
  const b = stops[i + 1]!;
  return [a[0] + (b[0] - a[0]) * f, a[1] + (b[1] - a[1]) * f, a[2] + (b[2] - a[2]) * f];
}

/** A colour scale over a value range, with what a legend needs. */
export interface Scale {
  color(v: number): Rgb;
  min: number;
  max: number;
  name: string;
  /** The value at fraction f (0..1) of the legend bar; linear unless the scale says otherwise. */
  at?(f: number): number;
  /** Values to label on the legend. */
  ticks?: number[];
}

export function viridis(min = 0, max = 1): Scale {
  return { color: (v) => ramp(VIRIDIS, (v - min) / (max - min)), min, max, name: 'viridis' };
}

/** Symmetric around 0: blue negative, white 0, orange positive. */
export function diverging(maxAbs: number): Scale {
  const m = maxAbs > 0 ? maxAbs : 1;
  return { color: (v) => ramp(BLUE_ORANGE, (v / m + 1) / 2), min: -m, max: m, name: 'blue-orange' };
}

/**
 * Signed values over many magnitudes (an LSTM's cell state runs from ±0.01 to ±90) on one
 * fixed blue-white-orange scale: symlog with its knee at 1, saturating at ±maxAbs.
 */
export function symlogDiverging(maxAbs = 100): Scale {
  const top = symlog(maxAbs);
  return {
    color: (v) => ramp(BLUE_ORANGE, (symlog(v) / top + 1) / 2),
    min: -maxAbs,
    max: maxAbs,
    name: 'symlog blue-orange',
    at: (f) => symlogInverse((2 * f - 1) * top),
    ticks: [-maxAbs, -10, -1, 0, 1, 10, maxAbs],
  };
}

export const css = (c: Rgb): string => `rgb(${Math.round(c[0])}, ${Math.round(c[1])}, ${Math.round(c[2])})`;

/** Black or white text, whichever reads better on a background. */
export function textOn(c: Rgb): string {
  return 0.299 * c[0] + 0.587 * c[1] + 0.114 * c[2] > 140 ? '#111' : '#fff';
}

/** Line colours of the three cells (Okabe-Ito, distinguishable by colour-blind viewers). */
export const CELL_COLORS = { rnn: '#D55E00', gru: '#0072B2', lstm: '#009E73' } as const;
