import type { GlobalForecastOptions } from './global-forecast.js';

/** The quantiles a global forecaster predicts by default: the median and an 80% interval. */
export const DEFAULT_QUANTILES = [0.1, 0.5, 0.9];

/**
 * Defaults of a global forecaster for horizon h and season m (see README, "Choosing defaults"):
 * input windows of 1.25 x max(h, m) (Hewamalage et al. 2021), a 1x32 LSTM, the position in
 * the season as an input, and windows seeing at least a few real values.
 *
 * @example
 * defaultGlobalOptions(18, 12).window; // 23
 */
export function defaultGlobalOptions(h: number, m: number): GlobalForecastOptions {
  const window = Math.ceil(1.25 * Math.max(h, m));
  return {
    model: { cell: 'lstm', hiddenSize: 32, numLayers: 1, dropout: 0 },
    window,
    horizon: h,
    season: m,
    quantiles: DEFAULT_QUANTILES,
    calendar: m > 1,
    minInput: Math.min(window, Math.max(3, m)),
    batchSize: 64,
    seed: 0,
  };
}
