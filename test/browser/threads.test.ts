// Worker threads in Chromium: in a dedicated worker of a cross-origin-isolated page, an LSTM
// pass at 2 threads runs on nested Web Workers and matches 1 thread (forward bit-identical,
// gradients up to float32 summation order); without isolation, on a page's main thread and
// when the pool's worker fails to load, it quietly stays on one thread with the same numbers.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { startStaticServer, type StaticServer } from '../../src/cli/static-server.js';
import { launch, requireChromium } from './browser.js';
import { buildThreadsPage } from './threads-page/build.js';
import type { Comparison, PageResult, ThreadRun, WorkerReport } from './threads-page/protocol.js';

const tmp = mkdtempSync(join(tmpdir(), 'recur-threads-'));
const site = join(tmp, 'site');
const broken = join(tmp, 'broken');
let browser: Browser;
let closeBrowser: () => Promise<void> = async () => {};
const servers: StaticServer[] = [];

before(async () => {
  requireChromium();
  await buildThreadsPage(site);
  // The same page without the pool's worker file: the worker fails to load.
  cpSync(site, broken, { recursive: true });
  const workerFiles = readdirSync(join(broken, 'assets')).filter((f) => f.startsWith('web-worker'));
  assert.equal(workerFiles.length, 1, 'Vite emitted the pool worker as its own file');
  rmSync(join(broken, 'assets', workerFiles[0]!));
  ({ browser, close: closeBrowser } = await launch());
});
after(async () => {
  await closeBrowser();
  for (const s of servers) await s.close();
  rmSync(tmp, { recursive: true, force: true });
});

async function runPage(root: string, isolate: boolean): Promise<{ result: PageResult; errors: string[] }> {
  const server = await startStaticServer({ root, isolate });
  servers.push(server);
  const page = await browser.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(server.url);
  await page.waitForSelector('body[data-ready="true"]', { state: 'attached', timeout: 60_000 });
  const result = await page.evaluate(() => (window as unknown as { recurResult: PageResult }).recurResult);
  await page.close();
  return { result, errors };
}

const worker = (r: PageResult): WorkerReport => {
  if (!r.ok) throw new Error(`the page failed: ${r.error}`);
  return r.worker;
};

/** Every array was compared and holds real values. */
function assertReal(what: string, cmp: Record<string, Comparison>): void {
  for (const [key, c] of Object.entries(cmp)) {
    assert.ok(c.length > 0, `${what} ${key}: compared ${c.length} values`);
    assert.ok(Number.isFinite(c.maxAbs) && c.maxAbs > 1e-3, `${what} ${key}: values are real (max |v| ${c.maxAbs})`);
  }
}

function assertSameAsOneThread(what: string, run: ThreadRun, gradTol: number): void {
  assertReal(`${what} forward`, run.forward);
  assertReal(`${what} grads`, run.grads);
  for (const [key, c] of Object.entries(run.forward)) assert.ok(c.identical, `${what} ${key}: identical to 1 thread (rel. error ${c.relError})`);
  for (const [key, c] of Object.entries(run.grads)) assert.ok(c.relError <= gradTol, `${what} ${key}: rel. error ${c.relError} > ${gradTol}`);
}

test('a cross-origin-isolated page: 2 threads run on nested workers and match 1 thread', async () => {
  const { result, errors } = await runPage(site, true);
  const w = worker(result);
  assert.equal(w.isolated, true, 'the page is cross-origin isolated');
  assert.equal(w.sharedMemory, true);
  assert.equal(w.defaultThreads, Math.min(8, w.hardwareConcurrency), 'default threads: hardwareConcurrency, capped at 8');
  assert.equal(w.units.identical, true, 'a batch-1 pass split by hidden units: y identical to 1 thread');
  assert.ok(w.units.length === 100 * 256 && w.units.maxAbs > 1e-3, 'and real values');
  console.log(`# LSTM T100 B1 I64 H256 inference in a browser worker: 1 thread ${w.msUnits[0].toFixed(2)} ms, 2 threads (by hidden units) ${w.msUnits[1].toFixed(2)} ms`);
  assert.equal(w.runs.length, 2);
  for (const [i, run] of w.runs.entries()) {
    assert.equal(run.started, 2, 'startThreads resolved to 2');
    assert.equal(run.liveWorkers, 1, 'one worker besides the calling thread');
    assert.ok(run.split, `run ${i}: the pass was split across the workers`);
    assertSameAsOneThread(`run ${i}`, run, 1e-5);
  }
  console.log(`# LSTM T48 B32 I64 H128 forward+backward in a browser worker: 1 thread ${w.msOneThread.toFixed(1)} ms, 2 threads ${w.runs.map((r) => r.ms.toFixed(1)).join(' / ')} ms`);
  // On the page's main thread (which may not block) setThreads(2) runs on one thread.
  assert.ok(result.ok);
  assert.deepEqual(result.main, { threads: 2, started: 1, liveWorkers: 0, split: false, identical: true });
  assert.deepEqual(errors, []);
});

test('a page without cross-origin isolation stays on 1 thread with identical results', async () => {
  const { result, errors } = await runPage(site, false);
  const w = worker(result);
  assert.equal(w.isolated, false);
  assert.equal(w.sharedMemory, false, 'no SharedArrayBuffer without isolation');
  assert.equal(w.defaultThreads, 1);
  for (const run of w.runs) {
    assert.deepEqual([run.started, run.liveWorkers, run.split], [1, 0, false]);
    assertSameAsOneThread('not isolated', run, 0);
    for (const [key, c] of Object.entries(run.grads)) assert.ok(c.identical, `${key}: identical`);
  }
  assert.ok(result.ok);
  assert.equal(result.main.identical, true);
  assert.deepEqual(errors, []);
});

test('a pool worker that fails to load: 1 thread, identical results, no hang', async () => {
  const { result, errors } = await runPage(broken, true);
  const w = worker(result);
  assert.equal(w.isolated, true);
  for (const run of w.runs) {
    assert.deepEqual([run.started, run.liveWorkers, run.split], [1, 0, false]);
    assertSameAsOneThread('worker missing', run, 0);
    for (const [key, c] of Object.entries(run.grads)) assert.ok(c.identical, `${key}: identical`);
  }
  assert.deepEqual(errors, []);
});
