// Bugs the fuzzer found at the CLI boundary, pinned: --out never destroys what is there,
// tolerances are numbers, and file-system problems are IoErrors with code E_IO.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { main } from '../../src/cli/main.js';
import { loadModel } from '../../src/checkpoint/session.js';
import { IoError } from '../../src/errors.js';

const tmp = mkdtempSync(join(tmpdir(), 'recur-guards-'));
process.on('exit', () => rmSync(tmp, { recursive: true, force: true }));
const text = join(tmp, 'text.txt');
writeFileSync(text, 'some words to learn from. '.repeat(40));

/** Runs the CLI in-process; returns the status and what went to stderr. */
async function run(args: string[]): Promise<{ status: number; stderr: string }> {
  const { error, log } = console;
  let stderr = '';
  console.error = (...a: unknown[]) => (stderr += a.map(String).join(' ') + '\n');
  console.log = () => undefined;
  try {
    const status = await main(['node', 'recur', ...args]);
    return { status, stderr };
  } finally {
    console.error = error;
    console.log = log;
    process.exitCode = undefined;
  }
}

const small = ['--steps', '1', '--hidden', '4', '--embedding', '2', '--batch', '2', '--seq-len', '4', '--quiet'];

test('train --out an existing file refuses and leaves the file alone (it used to be replaced, then deleted)', async () => {
  const precious = join(tmp, 'notes.txt');
  writeFileSync(precious, 'do not delete');
  const r = await run(['train', text, '--out', precious, ...small]);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /is a file; a checkpoint is a folder that would replace it/);
  assert.equal(readFileSync(precious, 'utf8'), 'do not delete');
});

test('train --out a folder of other files refuses and leaves them alone', async () => {
  const folder = join(tmp, 'photos');
  mkdirSync(folder);
  writeFileSync(join(folder, 'a.jpg'), 'jpeg');
  const r = await run(['train', text, '--out', folder, ...small]);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /folder with other files in it/);
  assert.equal(readFileSync(join(folder, 'a.jpg'), 'utf8'), 'jpeg');
});

test('train --out a new or empty folder still trains', async () => {
  const empty = join(tmp, 'empty');
  mkdirSync(empty);
  assert.equal((await run(['train', text, '--out', empty, ...small])).status, 0);
  assert.equal((await run(['train', text, '--out', join(tmp, 'fresh'), ...small])).status, 0);
  // ... and a second run there is refused as before.
  assert.match((await run(['train', text, '--out', empty, ...small])).stderr, /already holds a checkpoint; pass --resume/);
});

test("parity tolerances must be finite numbers ('abc' became NaN and failed every case, 'Infinity' passed every case)", async () => {
  for (const [flag, value] of [['--forward-tol', 'abc'], ['--grad-tol', 'NaN'], ['--forward-tol', 'Infinity'], ['--grad-tol', '-1']]) {
    const r = await run(['parity', tmp, flag!, value!]);
    assert.equal(r.status, 1);
  }
});

test('missing paths are IoErrors with code E_IO', async () => {
  await assert.rejects(loadModel(join(tmp, 'nothing')), (e: unknown) => e instanceof IoError && e.code === 'E_IO' && /no checkpoint directory here/.test(e.message));
  const r = await run(['parity', join(tmp, 'nothing.json')]);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /recur: .*nothing\.json: no such case file or folder/);
  assert.doesNotMatch(r.stderr, /\n\s+at /);
});

test('forecast --out and --plot that cannot be written are IoErrors, not stack traces', async () => {
  const { makeFixtures } = await import('./lib/fixtures.js');
  const fx = await makeFixtures();
  let r = await run(['forecast', fx.checkpoints.forecast, fx.csv, '--out', join(tmp, 'no', 'such', 'folder.csv')]);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /cannot write the forecast \(its folder does not exist\)/);
  r = await run(['forecast', fx.checkpoints.forecast, fx.csv, '--plot', tmp]);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /cannot write the plot \(it is a directory\)/);
});

test('checkpoint folders: runs/ is created for the default --out; an unwritable --out fails before training', async () => {
  const cwd = process.cwd();
  const here = join(tmp, 'cwd');
  mkdirSync(here);
  process.chdir(here);
  try {
    // No runs/ yet: the first checkpoint used to fail with a raw ENOENT (scandir 'runs').
    assert.equal((await run(['train', text, ...small])).status, 0);
  } finally {
    process.chdir(cwd);
  }
  const file = join(tmp, 'plain.txt');
  writeFileSync(file, 'x');
  const r = await run(['train', text, '--out', join(file, 'sub'), ...small]);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /cannot write the checkpoint \(a part of the path is a file, not a folder\)/);
});
