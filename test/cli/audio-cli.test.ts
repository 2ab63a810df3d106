import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jsonLines, recur } from '../helpers/cli.js';
import { decodeWav, logMelSpectrogram, normaliseRms, subtractRecordingMean } from '../../src/data/audio/index.js';
import { loadOnnx } from '../../src/onnx.js';
import { decodeModel } from '../../src/io/onnx/proto.js';
import { Tensor } from '../../src/index.js';
import type { AudioFeatureRecipe } from '../../src/tasks/audio-recipe.js';

const tmp = mkdtempSync(join(tmpdir(), 'recur-audio-'));
process.on('exit', () => rmSync(tmp, { recursive: true, force: true }));

/** 2 speakers x digits 0-2 x recordings 0-4 of the Free Spoken Digit Dataset, flat; a third speaker's apart. */
const data = join(tmp, 'digits');
const newSpeaker = join(tmp, 'jackson');
mkdirSync(data);
mkdirSync(newSpeaker);
for (const d of [0, 1, 2]) {
  for (let i = 0; i < 5; i++) {
    for (const s of ['george', 'theo']) copyFileSync(`data/spoken_digits/${d}_${s}_${i}.wav`, join(data, `${d}_${s}_${i}.wav`));
    copyFileSync(`data/spoken_digits/${d}_jackson_${i}.wav`, join(newSpeaker, `${d}_jackson_${i}.wav`));
  }
}

test('audio end to end: train --json on a held-out speaker, predict files, eval --json on a new speaker\'s folder, info, resume', () => {
  const out = join(tmp, 'run');
  const args = ['train', data, '--task', 'audio', '--label-pattern', '^(\\d)_', '--group-pattern', '^\\d_([a-z]+)_', '--hidden', '8', '--layers', '1', '--augment', 'specaugment,warp=0.1'];
  const r = recur([...args, '--epochs', '2', '--out', out, '--json']);
  assert.equal(r.status, 0, r.stderr);
  const events = jsonLines(r.stdout);
  assert.ok(events.some((e) => e.event === 'evaluation'));
  const done = events.find((e) => e.event === 'done')!;
  // Two speakers: one is the test part (15 recordings, 5 of each digit).
  assert.equal(done.test_records, 15);
  assert.ok(Math.abs((done.majority_accuracy as number) - 1 / 3) < 1e-12);
  assert.deepEqual(done.labels, ['0', '1', '2']);
  for (const f of ['model.safetensors', 'state.safetensors', 'config.json', 'loss.svg']) assert.ok(existsSync(join(out, f)), f);
  const config = JSON.parse(readFileSync(join(out, 'config.json'), 'utf8'));
  assert.equal(config.spec.model.cell, 'gru');
  assert.equal(config.spec.model.bidirectional, true);
  assert.deepEqual(config.spec.audio.augment, { specAugment: true, timeShift: 0, noise: 0, stretch: 0, warp: 0.1 });
  assert.equal(config.saved.encoding.normaliser.kind, 'feature-normaliser');

  const e = recur(['eval', out, '--json']);
  assert.equal(e.status, 0, e.stderr);
  assert.equal((JSON.parse(e.stdout) as Record<string, number>).accuracy, done.accuracy, 'eval reproduces the training report');

  const files = [join(newSpeaker, '0_jackson_0.wav'), join(newSpeaker, '2_jackson_3.wav')];
  const p = recur(['predict', out, ...files, '--json']);
  assert.equal(p.status, 0, p.stderr);
  const preds = jsonLines(p.stdout);
  assert.deepEqual(preds.map((x) => x.file), files);
  for (const x of preds) {
    const probs = x.probabilities as Record<string, number>;
    assert.deepEqual(Object.keys(probs), ['0', '1', '2']);
    assert.ok(Math.abs(Object.values(probs).reduce((a, b) => a + b, 0) - 1) < 1e-9);
    assert.equal(x.label, Object.entries(probs).sort((a, b) => b[1] - a[1])[0]![0]);
  }
  const text = recur(['predict', out, files[0]!]);
  assert.equal(text.status, 0, text.stderr);
  assert.match(text.stdout, new RegExp(`^${preds[0]!.label}\\t0\\.\\d{3}\\t.*0_jackson_0\\.wav\\t\\(then `));

  const ev = recur(['eval', out, '--data', newSpeaker, '--json']);
  assert.equal(ev.status, 0, ev.stderr);
  const m = JSON.parse(ev.stdout) as { accuracy: number; majority_accuracy: number; test_records: number; confusion: number[][] };
  assert.equal(m.test_records, 15, 'every file of the folder is scored');
  assert.deepEqual(m.confusion.map((row) => row.reduce((a, b) => a + b, 0)), [5, 5, 5]);
  assert.ok(Math.abs(m.majority_accuracy - 1 / 3) < 1e-12);

  const info = recur(['info', out, '--json']);
  assert.equal(info.status, 0, info.stderr);
  const i = JSON.parse(info.stdout) as { task: string; features: Record<string, unknown>; naming: Record<string, string> };
  assert.equal(i.task, 'audio');
  assert.deepEqual(
    [i.features.features, i.features.targetRate, i.features.winLength, i.features.hopLength, i.features.nFft, i.features.nMels],
    ['logmel', 8000, 200, 80, 256, 40],
  );
  assert.deepEqual(i.naming, { labelPattern: '^(\\d)_', groupPattern: '^\\d_([a-z]+)_' });

  // ONNX: the recurrent part, with the front end in its doc string; features made by following
  // the documented steps (8 kHz files: no resampling) give predict's probabilities.
  const onnx = join(tmp, 'digits.onnx');
  const x = recur(['export', out, '--onnx', onnx, '--softmax']);
  assert.equal(x.status, 0, x.stderr);
  const bytes = readFileSync(onnx);
  const recipe = (JSON.parse(decodeModel(bytes).docString!) as { recur: { task: string; features: AudioFeatureRecipe } }).recur.features;
  const st = recipe.settings;
  assert.deepEqual([st.removeDc, st.subtractRecordingMean, st.targetRate, st.logOffset], [true, true, 8000, 0.01]);
  assert.match(recipe.steps.join('\n'), /n_fft=256, win_length=200, hop_length=80, f_min=0, f_max=4000, n_mels=40/);
  const wav = decodeWav(readFileSync(files[1]!));
  const mean = wav.samples.reduce((a, v) => a + v, 0) / wav.samples.length;
  const level = normaliseRms(wav.samples.map((v) => v - mean), st.rmsLevel);
  const f = subtractRecordingMean(logMelSpectrogram(level, 8000, { nMels: st.nMels, logOffset: st.logOffset }));
  const input = f.data.map((v, i) => (v - recipe.normaliser.mean[i % 40]!) / recipe.normaliser.std[i % 40]!);
  const probs = loadOnnx(bytes).run({ input: new Tensor(input, [f.frames, 1, 40]), lengths: new Tensor(Float32Array.of(f.frames), [1]) }).probabilities!;
  const expected = Object.values(preds[1]!.probabilities as Record<string, number>);
  for (let c = 0; c < 3; c++) assert.ok(Math.abs(probs.data[c]! - expected[c]!) < 1e-4, `class ${c}: ONNX ${probs.data[c]} vs predict ${expected[c]}`);

  // Resume for one more epoch with the same command; a changed audio option is refused.
  const changed = recur([...args.map((a) => (a === 'specaugment,warp=0.1' ? 'none' : a)), '--epochs', '3', '--out', out, '--resume', '--json']);
  assert.notEqual(changed.status, 0);
  assert.match(changed.stderr, /--augment .* would change them/);
  const resumed = recur([...args, '--epochs', '3', '--out', out, '--resume', '--json']);
  assert.equal(resumed.status, 0, resumed.stderr);
  assert.equal(JSON.parse(readFileSync(join(out, 'config.json'), 'utf8')).training.trainer.epoch, 3);

  const wrong = recur(['train', data, '--task', 'audio', '--label-pattern', '^([a-z])_', '--out', join(tmp, 'x')]);
  assert.notEqual(wrong.status, 0);
  assert.match(wrong.stderr, /0_george_0\.wav: the file name does not match --label-pattern '\^\(\[a-z\]\)_'/);
  const misplaced = recur(['train', 'data/airline_passengers.csv', '--task', 'forecast', '--label-pattern', '^(\\d)_', '--out', join(tmp, 'y')]);
  assert.notEqual(misplaced.status, 0);
  assert.match(misplaced.stderr, /--label-pattern is for --task audio only/);
});

test('audio --resume is exact: 1 epoch then a resumed 2nd gives the weights of 2 epochs straight (augmentation and batches from seed, epoch, batch)', () => {
  const args = ['train', data, '--task', 'audio', '--label-pattern', '^(\\d)_', '--hidden', '6', '--layers', '1', '--augment', 'specaugment,shift=2,noise=0.05,stretch=0.1,warp=0.1', '--quiet'];
  const straight = join(tmp, 'straight');
  const split = join(tmp, 'split');
  assert.equal(recur([...args, '--epochs', '2', '--out', straight]).status, 0);
  assert.equal(recur([...args, '--epochs', '1', '--out', split]).status, 0);
  const r = recur([...args, '--epochs', '2', '--out', split, '--resume']);
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(readFileSync(join(split, 'model.safetensors')), readFileSync(join(straight, 'model.safetensors')));
});
