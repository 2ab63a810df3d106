import { FormatError } from '../errors.js';
import { panelFeatureCount } from '../data/panel-windows.js';
import { Forecaster } from '../models/forecaster.js';
import type { TaskSpec } from '../tasks/build.js';
import type { GlobalPredictor } from '../tasks/global-predict.js';

/** A global forecaster rebuilt from a checkpoint (weights still to be loaded). */
export interface LoadedGlobalForecaster {
  kind: 'globalForecast';
  model: Forecaster;
  predictor: GlobalPredictor;
}

/**
 * The model of a global forecaster's checkpoint: `saved.layout` (window, horizon, season,
 * calendar, categories), `saved.quantiles`, `saved.intervalScale` and `saved.deseasonalise`,
 * each checked before anything is built.
 */
export function globalModelFromSpec(spec: TaskSpec, saved: Record<string, unknown>, source: string): LoadedGlobalForecaster {
  const fail = (what: string): never => {
    throw new FormatError(`${source}: ${what}`);
  };
  const layout = saved.layout as GlobalPredictor['layout'] | undefined;
  const whole = (v: unknown, max = 1 << 16) => Number.isInteger(v) && (v as number) >= 1 && (v as number) <= max;
  if (typeof layout !== 'object' || layout === null) return fail("saved.layout is missing (a global forecaster's window, horizon, season and categories)");
  if (!whole(layout.window) || !whole(layout.horizon) || !whole(layout.season)) return fail('saved.layout.window, horizon and season must be positive integers');
  if (typeof layout.calendar !== 'boolean' || !Array.isArray(layout.categories) || layout.categories.some((c) => typeof c !== 'string') || layout.categories.length > 1 << 16) {
    return fail('saved.layout.calendar must be true or false and saved.layout.categories a list of names');
  }
  const q = saved.quantiles as number[] | undefined;
  if (!Array.isArray(q) || q.length === 0 || q.length > 1000 || q.some((v, i) => !(typeof v === 'number' && v > 0 && v < 1) || (i > 0 && !(v > q[i - 1]!)))) {
    return fail('saved.quantiles must be increasing levels between 0 and 1');
  }
  const scale = saved.intervalScale;
  if (!(typeof scale === 'number' && Number.isFinite(scale) && scale > 0)) return fail('saved.intervalScale must be a positive number');
  const model = new Forecaster({ ...spec.model, inputSize: panelFeatureCount(layout), horizon: layout.horizon * q.length }, spec.seed);
  return { kind: 'globalForecast', model, predictor: { model, layout, quantiles: q, intervalScale: scale, deseasonalise: saved.deseasonalise !== false } };
}
