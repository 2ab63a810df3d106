// Saved state is released once nothing can reach it, without a backward: store entries by
// their handles' finalizers, differentiable steps' JS arrays by the collector itself. Checked
// in a child process with --expose-gc, so collection can be forced.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

test('dropped graphs free their saved state once collected', () => {
  const child = fileURLToPath(new URL('./saved-gc-child.ts', import.meta.url));
  const r = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', child], { encoding: 'utf8', timeout: 60_000, env: { ...process.env, RECUR_THREADS: '1' } });
  assert.equal(r.status, 0, r.stderr);
  const got = JSON.parse(r.stdout.trim().split('\n').pop()!) as Record<string, number>;
  assert.equal(got['liveWhileHeld'], 5, 'five passes held by their outputs');
  assert.equal(got['liveAfterDrop'], 0, 'all five freed once their graphs were collected');
  assert.equal(got['stepSavesAlive'], 0, 'no step save outlives its last reference');
  assert.equal(got['storeAfterSteps'], 0, 'steps keep nothing in the kernel store');
  assert.equal(got['borrowedWhileAlive'], 2, 'the second pass borrowed W_ih and W_hh from the pack cache');
  assert.equal(got['borrowedAfterCollect'], 0, 'collecting the weight arrays evacuated the borrowed bits into the save');
  assert.ok(got['gradError']! < 1e-5, `gradients of the weights the pass ran with (max error ${got['gradError']})`);
});
