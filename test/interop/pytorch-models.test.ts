import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { noGrad } from '../../src/autograd/graph.js';
import { StateDictError } from '../../src/errors.js';
import { loadPytorchWeights, pytorchStateDict } from '../../src/io/pytorch-models.js';
import { readSafetensors, writeSafetensors } from '../../src/io/safetensors.js';
import { CharLm, type CharLmConfig } from '../../src/models/char-lm.js';
import { Forecaster, type ForecasterConfig } from '../../src/models/forecaster.js';
import { Tensor } from '../../src/tensor/tensor.js';
import { assertClose, ErrorLog } from '../io/onnx/helpers.js';
import { recurFixtureFiles, recurFixtureInputs, RECUR_CHARLM, RECUR_FORECASTER } from './recur-fixtures.js';

/** Whole models both ways between PyTorch and recur, on fixtures from scripts/make-pytorch-fixtures.py. */

const DIR = new URL('../fixtures/pytorch-models/', import.meta.url);
const read = (name: string): Buffer => readFileSync(new URL(name, DIR));
const json = <T>(name: string): T => JSON.parse(read(name).toString('utf8')) as T;
const weights = (name: string) => readSafetensors(read(name), name);

interface Shaped { shape: number[]; data: number[] }
interface CharLmOutputs { logits: Shaped; h_n: number[]; c_n: number[]; greedy: number[] }
interface TorchModels {
  charlm: CharLmOutputs & { config: CharLmConfig; ids: number[]; T: number; B: number; prime: number[]; sampleLength: number };
  forecaster: { config: ForecasterConfig; windows: Shaped; output: Shaped };
}
interface RecurExpected { charlm: CharLmOutputs; forecaster: { output: Shaped } }

const tensor = (s: Shaped): Tensor => new Tensor(Float32Array.from(s.data), s.shape);
const log = new ErrorLog();
after(() => console.log(`PyTorch whole-model max errors:\n${log.summary()}`));

/** recur's logits, states and greedy ids against PyTorch's. */
function checkCharLm(m: CharLm, ids: number[], T: number, B: number, prime: number[], length: number, want: CharLmOutputs, label: string): void {
  const ref = noGrad(() => m.forward(Int32Array.from(ids), T, B));
  const L = m.config.numLayers, H = m.config.hiddenSize;
  log.add(`${label} logits`, assertClose(ref.logits, tensor(want.logits), `${label} logits`));
  log.add(`${label} h_n`, assertClose(ref.state.h, new Tensor(Float32Array.from(want.h_n), [L, B, H]), `${label} h_n`));
  log.add(`${label} c_n`, assertClose(ref.state.c!, new Tensor(Float32Array.from(want.c_n), [L, B, H]), `${label} c_n`));
  const sample = m.sample({ length, temperature: 0, prime: Int32Array.from(prime) });
  assert.deepEqual([...sample], want.greedy, `${label}: greedy continuation`);
}

describe('PyTorch -> recur', () => {
  const t = json<TorchModels>('torch-models.json');
  test('char-LSTM (embedding, 2-layer nn.LSTM, fc): logits, states, 40 greedy ids', () => {
    const c = t.charlm;
    const m = new CharLm(c.config, 999); // seed irrelevant: every weight comes from the file
    loadPytorchWeights(m, weights('torch-charlm.safetensors'), { source: 'torch-charlm.safetensors' });
    checkCharLm(m, c.ids, c.T, c.B, c.prime, c.sampleLength, c, 'torch char-LSTM');
    assert.ok(new Set(c.greedy).size > 3, 'the continuation varies, so the check means something');
  });
  test('GRU forecaster (batch_first nn.GRU, fc on the last step)', () => {
    const m = new Forecaster(t.forecaster.config, 999);
    loadPytorchWeights(m, weights('torch-forecaster.safetensors'));
    const y = noGrad(() => m.forward(tensor(t.forecaster.windows)));
    log.add('torch GRU forecaster', assertClose(y, tensor(t.forecaster.output), 'forecaster output'));
  });
  test('a DDP checkpoint (module. prefix) loads with the prefix, and the error says so without it', () => {
    const dict = Object.fromEntries(Object.entries(weights('torch-forecaster.safetensors')).map(([k, v]) => [`module.${k}`, v]));
    const m = new Forecaster(t.forecaster.config, 999);
    assert.throws(() => loadPytorchWeights(m, dict, { source: 'ddp.safetensors' }), (e: unknown) =>
      e instanceof StateDictError && /ddp\.safetensors: no tensor named like the model's parameters.*pass prefix 'module\.'/.test(e.message));
    loadPytorchWeights(m, dict, { prefix: 'module.' });
  });
  test('recur re-encodes the PyTorch-side files byte for byte (same safetensors layout)', () => {
    for (const name of ['torch-charlm.safetensors', 'torch-forecaster.safetensors']) {
      assert.ok(Buffer.from(writeSafetensors(weights(name), { format: 'pt' })).equals(read(name)), name);
    }
  });
  test('a mismatched config is refused, naming the tensor and both shapes', () => {
    const m = new CharLm({ ...t.charlm.config, hiddenSize: 8 }, 0);
    assert.throws(() => loadPytorchWeights(m, weights('torch-charlm.safetensors')), (e: unknown) =>
      e instanceof StateDictError && /'rnn\.weight_ih_l0' has shape \[64, 10\], expected \[32, 10\]/.test(e.message));
  });
});

describe('recur -> PyTorch', () => {
  const expected = json<RecurExpected>('recur-models-expected.json');
  const inputs = recurFixtureInputs();
  test('the committed recur files are byte for byte what recur writes today', () => {
    for (const [name, content] of Object.entries(recurFixtureFiles())) {
      const want = typeof content === 'string' ? Buffer.from(content, 'utf8') : Buffer.from(content);
      assert.ok(read(name).equals(want), `${name} differs from what recur writes now: regenerate with scripts/make-pytorch-fixtures.py`);
    }
  });
  test('CharLm (LSTM, 2 layers) loaded by PyTorch strictly gives the same logits, states and greedy ids', () => {
    const m = new CharLm(RECUR_CHARLM.config, 0);
    loadPytorchWeights(m, weights('recur-charlm.safetensors'));
    checkCharLm(m, inputs.ids, inputs.T, inputs.B, inputs.prime, inputs.sampleLength, expected.charlm, 'recur CharLm');
  });
  test('Forecaster (GRU, 2 layers) loaded by PyTorch strictly gives the same outputs', () => {
    const m = new Forecaster(RECUR_FORECASTER.config, 0);
    loadPytorchWeights(m, weights('recur-forecaster.safetensors'));
    const x = new Tensor(Float32Array.from(inputs.windows), inputs.windowShape);
    log.add('recur Forecaster', assertClose(noGrad(() => m.forward(x)), tensor(expected.forecaster.output), 'forecaster output'));
  });
  test('pytorchStateDict prefixes names and keeps the live tensors', () => {
    const m = new Forecaster(RECUR_FORECASTER.config, 0);
    const d = pytorchStateDict(m, { prefix: 'model.' });
    assert.deepEqual(Object.keys(d).slice(0, 2), ['model.rnn.weight_ih_l0', 'model.rnn.weight_hh_l0']);
    assert.equal(d['model.fc.weight'], m.fc.weight);
  });
});
