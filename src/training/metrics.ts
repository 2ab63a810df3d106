import { NonFiniteError, OptionError, ShapeError } from '../errors.js';
import { intOption, rejectUnknownOptions } from '../options.js';

/*
 * Evaluation metrics as plain functions on arrays (number[] or typed arrays), summed in
 * float64. Arguments follow scikit-learn's order: actual values first, predictions second.
 * Empty or mismatched inputs throw a ShapeError, NaN or infinite values a NonFiniteError.
 */

function checkValues(what: string, name: string, a: ArrayLike<number>): void {
  if (a === null || typeof a !== 'object' || typeof a.length !== 'number') {
    throw new ShapeError(`${what}: ${name} must be an array of numbers, got ${String(a)}`);
  }
  if (a.length === 0) throw new ShapeError(`${what}: ${name} is empty`);
  for (let i = 0; i < a.length; i++) {
    const v = a[i];
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      throw new NonFiniteError(`${what}: ${name}[${i}] is ${String(v)}; every value must be a finite number`);
    }
  }
}

function checkPair(what: string, actual: ArrayLike<number>, predicted: ArrayLike<number>): void {
  checkValues(what, 'actual', actual);
  checkValues(what, 'predicted', predicted);
  if (actual.length !== predicted.length) {
    throw new ShapeError(`${what}: actual has ${actual.length} values but predicted has ${predicted.length}`);
  }
}

function checkNats(what: string, nats: number): void {
  if (typeof nats !== 'number' || Number.isNaN(nats)) {
    throw new NonFiniteError(`${what}: meanCrossEntropy must be a number of nats, got ${String(nats)}`);
  }
  if (nats < 0) throw new OptionError(`${what}: meanCrossEntropy must be >= 0 (a cross-entropy in nats), got ${nats}`);
}

/**
 * Bits per character from the mean cross-entropy in nats per character: `nats / ln 2`.
 *
 * @example
 * bitsPerCharacter(crossEntropy(logits, targets).data[0]); // e.g. 1.42
 */
export function bitsPerCharacter(meanCrossEntropy: number): number {
  checkNats('bitsPerCharacter', meanCrossEntropy);
  return meanCrossEntropy / Math.LN2;
}

/**
 * Perplexity from the mean cross-entropy in nats per token: `exp(nats)`.
 *
 * @example
 * perplexity(Math.log(50)); // 50: as uncertain as a uniform choice among 50 tokens
 */
export function perplexity(meanCrossEntropy: number): number {
  checkNats('perplexity', meanCrossEntropy);
  return Math.exp(meanCrossEntropy);
}

/** Mean of (actual − predicted)². @example meanSquaredError([1, 2], [1, 4]) // 2 */
export function meanSquaredError(actual: ArrayLike<number>, predicted: ArrayLike<number>): number {
  checkPair('meanSquaredError', actual, predicted);
  let s = 0;
  for (let i = 0; i < actual.length; i++) s += (actual[i]! - predicted[i]!) ** 2;
  return s / actual.length;
}

/** Square root of the mean squared error. @example rootMeanSquaredError([1, 2], [1, 4]) // √2 */
export function rootMeanSquaredError(actual: ArrayLike<number>, predicted: ArrayLike<number>): number {
  checkPair('rootMeanSquaredError', actual, predicted);
  let s = 0;
  for (let i = 0; i < actual.length; i++) s += (actual[i]! - predicted[i]!) ** 2;
  return Math.sqrt(s / actual.length);
}

/** Mean of |actual − predicted|. @example meanAbsoluteError([1, 2], [1, 4]) // 1 */
export function meanAbsoluteError(actual: ArrayLike<number>, predicted: ArrayLike<number>): number {
  checkPair('meanAbsoluteError', actual, predicted);
  let s = 0;
  for (let i = 0; i < actual.length; i++) s += Math.abs(actual[i]! - predicted[i]!);
  return s / actual.length;
}

/**
 * Mean absolute scaled error (Hyndman & Koehler 2006): the forecast's MAE divided by the
 * in-sample MAE of the seasonal naive forecast on the training series,
 * `mean|y_t − y_{t−m}|` over t = m..n−1. Below 1 beats the naive forecast. `m` is the seasonal
 * period (default 1: the previous value). A training series whose naive errors are all zero
 * (constant, or periodic with period m) leaves MASE undefined: NonFiniteError.
 *
 * @example
 * meanAbsoluteScaledError([5, 7], [6, 6], [1, 3, 2, 4], { m: 1 }); // MAE 1 / scale 5/3 = 0.6
 */
export function meanAbsoluteScaledError(
  actual: ArrayLike<number>,
  predicted: ArrayLike<number>,
  train: ArrayLike<number>,
  options: { m?: number } = {},
): number {
  const what = 'meanAbsoluteScaledError';
  rejectUnknownOptions(what, options, ['m']);
  const m = intOption(what, 'm', options.m ?? 1);
  checkPair(what, actual, predicted);
  checkValues(what, 'train', train);
  if (train.length <= m) {
    throw new ShapeError(`${what}: train needs more than m = ${m} values for a naive forecast, got ${train.length}`);
  }
  let scale = 0;
  for (let t = m; t < train.length; t++) scale += Math.abs(train[t]! - train[t - m]!);
  scale /= train.length - m;
  if (scale === 0) {
    throw new NonFiniteError(`${what}: the seasonal naive errors of train (m = ${m}) are all zero, so MASE is undefined`);
  }
  let s = 0;
  for (let i = 0; i < actual.length; i++) s += Math.abs(actual[i]! - predicted[i]!);
  return s / actual.length / scale;
}

/** A class label: a class index or a name. */
export type Label = number | string;

function checkLabels(what: string, actual: ArrayLike<Label>, predicted: ArrayLike<Label>): void {
  for (const [name, a] of [['actual', actual], ['predicted', predicted]] as const) {
    if (a === null || typeof a !== 'object' || typeof a.length !== 'number') {
      throw new ShapeError(`${what}: ${name} must be an array of labels, got ${String(a)}`);
    }
    if (a.length === 0) throw new ShapeError(`${what}: ${name} is empty`);
    for (let i = 0; i < a.length; i++) {
      const v = a[i];
      if (typeof v === 'number' ? !Number.isFinite(v) : typeof v !== 'string') {
        throw new NonFiniteError(`${what}: ${name}[${i}] is ${String(v)}; labels must be finite numbers or strings`);
      }
    }
  }
  if (actual.length !== predicted.length) {
    throw new ShapeError(`${what}: actual has ${actual.length} labels but predicted has ${predicted.length}`);
  }
}

/** Fraction of positions where the predicted label equals the actual one. @example accuracy([0, 1, 1], [0, 1, 0]) // 2/3 */
export function accuracy(actual: ArrayLike<Label>, predicted: ArrayLike<Label>): number {
  checkLabels('accuracy', actual, predicted);
  let hits = 0;
  for (let i = 0; i < actual.length; i++) if (actual[i] === predicted[i]) hits++;
  return hits / actual.length;
}

/** Counts per (actual, predicted) pair: `matrix[i][j]` = items of class `labels[i]` predicted as `labels[j]`. */
export interface ConfusionMatrix {
  labels: Label[];
  matrix: number[][];
}

/**
 * The confusion matrix, rows = actual, columns = predicted (scikit-learn's layout). `labels`
 * fixes the classes and their order (classes never seen get zero rows); by default the sorted
 * set of labels that occur. A label outside a given `labels` list is an error.
 *
 * @example
 * confusionMatrix(['a', 'b', 'b'], ['a', 'a', 'b']);
 * // { labels: ['a', 'b'], matrix: [[1, 0], [1, 1]] }
 */
export function confusionMatrix(
  actual: ArrayLike<Label>,
  predicted: ArrayLike<Label>,
  options: { labels?: readonly Label[] } = {},
): ConfusionMatrix {
  const what = 'confusionMatrix';
  rejectUnknownOptions(what, options, ['labels']);
  checkLabels(what, actual, predicted);
  let labels: Label[];
  if (options.labels !== undefined) {
    labels = [...options.labels];
    if (labels.length === 0) throw new OptionError(`${what}: labels must not be empty`);
    if (new Set(labels).size !== labels.length) throw new OptionError(`${what}: labels has duplicates: ${labels.join(', ')}`);
  } else {
    const seen = [...new Set([...Array.from(actual), ...Array.from(predicted)])];
    // Numbers numerically, strings by code point, numbers before strings: a stable, documented order.
    labels = seen.sort((a, b) =>
      typeof a === typeof b ? (a < b ? -1 : a > b ? 1 : 0) : typeof a === 'number' ? -1 : 1,
    );
  }
  const index = new Map<Label, number>(labels.map((l, i) => [l, i]));
  const matrix = labels.map(() => new Array<number>(labels.length).fill(0));
  for (let i = 0; i < actual.length; i++) {
    const r = index.get(actual[i]!);
    const c = index.get(predicted[i]!);
    if (r === undefined || c === undefined) {
      const [name, v] = r === undefined ? ['actual', actual[i]] : ['predicted', predicted[i]];
      throw new OptionError(`${what}: ${name}[${i}] is ${JSON.stringify(v)}, which is not in labels [${labels.join(', ')}]`);
    }
    matrix[r]![c]! += 1;
  }
  return { labels, matrix };
}

/** Precision, recall and F1 of one class, with its support (number of actual items). */
export interface ClassScores {
  label: Label;
  precision: number;
  recall: number;
  f1: number;
  support: number;
}

export interface ClassificationReport {
  perClass: ClassScores[];
  /** Unweighted mean over classes. */
  macro: { precision: number; recall: number; f1: number };
  /** Mean over classes weighted by support. */
  weighted: { precision: number; recall: number; f1: number };
  accuracy: number;
  support: number;
}

/**
 * Per-class precision = TP/(TP+FP), recall = TP/(TP+FN), F1 = 2PR/(P+R) from a confusion
 * matrix, plus macro and support-weighted averages. A ratio with a zero denominator is 0
 * (scikit-learn's `zero_division=0`).
 *
 * @example
 * const r = classificationReport(confusionMatrix(actual, predicted));
 * r.perClass.map((c) => `${c.label}: F1 ${c.f1.toFixed(3)}`);
 */
export function classificationReport(cm: ConfusionMatrix): ClassificationReport {
  const { labels, matrix } = cm;
  const k = labels.length;
  if (k === 0 || matrix.length !== k || matrix.some((row) => row.length !== k)) {
    throw new ShapeError(`classificationReport: matrix must be ${k} x ${k} for ${k} labels`);
  }
  const ratio = (a: number, b: number): number => (b === 0 ? 0 : a / b);
  let total = 0;
  let hits = 0;
  const perClass = labels.map((label, i) => {
    const tp = matrix[i]![i]!;
    let support = 0;
    let predictedAs = 0;
    for (let j = 0; j < k; j++) {
      support += matrix[i]![j]!;
      predictedAs += matrix[j]![i]!;
    }
    total += support;
    hits += tp;
    const precision = ratio(tp, predictedAs);
    const recall = ratio(tp, support);
    return { label, precision, recall, f1: ratio(2 * precision * recall, precision + recall), support };
  });
  const mean = (key: 'precision' | 'recall' | 'f1', weighted: boolean): number =>
    perClass.reduce((s, c) => s + c[key] * (weighted ? c.support : 1), 0) / (weighted ? total || 1 : k);
  return {
    perClass,
    macro: { precision: mean('precision', false), recall: mean('recall', false), f1: mean('f1', false) },
    weighted: { precision: mean('precision', true), recall: mean('recall', true), f1: mean('f1', true) },
    accuracy: ratio(hits, total),
    support: total,
  };
}
