import { FormatError } from '../errors.js';
import { columnIndex, parseCsv } from './csv.js';

/** One labelled sequence: a text, or numeric steps (each step a feature vector). */
export interface LabelledExample {
  text?: string;
  steps?: number[][];
  label: string;
}

export interface LabelledFields {
  /** Field (JSON) or column (CSV) holding the text or the numeric sequence. Default: text, else sequence. */
  input?: string;
  /** Field or column holding the label. Default: label, else class. */
  label?: string;
}

const INPUT_NAMES = ['text', 'sequence', 'input', 'sentence'];
const LABEL_NAMES = ['label', 'class', 'target', 'y'];

/**
 * Reads labelled sequences from CSV, JSON (an array of objects) or JSONL. A numeric sequence
 * is a JSON array of numbers (one feature) or of arrays (several), or in CSV a string of
 * numbers separated by spaces (when every record's input is such a string). Empty records
 * are skipped; a record without a label or input, or whose input is of another kind or width
 * than the first record's, is an error naming it.
 */
export function parseLabelled(text: string, source: string, fields: LabelledFields = {}): LabelledExample[] {
  // A byte-order mark would make the first JSONL line invalid JSON (CSV and JSON skip it anyway).
  if (text.startsWith('\ufeff')) text = text.slice(1);
  const trimmed = text.trimStart();
  const records: Array<Record<string, unknown>> = [];
  if (trimmed.startsWith('[')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(trimmed);
    } catch (e) {
      throw new FormatError(`${source}: not valid JSON (${(e as Error).message})`);
    }
    if (!Array.isArray(parsed)) throw new FormatError(`${source}: expected a JSON array of records`);
    parsed.forEach((r) => records.push(r as Record<string, unknown>));
  } else if (trimmed.startsWith('{')) {
    text.split(/\r?\n/).forEach((line, i) => {
      if (line.trim() === '') return;
      try {
        records.push(JSON.parse(line) as Record<string, unknown>);
      } catch {
        throw new FormatError(`${source}: line ${i + 1} is not valid JSON`);
      }
    });
  } else {
    const table = parseCsv(text, source);
    const pick = (names: string[], given?: string) => columnIndex(table, given ?? names.find((n) => table.header.includes(n)) ?? names[0]!, source);
    const ki = pick(INPUT_NAMES, fields.input);
    const kl = pick(LABEL_NAMES, fields.label);
    for (const row of table.rows) records.push({ [table.header[ki]!]: row[ki], [table.header[kl]!]: row[kl] });
    fields = { input: table.header[ki], label: table.header[kl] };
  }
  const found: Array<{ input: unknown; label: string; where: string }> = [];
  records.forEach((r, i) => {
    if (typeof r !== 'object' || r === null) throw new FormatError(`${source}: record ${i + 1} is not an object`);
    const inputKey = fields.input ?? INPUT_NAMES.find((n) => n in r);
    const labelKey = fields.label ?? LABEL_NAMES.find((n) => n in r);
    const input = inputKey === undefined ? undefined : r[inputKey];
    const label = labelKey === undefined ? undefined : r[labelKey];
    if ((input === undefined || input === '') && (label === undefined || label === '')) return; // empty record
    if (input === undefined || input === null) throw new FormatError(`${source}: record ${i + 1} has no input field (tried ${fields.input ?? INPUT_NAMES.join(', ')})`);
    if (label === undefined || label === null || label === '') throw new FormatError(`${source}: record ${i + 1} has no label (tried ${fields.label ?? LABEL_NAMES.join(', ')})`);
    found.push({ input, label: String(label), where: `${source}: record ${i + 1}` });
  });
  if (found.length === 0) throw new FormatError(`${source}: no labelled records found`);
  // Strings are numeric sequences only when all of them are (so a text such as "4 5" in a
  // text file stays a text), and every record must read the same kind and width of input.
  const strings = found.flatMap((f) => (typeof f.input === 'string' ? [numbersIn(f.input)] : []));
  const numericStrings = strings.every((n) => n !== null) && strings.some((n) => n!.length > 1);
  const out = found.map((f) => ({ ...toInput(f.input, f.where, numericStrings), label: f.label }));
  const first = out[0]!;
  out.forEach((e, k) => {
    const width = e.steps ? e.steps[0]!.length : 0;
    const firstWidth = first.steps ? first.steps[0]!.length : 0;
    if ((e.steps === undefined) !== (first.steps === undefined) || width !== firstWidth) {
      const what = (w: number) => (w === 0 ? 'a text' : `a sequence of ${w} feature${w === 1 ? '' : 's'} per step`);
      throw new FormatError(`${found[k]!.where} holds ${what(width)}, but the first record holds ${what(firstWidth)}`);
    }
  });
  const labels = new Set(out.map((e) => e.label));
  if (labels.size < 2) {
    throw new FormatError(`${source}: every record has the label '${out[0]!.label}'; a classifier needs at least two classes`);
  }
  return out;
}

/** The numbers of a string of space-separated numbers, else null. */
function numbersIn(v: string): number[] | null {
  const parts = v.trim().split(/\s+/);
  const nums = parts.map(toNumber);
  return nums.every((x) => Number.isFinite(x)) ? nums : null;
}

function toInput(v: unknown, where: string, numericStrings: boolean): { text?: string; steps?: number[][] } {
  if (typeof v === 'string') {
    const nums = numericStrings ? numbersIn(v) : null;
    return nums ? { steps: nums.map((x) => [x]) } : { text: v };
  }
  if (Array.isArray(v)) {
    const steps = v.map((s) => (Array.isArray(s) ? s.map(toNumber) : [toNumber(s)]));
    if (steps.length === 0) throw new FormatError(`${where}: the sequence is empty`);
    const F = steps[0]!.length;
    if (F === 0 || steps.some((s) => s.length !== F || s.some((x) => !Number.isFinite(x)))) {
      throw new FormatError(`${where}: the sequence must hold finite numbers, ${F} per step`);
    }
    return { steps };
  }
  throw new FormatError(`${where}: the input must be a text or an array of numbers`);
}

/** A number, or a numeric string; anything else (null, true, '') is NaN, not Number()'s 0 or 1. */
function toNumber(x: unknown): number {
  if (typeof x === 'number') return x;
  return typeof x === 'string' && x.trim() !== '' ? Number(x) : NaN;
}

/**
 * Tokens of a text: characters, or lower-cased words and punctuation marks. A word is
 * letters, digits and combining marks, with apostrophes only between them ("don't"), so
 * quotes around a word are punctuation of their own.
 */
export function tokenize(text: string, mode: 'char' | 'word'): string[] {
  if (mode === 'char') return [...text];
  return text.toLowerCase().match(/[\p{L}\p{N}\p{M}]+(?:['\u2019][\p{L}\p{N}\p{M}]+)*|[^\s\p{L}\p{N}\p{M}]/gu) ?? [];
}

/** Token ids: index 0 is padding/unknown, the rest the training tokens seen at least `minCount` times. */
export class TokenVocabulary {
  readonly tokens: readonly string[];
  private readonly index: Map<string, number>;

  constructor(tokens: readonly string[]) {
    this.tokens = ['<unk>', ...tokens];
    this.index = new Map(this.tokens.map((t, i) => [t, i]));
  }

  static fit(sequences: string[][], maxSize = 20000, minCount = 1): TokenVocabulary {
    const counts = new Map<string, number>();
    for (const s of sequences) for (const t of s) counts.set(t, (counts.get(t) ?? 0) + 1);
    const kept = [...counts.entries()]
      .filter(([, c]) => c >= minCount)
      .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
      .slice(0, maxSize)
      .map(([t]) => t);
    return new TokenVocabulary(kept);
  }

  get size(): number {
    return this.tokens.length;
  }

  encode(tokens: string[]): number[] {
    return tokens.map((t) => this.index.get(t) ?? 0);
  }
}
