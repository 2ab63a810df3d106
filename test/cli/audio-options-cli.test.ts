import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { jsonLines, recur } from '../helpers/cli.js';
import { tinyDigits } from '../helpers/audio-digits.js';
import { loadOnnx } from '../../src/onnx.js';
import { decodeModel } from '../../src/io/onnx/proto.js';
import { Tensor } from '../../src/index.js';
import { clipFeatures, type AudioSpec } from '../../src/tasks/audio.js';
import { FeatureNormaliser } from '../../src/data/audio/index.js';
import type { AudioFeatureRecipe } from '../../src/tasks/audio-recipe.js';

const { tmp, data } = tinyDigits('recur-audio-opts-');

test('audio: --pooling mean, --top-db, --recording-std and --augment vtlp,floor are saved, reloaded (eval reproduces the report), shown by info, exported to ONNX', () => {
  const out = join(tmp, 'run');
  const args = ['train', data, '--task', 'audio', '--label-pattern', '^(\\d)_', '--group-pattern', '^\\d_([a-z]+)_', '--hidden', '6', '--layers', '1',
    '--pooling', 'mean', '--top-db', '40', '--recording-std', '1', '--augment', 'vtlp=0.1,floor=20'];
  const r = recur([...args, '--epochs', '2', '--out', out, '--json']);
  assert.equal(r.status, 0, r.stderr);
  const done = jsonLines(r.stdout).find((e) => e.event === 'done')!;
  const config = JSON.parse(readFileSync(join(out, 'config.json'), 'utf8'));
  const audio = config.spec.audio as AudioSpec;
  assert.deepEqual([audio.pooling, audio.topDb, audio.recordingStd, audio.augment.vtlp, audio.augment.noiseFloor], ['mean', 40, 1, 0.1, 20]);

  const e = recur(['eval', out, '--json']);
  assert.equal(e.status, 0, e.stderr);
  assert.equal((JSON.parse(e.stdout) as Record<string, number>).accuracy, done.accuracy, 'the reloaded model (mean pooling) scores as trained');

  const info = JSON.parse(recur(['info', out, '--json']).stdout) as { features: Record<string, unknown> };
  assert.deepEqual([info.features.pooling, info.features.topDb, info.features.recordingStd], ['mean', 40, 1]);

  // ONNX with the documented front end (clipFeatures follows the same steps) gives predict's probabilities.
  const onnx = join(tmp, 'm.onnx');
  assert.equal(recur(['export', out, '--onnx', onnx, '--softmax']).status, 0);
  const bytes = readFileSync(onnx);
  const recipe = (JSON.parse(decodeModel(bytes).docString!) as { recur: { features: AudioFeatureRecipe } }).recur.features;
  assert.match(recipe.steps.join('\n'), /maximum minus 40 dB[\s\S]*subtract each band's mean[\s\S]*divide each band by sqrt/);
  const file = join(data, '2_theo_3.wav');
  const pred = jsonLines(recur(['predict', out, file, '--json']).stdout)[0]!;
  const norm = FeatureNormaliser.fromJSON(config.saved.encoding.normaliser, 'normaliser');
  const f = norm.apply(clipFeatures(readFileSync(file), audio, file));
  const probs = loadOnnx(bytes).run({ input: new Tensor(f.data, [f.frames, 1, f.width]), lengths: new Tensor(Float32Array.of(f.frames), [1]) }).probabilities!;
  const expected = Object.values(pred.probabilities as Record<string, number>);
  for (let c = 0; c < 3; c++) assert.ok(Math.abs(probs.data[c]! - expected[c]!) < 1e-4, `class ${c}: ONNX ${probs.data[c]} vs predict ${expected[c]}`);
});
