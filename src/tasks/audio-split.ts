import { FormatError } from '../errors.js';
import { Rng } from '../tensor/random.js';

/**
 * Training, validation and test parts of a set of recordings. With groups (speakers,
 * microphones, sources), the test part holds whole groups: the accuracy reported is then for
 * voices the model never heard. Files named by a test pattern (e.g. an official split) form
 * the test part instead. How validation is chosen is `ValBy`.
 */

/**
 * How the validation part is chosen when the recordings have groups:
 * - 'groups': whole groups, so that early stopping and the best epoch are judged on voices
 *   the model never heard;
 * - 'files': a random share of the training groups' recordings, so that every group left
 *   after the test part is trained on;
 * - 'auto': whole groups when the test part's groups are unheard and at least
 *   MIN_TRAINING_GROUPS groups would still be trained on, else files. Five speakers with one
 *   held out for test: files, so the model learns from four voices rather than three.
 * Absent (checkpoints before this option): whole groups whenever there are at least 4 groups
 * in all, the rule they were split by.
 */
export type ValBy = 'auto' | 'groups' | 'files';

export const VAL_BY: readonly ValBy[] = ['auto', 'groups', 'files'];

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
  /** How validation is chosen with groups (absent: the rule of checkpoints before ValBy). */
  valBy?: ValBy;
}

/** Indices of the items in each part, each in ascending order. */
export interface AudioSplit {
  train: number[];
  val: number[];
  test: number[];
}

/** Absent valBy: with fewer groups than this in all, validation is a random part of the training groups' files. */
export const MIN_GROUPS_FOR_GROUP_VALIDATION = 4;

/** 'auto': whole validation groups only when at least this many groups are still trained on. */
export const MIN_TRAINING_GROUPS = 4;

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
 * const { train, val, test } = splitRecordings(items, { testFraction: 0.2, valFraction: 0.1, seed: 0, valBy: 'auto' });
 * // 5 speakers: test 1 speaker; training the other 4, less 10% of their recordings for validation
 */
export function splitRecordings(items: readonly SplitItem[], options: SplitOptions): AudioSplit {
  if (options.valBy !== undefined && !VAL_BY.includes(options.valBy)) {
    throw new FormatError(`valBy must be one of ${VAL_BY.join(', ')}, got ${JSON.stringify(options.valBy)}`);
  }
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
  const groupVal = grouped && validationByGroups(items, test, rest, groupCount, options);
  const [val, train] = holdOut(rest, items, options.valFraction, groupVal, rng);
  const what = grouped ? `${items.length} recordings in ${groupCount} groups` : `${items.length} recordings`;
  if (test.length === 0) {
    throw new FormatError(options.byPattern ? 'no file matches the test pattern (--test-pattern)' : `${what}: the test part is empty; give --test-fraction > 0`);
  }
  if (val.length === 0) throw new FormatError(`${what}: the validation part is empty; give --val-fraction > 0`);
  if (train.length < 2) throw new FormatError(`${what} are too few to split into training, validation and test parts`);
  return { train, val, test };
}

/** Whether the validation part holds whole groups (the recordings have groups). */
function validationByGroups(items: readonly SplitItem[], test: number[], rest: number[], groupCount: number, options: SplitOptions): boolean {
  const how = options.valBy;
  if (how === undefined) return groupCount >= MIN_GROUPS_FOR_GROUP_VALIDATION;
  if (how !== 'auto') return how === 'groups';
  const restGroups = new Set(rest.map((i) => items[i]!.group));
  // A test part that shares groups with training (an official split) asks nothing of unheard voices.
  if (test.some((i) => restGroups.has(items[i]!.group))) return false;
  return restGroups.size - take(restGroups.size, options.valFraction) >= MIN_TRAINING_GROUPS;
}

/**
 * The parts in one line: recordings in each and, with groups, whether validation and test
 * voices were trained on, e.g. 'training 1800 recordings of 4 groups, validation 200 of the
 * same groups, test 500 of 1 group (george), not trained on'.
 */
export function describeSplit(counts: { train: number; val: number; test: number }, groups: { train: string[]; val: string[]; test: string[] }): string {
  const trained = groups.train;
  if (trained.length === 0) return `training ${counts.train} recordings, validation ${counts.val}, test ${counts.test}`;
  const count = (n: number) => `${n} group${n === 1 ? '' : 's'}`;
  const of = (part: string[]): string => {
    const heard = part.filter((x) => trained.includes(x)).length;
    if (heard === part.length) return heard === trained.length ? 'of the same groups' : `from ${heard} of those groups`;
    const named = part.length <= 3 ? ` (${part.join(', ')})` : '';
    return `of ${count(part.length)}${named}, ${heard === 0 ? 'not trained on' : `${heard} of them trained on`}`;
  };
  return `training ${counts.train} recordings of ${count(trained.length)}, validation ${counts.val} ${of(groups.val)}, test ${counts.test} ${of(groups.test)}`;
}
