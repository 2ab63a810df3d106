// Stated quality on real data: grouping accuracy of the default Drain setting on the repo's copy
// of loghub's 2k samples, and the HDFS session baselines beside their separable ceiling.
// Levels are the measured ones (scripts/logs-quality.ts) less half a line in a thousand.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runBaselines } from '../../../src/data/logs/anomaly/hdfs-benchmark.js';
import { separableCeiling } from '../../../src/data/logs/anomaly/evaluate.js';
import { detectFormat } from '../../../src/data/logs/detect-format.js';
import { groupingAccuracy } from '../../../src/data/logs/grouping-accuracy.js';
import { parseSessionsJsonl } from '../../../src/data/logs/sessions.js';
import { readHdfsSessions, loadLines, SYSTEMS, systemAccuracy } from './loghub.js';

const MEASURED: Record<string, number> = {
  HDFS: 0.9975, Hadoop: 0.9945, Spark: 0.903, Zookeeper: 0.9885, HPC: 0.9055, Windows: 1, Linux: 0.8775, Android: 0.9295,
  HealthApp: 1, Apache: 1, Proxifier: 1, OpenStack: 0.9785,
};

test('grouping accuracy per system with one default setting, at the measured level', () => {
  let sum = 0;
  for (const s of SYSTEMS) {
    const { accuracy } = systemAccuracy(s);
    assert.ok(accuracy >= MEASURED[s]! - 0.0005, `${s}: ${accuracy} < ${MEASURED[s]}`);
    sum += accuracy;
  }
  assert.ok(sum / SYSTEMS.length >= 0.96, `mean ${sum / SYSTEMS.length}`);
});

test('format detection finds the loghub format of every system from its lines; grouping accuracy by hand', () => {
  for (const s of SYSTEMS) assert.equal(detectFormat(loadLines(s).lines).name, s);
  assert.equal(groupingAccuracy(['a', 'a', 'b', 'c'], ['x', 'x', 'y', 'y']), 0.5);
  assert.equal(groupingAccuracy(['a', 'b', 'a'], ['x', 'y', 'x']), 1);
});

test('HDFS sessions: 133 of 256 anomalies share a normal sequence; baselines at their measured scores, under the ceiling', () => {
  const sessions = parseSessionsJsonl(readHdfsSessions(), 'hdfs_sessions_train.jsonl');
  assert.equal(sessions.length, 6352);
  const all = separableCeiling(sessions.map((s) => [s.events, s.label === 'anomaly'] as const));
  assert.equal(all.anomalies, 256);
  assert.equal(all.anomalies - all.separable, 133);
  const r = runBaselines(sessions, { seed: 1, trainFraction: 0.5, validationFraction: 0.2 });
  assert.deepEqual(r.sizes, { train: 3048, validation: 1321, test: 1983, testAnomalies: 154 });
  assert.equal(r.g, 4);
  assert.deepEqual([r.ngram.tp, r.ngram.fp, r.ngram.fn], [73, 11, 81]); // P 0.869, R 0.474, F1 0.613
  assert.deepEqual([r.unseen.tp, r.unseen.fp, r.unseen.fn], [73, 2, 81]); // P 0.973, R 0.474, F1 0.638
  assert.equal(r.ceiling.separable, 74);
  assert.ok(Math.abs(r.ceiling.f1 - 0.67769) < 1e-5);
  assert.ok(r.ngram.f1 <= r.ceiling.f1 && r.unseen.f1 <= r.ceiling.f1);
});
