// The audio view with a model trained with --speaker-norm: a dropped file is a speaker of its
// own (normalised by its own statistics), as `recur predict` reads one file; each prefix cut too.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { clipFeatures, decodeWav, normaliseBySpeaker } from '../../src/index.js';
import { classifyRecordings } from '../../src/tasks/audio-predict.js';
import { audioModelFromBytes, type AudioModel } from '../../web/src/audio-model.js';
import { prefixInputs, prefixSampleCount } from '../../web/src/audio-prefix.js';
import { encodeWavFloat32 } from '../../web/src/audio-wav-encode.js';
import { analyseWav } from '../../web/src/audio-trace.js';

const MODEL = 'web/public/model-audio';
const bundled = audioModelFromBytes(JSON.parse(readFileSync(join(MODEL, 'config.json'), 'utf8')), new Uint8Array(readFileSync(join(MODEL, 'model.safetensors'))), `${MODEL}/`);
/** The bundled weights read as a speaker-normalised model (untrained for it, but the arithmetic is what is tested). */
const speakerModel: AudioModel = { ...bundled, audio: { ...bundled.audio, speakerNorm: '^\\d_([a-z]+)_', subtractRecordingMean: false } };
const file = '7_theo_17.wav';
const bytes = new Uint8Array(readFileSync(join('web/public/audio-samples', file)));

test('audio view, speakerNorm model: a dropped file is normalised by its own statistics, and the view\'s probabilities are recur predict\'s on that file alone', () => {
  const a = analyseWav(speakerModel, bytes, file);
  const raw = clipFeatures(bytes, speakerModel.audio, file);
  assert.deepEqual([...a.raw], [...raw.data], 'raw: the per-recording features');
  const expected = speakerModel.normaliser.apply(normaliseBySpeaker([raw], [0])[0]!);
  assert.deepEqual([...a.input], [...expected.data]);
  assert.notDeepEqual([...a.input], [...speakerModel.normaliser.apply(raw).data], 'the speaker step is applied');
  const [cli] = classifyRecordings(speakerModel.model, speakerModel.audio, speakerModel.encoding, [{ name: file, bytes }]);
  a.labels.forEach((l, c) => assert.ok(Math.abs(a.probs[c]! - cli!.probabilities[l]!) < 1e-5, `class ${l}`));
  // A prefix cut is a recording of its own too: its statistics, not the whole clip's.
  const wav = decodeWav(bytes);
  const [cut] = prefixInputs(speakerModel, { samples: wav.samples, sampleRate: wav.sampleRate, name: file }, a.T, [20]);
  const n = prefixSampleCount(20, a.T, wav.samples.length, wav.sampleRate, speakerModel.audio);
  const cutRaw = clipFeatures(encodeWavFloat32(wav.samples.subarray(0, n), wav.sampleRate), speakerModel.audio, file);
  assert.deepEqual([...cut!.data], [...speakerModel.normaliser.apply(normaliseBySpeaker([cutRaw], [0])[0]!).data]);
  assert.notDeepEqual([...cut!.data], [...expected.data.subarray(0, 20 * raw.width)], 'not the whole clip\'s statistics');
});
