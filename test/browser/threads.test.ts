// Worker threads in Chromium: in a dedicated worker of a cross-origin-isolated page, an LSTM
// pass at 2 threads runs on nested Web Workers and matches 1 thread (forward bit-identical,
// gradients up to float32 summation order); without isolation, on a page's main thread and
// when the pool's worker fails to load, it quietly stays on one thread with the same numbers.
// The kernels arrive as .wasm files (the pool's worker gets the page's compiled modules and
// carries no copy), from `wasmPaths` when set, and from the inline copies when the files are
// missing.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
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
const noWasm = join(tmp, 'no-wasm');
const cdn = join(tmp, 'cdn');
const KERNEL_FILE = /^((?:kernels|shared)-(?:relaxed|simd128))-.+\.wasm$/;
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
  // The pool's worker carries no kernels ('AGFzbQ' is base64 of the WASM magic), and Vite
  // emitted the four builds as files.
  assert.doesNotMatch(readFileSync(join(site, 'assets', workerFiles[0]!), 'utf8'), /AGFzbQ/);
  const wasmFiles = readdirSync(join(site, 'assets')).filter((f) => KERNEL_FILE.test(f));
  assert.equal(wasmFiles.length, 4, `the kernel files: ${wasmFiles.join(', ')}`);
  // The same page without the .wasm files (the inline copies load instead), and with them
  // under /cdn/ by their plain names (the page is given ?wasmPaths=/cdn/).
  cpSync(site, noWasm, { recursive: true });
  cpSync(site, cdn, { recursive: true });
  mkdirSync(join(cdn, 'cdn'));
  for (const f of wasmFiles) {
    rmSync(join(noWasm, 'assets', f));
    renameSync(join(cdn, 'assets', f), join(cdn, 'cdn', `${KERNEL_FILE.exec(f)![1]}.wasm`));
  }
  ({ browser, close: closeBrowser } = await launch());
});
after(async () => {
  await closeBrowser();
  for (const s of servers) await s.close();
  rmSync(tmp, { recursive: true, force: true });
});

interface PageRun {
  result: PageResult;
  errors: string[];
  /** Every response (the page's and its workers'): path and status. */
  responses: { path: string; status: number }[];
}

async function runPage(root: string, isolate: boolean, query = ''): Promise<PageRun> {
  const server = await startStaticServer({ root, isolate });
  servers.push(server);
  const page = await browser.newPage();
  const errors: string[] = [];
  const responses: PageRun['responses'] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('response', (r) => responses.push({ path: new URL(r.url()).pathname, status: r.status() }));
  await page.goto(server.url + query);
  await page.waitForSelector('body[data-ready="true"]', { state: 'attached', timeout: 60_000 });
  const result = await page.evaluate(() => (window as unknown as { recurResult: PageResult }).recurResult);
  await page.close();
  return { result, errors, responses };
}

/** The kernel files fetched (status 200) and the inline copies' chunks loaded. */
function kernelSources(responses: PageRun['responses']): { wasm: string[]; inline: string[] } {
  const ok = responses.filter((r) => r.status === 200).map((r) => r.path);
  return { wasm: ok.filter((p) => p.endsWith('.wasm')), inline: ok.filter((p) => /\/inline-[^/]*\.js$/.test(p)) };
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

/** An isolated page's worker: 2 threads split both ways and match 1 thread; the main thread stays on 1. */
function assertTwoThreads(result: PageResult): WorkerReport {
  const w = worker(result);
  assert.equal(w.isolated, true, 'the page is cross-origin isolated');
  assert.equal(w.sharedMemory, true);
  assert.equal(w.defaultThreads, Math.min(8, w.hardwareConcurrency), 'default threads: hardwareConcurrency, capped at 8');
  assert.equal(w.units.identical, true, 'a batch-1 pass split by hidden units: y identical to 1 thread');
  assert.ok(w.units.length === 100 * 256 && w.units.maxAbs > 1e-3, 'and real values');
  console.log(`# LSTM T100 B1 I64 H256 inference in a browser worker: 1 thread ${w.msUnits[0].toFixed(2)} ms, 2 threads (by hidden units) ${w.msUnits[1].toFixed(2)} ms`);
  assert.equal(w.inference.length, 10);
  for (const [i, cmp] of w.inference.entries()) {
    for (const key of ['y', 'hN', 'cN']) {
      const c = cmp[key]!;
      assert.ok(c.length > 0 && c.maxAbs > 1e-3, `inference ${i} ${key}: real values`);
      assert.ok(c.identical, `inference ${i} ${key}: identical to 1 thread after the next pass (rel. error ${c.relError})`);
    }
  }
  assert.equal(w.runs.length, 2);
  for (const [i, run] of w.runs.entries()) {
    assert.equal(run.started, 2, 'startThreads resolved to 2');
    assert.equal(run.liveWorkers, 1, 'one worker besides the calling thread');
    assert.ok(run.split, `run ${i}: the pass was split across the workers`);
    assertSameAsOneThread(`run ${i}`, run, 1e-5);
  }
  // On the page's main thread (which may not block) setThreads(2) runs on one thread.
  assert.ok(result.ok);
  assert.deepEqual(result.main, { threads: 2, started: 1, liveWorkers: 0, split: false, identical: true });
  return w;
}

test('a cross-origin-isolated page: 2 threads run on nested workers and match 1 thread', async () => {
  const { result, errors, responses } = await runPage(site, true);
  const w = assertTwoThreads(result);
  console.log(`# LSTM T48 B32 I64 H128 forward+backward in a browser worker: 1 thread ${w.msOneThread.toFixed(1)} ms, 2 threads ${w.runs.map((r) => r.ms.toFixed(1)).join(' / ')} ms`);
  // The kernels came as files (the kernels and the shared build of the hidden-unit split), not inline.
  const { wasm, inline } = kernelSources(responses);
  assert.deepEqual([...new Set(wasm.map((p) => KERNEL_FILE.exec(p.split('/').pop()!)?.[1]?.split('-')[0]))].sort(), ['kernels', 'shared'], wasm.join(', '));
  assert.deepEqual(inline, []);
  assert.deepEqual(errors, []);
});

test('without the .wasm files the inline copies load instead: the same 2-thread results', async () => {
  const { result, errors, responses } = await runPage(noWasm, true);
  assertTwoThreads(result);
  const { wasm, inline } = kernelSources(responses);
  assert.deepEqual(wasm, []);
  assert.ok(inline.length >= 2, `the inline kernels and shared build were loaded: ${inline.join(', ')}`);
  assert.deepEqual(errors, []);
});

test('wasmPaths: the .wasm files are fetched from the folder given (as from a CDN)', async () => {
  const { result, errors, responses } = await runPage(cdn, true, '?wasmPaths=/cdn/');
  assertTwoThreads(result);
  const { wasm, inline } = kernelSources(responses);
  assert.ok(wasm.length >= 2 && wasm.every((p) => /^\/cdn\/(kernels|shared)-(relaxed|simd128)\.wasm$/.test(p)), wasm.join(', '));
  assert.deepEqual(inline, []);
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
