import type { Command } from 'commander';
import { IoError, OptionError } from '../errors.js';
import { parseCsv } from '../data/csv.js';
import { numericColumn } from '../data/series.js';
import { decodeText } from '../data/text.js';
import { writeOutputFile } from './write-output.js';
import { forecastAhead } from '../tasks/forecast-ahead.js';
import { forecastGlobal } from './forecast-global.js';
import { parsePositiveInt } from './parse.js';
import { loadModel, readData } from '../checkpoint/session.js';
import { lineChartSvg, PALETTE } from '../io/svg-chart.js';

export function registerForecast(program: Command): void {
  program
    .command('forecast')
    .description('forecast the steps after the end of a CSV series with a forecast checkpoint')
    .argument('<dir>', 'checkpoint directory from recur train --task forecast')
    .argument('<csv>', 'the series (same columns as in training), oldest row first')
    .option('--horizon <n>', 'steps to forecast (default: the model horizon)', parsePositiveInt)
    .option('--out <file>', 'write the forecast as CSV here (default: standard output)')
    .option('--plot <file.svg>', 'also draw history and forecast as an SVG chart')
    .option('--missing <how>', 'missing values: error or interpolate', 'error')
    .option('--series <id>', 'a model of many series: the series --plot draws (default: the first)')
    .action(async (dir: string, csv: string, o: { horizon?: number; out?: string; plot?: string; missing: string; series?: string }) => {
      const { loaded, config } = await loadModel(dir);
      if (loaded.kind === 'globalForecast') {
        if (o.missing !== 'error' && o.missing !== 'interpolate') throw new OptionError(`--missing must be error or interpolate, got ${o.missing}`);
        return forecastGlobal(loaded.predictor, config.spec, readData(csv), csv, { ...o, missing: o.missing });
      }
      if (o.series !== undefined) throw new OptionError(`--series is for models of many series; ${dir} forecasts one`);
      if (loaded.kind !== 'forecast') throw new OptionError(`${dir} holds a ${loaded.kind} model; forecast needs a forecast checkpoint`);
      if (o.missing !== 'error' && o.missing !== 'interpolate') throw new OptionError(`--missing must be error or interpolate, got ${o.missing}`);
      let bytes: Uint8Array;
      try {
        bytes = readData(csv);
      } catch (e) {
        throw new IoError(`${(e as Error).message}; cannot read the series`);
      }
      const table = parseCsv(decodeText(bytes, csv), csv);
      const [y, ...extras] = loaded.names.map((n) => numericColumn(table, n, csv, o.missing as 'error' | 'interpolate'));
      const steps = o.horizon ?? loaded.horizon;
      const pred = forecastAhead(loaded.model, loaded.encoding, y!, extras, config.spec.window ?? loaded.window, steps);
      const n = y!.length;
      const lines = ['step,forecast', ...Array.from(pred, (v, k) => `${n + k + 1},${v}`)];
      if (o.out) await writeOutputFile(o.out, lines.join('\n') + '\n', 'forecast');
      else console.log(lines.join('\n'));
      if (o.plot) {
        const from = Math.max(0, n - Math.max(4 * steps, 48));
        const history = Array.from(y!.subarray(from), (v, i) => [from + i + 1, v] as [number, number]);
        const future = [[n, y![n - 1]!] as [number, number], ...Array.from(pred, (v, k) => [n + k + 1, v] as [number, number])];
        const svg = lineChartSvg(
          [
            { label: `${loaded.names[0]} (history)`, points: history, color: PALETTE[0]! },
            { label: 'forecast', points: future, color: PALETTE[1]!, dashed: true },
          ],
          { title: `Forecast of ${loaded.names[0]}, ${steps} steps`, xLabel: 'row', yLabel: loaded.names[0]! },
        );
        await writeOutputFile(o.plot, svg, 'plot');
      }
    });
}
