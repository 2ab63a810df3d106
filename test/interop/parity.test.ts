import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { caseFiles } from '../../src/cli/parity.js';
import { parseReferenceCase, runReferenceCase } from '../../src/backends.js';

// Every *.json in the folder, so cases dropped in later are checked too.
const dir = fileURLToPath(new URL('../fixtures/pytorch/', import.meta.url));
const files = caseFiles(dir);

test('the PyTorch reference folder holds cases', () => {
  assert.ok(files.length >= 32, `expected at least 32 cases, found ${files.length}`);
});

for (const file of files) {
  test(`PyTorch parity: ${file.split('/').pop()}`, () => {
    const c = parseReferenceCase(JSON.parse(readFileSync(file, 'utf8')), file);
    const r = runReferenceCase(c, { forward: 1e-5, grad: 1e-4 });
    const bad = r.comparisons.filter((x) => !(x.error <= x.tolerance));
    assert.deepEqual(bad, [], `mismatches: ${JSON.stringify(bad)}`);
    // Every parameter's gradient was compared.
    const compared = r.comparisons.filter((x) => x.what.startsWith('grad ')).length;
    assert.ok(compared >= Object.keys(c.state_dict).length + 1);
  });
}
