/**
 * recur -> ONNX Runtime: export a whole CharLm (embedding, LSTM, linear head, softmax) as one
 * ONNX graph and generate text with onnxruntime, streaming the state through h0/c0 -> h_n/c_n
 * exactly as recur's own sampler does.
 *
 *   node --import tsx examples/recur-to-onnx.ts
 *
 * From a checkpoint directory the same file comes from `recur export DIR --onnx model.onnx --softmax`.
 * In an application, import from 'recur-nn' and 'recur/node' instead of the source paths below.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as ort from 'onnxruntime-node';
import { CharLm, loadPytorchWeights } from '../src/index.js';
import { exportModelOnnx } from '../src/onnx.js';
import { loadSafetensorsFile, saveOnnxFile } from '../src/node.js';

const fixtures = new URL('../test/fixtures/pytorch-models/', import.meta.url);
const spec = JSON.parse(readFileSync(new URL('recur-models.json', fixtures), 'utf8')) as {
  charlm: { config: { cell: 'lstm'; hiddenSize: number; numLayers: number; dropout: number; vocabSize: number; embeddingDim: number } };
};
const { numLayers: L, hiddenSize: H } = spec.charlm.config;

// 1. A recur model with its weights (here a committed one; usually from `recur train`).
const model = new CharLm(spec.charlm.config);
loadPytorchWeights(model, await loadSafetensorsFile(fileURLToPath(new URL('recur-charlm.safetensors', fixtures))));

// 2. Export: inputs ids int64 [seq, batch], h0, c0; outputs logits, probabilities, h_n, c_n.
const dir = mkdtempSync(join(tmpdir(), 'recur-example-'));
const file = join(dir, 'charlm.onnx');
await saveOnnxFile(file, exportModelOnnx(model, { softmax: true }));

// 3. Serve with ONNX Runtime: feed the prime, then each most likely id, carrying the state.
const session = await ort.InferenceSession.create(file);
const idsTensor = (ids: number[]) => new ort.Tensor('int64', BigInt64Array.from(ids.map(BigInt)), [ids.length, 1]);
let h: ort.Tensor = new ort.Tensor('float32', new Float32Array(L * H), [L, 1, H]);
let c: ort.Tensor = new ort.Tensor('float32', new Float32Array(L * H), [L, 1, H]);
let input = [3, 1, 4, 1, 5];
const generated: number[] = [];
for (let step = 0; step < 40; step++) {
  const out = await session.run({ ids: idsTensor(input), h0: h, c0: c });
  const probs = out.probabilities!.data as Float32Array;
  const last = probs.subarray(probs.length - spec.charlm.config.vocabSize);
  const next = last.indexOf(Math.max(...last));
  generated.push(next);
  [h, c, input] = [out.h_n!, out.c_n!, [next]];
}
await session.release();
rmSync(dir, { recursive: true, force: true });

const own = model.sample({ length: 40, temperature: 0, prime: Int32Array.of(3, 1, 4, 1, 5) });
console.log(`onnxruntime greedy ids: ${generated.join(' ')}`);
console.log(`recur greedy ids:       ${[...own].join(' ')}`);
// The same model loaded in PyTorch (scripts/make-pytorch-fixtures.py) generated these:
const torchIds = (JSON.parse(readFileSync(new URL('recur-models-expected.json', fixtures), 'utf8')) as { charlm: { greedy: number[] } }).charlm.greedy;
assert.deepEqual(generated, [...own]);
assert.deepEqual(generated, torchIds);
console.log('identical: onnxruntime, recur and PyTorch generate the same text');
