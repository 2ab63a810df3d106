import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { noGrad } from '../../src/autograd/graph.js';
import { loadModel } from '../../src/checkpoint/session.js';
import { decodeModel } from '../../src/io/onnx/proto.js';
import { readSafetensors } from '../../src/io/safetensors.js';
import { Tensor } from '../../src/tensor/tensor.js';
import { assertClose, runOrt } from '../io/onnx/helpers.js';
import { recurInProcess } from '../helpers/cli-in-process.js';
import { softmaxLast } from './helpers.js';

/** `recur export`, run in-process (a spawn per case would cost a second each). */

const tmp = mkdtempSync(join(tmpdir(), 'recur-export-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

const recur = recurInProcess;

const dataDir = fileURLToPath(new URL('../../data/', import.meta.url));
const lm = join(tmp, 'lm');
const fc = join(tmp, 'fc');
const cls = join(tmp, 'cls');
before(async () => {
  const data = join(tmp, 'labels.jsonl');
  const recs = Array.from({ length: 40 }, (_, i) => JSON.stringify({ text: `word${i % 5} thing${i % 3}`, label: i % 2 ? 'odd' : 'even' }));
  writeFileSync(data, recs.join('\n') + '\n');
  const runs = [
    ['train', join(dataDir, 'names_female.txt'), '--task', 'charlm', '--model', 'gru', '--layers', '2', '--hidden', '8', '--steps', '2', '--out', lm],
    ['train', join(dataDir, 'airline_passengers.csv'), '--task', 'forecast', '--hidden', '6', '--steps', '2', '--horizon', '3', '--out', fc],
    ['train', data, '--task', 'classify', '--bidirectional', '--hidden', '5', '--steps', '2', '--out', cls],
  ];
  for (const r of runs) {
    const res = await recur(...r, '--quiet');
    assert.equal(res.status, 0, res.err);
  }
});

describe('recur export --onnx', () => {
  test('charlm with --softmax: onnxruntime matches the checkpoint, vocabulary in the doc string', async () => {
    const file = join(tmp, 'lm.onnx');
    const r = await recur('export', lm, '--onnx', file, '--softmax', '--opset', '17');
    assert.equal(r.status, 0, r.err);
    assert.match(r.out, /wrote .*lm\.onnx: charlm model as ONNX opset 17/);
    const bytes = new Uint8Array(readFileSync(file));
    const proto = decodeModel(bytes);
    assert.equal(proto.opsetImport[0]!.version, 17);
    const { loaded } = await loadModel(lm);
    if (loaded.kind !== 'charlm') throw new Error('expected a charlm checkpoint');
    assert.deepEqual((JSON.parse(proto.docString ?? '{}') as { recur: { vocab: string[] } }).recur.vocab, loaded.vocab.chars);
    const ids = loaded.vocab.encode('Anna');
    const ref = noGrad(() => loaded.model.forward(ids, ids.length, 1));
    const got = await runOrt(bytes, { ids: { int64: ids, shape: [ids.length, 1] }, h0: Tensor.zeros([2, 1, 8]) });
    assertClose(got.logits!, ref.logits, 'logits');
    assertClose(got.probabilities!, softmaxLast(ref.logits), 'probabilities');
  });
  test('forecast: onnxruntime matches the checkpoint', async () => {
    const file = join(tmp, 'fc.onnx');
    assert.equal((await recur('export', fc, '--onnx', file)).status, 0);
    const { loaded } = await loadModel(fc);
    if (loaded.kind !== 'forecast') throw new Error('expected a forecast checkpoint');
    const F = loaded.model.config.inputSize;
    const x = new Tensor(Float32Array.from({ length: 2 * loaded.window * F }, (_, i) => Math.sin(i)), [2, loaded.window, F]);
    const got = await runOrt(new Uint8Array(readFileSync(file)), { input: x });
    assertClose(got.output!, noGrad(() => loaded.model.forward(x)), 'forecast');
  });
  test('classify (bidirectional, lengths): onnxruntime matches the checkpoint', async () => {
    const file = join(tmp, 'cls.onnx');
    assert.equal((await recur('export', cls, '--onnx', file, '--softmax')).status, 0);
    const { loaded } = await loadModel(cls);
    if (loaded.kind !== 'classify') throw new Error('expected a classify checkpoint');
    const ids = Int32Array.from([1, 2, 3, 4, 2, 0, 1, 0]);
    const lengths = [4, 2];
    const ref = noGrad(() => loaded.model.forward(ids, 4, 2, lengths));
    const got = await runOrt(new Uint8Array(readFileSync(file)), { ids: { int64: ids, shape: [4, 2] }, lengths: { int32: lengths, shape: [2] } });
    assertClose(got.logits!, ref, 'logits');
  });
});

describe('recur export --safetensors', () => {
  test('PyTorch names with --prefix, model config in the metadata', async () => {
    const file = join(tmp, 'lm.safetensors');
    const r = await recur('export', lm, '--safetensors', file, '--prefix', 'model.');
    assert.equal(r.status, 0, r.err);
    const dict = readSafetensors(readFileSync(file), file);
    const { loaded } = await loadModel(lm);
    const own = loaded.model.namedParameters();
    assert.deepEqual(Object.keys(dict).sort(), own.map(([n]) => `model.${n}`).sort());
    for (const [n, p] of own) assert.deepEqual(dict[`model.${n}`]!.data, p.data, n);
    const header = JSON.parse(readFileSync(file).subarray(8, 8 + readFileSync(file).readUInt32LE(0)).toString()) as { __metadata__: Record<string, string> };
    assert.equal(header.__metadata__.format, 'pt');
    assert.equal((JSON.parse(header.__metadata__.config!) as { cell: string }).cell, 'gru');
  });
});

describe('recur export refuses bad input clearly', () => {
  const fails = async (args: string[], pattern: RegExp): Promise<void> => {
    const r = await recur('export', ...args);
    assert.equal(r.status, 1, `exit status for ${args.join(' ')}: ${r.err}`);
    assert.match(r.err, pattern);
  };
  test('a checkpoint directory that does not exist', () => fails([join(tmp, 'nope'), '--onnx', join(tmp, 'x.onnx')], /nope: no checkpoint directory here/));
  test('a corrupted model.safetensors', async () => {
    const bad = join(tmp, 'bad');
    cpSync(lm, bad, { recursive: true });
    truncateSync(join(bad, 'model.safetensors'), 100);
    await fails([bad, '--onnx', join(tmp, 'x.onnx')], /model\.safetensors/);
  });
  test('an output folder that does not exist', () => fails([lm, '--safetensors', join(tmp, 'no', 'dir', 'x.safetensors')], /x\.safetensors: cannot write the export \(its folder does not exist\)/));
  test('nothing to write', () => fails([lm], /--onnx <file\.onnx> and\/or --safetensors/));
  test('--softmax on a forecaster', () => fails([fc, '--onnx', join(tmp, 'x.onnx'), '--softmax'], /--softmax does not apply .* forecast model/));
  test('--prefix without --safetensors, --softmax without --onnx, --opset 13', async () => {
    await fails([lm, '--onnx', join(tmp, 'x.onnx'), '--prefix', 'model.'], /--prefix applies to --safetensors only/);
    await fails([lm, '--safetensors', join(tmp, 'x.safetensors'), '--softmax'], /--softmax and --opset apply to --onnx only/);
    await fails([lm, '--onnx', join(tmp, 'x.onnx'), '--opset', '13'], /--opset 13 is too old/);
  });
});
