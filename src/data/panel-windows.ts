/**
 * Windows for a global forecaster, cut across many series. Each series arrives already in
 * model space (e.g. the log of its deseasonalised values, see tasks/global-series.ts); every
 * window is normalised by its own level, its last input value, which is subtracted from the
 * inputs and the targets (Hewamalage, Bergmeir & Bandara, IJF 2021). So a window of any series
 * and scale looks alike to the network, and a forecast continues from the last value.
 *
 * Features of each step: the level-normalised value; with a season m > 1, the position in
 * the season as sin and cos (counted from the series' first value, as the decomposition does);
 * then one-hot the series' static category, when there are categories.
 */
export interface WindowLayout {
  /** Past steps each window reads. */
  window: number;
  /** Future steps each window predicts. */
  horizon: number;
  /** Seasonal period for the calendar features (1: none). */
  season: number;
  /** Whether the position in the season is an input (needs season > 1). */
  calendar: boolean;
  /** The static categories, in one-hot order ([] or one entry: no category input). */
  categories: string[];
}

/** Features per step of a window. */
export function panelFeatureCount(layout: WindowLayout): number {
  return 1 + (layout.calendar && layout.season > 1 ? 2 : 0) + (layout.categories.length > 1 ? layout.categories.length : 0);
}

/**
 * Input features [window, features] of the window ending just before step t of `z`, flattened
 * into `out` at `offset`. Steps before the series' start repeat its first value (short series
 * are padded, not dropped). `category` is an index into layout.categories (-1: none).
 *
 * @example
 * const x = new Float32Array(layout.window * panelFeatureCount(layout));
 * encodePanelWindow(z, z.length, 0, layout, x, 0); // the window that forecasts past the end
 */
export function encodePanelWindow(z: ArrayLike<number>, t: number, category: number, layout: WindowLayout, out: Float32Array, offset: number): void {
  const { window: W, season: m } = layout;
  const F = panelFeatureCount(layout);
  const level = z[t - 1]!;
  const calendar = layout.calendar && m > 1;
  const oneHot = layout.categories.length > 1;
  for (let s = 0; s < W; s++) {
    const i = t - W + s;
    const o = offset + s * F;
    out[o] = z[Math.max(0, i)]! - level;
    let f = 1;
    if (calendar) {
      const phase = (2 * Math.PI * ((((i % m) + m) % m))) / m;
      out[o + 1] = Math.sin(phase);
      out[o + 2] = Math.cos(phase);
      f = 3;
    }
    if (oneHot) for (let c = 0; c < layout.categories.length; c++) out[o + f + c] = c === category ? 1 : 0;
  }
}

/** Targets of the window ending before step t: z[t + k] - z[t - 1], k < horizon, into `out` at `offset`. */
export function encodePanelTargets(z: ArrayLike<number>, t: number, horizon: number, out: Float32Array, offset: number): void {
  const level = z[t - 1]!;
  for (let k = 0; k < horizon; k++) out[offset + k] = z[t + k]! - level;
}

/** One training window: series index and the first predicted step. */
export interface WindowRef {
  series: number;
  t: number;
}

/**
 * Every training window across series: for each series of length n (its usable part), the
 * windows whose targets t .. t + horizon - 1 lie inside it and that see at least `minInput`
 * real values. Ordered by series, then t.
 *
 * @example
 * panelWindows([10, 4], 3, 2); // series 0: t = 3..8 (6 windows); series 1 (4 values): t = 2 only if minInput <= 2
 */
export function panelWindows(lengths: readonly number[], horizon: number, minInput: number): WindowRef[] {
  const out: WindowRef[] = [];
  lengths.forEach((n, series) => {
    for (let t = Math.max(1, minInput); t + horizon <= n; t++) out.push({ series, t });
  });
  return out;
}
