// A short subset of `npm run crashtest`: kill -9 a real `recur train` twice (once at a random
// moment, once during a checkpoint write), resume, and get the uninterrupted run's weights.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { crashScenario, SCENARIOS } from './lib/crash.js';

test('kill -9 during training and during a checkpoint write: resume ends bit for bit equal', async () => {
  const root = mkdtempSync(join(tmpdir(), 'recur-crash-test-'));
  try {
    const r = await crashScenario(SCENARIOS[1]!, root, 2, 5, undefined, 16);
    assert.equal(r.kills.length, 2);
    for (const k of r.kills) assert.ok(k.ok, `after kill ${k.kill} (${k.phase}) the checkpoint did not load: ${k.detail}`);
    assert.ok(r.identical, r.detail);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
