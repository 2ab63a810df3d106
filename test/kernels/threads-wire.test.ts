// The shared-memory reply format of browser pool workers (threads/wire.ts), checked in Node,
// which has SharedArrayBuffer too: values survive exactly, arrays come back as fresh copies.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { encode, read, write } from '../../src/kernels/wasm/threads/wire.js';
import { wasmBackendSync } from '../../src/kernels/wasm/index.js';
import { makeArgs } from './helpers.js';

test('a forward result with its saved handle, and an array reachable twice, round-trip exactly', () => {
  const wasm = wasmBackendSync()!;
  const args = makeArgs({ mode: 'lstm', T: 5, B: 3, I: 4, H: 6, proj: 0, bias: true, lengths: true, reverse: false, seed: 3 });
  const forward = wasm.sequenceForward(args);
  assert.equal(typeof (forward.saved as { savedId: number }).savedId, 'number');
  // The same array under the trace and elsewhere (as a reply may hold it twice).
  const result = { ...forward, saved: { handle: forward.saved, gates: forward.trace!.gates } };
  const reply = { ok: true, value: result };
  const e = encode(reply);
  const area = new SharedArrayBuffer(e.bytes);
  write(e, area);
  const back = read(area) as typeof reply;
  assert.deepEqual(back, reply);
  const saved = back.value.saved as { gates: Float32Array };
  assert.ok(back.value.y instanceof Float32Array && !(back.value.y.buffer instanceof SharedArrayBuffer), 'fresh, unshared copies');
  assert.equal(back.value.trace!.gates, saved.gates, 'an array reachable twice is stored once and shared again');
  new Float32Array(area).fill(0);
  assert.deepEqual(back.value.y, result.y, 'reusing the area does not touch what was read');
});

test('sizes, types and refusals', () => {
  const value = { a: Int32Array.of(-1, 2), b: [Float64Array.of(Math.PI), null, 'x'], c: new Uint8Array(0), n: 3, t: true };
  const e = encode(value);
  assert.throws(() => write(e, new SharedArrayBuffer(e.bytes - 1)), /do not fit/);
  const area = new SharedArrayBuffer(e.bytes + 64);
  write(e, area);
  assert.deepEqual(read(area), value);
  assert.deepEqual(read((write(encode({ ok: false, error: 'boom' }), area), area)), { ok: false, error: 'boom' });
  assert.throws(() => encode({ x: new Int16Array(2) }), /unsupported array type Int16Array/);
  // An offset view is encoded as the elements it shows, not its whole buffer.
  const whole = Float32Array.of(1, 2, 3, 4);
  write(encode({ v: whole.subarray(1, 3) }), area);
  assert.deepEqual(read(area), { v: Float32Array.of(2, 3) });
});

test('a job written to shared memory and read back as views: no copies, every array in place', () => {
  const args = makeArgs({ mode: 'gru', T: 4, B: 2, I: 3, H: 5, proj: 0, bias: true, lengths: false, reverse: true, seed: 7 });
  // Tied weights (one array twice) must come back as one view, as the backend compares them by identity.
  const job = { kind: 'forward', args: { ...args, weights: { ...args.weights, wHh: args.weights.wIh } }, release: [4, 9] };
  const e = encode(job);
  const area = new SharedArrayBuffer(e.bytes);
  write(e, area);
  const back = read(area, { views: true }) as typeof job;
  assert.deepEqual(back, job);
  assert.ok(back.args.x.buffer === area, 'x is a view of the area, not a copy');
  assert.equal(back.args.weights.wHh, back.args.weights.wIh, 'an array reachable twice is one view');
  // Views see the next write into the area: the worker must be done with them by then.
  new Float32Array(area).fill(0);
  assert.ok(back.args.x.every((v) => v === 0));
});

test('non-finite numbers are refused rather than turned into null', () => {
  assert.throws(() => encode({ clip: Infinity }), /non-finite number Infinity/);
  assert.throws(() => encode({ a: [1, NaN] }), /non-finite number NaN/);
  // Inside typed arrays they travel as bits.
  const area = new SharedArrayBuffer(256);
  write(encode({ v: Float32Array.of(NaN, -Infinity) }), area);
  assert.deepEqual(read(area), { v: Float32Array.of(NaN, -Infinity) });
});
