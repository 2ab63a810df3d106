import { withEval } from '../nn/with-eval.js';
import { FormatError } from '../errors.js';
import { applyTransform, decodePrediction, encodeWindow, featureCount, type SeriesEncoding } from '../data/windows.js';
import type { Forecaster } from '../models/forecaster.js';
import { Tensor } from '../tensor/tensor.js';

/**
 * Forecasts `steps` values after the end of a series with a trained forecaster. Up to the
 * model's horizon the forecast is direct; beyond it (only without extra columns, whose
 * future is unknown) each block of predictions is appended and the model predicts again.
 */
export function forecastAhead(
  model: Forecaster,
  encoding: SeriesEncoding,
  y: Float64Array,
  extras: Float64Array[],
  window: number,
  steps: number,
): Float64Array {
  const horizon = model.config.horizon;
  if (steps > horizon && extras.length > 0) {
    throw new FormatError(`this model predicts ${horizon} steps and reads extra columns whose future is unknown; ask for at most ${horizon}`);
  }
  if (y.length < window + 1) throw new FormatError(`the series has ${y.length} rows; this model needs at least ${window + 1}`);
  if (encoding.transform === 'log' && y.some((v) => v <= 0)) throw new FormatError('this model works on log values and the series holds a value <= 0');
  const z = Array.from(applyTransform(y, encoding.transform));
  const out: number[] = [];
  return withEval(model, () => {
    while (out.length < steps) {
      const zs = Float64Array.from(z);
      const F = featureCount(encoding);
      const x = new Float32Array(window * F);
      encodeWindow(zs, extras, encoding, zs.length, window, x, 0);
      const pred = model.forward(new Tensor(x, [1, window, F]));
      for (let k = 0; k < horizon && out.length < steps; k++) {
        const v = decodePrediction(pred.data[k]!, zs[zs.length - 1]!, encoding);
        out.push(v);
      }
      // Recursive continuation: the predicted block becomes history.
      for (let k = z.length - y.length; k < out.length; k++) z.push(applyTransform([out[k]!], encoding.transform)[0]!);
    }
    return Float64Array.from(out);
  });
}
