import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { Tensor } from '../../../src/tensor/tensor.js';
import { loadOnnx } from '../../../src/io/onnx/import/load.js';
import { assertClose, ErrorLog, runOrt, type Feed } from './helpers.js';

/**
 * Every case in test/fixtures/onnx (made by scripts/make-onnx-fixtures.py with onnx.helper and
 * torch.onnx.export): recur's loadOnnx must match onnxruntime-node on the same inputs, and
 * PyTorch's own outputs where the case has them. Layout-1 models run in onnxruntime through
 * their layout-0 twin (onnxruntime's CPU kernels refuse layout 1).
 */

const DIR = fileURLToPath(new URL('../../fixtures/onnx/', import.meta.url));

interface JsonInput {
  dtype: 'float32' | 'float64' | 'int32' | 'int64';
  shape: number[];
  data: number[];
}
interface FixtureCase {
  name: string;
  source: string;
  description: string;
  inputs: Record<string, JsonInput>;
  ort_model?: string;
  expected?: Record<string, { shape: number[]; data: number[] }>;
}

const files = readdirSync(DIR).filter((f) => f.endsWith('.json')).sort();
const vsOrt = new ErrorLog();
const vsTorch = new ErrorLog();

describe('loadOnnx on fixtures vs onnxruntime', () => {
  after(() => console.log(`import max error vs onnxruntime: ${vsOrt.max().toExponential(2)}; vs PyTorch: ${vsTorch.max().toExponential(2)}`));
  test('the fixture folder holds both onnx.helper and torch.onnx.export cases', () => {
    assert.ok(files.some((f) => f.startsWith('helper_')) && files.some((f) => f.startsWith('torch_')), `cases: ${files.join(', ')}`);
  });
  for (const file of files) {
    const c = JSON.parse(readFileSync(join(DIR, file), 'utf8')) as FixtureCase;
    test(`${c.name} (${c.source})`, async () => {
      const bytes = new Uint8Array(readFileSync(join(DIR, `${c.name}.onnx`)));
      const model = loadOnnx(bytes, { source: `${c.name}.onnx` });
      const feeds: Record<string, Tensor> = {};
      const ortFeeds: Record<string, Feed> = {};
      for (const [k, v] of Object.entries(c.inputs)) {
        feeds[k] = new Tensor(v.data, v.shape);
        ortFeeds[k] = v.dtype === 'float32' ? feeds[k]! : v.dtype === 'float64' ? { float64: v.data, shape: v.shape } : v.dtype === 'int32' ? { int32: v.data, shape: v.shape } : { int64: v.data, shape: v.shape };
      }
      const got = model.run(feeds);
      const ortBytes = c.ort_model ? new Uint8Array(readFileSync(join(DIR, c.ort_model))) : bytes;
      const want = await runOrt(ortBytes, ortFeeds);
      assert.deepEqual(Object.keys(got).sort(), Object.keys(want).sort(), 'output names');
      for (const [k, v] of Object.entries(want)) vsOrt.add(c.name, assertClose(got[k]!, v, `${c.name} ${k} vs onnxruntime`));
      for (const [k, v] of Object.entries(c.expected ?? {})) vsTorch.add(c.name, assertClose(got[k]!, new Tensor(v.data, v.shape), `${c.name} ${k} vs PyTorch`));
    });
  }
});
