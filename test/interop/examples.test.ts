import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The worked examples of the README (Scaling out) run as written (they assert their own results). */

const root = fileURLToPath(new URL('../../', import.meta.url));
const run = (file: string) =>
  spawnSync(process.execPath, ['--import', 'tsx', file], { cwd: root, encoding: 'utf8', timeout: 60_000 });

test('examples/pytorch-to-recur.ts: a PyTorch char-LSTM generates the same ids in recur', () => {
  const r = run('examples/pytorch-to-recur.ts');
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /identical: the PyTorch model runs unchanged in recur/);
});

test('examples/recur-to-onnx.ts: the exported CharLm streams in onnxruntime like recur and PyTorch', () => {
  const r = run('examples/recur-to-onnx.ts');
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /identical: onnxruntime, recur and PyTorch generate the same text/);
});
