import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, cpSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadModel } from '../../src/checkpoint/session.js';
import { recurInProcess as recur } from '../helpers/cli-in-process.js';

/** A checkpoint keeps its intervals' calibration; `recur forecast`, `eval` and `info` use it; older checkpoints still load. */

const tmp = mkdtempSync(join(tmpdir(), 'recur-calib-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

/** 12 positive series of 36-47 values (season 4, trend, noise) in long format. */
function writeLong(path: string): void {
  const rows = ['id,t,value'];
  for (let s = 0; s < 12; s++) {
    for (let t = 0; t < 36 + s; t++) {
      const v = 10 * (s + 1) * (1 + 0.02 * t) * [0.8, 1.1, 1.3, 0.8][t % 4]! * (1 + 0.05 * Math.sin(7 * t + s));
      rows.push(`s${s},${t + 1},${v.toFixed(4)}`);
    }
  }
  writeFileSync(path, rows.join('\n') + '\n');
}

type Config = { saved: { calibration?: { offsets: number[][]; values: number; pooled: boolean } | null; intervalScale?: number } };
const readConfig = (dir: string) => JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')) as Config;
const writeConfig = (dir: string, c: Config) => writeFileSync(join(dir, 'config.json'), JSON.stringify(c, null, 2));

/** `recur forecast` rows of one checkpoint: series -> [q10, q50, q90] per step. */
async function forecastRows(dir: string, data: string, out: string): Promise<number[][]> {
  const r = await recur('forecast', dir, data, '--out', out);
  assert.equal(r.status, 0, r.err);
  return readFileSync(out, 'utf8').trim().split('\n').slice(1).map((l) => l.split(',').slice(3).map(Number));
}

describe('the intervals\' calibration in a checkpoint', () => {
  const data = join(tmp, 'panel.csv');
  const run = join(tmp, 'run');
  writeLong(data);

  test('round trip: saved per step, loaded as saved, and used by forecast, eval and info', async () => {
    const r = await recur('train', data, '--task', 'forecast', '--series-id', 'id', '--horizon', '4', '--season', '4', '--hidden', '8', '--epochs', '2', '--quiet', '--out', run);
    assert.equal(r.status, 0, r.err);
    const saved = readConfig(run).saved.calibration!;
    // 12 series are enough for a rank per step (at least 11 for 80% with 90% confidence).
    assert.equal(saved.pooled, false);
    assert.equal(saved.values, 12);
    assert.equal(saved.offsets.length, 4);
    for (const row of saved.offsets) assert.ok(row.length === 1 && Number.isFinite(row[0]), JSON.stringify(row));
    const { loaded } = await loadModel(run);
    if (loaded.kind !== 'globalForecast') throw new Error('expected a global forecaster');
    assert.deepEqual(loaded.predictor.calibration, readConfig(run).saved.calibration);
    assert.match((await recur('info', run)).out, /intervals\s+conformal on validation, per step \(12 series' validation values each\)/);
    const e = JSON.parse((await recur('eval', run, '--json')).out) as Record<string, number>;
    assert.equal(e.calibrated, 1);

    // Forecasts move out by exactly the stored offsets (in log space), the median unchanged.
    const base = await forecastRows(run, data, join(tmp, 'a.csv'));
    const moved = join(tmp, 'moved');
    cpSync(run, moved, { recursive: true });
    const c = readConfig(moved);
    c.saved.calibration!.offsets = saved.offsets.map((row, k) => [row[0]! + 0.1 * (k + 1)]);
    writeConfig(moved, c);
    const wider = await forecastRows(moved, data, join(tmp, 'b.csv'));
    wider.forEach(([lo, med, hi], i) => {
      const k = i % 4;
      const [lo0, med0, hi0] = base[i]!;
      assert.equal(med, med0);
      assert.ok(Math.abs(Math.log(hi! / hi0!) - 0.1 * (k + 1)) < 1e-9, `row ${i}: ${hi} vs ${hi0}`);
      assert.ok(Math.abs(Math.log(lo0! / lo!) - 0.1 * (k + 1)) < 1e-9, `row ${i}: ${lo} vs ${lo0}`);
    });
    // eval scores the stored calibration: offsets of 10 (x e^10 wide) hold every test value.
    c.saved.calibration!.offsets = saved.offsets.map(() => [10]);
    writeConfig(moved, c);
    assert.equal((JSON.parse((await recur('eval', moved, '--json')).out) as Record<string, number>).coverage, 1);
  });

  test('an older checkpoint (one width factor, no calibration) loads, forecasts with its factor, and says it is not calibrated', async () => {
    const old = join(tmp, 'old');
    cpSync(run, old, { recursive: true });
    const c = readConfig(old);
    delete c.saved.calibration;
    c.saved.intervalScale = 2;
    writeConfig(old, c);
    const { loaded } = await loadModel(old);
    if (loaded.kind !== 'globalForecast') throw new Error('expected a global forecaster');
    assert.equal(loaded.predictor.calibration, null);
    assert.equal(loaded.predictor.intervalScale, 2);
    assert.match((await recur('info', old)).out, /intervals\s+not conformal-calibrated \(an older checkpoint: widths x 2.00 from validation\)/);
    const e = JSON.parse((await recur('eval', old, '--json')).out) as Record<string, number>;
    assert.equal(e.calibrated, 0);
    assert.equal(e.interval_scale, 2);
    // Its forecasts: twice the raw distance from the median (in log space), compared with none.
    const scaled = await forecastRows(old, data, join(tmp, 'c.csv'));
    delete c.saved.intervalScale;
    writeConfig(old, c);
    assert.match((await recur('info', old)).out, /intervals\s+uncalibrated \(the raw quantiles\)/);
    const raw = await forecastRows(old, data, join(tmp, 'd.csv'));
    scaled.forEach(([lo, med, hi], i) => {
      const [lo0, med0, hi0] = raw[i]!;
      assert.equal(med, med0);
      assert.ok(Math.abs(Math.log(hi! / med!) - 2 * Math.log(hi0! / med0!)) < 1e-9, `row ${i}`);
      assert.ok(Math.abs(Math.log(med! / lo!) - 2 * Math.log(med0! / lo0!)) < 1e-9, `row ${i}`);
    });
    // A malformed calibration is refused by name.
    c.saved.calibration = { offsets: [[0.1]], values: 12, pooled: false };
    writeConfig(old, c);
    const bad = await recur('info', old);
    assert.notEqual(bad.status, 0);
    assert.match(bad.err, /saved.calibration.method must be "conformal"/);
  });
});
