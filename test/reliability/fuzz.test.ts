// A short deterministic subset of `npm run fuzz`: every target, a few hundred seeded cases,
// each ending in success or a typed recur error, within the time and memory limits.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { TARGETS } from './lib/targets.js';

const COUNTS: Record<string, number> = { checkpoint: 120, cli: 120, onnx: 150, logs: 150 };

for (const t of TARGETS) {
  test(`fuzz ${t.name}: malformed inputs end in success or a typed error`, async () => {
    const s = await t.run(COUNTS[t.name] ?? 250, 20_261_124);
    const problems = s.failures.map((f) => `#${f.i} ${f.kind}: ${f.detail}`).join('\n');
    assert.equal(s.other, 0, `${s.other} case(s) threw something other than a typed recur error:\n${problems}`);
    assert.equal(s.flagged, 0, `${s.flagged} case(s) over the time or memory limit:\n${problems}`);
    assert.equal(s.ok + s.typed, s.cases);
    assert.ok(s.typed > 0, 'the generator produced no malformed input at all');
  });
}
