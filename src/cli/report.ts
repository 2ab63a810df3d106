import { CharLm } from '../models/char-lm.js';
import type { CharLmTask } from '../tasks/charlm.js';
import type { EvalReport, Task, TaskKind } from '../training/task.js';
import { Rng } from '../tensor/random.js';
import { globalReportRows, isGlobalReport } from './report-global.js';

const fmt = (v: unknown) => (typeof v === 'number' ? (Number.isInteger(v) ? String(v) : v.toFixed(4)) : String(v));

/** Prints a task's test metrics beside its baselines, and a sample for a language model. */
export function printReport(kind: TaskKind, m: EvalReport, task?: Task): void {
  const rows: Array<[string, unknown, string]> = [];
  if (kind === 'charlm') {
    rows.push(['bits per character (test)', m.bpc, 'recur']);
    rows.push(['bits per character (test)', m.unigram_bpc, 'unigram baseline']);
  } else if (kind === 'forecast' && isGlobalReport(m)) {
    rows.push(...globalReportRows(m));
  } else if (kind === 'forecast') {
    rows.push(['RMSE, one step ahead (test)', m.rmse, 'recur']);
    rows.push(['RMSE', m.naive_rmse, 'persistence baseline']);
    rows.push(['RMSE', m.seasonal_naive_rmse, `seasonal-naive baseline (period ${fmt(m.season)})`]);
    if (m.ar_rmse !== undefined) rows.push(['RMSE', m.ar_rmse, `linear AR(${fmt(m.ar_order)}) baseline (least squares, order by AIC)`]);
    rows.push(['MAE', m.mae, 'recur']);
    rows.push(['MASE', m.mase, 'recur']);
    for (const k of Object.keys(m)) if (k.startsWith('rmse_h')) rows.push([`RMSE over ${k.slice(6)} steps`, m[k], 'recur']);
  } else if (kind === 'logs') {
    if (m.f1 === undefined) rows.push(['sessions flagged (test, no labelled anomalies)', m.flagged, `of ${fmt(m.test_sessions)}`]);
    else {
      const prf = (p: string) => `${fmt(m[`${p}precision`])} / ${fmt(m[`${p}recall`])} / ${fmt(m[`${p}f1`])}`;
      if (m.supervised_cut !== undefined) rows.push(['precision / recall / F1 (test)', prf(''), `recur, supervised classifier (P(anomaly) >= ${Number(m.supervised_cut).toPrecision(3)})`]);
      else {
        rows.push(['precision / recall / F1 (test)', prf(''), `recur (next event less likely than ${Number(m.threshold_p).toPrecision(3)})`]);
        rows.push(['precision / recall / F1', prf('top_g_'), `recur, DeepLog's top-${fmt(m.g)} rule`]);
      }
      rows.push(['precision / recall / F1', prf('ngram_'), `n-gram baseline (top-${fmt(m.ngram_g)})`]);
      rows.push(['precision / recall / F1', prf('unseen_'), 'baseline: an event or transition never seen in training']);
      rows.push(['precision / recall / F1', prf('ceiling_'), 'separable ceiling (best of any detector of the sequence)']);
    }
  } else {
    rows.push(['accuracy (test)', m.accuracy, 'recur']);
    rows.push(['accuracy (test)', m.majority_accuracy, 'majority-class baseline']);
  }
  const w = Math.max(...rows.map((r) => r[0].length));
  console.log('');
  for (const [name, v, who] of rows) console.log(`  ${name.padEnd(w)}  ${fmt(v).padStart(9)}  ${who}`);
  if ((kind === 'classify' || kind === 'audio') && Array.isArray(m.labels) && Array.isArray(m.confusion)) {
    const labels = m.labels as string[];
    const lw = Math.max(6, ...labels.map((l) => l.length));
    console.log(`\n  confusion matrix (rows: true, columns: predicted)\n  ${''.padEnd(lw)} ${labels.map((l) => l.padStart(lw)).join(' ')}`);
    (m.confusion as number[][]).forEach((row, i) => console.log(`  ${labels[i]!.padEnd(lw)} ${row.map((c) => String(c).padStart(lw)).join(' ')}`));
  }
  if (kind === 'charlm' && task && task.model instanceof CharLm) {
    const t = task as CharLmTask;
    const ids = t.model.sample({ length: 300, temperature: 0.8, prime: t.vocab.encode('The '), rng: new Rng(1) });
    console.log(`\n  sample (temperature 0.8):\n  The ${t.vocab.decode(ids).replace(/\n/g, '\n  ')}`);
  }
  console.log('');
}
