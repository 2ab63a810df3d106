/**
 * PyTorch -> recur: load a char-LSTM trained (here: initialised) in PyTorch and generate text
 * with it in Node. The weights are a safetensors file of `model.state_dict()`; recur's CharLm
 * has the same submodule names (embedding, rnn, fc), so nothing is renamed.
 *
 *   node --import tsx examples/pytorch-to-recur.ts
 *
 * In an application, import from 'recur-nn' and 'recur/node' instead of the source paths below.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { CharLm, loadPytorchWeights } from '../src/index.js';
import { loadSafetensorsFile } from '../src/node.js';

const fixtures = new URL('../test/fixtures/pytorch-models/', import.meta.url);
// What the PyTorch side recorded: its config, and its greedy continuation to compare with.
const torchRun = JSON.parse(readFileSync(new URL('torch-models.json', fixtures), 'utf8')) as {
  charlm: { config: { cell: 'lstm'; hiddenSize: number; numLayers: number; dropout: number; vocabSize: number; embeddingDim: number }; prime: number[]; greedy: number[] };
};

// 1. The same architecture as the PyTorch module: nn.Embedding(20, 10), nn.LSTM(10, 16, 2), nn.Linear(16, 20).
const model = new CharLm(torchRun.charlm.config);

// 2. The weights. A DistributedDataParallel state_dict has names starting with 'module.': pass { prefix: 'module.' }.
const path = fileURLToPath(new URL('torch-charlm.safetensors', fixtures));
loadPytorchWeights(model, await loadSafetensorsFile(path), { source: path });

// 3. Greedy generation (temperature 0), carrying the LSTM state from step to step.
const ids = model.sample({ length: 40, temperature: 0, prime: Int32Array.from(torchRun.charlm.prime) });
console.log(`recur's greedy ids:   ${[...ids].join(' ')}`);
console.log(`PyTorch's greedy ids: ${torchRun.charlm.greedy.join(' ')}`);
assert.deepEqual([...ids], torchRun.charlm.greedy);
console.log('identical: the PyTorch model runs unchanged in recur');
