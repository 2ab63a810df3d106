import { test } from 'node:test';
import assert from 'node:assert/strict';
import { OptionError } from '../../src/errors.js';
import { nelderMead } from '../../src/forecasting/nelder-mead.js';

// Expected values printed by R 4.2.2: optim(start, f) (Nelder-Mead, default control) and
// sprintf("%.17g"). A faithful port of nmmin takes the same path, so the same evaluation count.

test('Rosenbrock from (-1.2, 1): the same minimum, value and evaluation count as R optim()', () => {
  const rosenbrock = ([a, b]: number[]) => 100 * (b! - a! * a!) ** 2 + (1 - a!) ** 2;
  const r = nelderMead(rosenbrock, [-1.2, 1]);
  assert.equal(r.evaluations, 195);
  assert.equal(r.fail, 0);
  const expected = [1.0002601387256695, 1.000505999303765];
  for (let i = 0; i < 2; i++) assert.ok(Math.abs(r.x[i]! - expected[i]!) < 1e-12, `${r.x[i]} vs ${expected[i]}`);
  assert.ok(Math.abs(r.value - 8.8252410967227472e-8) < 1e-18);
});

test('a non-smooth function in 3-D with maxit 2000: R optim() result', () => {
  const f = ([a, b, c]: number[]) => (a! - 3) ** 2 + (b! + 1) ** 2 + (c! - 2) ** 2 + Math.abs(a! * b!);
  const r = nelderMead(f, [0.5, 0.5, 0.5], { maxit: 2000 });
  assert.equal(r.evaluations, 254);
  const expected = [2.999932531208688, -1.9192145097304806e-7, 2.0007669230096767];
  for (let i = 0; i < 3; i++) assert.ok(Math.abs(r.x[i]! - expected[i]!) < 1e-10, `${r.x[i]} vs ${expected[i]}`);
  assert.ok(Math.abs(r.value - 1.0000007846314796) < 1e-12);
});

test('infeasible points (non-finite values) are avoided, maxit is honoured, bad input is refused', () => {
  // Minimum of (x - 2)^2 restricted to x <= 1 (Infinity outside): lands on the bound.
  const r = nelderMead(([x]) => (x! > 1 ? Infinity : (x! - 2) ** 2), [0]);
  assert.ok(r.x[0]! <= 1 && r.x[0]! > 0.999, `x = ${r.x[0]}`);
  const capped = nelderMead(([a, b]: number[]) => 100 * (b! - a! * a!) ** 2 + (1 - a!) ** 2, [-1.2, 1], { maxit: 20 });
  assert.equal(capped.fail, 1);
  assert.throws(() => nelderMead(() => Number.NaN, [1]), OptionError);
  assert.throws(() => nelderMead((x) => x[0]!, []), /at least one parameter/);
  assert.throws(() => nelderMead((x) => x[0]!, [1], { tol: 1 } as never), /unknown option 'tol'/);
});
