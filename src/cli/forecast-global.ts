import { OptionError } from '../errors.js';
import { decodeText } from '../data/text.js';
import type { TaskSpec } from '../tasks/build.js';
import { readPanel } from '../tasks/build-global.js';
import { forecastPanel, type GlobalPredictor } from '../tasks/global-predict.js';
import { lineChartSvg, PALETTE } from '../io/svg-chart.js';
import { writeOutputFile } from './write-output.js';

/** The column name of quantile q in the output: 0.1 -> q10, 0.975 -> q97.5. */
export function quantileColumn(q: number): string {
  return `q${Number((q * 100).toPrecision(6))}`;
}

/**
 * `recur forecast RUN FILE` for a global forecaster: every series of FILE (read as in
 * training: long with the id column, or wide with the series columns), each continued from
 * its last value for the model's horizon; `series,step,value` (the median) and one column per
 * quantile. `--plot` draws one series (`--series`, default the first) with its interval.
 */
export async function forecastGlobal(
  predictor: GlobalPredictor,
  spec: TaskSpec,
  bytes: Uint8Array,
  source: string,
  o: { horizon?: number; out?: string; plot?: string; series?: string; missing: 'error' | 'interpolate' },
): Promise<void> {
  const h = predictor.layout.horizon;
  if (o.horizon !== undefined && o.horizon > h) {
    throw new OptionError(`this model forecasts ${h} steps at once (trained with --horizon ${h}); ask for at most ${h}, or train with a longer --horizon`);
  }
  const steps = o.horizon ?? h;
  const panel = readPanel(decodeText(bytes, source), source, { ...spec, missing: o.missing });
  const forecasts = forecastPanel(predictor, panel);
  const q = predictor.quantiles;
  const lines = [['series', 'step', 'value', ...q.map(quantileColumn)].join(',')];
  forecasts.forEach((f, i) => {
    const id = /[",\n]/.test(panel.ids[i]!) ? `"${panel.ids[i]!.replace(/"/g, '""')}"` : panel.ids[i]!;
    const n = panel.values[i]!.length;
    for (let k = 0; k < steps; k++) lines.push([id, n + k + 1, f.point[k], ...f.quantiles[k]!].join(','));
  });
  if (o.out) await writeOutputFile(o.out, lines.join('\n') + '\n', 'forecast');
  else console.log(lines.join('\n'));
  if (o.plot) {
    const i = o.series === undefined ? 0 : panel.ids.indexOf(o.series);
    if (i < 0) throw new OptionError(`--series ${o.series}: no such series in ${source}; it has ${panel.ids.slice(0, 5).join(', ')}${panel.ids.length > 5 ? ', ...' : ''}`);
    const y = panel.values[i]!;
    const f = forecasts[i]!;
    const n = y.length;
    const from = Math.max(0, n - Math.max(4 * steps, 48));
    const at = (k: number, v: number) => [n + k + 1, v] as [number, number];
    const last = [n, y[n - 1]!] as [number, number];
    const band = (j: number) => [last, ...Array.from({ length: steps }, (_, k) => at(k, f.quantiles[k]![j]!))];
    const svg = lineChartSvg(
      [
        { label: `${panel.ids[i]} (history)`, points: Array.from(y.subarray(from), (v, t) => [from + t + 1, v] as [number, number]), color: PALETTE[0]! },
        { label: 'forecast (median)', points: [last, ...Array.from({ length: steps }, (_, k) => at(k, f.point[k]!))], color: PALETTE[1]!, dashed: true },
        { label: `${Math.round(q[0]! * 100)}% quantile`, points: band(0), color: PALETTE[2]!, dashed: true },
        { label: `${Math.round(q[q.length - 1]! * 100)}% quantile`, points: band(q.length - 1), color: PALETTE[2]!, dashed: true },
      ],
      { title: `Forecast of ${panel.ids[i]}, ${steps} steps, with the ${Math.round((q[q.length - 1]! - q[0]!) * 100)}% interval`, xLabel: 'step', yLabel: 'value' },
    );
    await writeOutputFile(o.plot, svg, 'plot');
  }
}
