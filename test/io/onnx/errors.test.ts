import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FormatError, OptionError, RecurError, ShapeError } from '../../../src/errors.js';
import { gru, lstm } from '../../../src/nn/layers/factories.js';
import { Rng } from '../../../src/tensor/random.js';
import { Tensor } from '../../../src/tensor/tensor.js';
import { exportOnnx } from '../../../src/io/onnx/export/recurrent.js';
import { OnnxGraphBuilder, type AttrValue } from '../../../src/io/onnx/export/graph-builder.js';
import { loadOnnx } from '../../../src/io/onnx/import/load.js';
import { loadOnnxFile, saveOnnxFile } from '../../../src/io/onnx/node-file.js';
import { encodeModel, type OnnxModelProto } from '../../../src/io/onnx/proto.js';

/** Bad files and unsupported models fail with a RecurError whose message names the place. */

function throwsFormat(fn: () => unknown, pattern: RegExp): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof FormatError, `expected FormatError, got ${String(e)}`);
    assert.match(e.message, pattern);
    return true;
  });
}

/** One recurrent node (I=2, H=3) with knobs for breaking it. */
function recurrentModel(op: 'RNN' | 'LSTM' | 'GRU', attrs: Record<string, AttrValue> = {}, opts: { wShape?: number[]; extraInputs?: string[]; missing?: string } = {}): Uint8Array {
  const G = (op === 'LSTM' ? 4 : op === 'GRU' ? 3 : 1) * 3;
  const b = new OnnxGraphBuilder('bad');
  b.addInput('X', ['seq', 'batch', 2]);
  const wShape = opts.wShape ?? [1, G, 2];
  const W = b.addInitializer('W', new Float32Array(wShape.reduce((p, d) => p * d, 1)), wShape);
  const R = b.addInitializer('R', new Float32Array(G * 3), [1, G, 3]);
  const base: Record<string, AttrValue> = op === 'GRU' && !('linear_before_reset' in attrs) ? { linear_before_reset: { i: 1 } } : {};
  const outs = b.addNode(op, ['X', opts.missing ?? W, R, ...(opts.extraInputs ?? [])], { hidden_size: { i: 3 }, ...base, ...attrs }, ['Y', 'Y_h'], `my_${op.toLowerCase()}`);
  b.addOutput(outs[0]!, ['seq', 1, 'batch', 3]);
  return b.toBytes();
}

function modelWith(edit: (m: OnnxModelProto) => void): Uint8Array {
  const b = new OnnxGraphBuilder('g');
  b.addInput('x', [2, 3]);
  const w = b.addInitializer('w', new Float32Array(12), [3, 4]);
  b.addNode('MatMul', ['x', w], {}, ['y'], 'mm');
  b.addOutput('y', [2, 4]);
  const m = b.toModel();
  edit(m);
  return encodeModel(m);
}

describe('ONNX import refusals and bad files', () => {
  const good = exportOnnx(lstm({ inputSize: 2, hiddenSize: 3, numLayers: 2, bidirectional: true, seed: 1 }), { lengths: true });

  test('every truncation of a valid model is a FormatError', () => {
    for (let n = 0; n < good.length; n++) {
      assert.throws(() => loadOnnx(good.subarray(0, n), { source: 'cut.onnx' }), (e: unknown) => e instanceof FormatError && e.message.startsWith('cut.onnx: '), `cut at ${n}`);
    }
  });

  test('random corruption never escapes as anything but a RecurError', () => {
    const rng = new Rng(99);
    let refused = 0;
    for (let trial = 0; trial < 400; trial++) {
      const bytes = good.slice();
      for (let k = 0; k < 1 + rng.int(4); k++) bytes[rng.int(bytes.length)] = rng.int(256);
      try {
        const m = loadOnnx(bytes);
        const feeds: Record<string, Tensor> = {};
        for (const i of m.inputs) feeds[i.name] = Tensor.full(i.shape?.map((d) => (typeof d === 'number' ? d : 2)) ?? [1], 1);
        m.run(feeds);
      } catch (e) {
        if (!(e instanceof RecurError)) throw new Error(`trial ${trial}: ${String(e)}`, { cause: e });
        refused++;
      }
    }
    assert.ok(refused > 0);
  });

  test('not an ONNX file', () => {
    throwsFormat(() => loadOnnx(new Uint8Array(0), { source: 'empty.onnx' }), /empty\.onnx: the file is empty/);
    throwsFormat(() => loadOnnx(new TextEncoder().encode('{"hello": "json"}'), { source: 'x.json' }), /x\.json: (not a valid ONNX protobuf|.*no graph)/);
  });

  test('unsupported operator names the operator and node', () => {
    const bytes = modelWith((m) => (m.graph.node[0]!.opType = 'Conv'));
    throwsFormat(() => loadOnnx(bytes), /node 'mm' \(Conv\): operator 'Conv' is not supported/);
    throwsFormat(() => loadOnnx(modelWith((m) => (m.graph.node[0]!.domain = 'com.microsoft'))), /node 'mm' \(MatMul\): operator domain 'com\.microsoft'/);
  });

  test('missing initializer names the node and the tensor', () => {
    throwsFormat(() => loadOnnx(recurrentModel('LSTM', {}, { missing: 'lstm.W' })), /node 'my_lstm' \(LSTM\): input 'lstm\.W' is missing/);
    throwsFormat(() => loadOnnx(modelWith((m) => (m.graph.output[0]!.name = 'nowhere'))), /graph output 'nowhere' is not produced/);
  });

  test('wrong shapes and sizes name the tensor', () => {
    throwsFormat(() => loadOnnx(recurrentModel('GRU', {}, { wShape: [1, 8, 2] })), /node 'my_gru' \(GRU\): W \('W'\) has shape \[1, 8, 2\], expected \[1, 9, \*\]/);
    throwsFormat(() => loadOnnx(recurrentModel('RNN', { hidden_size: { i: 4 } })), /node 'my_rnn' \(RNN\): R \('R'\) has shape \[1, 3, 3\], expected \[1, 4, 4\]/);
    throwsFormat(() => loadOnnx(modelWith((m) => (m.graph.initializer[0]!.dims = [3, 5]))), /initializer 'w': raw_data has 48 bytes but shape \[3, 5\] needs 60/);
    throwsFormat(() => loadOnnx(modelWith((m) => (m.graph.initializer[0]!.dims = [1e9, 1e9]))), /initializer 'w'.*more than the \d+ allowed/);
    throwsFormat(() => loadOnnx(modelWith((m) => (m.graph.initializer[0]!.dims = [-3, 4]))), /initializer 'w': invalid dimension -3/);
    throwsFormat(() => loadOnnx(modelWith((m) => (m.graph.initializer[0]!.dataType = 8))), /initializer 'w': data type 8 is not supported/);
  });

  test('run-time inputs of the wrong shape are ShapeErrors naming the input', () => {
    const m = loadOnnx(good, { source: 'lstm.onnx' });
    const x = Tensor.zeros([4, 2, 2]);
    const h = Tensor.zeros([4, 2, 3]);
    assert.throws(() => m.run({ input: Tensor.zeros([4, 2, 5]), h0: h, c0: h, lengths: new Tensor([4, 4]) }), (e: unknown) => e instanceof ShapeError && /input 'input' has shape \[4, 2, 5\], expected \[seq, batch, 2\]/.test(e.message));
    assert.throws(() => m.run({ input: x, h0: Tensor.zeros([4, 3, 3]), c0: h, lengths: new Tensor([4, 4]) }), /'h0' has batch = 3, but another input has batch = 2/);
    assert.throws(() => m.run({ input: x, h0: h, c0: h, lengths: new Tensor([4, 9]) }), (e: unknown) => e instanceof ShapeError && /LSTM.*sequence_lens\[1\] is 9/.test(e.message));
    assert.throws(() => m.run({ input: x, h0: h, c0: h, lengths: new Tensor([4, 1.5]) }), /'lengths' must hold integers/);
    assert.throws(() => m.run({ input: x, h0: h, c0: h }), (e: unknown) => e instanceof OptionError && /'lengths' is missing/.test(e.message));
    assert.throws(() => m.run({ input: x, h0: h, c0: h, lengths: new Tensor([4, 4]), extra: x }), /unknown input\(s\) extra/);
  });

  test('unsupported recurrent variants are refused by name', () => {
    // Peepholes, input_forget, clip and linear_before_reset=0 are supported (test/variants); malformed ones are not.
    throwsFormat(() => loadOnnx(recurrentModel('GRU', { linear_before_reset: { i: 2 } })), /node 'my_gru' \(GRU\): linear_before_reset 2 is not 0 or 1/);
    throwsFormat(() => loadOnnx(recurrentModel('LSTM', {}, { extraInputs: ['', '', '', '', 'R'] })), /node 'my_lstm' \(LSTM\): P \('R'\) has shape \[1, 12, 3\], expected \[1, 9\]/);
    throwsFormat(() => loadOnnx(recurrentModel('RNN', { clip: { f: 3 } })), /my_rnn.*clip .* on RNN is not supported/);
    throwsFormat(() => loadOnnx(recurrentModel('LSTM', { clip: { f: -1 } })), /my_lstm.*clip -1 must be > 0/);
    throwsFormat(() => loadOnnx(recurrentModel('LSTM', { input_forget: { i: 2 } })), /my_lstm.*input_forget 2 is not 0 or 1/);
    throwsFormat(() => loadOnnx(recurrentModel('LSTM', { activations: { strings: ['Sigmoid', 'Relu', 'Tanh'] } })), /my_lstm.*activations \[sigmoid, relu, tanh\] are not supported/);
    throwsFormat(() => loadOnnx(recurrentModel('RNN', { activations: { strings: ['Sigmoid'] } })), /my_rnn.*activations \[sigmoid\]/);
    throwsFormat(() => loadOnnx(recurrentModel('RNN', { activation_alpha: { floats: [0.1] } })), /my_rnn.*activation_alpha/);
    throwsFormat(() => loadOnnx(recurrentModel('RNN', { direction: { s: 'sideways' } })), /my_rnn.*direction 'sideways'/);
    throwsFormat(() => loadOnnx(recurrentModel('RNN', { foo: { i: 1 } })), /my_rnn.*attribute\(s\) 'foo' not supported/);
  });

  test('W computed at run time (not a constant) is refused', () => {
    const b = new OnnxGraphBuilder('g');
    b.addInput('X', [4, 1, 2]);
    b.addInput('W', [1, 3, 2]);
    const R = b.addInitializer('R', new Float32Array(9), [1, 3, 3]);
    b.addNode('RNN', ['X', 'W', R], { hidden_size: { i: 3 } }, ['Y'], 'r');
    b.addOutput('Y', [4, 1, 1, 3]);
    throwsFormat(() => loadOnnx(b.toBytes()), /node 'r' \(RNN\): W \('W'\) must be an initializer or a constant/);
  });

  test('asking an operator for more outputs than it has is refused', () => {
    throwsFormat(() => loadOnnx(modelWith((m) => m.graph.node[0]!.output.push('y2'))), /node 'mm' \(MatMul\): lists 2 outputs; this operator has at most 1/);
  });

  test('external data is refused', () => {
    throwsFormat(() => loadOnnx(modelWith((m) => (m.graph.initializer[0]!.external = true))), /initializer 'w'.*external data file/);
  });
});

describe('ONNX files (Node)', () => {
  test('saveOnnxFile then loadOnnxFile; no temporary file is left', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'recur-onnx-'));
    const path = join(dir, 'gru.onnx');
    const layer = gru({ inputSize: 2, hiddenSize: 3, seed: 4 });
    await saveOnnxFile(path, exportOnnx(layer, { initialState: false }));
    assert.deepEqual(readdirSync(dir), ['gru.onnx']);
    const m = await loadOnnxFile(path);
    const x = new Tensor(new Float32Array(8).fill(0.25), [2, 2, 2]);
    assert.deepEqual([...m.run({ input: x }).output!.shape], [2, 2, 3]);
    await assert.rejects(loadOnnxFile(join(dir, 'absent.onnx')), (e: unknown) => e instanceof FormatError && /absent\.onnx: cannot read/.test(e.message));
  });
});
