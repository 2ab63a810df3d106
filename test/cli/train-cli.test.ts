import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadModel } from '../../src/checkpoint/session.js';
import { Forecaster, noGrad, Tensor } from '../../src/index.js';
import { loadOnnx } from '../../src/onnx.js';
import { jsonLines, recur, recurAsync } from '../helpers/cli.js';
import { assertClose } from '../io/onnx/helpers.js';

const tmp = mkdtempSync(join(tmpdir(), 'recur-cli-'));
process.on('exit', () => rmSync(tmp, { recursive: true, force: true }));


test('forecast end to end: train --json, eval --json, forecast with a plot, info', () => {
  const out = join(tmp, 'air');
  const r = recur(['train', 'data/airline_passengers.csv', '--task', 'forecast', '--epochs', '40', '--out', out, '--json']);
  assert.equal(r.status, 0, r.stderr);
  const events = jsonLines(r.stdout);
  assert.ok(events.some((e) => e.event === 'step'));
  assert.ok(events.some((e) => e.event === 'evaluation' && typeof e.val_rmse === 'number'));
  const done = events.find((e) => e.event === 'done')!;
  assert.ok((done.rmse as number) < (done.seasonal_naive_rmse as number), `rmse ${done.rmse} vs seasonal naive ${done.seasonal_naive_rmse}`);
  assert.ok(Math.abs((done.naive_rmse as number) - 48.0) < 1.5, `persistence baseline ${done.naive_rmse}`);
  // The AR baseline is fitted by least squares on the logs before the test part: numpy gives AR(12), RMSE 20.55316.
  assert.equal(done.ar_order, 12);
  assert.ok(Math.abs((done.ar_rmse as number) - 20.553156658406) < 1e-6, `AR baseline ${done.ar_rmse}`);
  for (const f of ['model.safetensors', 'state.safetensors', 'config.json', 'loss.csv', 'loss.svg']) assert.ok(existsSync(join(out, f)), f);

  const e = recur(['eval', out, '--json']);
  assert.equal(e.status, 0, e.stderr);
  const metrics = JSON.parse(e.stdout) as Record<string, number>;
  assert.ok(Math.abs(metrics.rmse! - (done.rmse as number)) < 1e-9, 'eval reproduces the training report');

  const plot = join(tmp, 'air.svg');
  const f = recur(['forecast', out, 'data/airline_passengers.csv', '--horizon', '3', '--plot', plot]);
  assert.equal(f.status, 0, f.stderr);
  const rows = f.stdout.trim().split('\n');
  assert.equal(rows[0], 'step,forecast');
  assert.equal(rows.length, 4);
  const first = Number(rows[1]!.split(',')[1]);
  assert.ok(first > 300 && first < 700, `January 1961 forecast ${first}`);
  assert.match(readFileSync(plot, 'utf8'), /<svg[\s\S]*forecast[\s\S]*<\/svg>/);

  const i = recur(['info', out]);
  assert.equal(i.status, 0, i.stderr);
  assert.match(i.stdout, /task\s+forecast/);
  assert.match(i.stdout, /rnn\.weight_ih_l0 \[4, 32\]|rnn\.weight_ih_l0 \[128, 2\]/);
  const st = recur(['info', join(out, 'model.safetensors')]);
  assert.equal(st.status, 0, st.stderr);
  assert.match(st.stdout, /fc\.weight/);
});

test('eval refuses a training file that changed since training (its split would move); --data scores another file', () => {
  const data = join(tmp, 'air-copy.csv');
  cpSync('data/airline_passengers.csv', data);
  const out = join(tmp, 'air-changed');
  assert.equal(recur(['train', data, '--task', 'forecast', '--epochs', '2', '--out', out, '--quiet']).status, 0);
  writeFileSync(data, readFileSync(data, 'utf8').split('\n').slice(0, -20).join('\n') + '\n');
  const e = recur(['eval', out, '--json']);
  assert.equal(e.status, 1);
  assert.match(e.stderr, /air-copy\.csv: has \d+ bytes but the checkpoint was trained on \d+; it changed since training/);
  assert.equal(recur(['eval', out, '--data', data, '--json']).status, 0);
});

test('forecast with --highway: beats the linear AR baseline on airline; checkpoint, eval, forecast, info, export; bad uses refused', async () => {
  const out = join(tmp, 'air-highway');
  const r = recur(['train', 'data/airline_passengers.csv', '--task', 'forecast', '--highway', '--out', out, '--json']);
  assert.equal(r.status, 0, r.stderr);
  const done = jsonLines(r.stdout).find((e) => e.event === 'done')!;
  // The linear term on the logs' window is what AR(12) has; the network on top must add to it.
  assert.ok((done.rmse as number) < 0.9 * (done.ar_rmse as number), `rmse ${done.rmse} vs AR ${done.ar_rmse}`);
  const config = JSON.parse(readFileSync(join(out, 'config.json'), 'utf8')) as { spec: { model: { highway?: number } } };
  assert.equal(config.spec.model.highway, 12, 'a bare --highway reads the whole window');
  const e = recur(['eval', out, '--json']);
  assert.equal(e.status, 0, e.stderr);
  assert.ok(Math.abs((JSON.parse(e.stdout) as { rmse: number }).rmse - (done.rmse as number)) < 1e-9, 'eval rebuilds the highway from the checkpoint');
  const f = recur(['forecast', out, 'data/airline_passengers.csv', '--horizon', '3']);
  assert.equal(f.status, 0, f.stderr);
  const january = Number(f.stdout.trim().split('\n')[1]!.split(',')[1]);
  assert.ok(january > 380 && january < 500, `January 1961 forecast ${january} (the actual figure was 417)`);
  const i = recur(['info', out]);
  assert.match(i.stdout, /1x32 LSTM, highway over the last 12 steps/);
  assert.match(i.stdout, /highway\.weight \[1, 24\], highway\.bias \[1\]/);
  const onnx = join(tmp, 'air-highway.onnx');
  const st = join(tmp, 'air-highway.safetensors');
  const x = recur(['export', out, '--onnx', onnx, '--safetensors', st]);
  assert.equal(x.status, 0, x.stderr);
  const window = new Tensor(Float32Array.from({ length: 24 }, (_, k) => Math.sin(k)), [1, 12, 2]);
  const model = (await loadModel(out)).loaded.model as Forecaster;
  assertClose(loadOnnx(readFileSync(onnx)).run({ input: window }).output!, noGrad(() => model.forward(window)), 'exported ONNX with its highway');
  assert.match(recur(['info', st]).stdout, /highway\.weight/);

  // Edited configs: a malformed highway or horizon, or one far bigger than the weights, are refused before anything is built.
  const edited = join(tmp, 'air-highway-edited');
  type Config = { spec: Record<string, unknown> & { model: Record<string, unknown> }; saved: { encoding: Record<string, unknown> } };
  for (const [edit, message] of [
    [(c: Config) => (c.spec.model.highway = 'x'), /spec\.model\.highway must be a whole number of steps/],
    [(c: Config) => (c.spec.window = 6), /spec\.model\.highway \(12\) reads more steps than the window has/],
    [(c: Config) => (c.spec.horizon = 1e12), /spec\.horizon must be a positive integer/],
    [(c: Config) => (c.spec.horizon = 60000), /describes a model of at least \d+ parameters, but model\.safetensors holds 4666 values/],
    // Many extra columns multiply the input and highway weights: counted before anything is allocated.
    [(c: Config) => Object.assign(c.spec, { window: 3000 }, { model: { ...c.spec.model, highway: 3000 } }) && (c.saved.encoding.extras = Array.from({ length: 50000 }, () => ({ mean: 0, std: 1 }))), /describes a model of at least \d+ parameters/],
  ] as const) {
    rmSync(edited, { recursive: true, force: true });
    cpSync(out, edited, { recursive: true });
    const c = JSON.parse(readFileSync(join(edited, 'config.json'), 'utf8'));
    edit(c);
    writeFileSync(join(edited, 'config.json'), JSON.stringify(c));
    const r2 = recur(['info', edited]);
    assert.notEqual(r2.status, 0);
    assert.match(r2.stderr, message);
  }

  // --resume: the original command again continues; a changed model option is refused, naming both values.
  const again = recur(['train', 'data/airline_passengers.csv', '--task', 'forecast', '--highway', '--out', out, '--resume', '--epochs', '151', '--quiet']);
  assert.equal(again.status, 0, again.stderr);
  const changed = recur(['train', 'data/airline_passengers.csv', '--task', 'forecast', '--highway', '4', '--out', out, '--resume', '--epochs', '152']);
  assert.notEqual(changed.status, 0);
  assert.match(changed.stderr, /--highway \(4; the checkpoint has 12\) would change them/);

  const short = join(tmp, 'air-highway-w6');
  const w6 = recur(['train', 'data/airline_passengers.csv', '--task', 'forecast', '--window', '6', '--highway', '--epochs', '1', '--out', short]);
  assert.equal(w6.status, 0, w6.stderr);
  const c6 = JSON.parse(readFileSync(join(short, 'config.json'), 'utf8')) as { spec: { window: number; model: { highway?: number } } };
  assert.deepEqual([c6.spec.window, c6.spec.model.highway], [6, 6], 'a bare --highway reads the whole of the window given');

  let bad = recur(['train', 'data/airline_passengers.csv', '--task', 'forecast', '--highway', '13', '--out', join(tmp, 'never-hw1')]);
  assert.notEqual(bad.status, 0);
  assert.match(bad.stderr, /--highway 13 reads more steps than the window has \(12\); use --highway <= --window/);
  bad = recur(['train', '--task', 'charlm', '--highway', '3', '--out', join(tmp, 'never-hw2')]);
  assert.notEqual(bad.status, 0);
  assert.match(bad.stderr, /--highway is for --task forecast only/);
  assert.ok(!existsSync(join(tmp, 'never-hw1')) && !existsSync(join(tmp, 'never-hw2')), 'nothing written');
});

test('classify end to end with predict', () => {
  const data = join(tmp, 'rule.jsonl');
  const words = ['apple', 'river', 'stone', 'cloud', 'maple', 'tiger', 'lemon', 'ocean'];
  const recs: string[] = [];
  for (let i = 0; i < 240; i++) {
    const w = `${words[i % 8]}${words[(i * 3) % 8]}`;
    const label = i % 2 === 0 ? 'zed' : 'plain';
    recs.push(JSON.stringify({ text: label === 'zed' ? `${w}z` : `${w}q`, label }));
  }
  writeFileSync(data, recs.join('\n') + '\n');
  const out = join(tmp, 'cls');
  const r = recur(['train', data, '--task', 'classify', '--epochs', '6', '--hidden', '16', '--out', out, '--json']);
  assert.equal(r.status, 0, r.stderr);
  const done = jsonLines(r.stdout).find((e) => e.event === 'done')!;
  assert.ok((done.accuracy as number) >= 0.9, `accuracy ${done.accuracy}`);
  assert.deepEqual(done.labels, ['plain', 'zed']);
  const p = recur(['predict', out, 'rivercloudz', '--json']);
  assert.equal(p.status, 0, p.stderr);
  const pred = JSON.parse(p.stdout) as { label: string; probabilities: Record<string, number> };
  assert.equal(pred.label, 'zed');
  assert.ok(Math.abs(pred.probabilities.zed! + pred.probabilities.plain! - 1) < 1e-6);
});

test('Ctrl-C saves a checkpoint and exits cleanly; --resume continues from it', async () => {
  const out = join(tmp, 'lm');
  const child = recurAsync(['train', '--hidden', '16', '--embedding', '8', '--batch', '4', '--seq-len', '16', '--time', '60s', '--out', out, '--json']);
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  await new Promise<void>((resolve) => {
    child.stdout.on('data', (d: Buffer) => {
      stdout += d;
      if (/"step":3,/.test(stdout)) resolve();
    });
  });
  child.kill('SIGINT');
  assert.equal(await exited, 0, stderr);
  assert.ok(jsonLines(stdout).some((e) => e.event === 'stopped'), stdout);
  assert.ok(existsSync(join(out, 'config.json')));
  const cfg = JSON.parse(readFileSync(join(out, 'config.json'), 'utf8')) as { training: { trainer: { step: number } } };
  assert.ok(cfg.training.trainer.step >= 3);
  const r = recur(['train', '--resume', '--out', out, '--steps', String(cfg.training.trainer.step + 2), '--json']);
  assert.equal(r.status, 0, r.stderr);
  const steps = jsonLines(r.stdout).filter((e) => e.event === 'step').map((e) => e.step);
  assert.deepEqual(steps, [cfg.training.trainer.step + 1, cfg.training.trainer.step + 2]);
  const s = recur(['sample', out, '--length', '40', '--prime', 'Call me']);
  assert.equal(s.status, 0, s.stderr);
  assert.ok(s.stdout.startsWith('Call me') && s.stdout.length >= 47);
});

test('bad input: clear messages, exit status 1, nothing written', () => {
  const empty = join(tmp, 'empty.txt');
  writeFileSync(empty, '');
  let r = recur(['train', empty, '--out', join(tmp, 'never1')]);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /empty\.txt: the file is empty/);
  assert.ok(!existsSync(join(tmp, 'never1')));

  const bin = join(tmp, 'binary.txt');
  writeFileSync(bin, Buffer.from([0x41, 0x00, 0x42, 0xff]));
  r = recur(['train', bin, '--out', join(tmp, 'never2')]);
  assert.match(r.stderr, /looks binary/);

  r = recur(['train', 'data/airline_passengers.csv', '--task', 'forecast', '--column', 'nope', '--out', join(tmp, 'never3')]);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /no column 'nope'; the columns are: 'month', 'passengers'/);

  const co2 = recur(['train', 'data/co2_weekly.csv', '--task', 'forecast', '--out', join(tmp, 'never4')]);
  assert.match(co2.stderr, /missing a value in data row \d+; fill it, or pass --missing interpolate/);

  const few = join(tmp, 'few.csv');
  writeFileSync(few, 'x\n1\n2\n3\n4\n5\n');
  r = recur(['train', few, '--task', 'forecast', '--out', join(tmp, 'never5')]);
  assert.match(r.stderr, /too few for window/);

  const constant = join(tmp, 'const.csv');
  writeFileSync(constant, 'v\n' + '3\n'.repeat(80));
  r = recur(['train', constant, '--task', 'forecast', '--out', join(tmp, 'never6')]);
  assert.match(r.stderr, /constant/);

  const oneClass = join(tmp, 'one.csv');
  writeFileSync(oneClass, 'text,label\nabc,a\ndef,a\n');
  r = recur(['train', oneClass, '--task', 'classify', '--out', join(tmp, 'never7')]);
  assert.match(r.stderr, /at least two classes/);

  r = recur(['train', '--hiden', '5']);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /unknown option '--hiden'/);
  r = recur(['train', '--lr', 'fast']);
  assert.match(r.stderr, /'fast' must be a number/);
  r = recur(['sample', join(tmp, 'nothing-here')]);
  assert.match(r.stderr, /no checkpoint directory here/);
  for (let k = 1; k <= 7; k++) assert.ok(!existsSync(join(tmp, `never${k}`)));
});
