// M1 (data/m1/) for recur's global forecaster: the in-sample and test parts of each series joined
// into one series (the forecaster holds out the last h values itself, which are then exactly the
// M1 test part), with the series' type (MICRO, INDUST, MACRO, DEMOGR) as its category.
import { readFileSync, writeFileSync } from 'node:fs';
import { parseCsv } from '../src/data/csv.js';
import { longPanel, type Panel } from '../src/data/panel.js';

export const M1_KINDS = [
  { kind: 'yearly', m: 1, h: 6 },
  { kind: 'quarterly', m: 4, h: 8 },
  { kind: 'monthly', m: 12, h: 18 },
] as const;

/** One frequency of M1 as a panel: train + test per series, category = type without its digit. */
export function loadM1Panel(kind: string, withCategory = true): Panel {
  const read = (part: string) => parseCsv(readFileSync(`data/m1/m1_${kind}_${part}.csv`, 'utf8'), `data/m1/m1_${kind}_${part}.csv`);
  const train = longPanel(read('train'), { id: 'series', time: 't', value: 'value' }, 'train');
  const test = longPanel(read('test'), { id: 'series', time: 't', value: 'value' }, 'test');
  const type = new Map(read('meta').rows.map((r) => [r[0]!, r[1]!.replace(/\d+$/, '')]));
  const testById = new Map(test.ids.map((id, i) => [id, test.values[i]!]));
  return {
    ids: train.ids,
    values: train.values.map((y, i) => Float64Array.from([...y, ...testById.get(train.ids[i]!)!])),
    categories: train.ids.map((id) => (withCategory ? type.get(id)! : '')),
  };
}

/** Writes one frequency as `series,t,value,type` (for `recur train --series-id series --category type`). */
export function writeM1Long(kind: string, path: string): void {
  const p = loadM1Panel(kind);
  const rows = ['series,t,value,type'];
  p.ids.forEach((id, i) => p.values[i]!.forEach((v, t) => rows.push(`${id},${t + 1},${v},${p.categories[i]}`)));
  writeFileSync(path, rows.join('\n') + '\n');
}

// `node --import tsx scripts/m1-data.ts monthly out.csv`
if (process.argv[1]?.endsWith('m1-data.ts') && process.argv[3]) writeM1Long(process.argv[2]!, process.argv[3]);

/** Reads one part of M1 (`series,t,value`, header first) into per-series arrays ordered by t. */
export function readM1Long(kind: string, part: 'train' | 'test'): Map<string, number[]> {
  const rows = readFileSync(new URL(`../data/m1/m1_${kind}_${part}.csv`, import.meta.url), 'utf8').trim().split('\n').slice(1);
  const out = new Map<string, Array<[number, number]>>();
  for (const row of rows) {
    const [name, t, value] = row.split(',');
    const key = name!.replace(/"/g, '');
    if (!out.has(key)) out.set(key, []);
    out.get(key)!.push([Number(t), Number(value)]);
  }
  return new Map([...out].map(([k, v]) => [k, v.sort((a, b) => a[0] - b[0]).map((p) => p[1])]));
}
