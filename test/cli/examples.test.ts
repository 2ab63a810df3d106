import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { repoRoot } from '../helpers/cli.js';

// The examples under examples/ are documentation that must keep working: each exits 1 when
// its result is not what it promises (e.g. a model that does not beat its baseline).
const examples: Array<[string, string[]]> = [
  ['streaming.ts', []],
  ['forecast.ts', []],
  ['classify.ts', ['3']],
  ['char-lm.ts', ['8']],
];

for (const [file, args] of examples) {
  test(`examples/${file} runs and keeps its promise`, () => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', `examples/${file}`, ...args], { cwd: repoRoot, encoding: 'utf8', timeout: 120_000 });
    assert.equal(r.status, 0, `${r.stdout}\n${r.stderr}`);
    assert.ok(r.stdout.trim().length > 0);
  });
}
