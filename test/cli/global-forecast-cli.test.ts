import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { noGrad } from '../../src/autograd/graph.js';
import { loadModel } from '../../src/checkpoint/session.js';
import { decodeModel } from '../../src/io/onnx/proto.js';
import { Tensor } from '../../src/tensor/tensor.js';
import { assertClose, runOrt } from '../io/onnx/helpers.js';
import { recurInProcess } from '../helpers/cli-in-process.js';

/** `recur train/eval/forecast/export` on many series, run in-process (a spawn costs a second each). */

const tmp = mkdtempSync(join(tmpdir(), 'recur-global-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

const recur = recurInProcess;

/** 12 quarterly series (season 4, trend, two categories), lengths 30-41, in long format, rows shuffled within a series. */
function writeLong(path: string): void {
  const rows = ['id,t,value,kind'];
  for (let s = 0; s < 12; s++) {
    const n = 30 + s;
    const level = 10 * (s + 1);
    const series = Array.from({ length: n }, (_, t) => [t + 1, level * (1 + 0.02 * t) * [0.8, 1.1, 1.3, 0.8][t % 4]! * (1 + 0.02 * Math.sin(7 * t + s))] as const);
    for (const [t, v] of [...series].reverse()) rows.push(`s${s},${t},${v.toFixed(4)},${s % 2 ? 'A' : 'B'}`);
  }
  writeFileSync(path, rows.join('\n') + '\n');
}

describe('recur with --series-id (one model for many series)', () => {
  const data = join(tmp, 'panel.csv');
  const run = join(tmp, 'run');
  writeLong(data);
  const base = ['--task', 'forecast', '--series-id', 'id', '--category', 'kind', '--horizon', '4', '--season', '4', '--hidden', '8', '--quiet'];

  test('train, eval beside the classical methods, forecast every series with its interval', async () => {
    const r = await recur('train', data, ...base, '--epochs', '2', '--out', run);
    assert.equal(r.status, 0, r.err);
    const e = await recur('eval', run, '--json');
    assert.equal(e.status, 0, e.err);
    const m = JSON.parse(e.out) as Record<string, number>;
    assert.equal(m.series, 12);
    for (const k of ['smape', 'mase', 'coverage', 'seasonalNaive_smape', 'naive2_smape', 'damped_smape', 'theta_smape', 'theta_mase']) {
      assert.ok(Number.isFinite(m[k]) && m[k]! >= 0, `${k} = ${m[k]}`);
    }
    const out = join(tmp, 'f.csv');
    const plot = join(tmp, 'f.svg');
    const f = await recur('forecast', run, data, '--out', out, '--plot', plot, '--series', 's3');
    assert.equal(f.status, 0, f.err);
    const lines = readFileSync(out, 'utf8').trim().split('\n');
    assert.equal(lines[0], 'series,step,value,q10,q50,q90');
    assert.equal(lines.length, 1 + 12 * 4);
    // s3 has 33 values: its forecast continues at steps 34..37; the value is the median.
    const s3 = lines.filter((l) => l.startsWith('s3,')).map((l) => l.split(','));
    assert.deepEqual(s3.map((c) => c[1]), ['34', '35', '36', '37']);
    for (const c of s3) {
      const [v, q10, q50, q90] = c.slice(2).map(Number);
      assert.equal(v, q50);
      assert.ok(q10! <= q50! && q50! <= q90!, c.join(','));
    }
    assert.match(readFileSync(plot, 'utf8'), /Forecast of s3, 4 steps, with the 80% interval/);
    const bad = await recur('forecast', run, data, '--plot', plot, '--series', 'nope');
    assert.notEqual(bad.status, 0);
    assert.match(bad.err, /--series nope: no such series/);
  });

  test('resume continues the run; export writes an ONNX graph that matches the checkpoint', async () => {
    const r = await recur('train', '--resume', '--out', run, '--epochs', '3', data);
    assert.equal(r.status, 0, r.err);
    const file = join(tmp, 'g.onnx');
    assert.equal((await recur('export', run, '--onnx', file)).status, 0);
    const { loaded } = await loadModel(run);
    if (loaded.kind !== 'globalForecast') throw new Error('expected a global forecaster');
    const { window: W } = loaded.predictor.layout;
    const F = loaded.model.config.inputSize;
    assert.equal(F, 1 + 2 + 2); // value, season sin/cos, two categories
    assert.equal(loaded.model.config.horizon, 4 * 3); // 4 steps x 3 quantiles
    const x = new Tensor(Float32Array.from({ length: 2 * W * F }, (_, i) => Math.sin(i)), [2, W, F]);
    const bytes = new Uint8Array(readFileSync(file));
    const got = await runOrt(bytes, { input: x });
    assertClose(got.output!, noGrad(() => loaded.model.forward(x)), 'global forecast');
    const doc = JSON.parse(decodeModel(bytes).docString ?? '{}') as { recur: { global: { quantiles: number[]; layout: { season: number } } } };
    assert.deepEqual(doc.recur.global.quantiles, [0.1, 0.5, 0.9]);
    assert.equal(doc.recur.global.layout.season, 4);
  });

  test('a wide file with one column is the special case of one series', async () => {
    const wide = join(tmp, 'wide.csv');
    const y = Array.from({ length: 40 }, (_, t) => (100 + t) * [0.8, 1.1, 1.3, 0.8][t % 4]!);
    writeFileSync(wide, ['quarter,sales', ...y.map((v, t) => `${t},${v}`)].join('\n') + '\n');
    const r = await recur('train', wide, '--task', 'forecast', '--columns', 'sales', '--horizon', '4', '--hidden', '8', '--epochs', '2', '--quiet', '--out', join(tmp, 'w'), '--json');
    assert.equal(r.status, 0, r.err);
    const done = JSON.parse(r.out.split('\n').find((l) => l.includes('"done"'))!) as Record<string, number>;
    assert.equal(done.series, 1);
    assert.equal(done.season, 4); // detected
  });

  test('options that do not fit are refused before any work, naming the fix', async () => {
    const cases: Array<[string[], RegExp]> = [
      [['--task', 'charlm', '--series-id', 'id'], /--series-id is for --task forecast only/],
      [['--task', 'forecast', '--columns', 'a', '--category', 'kind'], /--category needs the long format \(--series-id\)/],
      [['--task', 'forecast', '--series-id', 'id', '--highway', '3'], /--highway is for the single-series forecaster/],
      [['--task', 'forecast', '--series-id', 'id', '--quantiles', '0.9,0.1'], /--quantiles must be increasing levels strictly between 0 and 1/],
      [['--task', 'forecast', '--quantiles', '0.1,0.9'], /--quantiles is for a model of many series/],
    ];
    for (const [args, re] of cases) {
      const out = join(tmp, `bad-${Math.random().toString(36).slice(2)}`);
      const r = await recur('train', data, ...args, '--out', out);
      assert.notEqual(r.status, 0, args.join(' '));
      assert.match(r.err, re, args.join(' '));
      assert.equal(existsSync(out), false);
    }
  });
});
