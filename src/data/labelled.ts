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
 * numbers separated by spaces. Empty records are skipped; a record without a label or input
 * is an error naming it.
 */
export function parseLabelled(text: string, source: string, fields: LabelledFields = {}): LabelledExample[] {
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
  const out: LabelledExample[] = [];
  records.forEach((r, i) => {
    if (typeof r !== 'object' || r === null) throw new FormatError(`${source}: record ${i + 1} is not an object`);
    const inputKey = fields.input ?? INPUT_NAMES.find((n) => n in r);
    const labelKey = fields.label ?? LABEL_NAMES.find((n) => n in r);
    const input = inputKey === undefined ? undefined : r[inputKey];
    const label = labelKey === undefined ? undefined : r[labelKey];
    if ((input === undefined || input === '') && (label === undefined || label === '')) return; // empty record
    if (input === undefined || input === null) throw new FormatError(`${source}: record ${i + 1} has no input field (tried ${fields.input ?? INPUT_NAMES.join(', ')})`);
    if (label === undefined || label === null || label === '') throw new FormatError(`${source}: record ${i + 1} has no label (tried ${fields.label ?? LABEL_NAMES.join(', ')})`);
    out.push({ ...toInput(input, `${source}: record ${i + 1}`), label: String(label) });
  });
  if (out.length === 0) throw new FormatError(`${source}: no labelled records found`);
  const labels = new Set(out.map((e) => e.label));
  if (labels.size < 2) {
    throw new FormatError(`${source}: every record has the label '${out[0]!.label}'; a classifier needs at least two classes`);
  }
  return out;
}

function toInput(v: unknown, where: string): { text?: string; steps?: number[][] } {
  if (typeof v === 'string') {
    const nums = v.trim().split(/\s+/);
    if (nums.length > 1 && nums.every((s) => s !== '' && Number.isFinite(Number(s)))) return { steps: nums.map((s) => [Number(s)]) };
    return { text: v };
  }
  if (Array.isArray(v)) {
    const steps = v.map((s) => (Array.isArray(s) ? s.map(Number) : [Number(s)]));
    if (steps.length === 0) throw new FormatError(`${where}: the sequence is empty`);
    const F = steps[0]!.length;
    if (steps.some((s) => s.length !== F || s.some((x) => !Number.isFinite(x)))) {
      throw new FormatError(`${where}: the sequence must hold finite numbers, ${F} per step`);
    }
    return { steps };
  }
  throw new FormatError(`${where}: the input must be a text or an array of numbers`);
}

/** Tokens of a text: characters, or lower-cased words and punctuation marks. */
export function tokenize(text: string, mode: 'char' | 'word'): string[] {
  if (mode === 'char') return [...text];
  return text.toLowerCase().match(/[\p{L}\p{N}']+|[^\s\p{L}\p{N}]/gu) ?? [];
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
