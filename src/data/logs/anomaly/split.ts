import { OptionError } from '../../../errors.js';
import { Rng } from '../../../tensor/random.js';
import type { LogSession } from '../sessions.js';

/** A train / validation / test split of labelled sessions. */
export interface SessionSplit {
  /** Normal sessions only: the detectors learn what normal looks like. */
  train: LogSession[];
  validation: LogSession[];
  test: LogSession[];
}

function shuffled<T>(items: readonly T[], rng: Rng): T[] {
  const a = [...items];
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(rng.random() * (i + 1));
    [a[i], a[j]] = [a[j]!, a[i]!];
  }
  return a;
}

/**
 * Deterministic seeded split. Normal sessions are shuffled and cut into train / validation /
 * test by the fractions; labelled anomalies never enter training: they are shuffled and shared
 * between validation and test in the ratio of those two fractions. Order within each part
 * follows the shuffle.
 *
 * @example
 * const s = splitSessions(sessions, { seed: 1, trainFraction: 0.6, validationFraction: 0.2 });
 * s.train.every((x) => x.label !== 'anomaly') // true
 */
export function splitSessions(
  sessions: readonly LogSession[],
  o: { seed: number; trainFraction: number; validationFraction: number },
): SessionSplit {
  const { trainFraction: tf, validationFraction: vf } = o;
  if (!(tf > 0 && vf >= 0 && tf + vf < 1)) throw new OptionError(`split fractions must have train > 0, validation >= 0 and train + validation < 1, got ${tf} and ${vf}`);
  const rng = new Rng(o.seed);
  const normal = shuffled(sessions.filter((s) => s.label !== 'anomaly'), rng);
  const anomalous = shuffled(sessions.filter((s) => s.label === 'anomaly'), rng);
  const nTrain = Math.round(normal.length * tf);
  const nVal = Math.round(normal.length * vf);
  const aVal = Math.round(anomalous.length * (vf / (1 - tf)));
  return {
    train: normal.slice(0, nTrain),
    validation: [...normal.slice(nTrain, nTrain + nVal), ...anomalous.slice(0, aVal)],
    test: [...normal.slice(nTrain + nVal), ...anomalous.slice(aVal)],
  };
}
