import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

test('the API reference (npm run docs) builds from the JSDoc with no warnings: every type a public signature mentions is exported', () => {
  const out = mkdtempSync(join(tmpdir(), 'recur-api-'));
  try {
    const r = spawnSync(process.execPath, ['node_modules/typedoc/bin/typedoc', '--out', out, '--treatWarningsAsErrors'], { encoding: 'utf8' });
    assert.equal(r.status, 0, `${r.stdout}\n${r.stderr}`);
    for (const page of ['index.html', 'classes/index.Forecaster.html', 'interfaces/index.SeriesEncoding.html']) assert.ok(existsSync(join(out, page)), page);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});
