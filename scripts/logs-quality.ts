/**
 * Log parsing and log anomaly baselines on the repo's copy of loghub (data/logs, LICENSE beside it):
 *
 *   node --import tsx scripts/logs-quality.ts
 *
 * 1. Grouping accuracy of recur's Drain (one default setting) on the 2k samples of 12 systems,
 *    beside Drain's published figures (per-system settings, logpai/logparser benchmark).
 * 2. HDFS session detection: n-gram top-g and unseen event/transition baselines, and the
 *    separable ceiling of the same test part.
 */
import { detectFormat } from '../src/data/logs/detect-format.js';
import { runBaselines } from '../src/data/logs/anomaly/hdfs-benchmark.js';
import { parseSessionsJsonl } from '../src/data/logs/sessions.js';
import { DRAIN_DEFAULTS } from '../src/data/logs/drain.js';
import { DRAIN_PUBLISHED, readHdfsSessions, loadLines, SYSTEMS, systemAccuracy } from '../test/data/logs/loghub.js';

const f3 = (x: number) => x.toFixed(3);
console.log(`Grouping accuracy, loghub 2k samples (Drain depth ${DRAIN_DEFAULTS.depth}, similarity ${DRAIN_DEFAULTS.similarity}, default masks, same setting for all)\n`);
console.log('system      recur   Drain(published)  templates(true)  format detected');
let sum = 0;
let min = 1;
for (const s of SYSTEMS) {
  const r = systemAccuracy(s);
  const detected = detectFormat(loadLines(s).lines).name;
  sum += r.accuracy;
  min = Math.min(min, r.accuracy);
  console.log(`${s.padEnd(11)} ${f3(r.accuracy)}   ${f3(DRAIN_PUBLISHED[s]!).padEnd(16)}  ${`${r.templates} (${r.truthTemplates})`.padEnd(15)}  ${detected === s ? 'yes' : `no (${detected})`}`);
}
const pub = SYSTEMS.reduce((a, s) => a + DRAIN_PUBLISHED[s]!, 0) / SYSTEMS.length;
console.log(`${'mean'.padEnd(11)} ${f3(sum / SYSTEMS.length)}   ${f3(pub)}\nlowest      ${f3(min)}`);

const sessions = parseSessionsJsonl(readHdfsSessions(), 'hdfs_sessions_train.jsonl');
const r = runBaselines(sessions, { seed: 1, trainFraction: 0.5, validationFraction: 0.2 });
const row = (name: string, p: number, rec: number, f1: number) => console.log(`${name.padEnd(38)} ${f3(p)}      ${f3(rec)}   ${f3(f1)}`);
console.log(`\nHDFS sessions (${sessions.length}, seed 1): train ${r.sizes.train} normal, validation ${r.sizes.validation}, test ${r.sizes.test} (${r.sizes.testAnomalies} anomalies)\n`);
console.log('detector (test part)                   precision  recall  F1');
row(`n-gram, h=10, top-g (g=${r.g} by validation)`, r.ngram.precision, r.ngram.recall, r.ngram.f1);
row('unseen event or transition', r.unseen.precision, r.unseen.recall, r.unseen.f1);
row('separable ceiling (best F1)', r.ceiling.atBest.precision, r.ceiling.atBest.recall, r.ceiling.f1);
console.log(`separable recall ceiling (precision 1): ${r.ceiling.separable} of ${r.ceiling.anomalies} = ${f3(r.ceiling.recall)}`);
