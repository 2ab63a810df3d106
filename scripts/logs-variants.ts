/**
 * Screening of detection variants for a trained logs checkpoint (issue #23's "F1 within 0.02 of
 * the separable ceiling"), on the checkpoint's own split of its data file:
 *
 *   recur train data/logs/hdfs_sessions_train.jsonl.gz --task logs --seed 0 --out runs/hdfs0
 *   recur train data/logs/hdfs_sessions_train.jsonl.gz --task logs --supervised --seed 0 --out runs/hdfs0-sup
 *   node --import tsx scripts/logs-variants.ts runs/hdfs0 [runs/hdfs0-sup]
 *
 * Variants: the next-event model OR known anomaly signatures (sequences of labelled validation
 * anomalies that no normal training/validation session has), OR the supervised classifier;
 * other session scores than the least probability, each with its cut chosen on validation F1.
 * "oracle" lines choose the cut on the TEST labels: an upper bound for that score, not a result.
 */
import { loadModel, readData } from '../src/checkpoint/session.js';
import { buildTask } from '../src/tasks/build.js';
import { LogsTask } from '../src/tasks/logs.js';
import { LogsClassifierTask } from '../src/tasks/logs-supervised.js';
import { nextEventWindows } from '../src/data/logs/event-windows.js';
import { scoreDetection, separableCeiling } from '../src/data/logs/anomaly/evaluate.js';
import type { LogSession } from '../src/data/logs/sessions.js';
import { nextEventLogits, probabilityOf } from '../src/tasks/log-detect.js';
import type { Task } from '../src/training/task.js';

async function openTask(dir: string): Promise<Task> {
  const { config, loaded } = await loadModel(dir);
  const task = buildTask(config.spec, readData(config.data.path), config.data.path, config.saved);
  task.model.loadStateDict(loaded.model.stateDict());
  return task;
}

const [dir, supervisedDir] = process.argv.slice(2);
if (!dir) throw new Error('usage: node --import tsx scripts/logs-variants.ts <logs checkpoint> [<supervised checkpoint>]');
const opened = await openTask(dir);
if (!(opened instanceof LogsTask)) throw new Error(`${dir} is not a next-event logs checkpoint`);
const task: LogsTask = opened;
const { validation, test, train } = task.split;
const f3 = (x: number) => x.toFixed(3);
const isAnomaly = (part: readonly LogSession[]) => part.map((s) => s.label === 'anomaly');
const testLabels = isAnomaly(test);
const valLabels = isAnomaly(validation);
const show = (name: string, flags: readonly boolean[]) => {
  const r = scoreDetection(flags, testLabels);
  console.log(`${name.padEnd(52)} ${f3(r.precision)} / ${f3(r.recall)} / ${f3(r.f1)}   tp ${r.tp} fp ${r.fp}`);
};

/** The probability of every actual next event (START ... END) of each session. */
function eventProbabilities(part: readonly LogSession[]): number[][] {
  const encoded = part.map((s) => task.vocab.encodeSession(s.events));
  const w = nextEventWindows(encoded, task.options.history);
  const logits = nextEventLogits(task.eventModel, w.contexts, w.count);
  const V = task.vocab.size;
  let k = 0;
  return encoded.map((s) => {
    const ps: number[] = [];
    for (let t = 1; t < s.length; t++, k++) ps.push(probabilityOf(logits.subarray(k * V, (k + 1) * V), w.targets[k]!));
    return ps;
  });
}

const ceiling = separableCeiling(test.map((s) => [s.events, s.label === 'anomaly'] as const));
const report = task.evaluate();
console.log(`${dir}: split seed ${task.options.seed}; test ${test.length} sessions, ${testLabels.filter(Boolean).length} anomalies`);
console.log(`ceiling ${f3(ceiling.atBest.precision)} / ${f3(ceiling.atBest.recall)} / ${f3(ceiling.f1)} (target >= ${f3(ceiling.f1 - 0.02)}); n-gram F1 ${f3(report.ngram_f1 as number)}; unseen F1 ${f3(report.unseen_f1 as number)}\n`);
console.log(`${'variant (test part)'.padEnd(52)} P / R / F1`);

const pv = eventProbabilities(validation);
const pt = eventProbabilities(test);
const chosen = task.chosenThresholds().threshold.threshold;
const p = chosen.kind === 'probability' ? chosen.p : 0;
const least = (ps: readonly number[]) => Math.min(...ps);
const nextEvent = pt.map((ps) => least(ps) < p);
show(`next-event, least probability < p (default, p ${p.toPrecision(3)})`, nextEvent);

// Known signatures: what labelled validation anomalies look like, where no normal session does.
const key = (events: readonly string[]) => events.join('\u0000');
const normalKeys = new Set([...train, ...validation.filter((s) => s.label !== 'anomaly')].map((s) => key(s.events)));
const signatures = new Set(validation.filter((s) => s.label === 'anomaly' && !normalKeys.has(key(s.events))).map((s) => key(s.events)));
const bySignature = test.map((s) => signatures.has(key(s.events)));
show(`known signature only (${signatures.size} sequences)`, bySignature);
show('next-event OR known signature', nextEvent.map((f, i) => f || bySignature[i]!));
const added = test.filter((_, i) => bySignature[i] && !nextEvent[i]).length;
console.log(`  sessions the signatures add to the next-event flags: ${added}`);
// Signatures by estimated anomaly rate: validation holds 40% of the anomalies, train + validation 70% of the normal sessions.
const counts = new Map<string, { a: number; n: number }>();
for (const s of [...train, ...validation]) {
  const c = counts.get(key(s.events)) ?? { a: 0, n: 0 };
  if (s.label === 'anomaly') c.a++;
  else c.n++;
  counts.set(key(s.events), c);
}
const { valFraction, testFraction } = task.options;
const aShare = valFraction / (valFraction + testFraction);
const nShare = 1 - testFraction;
const byRate = test.map((s) => {
  const c = counts.get(key(s.events));
  return !!c && c.a > 0 && c.a / aShare / (c.a / aShare + c.n / nShare) >= 0.5;
});
show('next-event OR estimated anomaly rate >= 0.5', nextEvent.map((f, i) => f || byRate[i]!));

if (supervisedDir) {
  const sup = await openTask(supervisedDir);
  if (!(sup instanceof LogsClassifierTask)) throw new Error(`${supervisedDir} is not a --supervised logs checkpoint`);
  const cut = sup.chosenCut();
  const flags = sup.anomalyProbabilities(test).map((q) => q >= cut);
  show('supervised classifier', flags);
  show('next-event OR supervised', nextEvent.map((f, i) => f || flags[i]!));
}

// Other session scores (higher = more anomalous), the cut chosen on validation F1; and the oracle.
const surprisal = (x: number) => -Math.log(Math.max(x, Number.MIN_VALUE));
const scores: Record<string, (ps: readonly number[]) => number> = {
  'least probability': (ps) => surprisal(least(ps)),
  'sum of surprisal': (ps) => ps.reduce((a, x) => a + surprisal(x), 0),
  'mean surprisal': (ps) => ps.reduce((a, x) => a + surprisal(x), 0) / ps.length,
  'two least probabilities': (ps) => [...ps].sort((a, b) => a - b).slice(0, 2).reduce((a, x) => a + surprisal(x), 0),
  'END surprisal': (ps) => surprisal(ps[ps.length - 1]!),
};
const bestCut = (values: readonly number[], labels: readonly boolean[]) => {
  // Halfway below each value (as chooseThreshold's geometric mean of probabilities); ties: fewest flags.
  const sorted = [...new Set(values)].sort((a, b) => b - a);
  let best = { f1: -1, cut: Infinity };
  sorted.forEach((v, i) => {
    const cut = (v + (sorted[i + 1] ?? v - 1)) / 2;
    const f1 = scoreDetection(values.map((x) => x >= cut), labels).f1;
    if (f1 > best.f1) best = { f1, cut };
  });
  return best;
};
for (const [name, score] of Object.entries(scores)) {
  const sv = pv.map(score);
  const st = pt.map(score);
  show(`${name}, cut by validation F1`, st.map((v) => v >= bestCut(sv, valLabels).cut));
  show(`${name}, oracle cut on test labels (bound)`, st.map((v) => v >= bestCut(st, testLabels).cut));
}
