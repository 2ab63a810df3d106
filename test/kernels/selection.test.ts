// How the backend is chosen: WASM by default where SIMD exists, RECUR_BACKEND=js or
// setBackend('js') for the reference, and initWasmBackend() never overriding a user's choice.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { backendFromEnv, getBackend, initWasmBackend, listBackends, pickDefaultBackend, setBackend } from '../../src/kernels/backend.js';
import { wasmBackendSync } from '../../src/kernels/wasm/index.js';
import { kernelVariant, loadKernelsSync, variantFromEnv } from '../../src/kernels/wasm/module.js';

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

test('the relaxed-SIMD kernels run where the runtime has them; RECUR_WASM picks a build and rejects others', () => {
  // Node 20 has relaxed SIMD behind a V8 flag that the loader turns on.
  assert.equal(kernelVariant(), 'relaxed');
  assert.equal(wasmBackendSync()!.variant, 'relaxed');
  assert.equal(variantFromEnv(undefined), undefined);
  assert.equal(variantFromEnv(''), undefined);
  assert.equal(variantFromEnv('simd128'), 'simd128');
  assert.equal(variantFromEnv('relaxed'), 'relaxed');
  assert.throws(() => variantFromEnv('avx'), /RECUR_WASM must be 'simd128' or 'relaxed', got 'avx'/);
  // Both builds compute the same product up to rounding, and differ in that rounding.
  const relaxed = loadKernelsSync('relaxed');
  const plain = loadKernelsSync('simd128');
  const out = [relaxed, plain].map((inst) => {
    inst.memory.grow(4);
    const f = new Float32Array(inst.memory.buffer);
    const K = 64, N = 32;
    for (let i = 0; i < K; i++) f[1024 + i] = Math.sin(i + 1) / 3;
    for (let i = 0; i < K * N; i++) f[4096 + i] = Math.cos(i * 0.37) / 7;
    inst.exports.pack(4096 * 4, N, 1, K, N, 32768 * 4);
    inst.exports.gemm(1024 * 4, K, 1, K, 32768 * 4, N, 65536 * 4, N, 0, 0);
    return f.slice(65536, 65536 + N);
  });
  let maxDiff = 0;
  for (let j = 0; j < 32; j++) maxDiff = Math.max(maxDiff, Math.abs(out[0]![j]! - out[1]![j]!));
  assert.ok(maxDiff > 0, 'the relaxed build fuses multiply-adds (one rounding), so some sums differ');
  assert.ok(maxDiff < 1e-5, `the builds agree to rounding, got ${maxDiff}`);
});
