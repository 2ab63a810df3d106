import { FormatError } from '../errors.js';
import { Rng } from '../tensor/random.js';

/**
 * Training, validation and test parts of a set of recordings. With groups (speakers,
 * microphones, sources), the test part holds whole groups, and so does the validation part
 * when there are at least MIN_GROUPS_FOR_GROUP_VALIDATION groups: the accuracy reported is then
 * for voices the model never heard. Files named by a test pattern (e.g. an official split) form
 * the test part instead.
 */

/** What the split reads of each recording. */
export interface SplitItem {
  /** The group (speaker) the recording belongs to, when groups are known. */
  group?: string;
  /** Forced into the test part (it matched the test pattern). */
  test?: boolean;
}

export interface SplitOptions {
  testFraction: number;
  valFraction: number;
  seed: number;
  /** Some item is marked `test`: those form the test part, whatever testFraction says. */
  byPattern?: boolean;
}

/** Indices of the items in each part, each in ascending order. */
export interface AudioSplit {
  train: number[];
  val: number[];
  test: number[];
}

/** With fewer groups than this, validation is a random part of the training groups' files. */
export const MIN_GROUPS_FOR_GROUP_VALIDATION = 4;

/** `n` of `count` rounded, at least 1 when the fraction is positive. */
function take(count: number, fraction: number): number {
  return fraction > 0 ? Math.max(1, Math.round(count * fraction)) : 0;
}

/** Splits `idx` into [held, rest]: whole groups when `grouped`, else single items, chosen by `rng`. */
function holdOut(idx: number[], items: readonly SplitItem[], fraction: number, grouped: boolean, rng: Rng): [number[], number[]] {
  if (!grouped) {
    const order = rng.shuffled(idx);
    const n = take(idx.length, fraction);
    return [order.slice(0, n).sort((a, b) => a - b), order.slice(n).sort((a, b) => a - b)];
  }
  const groups = [...new Set(idx.map((i) => items[i]!.group!))].sort();
  const held = new Set(rng.shuffled(groups).slice(0, take(groups.length, fraction)));
  return [idx.filter((i) => held.has(items[i]!.group!)), idx.filter((i) => !held.has(items[i]!.group!))];
}

/**
 * Splits recordings into training, validation and test parts, reproducibly from the seed.
 * Throws a FormatError when a part would be empty (too few files or groups).
 *
 * @example
 * const items = names.map((n) => ({ group: /^\d_([a-z]+)_/.exec(n)![1] }));
 * const { train, val, test } = splitRecordings(items, { testFraction: 0.2, valFraction: 0.1, seed: 0 });
 * // 5 speakers: test 1 speaker, validation 1 speaker, training 3 speakers
 */
export function splitRecordings(items: readonly SplitItem[], options: SplitOptions): AudioSplit {
  const all = items.map((_, i) => i);
  const grouped = items.length > 0 && items.every((x) => x.group !== undefined);
  const rng = new Rng(options.seed);
  let test: number[];
  let rest: number[];
  if (options.byPattern) {
    test = all.filter((i) => items[i]!.test);
    rest = all.filter((i) => !items[i]!.test);
  } else {
    [test, rest] = holdOut(all, items, options.testFraction, grouped, rng);
  }
  const groupCount = grouped ? new Set(items.map((x) => x.group)).size : 0;
  const groupVal = grouped && groupCount >= MIN_GROUPS_FOR_GROUP_VALIDATION;
  const [val, train] = holdOut(rest, items, options.valFraction, groupVal, rng);
  const what = grouped ? `${items.length} recordings in ${groupCount} groups` : `${items.length} recordings`;
  if (test.length === 0) {
    throw new FormatError(options.byPattern ? 'no file matches the test pattern (--test-pattern)' : `${what}: the test part is empty; give --test-fraction > 0`);
  }
  if (val.length === 0) throw new FormatError(`${what}: the validation part is empty; give --val-fraction > 0`);
  if (train.length < 2) throw new FormatError(`${what} are too few to split into training, validation and test parts`);
  return { train, val, test };
}
