import { parseCsv } from '../../../src/data/csv.js';
import { parseLabelled, tokenize } from '../../../src/data/labelled.js';
import { detectSeason, fitScaler, numericColumn } from '../../../src/data/series.js';
import { decodeText, Vocabulary } from '../../../src/data/text.js';
import { buildTask, type TaskSpec } from '../../../src/tasks/build.js';
import { SMALL_CSV, SMALL_JSONL, SMALL_TEXT } from './fixtures.js';
import type { FuzzTarget } from './harness.js';
import { mutateBytes, mutateText } from './mutate.js';
import type { Prng } from './rng.js';

const enc = new TextEncoder();
const dec = new TextDecoder();
const model = { cell: 'gru' as const, hiddenSize: 3, numLayers: 1, dropout: 0, embeddingDim: 2, forgetBias: null };

interface DataCase {
  bytes: Uint8Array;
  /** Also build the task (windows, splits, encodings) on it. */
  task: boolean;
  option: number;
}

/** Mutated text: several rounds of text and byte corruption of a valid file. */
function corrupt(rng: Prng, seed: string): Uint8Array {
  let s = seed;
  for (let r = rng.int(1, 3); r > 0; r--) s = mutateText(rng, s);
  return rng.chance(0.4) ? mutateBytes(rng, enc.encode(s)) : enc.encode(s);
}

const SERIES_SEEDS = [
  SMALL_CSV,
  'v\n1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n11\n12\n13\n14\n15\n16\n17\n18\n19\n20\n',
  '"Sales, EUR";"Date"\n"1,5";2024\n2;2025\n' + '3;2026\n'.repeat(30),
  'a\tb\n' + Array.from({ length: 30 }, (_, i) => `${i}\t${i % 3 === 0 ? 'NA' : i * 2}`).join('\n'),
];

export const csvTarget: FuzzTarget<DataCase> = {
  name: 'csv',
  async setup() {
    return {
      generate: (rng: Prng) => ({ bytes: corrupt(rng, rng.pick(SERIES_SEEDS)), task: rng.chance(0.3), option: rng.int(0, 3) }),
      run(c: DataCase) {
        const text = dec.decode(c.bytes);
        if (c.task) {
          const spec: TaskSpec = { kind: 'forecast', model: { ...model, embeddingDim: 0 }, batchSize: 2, seed: 0, valFraction: 0.1, testFraction: 0.2, seqLen: 1, window: 1 + c.option * 3, horizon: 1 + (c.option % 2), missing: c.option % 2 ? 'interpolate' : 'error' };
          return buildTask(spec, c.bytes, 'fuzz.csv');
        }
        const table = parseCsv(text, 'fuzz.csv');
        for (const name of table.header) {
          const v = numericColumn(table, name, 'fuzz.csv', c.option % 2 ? 'interpolate' : 'error');
          fitScaler(v, name);
          detectSeason(v, 24);
        }
        return table;
      },
      size: (c: DataCase) => c.bytes.length,
    };
  },
};

export const textTarget: FuzzTarget<DataCase> = {
  name: 'text',
  async setup() {
    const seeds = [SMALL_TEXT, 'héllo wörld — ünïcødé 😀 '.repeat(20), 'a\r\nb\r\n'.repeat(50), '\ufeffBOM first '.repeat(10)];
    return {
      generate(rng: Prng): DataCase {
        const r = rng.next();
        const bytes = r < 0.05 ? new Uint8Array(rng.int(0, 3)) : r < 0.1 ? enc.encode(' \n\t'.repeat(rng.int(1, 100))) : r < 0.15 ? new Uint8Array(rng.int(1, 1 << 17)).fill(rng.int(0, 255)) : corrupt(rng, rng.pick(seeds));
        return { bytes, task: rng.chance(0.3), option: rng.int(1, 40) };
      },
      run(c: DataCase) {
        if (c.task) {
          const spec: TaskSpec = { kind: 'charlm', model, batchSize: 1 + (c.option % 4), seed: 0, valFraction: 0.1, testFraction: 0.1, seqLen: c.option };
          return buildTask(spec, c.bytes, 'fuzz.txt');
        }
        const text = decodeText(c.bytes, 'fuzz.txt');
        const v = Vocabulary.fromText(text);
        return v.encode(text.slice(0, 1000));
      },
      size: (c: DataCase) => c.bytes.length,
    };
  },
};

const LABELLED_SEEDS = [
  SMALL_JSONL,
  JSON.stringify(Array.from({ length: 20 }, (_, i) => ({ sequence: [[i, 1], [2, i], [0.5, -1]], class: i % 3 }))),
  JSON.stringify(Array.from({ length: 20 }, (_, i) => ({ input: [i, i + 1, i + 2], y: i % 2 ? 'a' : 'b' }))),
  'text,label\n' + Array.from({ length: 20 }, (_, i) => `"review, number ${i}",${i % 2 ? 'pos' : 'neg'}`).join('\n'),
  'sequence,label\n' + Array.from({ length: 20 }, (_, i) => `${i} ${i + 1} ${i * 2},${i % 2}`).join('\n'),
];

export const labelledTarget: FuzzTarget<DataCase> = {
  name: 'labelled',
  async setup() {
    return {
      generate(rng: Prng): DataCase {
        const seed = rng.pick(LABELLED_SEEDS);
        let bytes = corrupt(rng, seed);
        if (rng.chance(0.05)) bytes = enc.encode('['.repeat(rng.int(100, 200_000)) + ']'.repeat(rng.int(0, 10)));
        if (rng.chance(0.05)) bytes = enc.encode(`{"text":"${'x'.repeat(rng.int(1, 1 << 20))}","label":"a"}\n{"text":"y","label":"b"}`);
        return { bytes, task: rng.chance(0.3), option: rng.int(0, 5) };
      },
      run(c: DataCase) {
        if (c.task) {
          const spec: TaskSpec = { kind: 'classify', model, batchSize: 2, seed: 0, valFraction: 0.1, testFraction: 0.2, seqLen: 1 + c.option * 10, tokens: c.option % 2 ? 'word' : 'char' };
          return buildTask(spec, c.bytes, 'fuzz.jsonl');
        }
        const fields = c.option === 5 ? { input: 'label', label: 'text' } : c.option === 4 ? { input: 'missing' } : {};
        const ex = parseLabelled(dec.decode(c.bytes), 'fuzz.jsonl', fields);
        for (const e of ex.slice(0, 50)) if (e.text !== undefined) tokenize(e.text, c.option % 2 ? 'word' : 'char');
        return ex;
      },
      size: (c: DataCase) => c.bytes.length,
    };
  },
};
