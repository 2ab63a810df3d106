import assert from 'node:assert/strict';
import { test } from 'node:test';
import { scoreDetection, separableCeiling } from '../../../src/data/logs/anomaly/evaluate.js';
import { detectNgram, END, firstAnomaly, fitNgram, sessionRank, START, topNext } from '../../../src/data/logs/anomaly/ngram.js';
import { splitSessions } from '../../../src/data/logs/anomaly/split.js';
import { detectUnseen, fitSeen } from '../../../src/data/logs/anomaly/unseen.js';
import type { LogSession } from '../../../src/data/logs/sessions.js';

// Training: a b c (twice), a c. With history 1 the counts are, by hand:
//   after <start>: a 3          after a: b 2, c 1
//   after b: c 2                after c: <end> 3
//   no context: a 3, b 2, c 3, <end> 3
const train = [['a', 'b', 'c'], ['a', 'b', 'c'], ['a', 'c']];

test('n-gram counts and top-g with back-off, by hand', () => {
  const m = fitNgram(train, 1);
  assert.deepEqual([...m.counts.get(['a'].join('\u0000'))!], [['b', 2], ['c', 1]]);
  assert.deepEqual(topNext(m, [START, 'a'], 1), ['b']);
  assert.deepEqual(topNext(m, [START, 'a'], 2), ['b', 'c']);
  // Only two events ever follow 'a'; the third candidate backs off to the no-context counts (ties by name).
  assert.deepEqual(topNext(m, ['a'], 3), ['b', 'c', END]);
  // An unseen context backs off entirely: a 3, c 3, <end> 3 (names sort '<end>' first), b 2.
  assert.deepEqual(topNext(m, ['zzz'], 4), [END, 'a', 'c', 'b']);
});

test('top-g rule: unseen next events, sessions that stop early, and g', () => {
  const m = fitNgram(train, 1);
  assert.equal(firstAnomaly(m, ['a', 'b', 'c'], 1), -1);
  // 'a c' needs g = 2 (c is second after a).
  assert.equal(firstAnomaly(m, ['a', 'c'], 1), 2);
  assert.equal(firstAnomaly(m, ['a', 'c'], 2), -1);
  // Stops after 'a b': END after b was never seen, and at g = 1 it is not the top candidate.
  assert.equal(firstAnomaly(m, ['a', 'b'], 1), 3);
  // A session starting with c: after <start> only a was seen.
  assert.equal(firstAnomaly(m, ['c'], 1), 1);
  // With a longer history the context <start> a b is known and c follows it.
  const m3 = fitNgram(train, 3);
  assert.equal(firstAnomaly(m3, ['a', 'b', 'c'], 1), -1);
  assert.equal(firstAnomaly(m3, ['a', 'b', 'b'], 1), 3);
  // sessionRank is the least g that passes: 'a c' needs 2; 'a b' needs 2 (after b: c, then the
  // back-off's first, '<end>'); 'x' is never a candidate.
  const probes = [['a', 'b', 'c'], ['a', 'c'], ['a', 'b'], ['x']];
  assert.deepEqual(probes.map((p) => sessionRank(m, p)), [1, 2, 2, Number.POSITIVE_INFINITY]);
  for (const g of [1, 2, 3, 4]) assert.deepEqual(detectNgram(m, probes, g), probes.map((p) => sessionRank(m, p) > g));
});

test('unseen event or transition', () => {
  const m = fitSeen(train);
  assert.deepEqual(detectUnseen(m, [['a', 'b', 'c'], ['a', 'c'], ['a', 'b'], ['c', 'a'], ['a', 'd']]), [false, false, true, true, true]);
});

test('precision, recall, F1', () => {
  const s = scoreDetection([true, true, true, false, false], [true, true, false, true, false]);
  assert.deepEqual(s, { tp: 2, fp: 1, fn: 1, tn: 1, precision: 2 / 3, recall: 2 / 3, f1: 2 / 3 });
  assert.equal(scoreDetection([false], [true]).f1, 0);
});

test('separable ceiling on a hand-made set', () => {
  // Sequences: x: 2 anomalies; y: 1 anomaly + 1 normal; w: 1 anomaly + 3 normal; z: 2 normal. A = 4.
  const S = (e: string, a: boolean) => [[e], a] as const;
  const c = separableCeiling([S('x', true), S('x', true), S('y', true), S('y', false), S('w', true), S('w', false), S('w', false), S('w', false), S('z', false), S('z', false)]);
  assert.equal(c.separable, 2);
  assert.equal(c.anomalies, 4);
  assert.equal(c.recall, 0.5);
  // Flag x: 2*2/(4+0+2) = 0.667. Flag x, y: 2*3/(6+1+1) = 0.75. Flag x, y, w: 2*4/(8+4+0) = 0.667.
  assert.equal(c.f1, 0.75);
  assert.deepEqual(c.atBest, { precision: 0.75, recall: 0.75 });
});

test('seeded split: normal-only training, anomalies shared by validation and test, deterministic', () => {
  const sessions: LogSession[] = Array.from({ length: 100 }, (_, i) => ({ session: `s${i}`, events: [`e${i % 7}`], label: i % 10 === 0 ? 'anomaly' : 'normal' }));
  const a = splitSessions(sessions, { seed: 3, trainFraction: 0.5, validationFraction: 0.25 });
  const b = splitSessions(sessions, { seed: 3, trainFraction: 0.5, validationFraction: 0.25 });
  assert.deepEqual(a, b);
  assert.equal(a.train.length, 45);
  assert.ok(a.train.every((s) => s.label === 'normal'));
  assert.equal(a.validation.filter((s) => s.label === 'anomaly').length, 5);
  assert.equal(a.test.filter((s) => s.label === 'anomaly').length, 5);
  assert.equal(a.train.length + a.validation.length + a.test.length, 100);
  assert.notDeepEqual(splitSessions(sessions, { seed: 4, trainFraction: 0.5, validationFraction: 0.25 }).train, a.train);
  assert.throws(() => splitSessions(sessions, { seed: 1, trainFraction: 0.9, validationFraction: 0.2 }), /fractions/);
});
