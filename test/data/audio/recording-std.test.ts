import { test } from 'node:test';
import assert from 'node:assert/strict';
import { clampDynamicRange, divideRecordingStd, OptionError } from '../../../src/index.js';

test('divideRecordingStd: each band divided by sqrt(std^2 + floor^2) over the recording', () => {
  // band 0: 1, -1, 1, -1 (std 1); band 1: 3, 3, 3, 3 (std 0); band 2: 0, 4, 0, 4 (std 2)
  const x = { frames: 4, width: 3, data: Float32Array.from([1, 3, 0, -1, 3, 4, 1, 3, 0, -1, 3, 4]) };
  const floor = 0.5;
  const y = divideRecordingStd(x, floor);
  const s0 = 1 / Math.sqrt(1 + 0.25);
  const s1 = 1 / 0.5;
  const s2 = 1 / Math.sqrt(4 + 0.25);
  const expected = [1 * s0, 3 * s1, 0, -1 * s0, 3 * s1, 4 * s2, 1 * s0, 3 * s1, 0, -1 * s0, 3 * s1, 4 * s2];
  y.data.forEach((v, i) => assert.ok(Math.abs(v - expected[i]!) < 1e-6, `${i}: ${v} vs ${expected[i]}`));
  assert.deepEqual([...x.data], [1, 3, 0, -1, 3, 4, 1, 3, 0, -1, 3, 4], 'the input is left alone');
  // a tiny floor: every band that moves ends with std ~1
  const z = divideRecordingStd(x, 1e-6);
  const std = (b: number) => {
    const v = [0, 1, 2, 3].map((t) => z.data[t * 3 + b]!);
    const m = v.reduce((a, c) => a + c, 0) / 4;
    return Math.sqrt(v.reduce((a, c) => a + (c - m) ** 2, 0) / 4);
  };
  assert.ok(Math.abs(std(0) - 1) < 1e-5 && Math.abs(std(2) - 1) < 1e-5);
  assert.throws(() => divideRecordingStd(x, 0), (e: unknown) => e instanceof OptionError && /floor must be a positive number/.test(e.message));
});

test('clampDynamicRange: nothing more than topDb below the recording\'s peak (ln values, 10 log10(e) dB a unit)', () => {
  // peak ln 0 (power 1); 20 dB below is ln(0.01) = -4.605
  const x = { frames: 2, width: 2, data: Float32Array.from([0, -10, -3, Math.log(0.01) + 0.001]) };
  const y = clampDynamicRange(x, 20);
  assert.deepEqual([y.frames, y.width], [2, 2]);
  const floor = Math.fround(Math.log(0.01));
  assert.ok(Math.abs(y.data[1]! - floor) < 1e-6, `${y.data[1]} vs ${floor}`);
  assert.deepEqual([y.data[0], y.data[2], y.data[3]], [0, -3, Math.fround(Math.log(0.01) + 0.001)], 'values within the range unchanged');
  assert.equal(x.data[1], -10, 'the input is left alone');
  // a gain (a constant on every ln value) moves the floor with it
  const louder = clampDynamicRange({ ...x, data: x.data.map((v) => v + 2) }, 20);
  louder.data.forEach((v, i) => assert.ok(Math.abs(v - 2 - y.data[i]!) < 1e-5));
  assert.throws(() => clampDynamicRange(x, -1), /topDb must be a positive number of dB/);
});
