import { test } from 'node:test';
import assert from 'node:assert/strict';
import { OptionError } from '../../../src/errors.js';
import { resample, speedPerturb, speedRatio } from '../../../src/data/audio/index.js';

/** 0.5 sin(500 Hz) + 0.2 sin(1300 Hz) at 8 kHz, 800 samples. */
const twoTones = Float32Array.from({ length: 800 }, (_, i) => 0.5 * Math.sin((2 * Math.PI * 500 * i) / 8000) + 0.2 * Math.sin((2 * Math.PI * 1300 * i) / 8000));

test('speedRatio: a factor as from/to whole numbers with the smallest denominator; bad factors are OptionErrors', () => {
  assert.deepEqual(speedRatio(0.9), [9, 10]);
  assert.deepEqual(speedRatio(1 - 0.1), [9, 10]);
  assert.deepEqual(speedRatio(1.1), [11, 10]);
  assert.deepEqual(speedRatio(1 + 0.15), [23, 20]);
  assert.deepEqual(speedRatio(1), [1, 1]);
  assert.throws(() => speedRatio(0.4), (e: unknown) => e instanceof OptionError && /\[0.5, 2\]/.test(e.message));
  assert.throws(() => speedRatio(Math.SQRT2 / 1.3), (e: unknown) => e instanceof OptionError && /not a ratio of whole numbers/.test(e.message));
});

test('speedPerturb: matches torchaudio.functional.resample(x, 11, 10) and (x, 17, 20) (Kaldi speed 1.1 and 0.85)', () => {
  // torchaudio 0.13, float64 input, samples 100..105 of the outputs.
  const refs: Array<[number, number, number[]]> = [
    [1.1, 728, [-0.494922625, -0.106674905, 0.238140499, 0.350137745, 0.297158445, 0.29151511]],
    [0.85, 942, [0.27711009, 0.312484678, 0.350022954, 0.286033646, 0.072052873, -0.239627999]],
  ];
  for (const [factor, length, values] of refs) {
    const y = speedPerturb(twoTones, factor);
    assert.equal(y.length, length, `ceil(800 / ${factor}) samples`);
    values.forEach((v, i) => assert.ok(Math.abs(y[100 + i]! - v) < 1e-6, `speed ${factor}, sample ${100 + i}: ${y[100 + i]} vs torchaudio ${v}`));
  }
  assert.deepEqual([...speedPerturb(twoTones, 0.9)], [...resample(twoTones, 9, 10)]);
  assert.equal(speedPerturb(twoTones, 1), twoTones, 'factor 1: the input itself');
});

test('speedPerturb: a 400 Hz tone played 1.1x faster is a 440 Hz tone (pitch moves with speed)', () => {
  const tone = Float32Array.from({ length: 8000 }, (_, i) => Math.sin((2 * Math.PI * 400 * i) / 8000));
  const y = speedPerturb(tone, 1.1);
  // Power of y at frequency hz over its interior (DFT projection).
  const power = (hz: number) => {
    let re = 0;
    let im = 0;
    for (let i = 200; i < y.length - 200; i++) {
      re += y[i]! * Math.cos((2 * Math.PI * hz * i) / 8000);
      im += y[i]! * Math.sin((2 * Math.PI * hz * i) / 8000);
    }
    return re * re + im * im;
  };
  let best = 0;
  for (let hz = 380; hz <= 460; hz += 1) if (power(hz) > power(best)) best = hz;
  assert.equal(best, 440);
});
