import type { LogSession } from '../sessions.js';
import { scoreDetection, separableCeiling, type Ceiling, type DetectionScores } from './evaluate.js';
import { fitNgram, sessionRank } from './ngram.js';
import { splitSessions } from './split.js';
import { detectUnseen, fitSeen } from './unseen.js';

/** Scores of the two baselines and the ceiling on a test part. */
export interface BaselineReport {
  sizes: { train: number; validation: number; test: number; testAnomalies: number };
  /** g chosen by validation F1 (smallest g on ties). */
  g: number;
  ngram: DetectionScores;
  unseen: DetectionScores;
  ceiling: Ceiling;
}

/**
 * The no-neural-net protocol: seeded split (train on normal sessions only), the n-gram top-g
 * model with g chosen on validation among 1..maxG, the unseen-event-or-transition rule, and the
 * separable ceiling of the test part.
 *
 * @example
 * const r = runBaselines(sessions, { seed: 1, trainFraction: 0.5, validationFraction: 0.2 });
 * r.ngram.f1 <= r.ceiling.f1 // true
 */
export function runBaselines(
  sessions: readonly LogSession[],
  o: { seed: number; trainFraction: number; validationFraction: number; history?: number; maxG?: number },
): BaselineReport {
  const split = splitSessions(sessions, o);
  const train = split.train.map((s) => s.events);
  const events = (p: LogSession[]) => p.map((s) => s.events);
  const labels = (p: LogSession[]) => p.map((s) => s.label === 'anomaly');
  const model = fitNgram(train, o.history ?? 10);
  const valRanks = split.validation.map((s) => sessionRank(model, s.events));
  let g = 1;
  let bestF1 = -1;
  for (let k = 1; k <= (o.maxG ?? 15); k++) {
    const f1 = scoreDetection(valRanks.map((r) => r > k), labels(split.validation)).f1;
    if (f1 > bestF1) {
      bestF1 = f1;
      g = k;
    }
  }
  const test = split.test;
  return {
    sizes: { train: split.train.length, validation: split.validation.length, test: test.length, testAnomalies: test.filter((s) => s.label === 'anomaly').length },
    g,
    ngram: scoreDetection(test.map((s) => sessionRank(model, s.events) > g), labels(test)),
    unseen: scoreDetection(detectUnseen(fitSeen(train), events(test)), labels(test)),
    ceiling: separableCeiling(test.map((s) => [s.events, s.label === 'anomaly'] as const)),
  };
}
