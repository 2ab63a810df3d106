// Regenerates the visualiser's bundled spoken-digit model and its sample recordings: trains with
// `recur train data/spoken_digits --task audio` at the CLI's own defaults (so a change of the
// audio recipe reaches the bundled model when this is re-run), holding out one speaker whole,
// with fewer hidden units so the weights stay small (2x64 would be ~460 kB; 2x32 is ~135 kB).
// The held-out speaker's sample recordings go beside the model with the corpus' attribution.
//
//   node --import tsx scripts/make-viz-audio-model.ts                       # theo held out, 2x32 -> web/public/model-audio/
//   node --import tsx scripts/make-viz-audio-model.ts --speaker lucas --hidden 24 --epochs 10
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../src/cli/main.js';
import { modelFromSpec } from '../src/checkpoint/model-from-spec.js';
import { parseCheckpointConfig } from '../src/checkpoint/format.js';
import { readSafetensors } from '../src/io/safetensors.js';
import { classifyRecordings } from '../src/tasks/audio-predict.js';

const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1]! : fallback;
};
const DATA = 'data/spoken_digits';
const speaker = arg('speaker', 'theo');
const hidden = arg('hidden', '32');
const epochs = process.argv.includes('--epochs') ? ['--epochs', arg('epochs', '15')] : [];
const MODEL_OUT = arg('out', 'web/public/model-audio');
const SAMPLES_OUT = arg('samples-out', 'web/public/audio-samples');
/** One recording of five different digits, a fixed choice (not picked by how well the model does). */
const SAMPLES = [1, 3, 5, 7, 9].map((d) => `${d}_${speaker}_${10 + d}.wav`);
const ATTRIBUTION = `Free Spoken Digit Dataset, Jackson et al. (Zohar Jackson, César Souza, Jason Flaks, Yuxin Pan,
Hereman Nicolas, Adhish Thite and contributors), github.com/Jakobovski/free-spoken-digit-dataset v1.0.10.
Licence: Creative Commons Attribution-ShareAlike 4.0 International (CC BY-SA 4.0),
https://creativecommons.org/licenses/by-sa/4.0/.`;

/** Copies bytes only (the corpus' files are read-only; a copy of their mode would block the next run). */
const copy = (from: string, to: string) => {
  rmSync(to, { force: true });
  writeFileSync(to, readFileSync(from));
};

const tmp = mkdtempSync(join(tmpdir(), 'recur-viz-audio-'));
try {
  // Relative data path: the config is committed and must not name this machine's directories.
  const args = ['train', DATA, '--task', 'audio', '--label-pattern', '^(\\d)_', '--group-pattern', '^\\d_([a-z]+)_', '--test-pattern', `_${speaker}_`, '--hidden', hidden, ...epochs, '--quiet', '--out', tmp];
  console.error(`recur ${args.join(' ')}`);
  const status = await main(['node', 'recur', ...args]);
  if (status !== 0) throw new Error(`recur train exited with ${status}`);

  mkdirSync(MODEL_OUT, { recursive: true });
  // Only what the page needs: the optimiser state would double the size for nothing.
  copy(join(tmp, 'model.safetensors'), join(MODEL_OUT, 'model.safetensors'));
  const configJson = JSON.parse(readFileSync(join(tmp, 'config.json'), 'utf8')) as { data: { path: string }; metrics?: { accuracy?: number } };
  // The CLI records the absolute data path; the committed config must not name this machine's directories.
  configJson.data.path = DATA;
  writeFileSync(join(MODEL_OUT, 'config.json'), `${JSON.stringify(configJson, null, 2)}\n`);
  const config = parseCheckpointConfig(configJson, `${MODEL_OUT}/config.json`);
  const loaded = modelFromSpec(config.spec, config.saved, `${MODEL_OUT}/`);
  if (loaded.kind !== 'audio') throw new Error(`expected an audio model, got ${loaded.kind}`);
  loaded.model.loadStateDict(readSafetensors(readFileSync(join(MODEL_OUT, 'model.safetensors')), `${MODEL_OUT}/model.safetensors`));
  const accuracy = configJson.metrics?.accuracy;
  const m = config.spec.model;
  writeFileSync(
    join(MODEL_OUT, 'README.md'),
    `# Bundled spoken-digit model of the visualiser\n\nA ${m.numLayers}x${m.hiddenSize} ${m.bidirectional ? 'bidirectional ' : ''}${m.cell.toUpperCase()} made by\n` +
      `\`node --import tsx scripts/make-viz-audio-model.ts\` (recur train --task audio at its defaults, hidden size ${hidden}),\n` +
      `trained on four speakers of the Free Spoken Digit Dataset; the fifth, ${speaker}, was held out whole` +
      (typeof accuracy === 'number' ? ` (accuracy on ${speaker}'s 500 recordings: ${accuracy.toFixed(3)}).\n` : '.\n') +
      `\nTrained on recordings of the ${ATTRIBUTION}\nThe weights are derived from them and are shared under the same licence.\n`,
  );

  mkdirSync(SAMPLES_OUT, { recursive: true });
  const recordings = SAMPLES.map((name) => ({ name, bytes: new Uint8Array(readFileSync(join(DATA, name))) }));
  const predicted = classifyRecordings(loaded.model, loaded.audio, loaded.encoding, recordings);
  const index = recordings.map((r, i) => {
    copy(join(DATA, r.name), join(SAMPLES_OUT, r.name));
    return { file: r.name, digit: r.name[0]!, speaker, predicted: predicted[i]!.label };
  });
  writeFileSync(join(SAMPLES_OUT, 'samples.json'), `${JSON.stringify({ speaker, heldOut: true, samples: index.map(({ file, digit }) => ({ file, digit, speaker })) }, null, 2)}\n`);
  writeFileSync(
    join(SAMPLES_OUT, 'README.md'),
    `# Sample recordings of the visualiser's audio view\n\n${SAMPLES.join(', ')}: recordings of speaker ${speaker}, whom the bundled\n` +
      `model (../model-audio/) never heard, copied unchanged from the ${ATTRIBUTION}\n`,
  );
  for (const s of index) console.error(`${s.file}: digit ${s.digit}, predicted ${s.predicted}`);
  console.error(`test accuracy on ${speaker}: ${accuracy ?? 'n/a'}; weights ${statSync(join(MODEL_OUT, 'model.safetensors')).size} bytes -> ${MODEL_OUT}/, samples -> ${SAMPLES_OUT}/`);
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
