import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { jsonLines, recur } from '../helpers/cli.js';
import { tinyDigits } from '../helpers/audio-digits.js';
import { OptionError } from '../../src/errors.js';
import { audioSpecFrom, parseAugment } from '../../src/cli/train-audio.js';
import { FeatureNormaliser } from '../../src/data/audio/index.js';
import { decodeModel } from '../../src/io/onnx/proto.js';
import { modelFromSpec } from '../../src/checkpoint/model-from-spec.js';
import { readSafetensors } from '../../src/io/safetensors.js';
import { clipFeatures, predictClips, type AudioSpec } from '../../src/tasks/audio.js';
import { softmax } from '../../src/tasks/predict.js';
import type { AudioFeatureRecipe } from '../../src/tasks/audio-recipe.js';

const { tmp, data } = tinyDigits('recur-audio-speaker-');
const GROUP = '^\\d_([a-z]+)_';

test('--speaker-norm: the pattern given, or --group-pattern\'s; the recording mean off unless asked; refused without a pattern, with a bad one, with vtlp or floor, for another task', () => {
  const bare = audioSpecFrom('audio', { groupPattern: GROUP, speakerNorm: true })!;
  assert.deepEqual([bare.speakerNorm, bare.subtractRecordingMean], [GROUP, false]);
  const own = audioSpecFrom('audio', { speakerNorm: '_([a-z]+)_\\d+\\.wav$' })!;
  assert.deepEqual([own.speakerNorm, own.groupPattern, own.subtractRecordingMean], ['_([a-z]+)_\\d+\\.wav$', undefined, false]);
  assert.equal(audioSpecFrom('audio', { speakerNorm: GROUP, recordingMean: true })!.subtractRecordingMean, true, 'an explicit --recording-mean stays');
  assert.equal('speakerNorm' in audioSpecFrom('audio', {})!, false, 'off: absent from the spec');
  const refused = (flags: Parameters<typeof audioSpecFrom>[1], re: RegExp) =>
    assert.throws(() => audioSpecFrom('audio', flags), (e: unknown) => e instanceof OptionError && re.test(e.message), JSON.stringify(flags));
  refused({ speakerNorm: true }, /^--speaker-norm needs a pattern naming each file's speaker: give --speaker-norm REGEX or --group-pattern REGEX$/);
  refused({ speakerNorm: '^\\d_[a-z]+_' }, /--speaker-norm '\^\\d_\[a-z\]\+_' has no capture group/);
  refused({ speakerNorm: '^(\\d' }, /--speaker-norm '\^\(\\d' is not a valid regular expression/);
  refused({ groupPattern: GROUP, speakerNorm: true, augment: parseAugment('vtlp') }, /--speaker-norm cannot be combined with --augment vtlp or floor/);
  refused({ groupPattern: GROUP, speakerNorm: true, augment: parseAugment('floor') }, /--speaker-norm cannot be combined with --augment vtlp or floor/);
  assert.throws(() => audioSpecFrom('classify', { speakerNorm: GROUP }), (e: unknown) => e instanceof OptionError && e.message === '--speaker-norm is for --task audio only');
});

test('recur train --speaker-norm: saved, eval reproduces the report, eval --data and predict group by speaker, info and the ONNX doc string show the step; refusals', () => {
  const out = join(tmp, 'run');
  const args = ['train', data, '--task', 'audio', '--label-pattern', '^(\\d)_', '--group-pattern', GROUP, '--hidden', '6', '--layers', '1', '--speaker-norm'];
  const r = recur([...args, '--epochs', '2', '--out', out, '--json']);
  assert.equal(r.status, 0, r.stderr);
  const done = jsonLines(r.stdout).find((e) => e.event === 'done')!;
  const config = JSON.parse(readFileSync(join(out, 'config.json'), 'utf8'));
  const audio = config.spec.audio as AudioSpec;
  assert.deepEqual([audio.speakerNorm, audio.subtractRecordingMean, audio.augment.speed], [GROUP, false, 0.1]);

  // The reloaded model normalises the test speaker's recordings together, as in training.
  const e = recur(['eval', out, '--json']);
  assert.equal(e.status, 0, e.stderr);
  assert.equal((JSON.parse(e.stdout) as Record<string, number>).accuracy, done.accuracy);

  // A folder of one speaker: every file scored, normalised with that speaker's statistics.
  const theo = join(tmp, 'theo');
  mkdirSync(theo);
  for (const d of [0, 1, 2]) for (const i of [10, 11]) copyFileSync(`data/spoken_digits/${d}_theo_${i}.wav`, join(theo, `${d}_theo_${i}.wav`));
  const ev = recur(['eval', out, '--data', theo, '--json']);
  assert.equal(ev.status, 0, ev.stderr);
  assert.equal((JSON.parse(ev.stdout) as { test_records: number }).test_records, 6);

  // predict: george's file alone or beside theo's gives the same answer; theo's depend on each other.
  const t0 = join(theo, '0_theo_10.wav');
  const t1 = join(theo, '1_theo_10.wav');
  const g = join(data, '2_george_0.wav');
  const probs = (files: string[]) => {
    const p = recur(['predict', out, ...files, '--json']);
    assert.equal(p.status, 0, p.stderr);
    return jsonLines(p.stdout).map((x) => [x.file, x.probabilities]);
  };
  const together = probs([t0, t1, g]);
  assert.deepEqual(together.map((x) => x[0]), [t0, t1, g]);
  assert.deepEqual(together[2], probs([g])[0]);
  assert.notDeepEqual(together[0]![1], probs([t0])[0]![1]);

  const info = recur(['info', out, '--json']);
  assert.equal(info.status, 0, info.stderr);
  const features = (JSON.parse(info.stdout) as { features: Record<string, unknown> }).features;
  assert.deepEqual([features.speakerNorm, features.subtractRecordingMean], [GROUP, false]);
  const onnx = join(tmp, 'm.onnx');
  const x = recur(['export', out, '--onnx', onnx]);
  assert.equal(x.status, 0, x.stderr);
  const recipe = (JSON.parse(decodeModel(readFileSync(onnx)).docString!) as { recur: { features: AudioFeatureRecipe } }).recur.features;
  assert.equal(recipe.settings.speakerNorm, GROUP);
  assert.match(recipe.steps.join('\n'), /over all frames of all recordings of the same speaker \(first capture group of \/\^\\d_\(\[a-z\]\+\)_\/ on the file name/);

  const bare = recur(['train', data, '--task', 'audio', '--label-pattern', '^(\\d)_', '--speaker-norm', '--out', join(tmp, 'bare')]);
  assert.notEqual(bare.status, 0);
  assert.match(bare.stderr, /--speaker-norm needs a pattern naming each file's speaker: give --speaker-norm REGEX or --group-pattern REGEX/);
  const vtlp = recur([...args, '--augment', 'vtlp', '--out', join(tmp, 'vtlp')]);
  assert.notEqual(vtlp.status, 0);
  assert.match(vtlp.stderr, /--speaker-norm cannot be combined with --augment vtlp or floor/);
  const unmatched = recur(['train', data, '--task', 'audio', '--label-pattern', '^(\\d)_', '--speaker-norm', '^\\d_(theo)_', '--epochs', '1', '--out', join(tmp, 'unmatched')]);
  assert.notEqual(unmatched.status, 0);
  assert.match(unmatched.stderr, /0_george_0\.wav: the file name does not match --speaker-norm '\^\\d_\(theo\)_'/);
});

test('an audio checkpoint from before --speaker-norm (the visualiser\'s bundled model) loads and predicts as before: each recording by itself', () => {
  const dir = join(tmp, 'old');
  mkdirSync(dir);
  for (const f of ['config.json', 'model.safetensors']) copyFileSync(join('web/public/model-audio', f), join(dir, f));
  const config = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8'));
  assert.equal('speakerNorm' in config.spec.audio, false);
  const files = ['1_theo_11.wav', '3_theo_13.wav'].map((f) => join('web/public/audio-samples', f));
  const p = recur(['predict', dir, ...files, '--json']);
  assert.equal(p.status, 0, p.stderr);
  const preds = jsonLines(p.stdout);
  // As before: the checkpoint's normaliser on each file's own features, the model, a softmax.
  const loaded = modelFromSpec(config.spec, config.saved, 'old');
  assert.equal(loaded.kind, 'audio');
  if (loaded.kind !== 'audio') return;
  loaded.model.loadStateDict(readSafetensors(new Uint8Array(readFileSync(join(dir, 'model.safetensors'))), 'model.safetensors'));
  const norm = FeatureNormaliser.fromJSON(config.saved.encoding.normaliser);
  const { logits } = predictClips(loaded.model, files.map((f) => norm.apply(clipFeatures(readFileSync(f), loaded.audio, f))));
  files.forEach((f, i) => {
    const expected = softmax(logits[i]!);
    const got = loaded.encoding.labels.map((l) => (preds[i]!.probabilities as Record<string, number>)[l]!);
    expected.forEach((v, c) => assert.ok(Math.abs(got[c]! - v) < 1e-12, `${f}, class ${c}: ${got[c]} vs ${v}`));
  });
  const info = JSON.parse(recur(['info', dir, '--json']).stdout) as { features: Record<string, unknown> };
  assert.deepEqual([info.features.speakerNorm, info.features.subtractRecordingMean], [null, true]);
});
