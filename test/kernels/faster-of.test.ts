// The chooser between a split by hidden units and one thread: by recent times, per key.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FasterOf } from '../../src/kernels/wasm/threads/faster.js';

/** A clock the calls advance: `first` takes `a` ms, `second` `b` ms. */
function rig(a: () => number, b: () => number) {
  let t = 0;
  const chooser = new FasterOf(() => t);
  const ran: string[] = [];
  const call = (key = 'k') =>
    chooser.run(
      key,
      () => (ran.push('first'), (t += a()), 1),
      () => (ran.push('second'), (t += b()), 2),
    );
  return { call, ran };
}

test('tries each way three times, then keeps to the faster and retries the other every 32nd call', () => {
  const { call, ran } = rig(() => 5, () => 3);
  for (let i = 0; i < 96; i++) call();
  assert.deepEqual(ran.slice(0, 6), ['first', 'first', 'first', 'second', 'second', 'second']);
  const later = ran.slice(6);
  assert.equal(later.filter((r) => r === 'first').length, 3, 'the slower one at calls 32, 64, 96');
  assert.deepEqual([ran[31], ran[63], ran[95]], ['first', 'first', 'first']);
});

test('returns the result of the way it ran, and follows a change in which way is faster', () => {
  let slowFirst = false;
  const { call, ran } = rig(() => (slowFirst ? 9 : 2), () => 4);
  assert.equal(call(), 1);
  for (let i = 0; i < 40; i++) call();
  assert.equal(ran.slice(6).filter((r) => r === 'second').length, 1, 'first is faster: second only retried once');
  // First becomes slow: once its last 32 calls are all slow, second takes over (calls 42
  // to 73 push first's fast times out), and first is only retried at call 128.
  slowFirst = true;
  ran.length = 0;
  for (let i = 0; i < 100; i++) call();
  const phase = ran.slice(0, 32);
  assert.deepEqual(phase.flatMap((r, i) => (r === 'second' ? [i] : [])), [64 - 42], 'second only retried at call 64 meanwhile');
  const last = ran.slice(-40);
  assert.deepEqual(last.flatMap((r, i) => (r === 'first' ? [i] : [])), [128 - 102], 'first only at call 128');
});

test('keys are independent', () => {
  const { call, ran } = rig(() => 1, () => 2);
  for (let i = 0; i < 6; i++) call('a');
  call('b');
  assert.equal(ran.at(-1), 'first', 'a new key starts with its own three tries');
});
