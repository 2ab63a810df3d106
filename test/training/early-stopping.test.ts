import { test } from 'node:test';
import assert from 'node:assert/strict';
import { OptionError, StateDictError } from '../../src/errors.js';
import { earlyStopping, type EarlyStoppingState } from '../../src/training/early-stopping.js';

test('min mode: stops after `patience` evaluations without an improvement larger than minDelta', () => {
  const s = earlyStopping({ patience: 2, minDelta: 0.1, mode: 'min' });
  // 1.0 best; 0.95 is not < 1.0 − 0.1 (wait 1); 0.85 best (wait 0); 0.8 (wait 1); 0.84 (wait 2: stop).
  const got = [1.0, 0.95, 0.85, 0.8, 0.84].map((m) => s.update(m));
  assert.deepEqual(got, [
    { improved: true, stop: false },
    { improved: false, stop: false },
    { improved: true, stop: false },
    { improved: false, stop: false },
    { improved: false, stop: true },
  ]);
  assert.equal(s.best, 0.85);
  assert.equal(s.bestEpoch, 2);
});

test('max mode with defaults (patience 3, minDelta 0)', () => {
  const s = earlyStopping({ mode: 'max' });
  const stops = [0.5, 0.6, 0.6, 0.55, 0.61, 0.6, 0.6, 0.6].map((m) => s.update(m).stop);
  assert.deepEqual(stops, [false, false, false, false, false, false, false, true]);
  assert.equal(s.best, 0.61);
});

test('a non-finite metric stops at once unless checkFinite is off', () => {
  const s = earlyStopping({ patience: 5 });
  s.update(1);
  assert.deepEqual(s.update(Number.NaN), { improved: false, stop: true });
  const t = earlyStopping({ patience: 5, checkFinite: false });
  t.update(1);
  assert.deepEqual(t.update(Number.NaN), { improved: false, stop: false });
  assert.equal(t.best, 1);
});

test('state survives JSON and resumes the count', () => {
  const a = earlyStopping({ patience: 3 });
  assert.equal((JSON.parse(JSON.stringify(a.getState())) as EarlyStoppingState).best, 'Infinity');
  [5, 4, 4.5, 4.2].forEach((m) => a.update(m));
  const b = earlyStopping({ patience: 3 });
  b.setState(JSON.parse(JSON.stringify(a.getState())) as EarlyStoppingState);
  assert.deepEqual(b.getState(), a.getState());
  assert.deepEqual(b.update(4.1), { improved: false, stop: true });
  assert.throws(() => b.setState({ ...a.getState(), wait: -1 }), StateDictError);
  assert.throws(() => b.setState({ ...a.getState(), best: 'lots' }), /best: expected a number, got "lots"/);
});

test('options are checked', () => {
  assert.throws(() => earlyStopping({ patience: -1 }), /patience must be an integer >= 0, got -1/);
  assert.throws(() => earlyStopping({ minDelta: -0.1 }), OptionError);
  assert.throws(() => earlyStopping({ mode: 'lower' as never }), /mode must be one of 'min', 'max', got lower/);
  assert.throws(() => earlyStopping({ patince: 3 } as never), /unknown option 'patince'/);
});
