import { ShapeError } from '../../../errors.js';

/** Detection scores on labelled sessions (anomaly = positive). */
export interface DetectionScores {
  tp: number;
  fp: number;
  fn: number;
  tn: number;
  precision: number;
  recall: number;
  f1: number;
}

/**
 * Precision, recall and F1 of flags against labels (true = anomaly). With nothing flagged the
 * precision is 0 (not NaN), and so is F1.
 *
 * @example
 * scoreDetection([true, true, false, false], [true, false, true, false]) // precision 0.5, recall 0.5, f1 0.5
 */
export function scoreDetection(flags: readonly boolean[], labels: readonly boolean[]): DetectionScores {
  if (flags.length !== labels.length) throw new ShapeError(`scoreDetection: ${flags.length} flags for ${labels.length} labels`);
  let tp = 0, fp = 0, fn = 0, tn = 0;
  for (let i = 0; i < flags.length; i++) {
    if (flags[i]) labels[i] ? tp++ : fp++;
    else labels[i] ? fn++ : tn++;
  }
  const precision = tp + fp ? tp / (tp + fp) : 0;
  const recall = tp + fn ? tp / (tp + fn) : 0;
  const f1 = tp ? (2 * tp) / (2 * tp + fp + fn) : 0;
  return { tp, fp, fn, tn, precision, recall, f1 };
}

/** The separable ceiling of a labelled set of sessions. */
export interface Ceiling {
  /** Anomalous sessions whose event sequence no normal session has: flaggable without any false alarm. */
  separable: number;
  anomalies: number;
  /** separable / anomalies: the best recall at precision 1. */
  recall: number;
  /** The best F1 of any detector that sees only the event sequence (see separableCeiling). */
  f1: number;
  /** Precision and recall at that best F1. */
  atBest: { precision: number; recall: number };
}

/**
 * The separable ceiling. A detector sees only a session's event sequence, so sessions with the
 * same sequence get the same verdict. For each distinct sequence s of the evaluated set let a_s
 * and n_s be its anomalous and normal sessions; a detector is a choice S of sequences to flag,
 * with TP = sum of a_s and FP = sum of n_s over S. Then:
 *  - recall ceiling: the fraction of anomalies whose sequence has n_s = 0 (recall at precision 1);
 *  - F1 ceiling: max over S of 2TP / (2TP + FP + FN). Since F1 = 2TP / (TP + FP + A) with A the
 *    anomaly count, the best S is a threshold set {s : a_s / (a_s + n_s) >= c} (Dinkelbach), so
 *    trying every prefix of the sequences sorted by that ratio, descending, finds the maximum.
 *
 * @example
 * // 'x' twice anomalous; 'y' once anomalous and once normal; 'z' normal.
 * separableCeiling([[['x'], true], [['x'], true], [['y'], true], [['y'], false], [['z'], false]])
 * // separable 2 of 3 (recall 0.667); F1: flag x -> 2*2/(4+0+1) = 0.8; flag x and y -> 6/(6+1+0) = 0.857
 */
export function separableCeiling(sessions: ReadonlyArray<readonly [readonly string[], boolean]>): Ceiling {
  const bySeq = new Map<string, { a: number; n: number }>();
  let anomalies = 0;
  for (const [events, anomaly] of sessions) {
    const k = events.join('\u0000');
    const c = bySeq.get(k) ?? { a: 0, n: 0 };
    if (anomaly) {
      c.a++;
      anomalies++;
    } else c.n++;
    bySeq.set(k, c);
  }
  let separable = 0;
  for (const c of bySeq.values()) if (c.n === 0) separable += c.a;
  const ranked = [...bySeq.values()].filter((c) => c.a > 0).sort((x, y) => y.a / (y.a + y.n) - x.a / (x.a + x.n));
  let tp = 0, fp = 0, best = 0, atBest = { precision: 0, recall: 0 };
  for (const c of ranked) {
    tp += c.a;
    fp += c.n;
    const f1 = (2 * tp) / (2 * tp + fp + (anomalies - tp));
    if (f1 > best) {
      best = f1;
      atBest = { precision: tp / (tp + fp), recall: tp / anomalies };
    }
  }
  return { separable, anomalies, recall: anomalies ? separable / anomalies : 0, f1: best, atBest };
}
