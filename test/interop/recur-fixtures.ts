/**
 * The recur side of the recur -> PyTorch fixtures: two models with seeded weights, their
 * safetensors bytes and fixed inputs. scripts/make-pytorch-fixtures.py runs this file to write
 * them (`node --import tsx test/interop/recur-fixtures.ts DIR`) and then loads them in PyTorch;
 * the tests import it to check that the committed files are what recur writes today.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { pytorchStateDict } from '../../src/io/pytorch-models.js';
import { writeSafetensors } from '../../src/io/safetensors.js';
import { CharLm, type CharLmConfig } from '../../src/models/char-lm.js';
import { Forecaster, type ForecasterConfig } from '../../src/models/forecaster.js';
import { Rng } from '../../src/tensor/random.js';

export const RECUR_CHARLM: { config: CharLmConfig; seed: number } = {
  config: { cell: 'lstm', hiddenSize: 16, numLayers: 2, dropout: 0, vocabSize: 20, embeddingDim: 8 },
  seed: 7,
};
export const RECUR_FORECASTER: { config: ForecasterConfig; seed: number } = {
  config: { cell: 'gru', hiddenSize: 12, numLayers: 2, dropout: 0, inputSize: 3, horizon: 4 },
  seed: 11,
};

/** Fixed inputs: char ids [T, B] time-major, a prime for greedy sampling, windows [batch, window, features]. */
export function recurFixtureInputs(): { ids: number[]; T: number; B: number; prime: number[]; sampleLength: number; windows: number[]; windowShape: number[] } {
  const rng = new Rng(2024);
  const T = 10, B = 2;
  const ids = Array.from({ length: T * B }, () => Math.floor(rng.random() * RECUR_CHARLM.config.vocabSize));
  const windowShape = [4, 9, RECUR_FORECASTER.config.inputSize];
  // Rounded to float32 so the JSON decimals are exactly the values both sides use.
  const windows = Array.from({ length: 4 * 9 * 3 }, () => Math.fround(rng.uniform(-1, 1)));
  return { ids, T, B, prime: [3, 1, 4, 1, 5], sampleLength: 40, windows, windowShape };
}

export function recurFixtureModels(): { charlm: CharLm; forecaster: Forecaster } {
  return {
    charlm: new CharLm(RECUR_CHARLM.config, RECUR_CHARLM.seed),
    forecaster: new Forecaster(RECUR_FORECASTER.config, RECUR_FORECASTER.seed),
  };
}

/** The files as recur writes them today: safetensors weights plus a JSON of configs and inputs. */
export function recurFixtureFiles(): Record<string, Uint8Array | string> {
  const { charlm, forecaster } = recurFixtureModels();
  const meta = { format: 'pt' };
  return {
    'recur-charlm.safetensors': writeSafetensors(pytorchStateDict(charlm), meta),
    'recur-forecaster.safetensors': writeSafetensors(pytorchStateDict(forecaster), meta),
    'recur-models.json': JSON.stringify({ charlm: RECUR_CHARLM, forecaster: RECUR_FORECASTER, inputs: recurFixtureInputs() }, null, 1) + '\n',
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const dir = process.argv[2];
  if (!dir) throw new Error('usage: node --import tsx test/interop/recur-fixtures.ts OUTDIR');
  for (const [name, content] of Object.entries(recurFixtureFiles())) writeFileSync(join(dir, name), content);
}
