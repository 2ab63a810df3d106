import { buildGlobalTask } from '../../../src/tasks/build-global.js';
import type { FuzzTarget } from './harness.js';
import { mutateBytes, mutateText } from './mutate.js';
import type { Prng } from './rng.js';

const enc = new TextEncoder();
const model = { cell: 'gru' as const, hiddenSize: 3, numLayers: 1, dropout: 0 };

interface PanelCase {
  bytes: Uint8Array;
  /** 0: long with category, 1: long, 2: wide. */
  format: number;
  horizon: number;
  season: number;
  interpolate: boolean;
}

/** Long-format series with a category, and a wide file with ragged columns. */
function longSeed(): string {
  const rows = ['series,t,value,type'];
  for (let s = 0; s < 3; s++) for (let t = 1; t <= 14 + 3 * s; t++) rows.push(`s${s},${t},${(10 + s + Math.sin(t)).toFixed(3)},${s % 2 ? 'A' : 'B'}`);
  return rows.join('\n') + '\n';
}
const WIDE = 'month,a,b\n' + Array.from({ length: 20 }, (_, i) => `${i},${i < 2 ? '' : 5 + (i % 4)},${i % 7 === 3 ? 'NA' : -1 + i}`).join('\n') + '\n';

/** Valid CSV with hostile numbers (zeros, negatives, extremes, constants) and dropped rows. */
function hostileValues(rng: Prng, seed: string): Uint8Array {
  const values = ['0', '-5', '1e300', '1e-300', '3', '3', '-1e300', '7.5'];
  const lines = seed.trimEnd().split('\n');
  const out = [lines[0]!];
  for (const line of lines.slice(1)) {
    if (rng.chance(0.1)) continue;
    const cells = line.split(',');
    if (rng.chance(0.3)) cells[cells.length === 4 ? 2 : rng.int(1, cells.length - 1)] = rng.pick(values);
    out.push(cells.join(','));
  }
  return enc.encode(out.join('\n') + '\n');
}

function corrupt(rng: Prng, seed: string): Uint8Array {
  let s = seed;
  for (let r = rng.int(1, 3); r > 0; r--) s = mutateText(rng, s);
  return rng.chance(0.4) ? mutateBytes(rng, enc.encode(s)) : enc.encode(s);
}

/**
 * Many-series CSV (long and wide) through the global forecaster: parsing, per-series
 * deseasonalising, windows across series, one training batch, evaluation and forecasts.
 */
export const panelTarget: FuzzTarget<PanelCase> = {
  name: 'panel',
  async setup() {
    return {
      generate: (rng: Prng) => {
        const format = rng.int(0, 2);
        const seed = format === 2 ? WIDE : longSeed();
        return { bytes: rng.chance(0.4) ? hostileValues(rng, seed) : corrupt(rng, seed), format, horizon: rng.int(1, 4), season: rng.int(0, 4), interpolate: rng.chance(0.5) };
      },
      run(c: PanelCase) {
        const spec = {
          model, batchSize: 4, seed: 0, horizon: c.horizon, season: c.season, missing: c.interpolate ? ('interpolate' as const) : ('error' as const),
          ...(c.format === 2 ? { columns: ['a', 'b'] } : { seriesId: 'series', ...(c.format === 0 ? { category: 'type' } : {}) }),
        };
        const task = buildGlobalTask(spec, c.bytes, 'fuzz.csv');
        task.trainBatch(0, 0);
        task.evaluate();
        return task.forecastPanel();
      },
      size: (c: PanelCase) => c.bytes.length,
    };
  },
};
