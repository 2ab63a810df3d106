import { test } from 'node:test';
import assert from 'node:assert/strict';
import { growth, streamingRun, trainingRun } from './lib/longrun.js';

// Short versions of `npm run longrun`: memory must not grow with the number of steps.
test('streaming keeps memory flat (50,000 steps)', () => {
  const s = streamingRun(50_000, 5);
  const g = growth(s);
  assert.ok(g.heap < 8, `heap grew ${g.heap} MiB`);
  assert.ok(g.arrayBuffers < 8, `array buffers grew ${g.arrayBuffers} MiB`);
  assert.ok(g.wasm <= 0, `WASM memory grew ${g.wasm} MiB`);
});

test('training keeps memory and the worker pool flat (400 steps)', async () => {
  const s = await trainingRun(400, 5);
  const g = growth(s);
  assert.ok(g.heap < 8, `heap grew ${g.heap} MiB`);
  assert.ok(g.wasm <= 0, `WASM memory grew ${g.wasm} MiB`);
  assert.equal(g.workers, 0);
});
