// How the backend is chosen: WASM by default where SIMD exists, RECUR_BACKEND=js or
// setBackend('js') for the reference, and initWasmBackend() never overriding a user's choice.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { getBackend, listBackends, setBackend } from '../../src/kernels/backend.js';
import { backendFromEnv, pickDefaultBackend } from '../../src/kernels/default.js';
import { initWasmBackend } from '../../src/kernels/ready.js';

test('the default is wasm, and RECUR_BACKEND=js picks the reference', () => {
  const before = process.env['RECUR_BACKEND'];
  try {
    delete process.env['RECUR_BACKEND'];
    assert.equal(backendFromEnv(), undefined);
    assert.equal(pickDefaultBackend().name, 'wasm');
    process.env['RECUR_BACKEND'] = 'js';
    assert.equal(backendFromEnv(), 'js');
    assert.equal(pickDefaultBackend().name, 'js');
  } finally {
    if (before === undefined) delete process.env['RECUR_BACKEND'];
    else process.env['RECUR_BACKEND'] = before;
  }
});

test("setBackend('wasm'/'js') switches, and initWasmBackend() keeps the user's choice", async () => {
  assert.ok(listBackends().includes('wasm'));
  assert.ok(listBackends().includes('js'));
  setBackend('js');
  const wasm = await initWasmBackend();
  assert.ok(wasm, 'SIMD is available in Node 20');
  assert.equal(wasm.name, 'wasm');
  assert.equal(getBackend().name, 'js', 'an explicit choice is not overridden');
  setBackend('wasm');
  assert.equal(getBackend(), wasm);
  assert.throws(() => setBackend('nope'), /unknown or unavailable backend 'nope'; available: js, wasm/);
});
