// The visualiser in Chromium: loads without console errors, stepping moves the gate views,
// in-browser training shows gates beating the plain RNN, and a CLI checkpoint opens.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { ensureWebBuild } from '../../src/cli/viz.js';
import { serveViz } from '../../src/cli/viz.js';
import type { StaticServer } from '../../src/cli/static-server.js';
import { recur, recurAsync } from '../helpers/cli.js';
import { ARTIFACTS, launch, openPage, requireChromium } from './browser.js';

const tmp = mkdtempSync(join(tmpdir(), 'recur-viz-'));
let browser: Browser;
let closeBrowser: () => Promise<void> = async () => {};
let server: StaticServer;

before(async () => {
  requireChromium();
  await ensureWebBuild(true); // always test the current sources
  server = await serveViz(undefined);
  ({ browser, close: closeBrowser } = await launch());
});
after(async () => {
  await closeBrowser();
  await server?.close();
  rmSync(tmp, { recursive: true, force: true });
});

const shot = (page: Page, id: string, name: string) => page.locator(`#${id}`).screenshot({ path: join(ARTIFACTS, `${name}.png`) });
const status = async (page: Page) => JSON.parse((await page.locator('#memory').getAttribute('data-status')) ?? '{}') as {
  done: boolean;
  backend: string;
  threads: number;
  early: Record<string, number>;
  late: Record<string, number>;
  report: { accuracy: Record<string, number[]>; gradNorm: Record<string, number[]> };
};

test('the page loads the bundled model with no console errors; panels at 1280x800', async () => {
  const { page, errors } = await openPage(browser, server.url);
  assert.match((await page.locator('#model-info').textContent()) ?? '', /LSTM/);
  assert.equal(await page.locator('#heatmaps figure').count(), 6, 'i, f, g, o, c and h heatmaps');
  assert.ok((await page.locator('#next-chars li').count()) > 0, 'next-character candidates');
  assert.ok((await page.locator('#ex-ranking li').count()) > 0, 'units ranked by pattern');
  for (const id of ['step', 'cell', 'memory', 'explore']) await shot(page, id, `panel-${id}`);
  assert.deepEqual(errors, []);
  await page.close();
});

test('stepping (keys, buttons, scrub, play) changes the gate views and the cell diagram', async () => {
  const { page, errors } = await openPage(browser, server.url);
  const view = () =>
    page.evaluate(() => ({
      step: document.getElementById('step')!.dataset.step,
      cursor: document.querySelector<HTMLElement>('#heatmaps figure[data-key="f"] .hm-cursor')!.style.left,
      diagram: document.getElementById('cell-diagram')!.textContent,
      next: document.getElementById('next-chars')!.textContent,
    }));
  const v0 = await view();
  assert.equal(v0.step, '0');
  await page.keyboard.press('ArrowRight');
  const v1 = await view();
  assert.equal(v1.step, '1');
  assert.notEqual(v1.cursor, v0.cursor, 'the cursor on the forget-gate heatmap moves');
  assert.notEqual(v1.diagram, v0.diagram, 'the cell diagram shows the new step');
  assert.notEqual(v1.next, v0.next, 'the next-character distribution changes');
  await page.click('#step-fwd');
  assert.equal((await view()).step, '2');
  await page.click('#step-back');
  await page.keyboard.press('ArrowLeft');
  assert.equal((await view()).step, '0');
  await page.locator('#scrub').fill('30');
  assert.equal((await view()).step, '30');
  await page.keyboard.press('End');
  assert.ok(Number((await view()).step) > 100);
  await page.keyboard.press('Home');
  await page.click('#play');
  await page.waitForFunction(() => Number(document.getElementById('step')!.dataset.step) >= 3);
  await page.keyboard.press(' ');
  const paused = (await view()).step;
  await page.waitForTimeout(400);
  assert.equal((await view()).step, paused, 'space pauses');
  await page.fill('#cell-unit', '5');
  assert.match((await page.locator('#cell-caption').textContent()) ?? '', /unit 5/);
  await shot(page, 'step', 'panel-step-after-stepping');
  await shot(page, 'cell', 'panel-cell-unit5');
  assert.deepEqual(errors, []);
  await page.close();
});

test('in-browser training: all three losses fall; the LSTM beats the plain RNN at the longest distance', async () => {
  const { page, errors } = await openPage(browser, server.url);
  await page.fill('#seq-len', '20');
  await page.fill('#hidden', '16');
  await page.fill('#lr', '0.01');
  await page.fill('#steps', '300');
  await page.click('#train');
  // The page must stay responsive while the worker trains.
  await page.waitForFunction(() => JSON.parse(document.getElementById('memory')!.dataset.status!).step >= 20, undefined, { timeout: 30_000 });
  await page.keyboard.press('ArrowRight');
  assert.equal(await page.locator('#step').getAttribute('data-step'), '1', 'stepping works during training');
  await page.waitForFunction(() => JSON.parse(document.getElementById('memory')!.dataset.status!).done === true, undefined, { timeout: 60_000, polling: 250 });
  const s = await status(page);
  // Served with COOP/COEP, the page is cross-origin isolated: the training worker gets threads.
  const hardware = await page.evaluate(() => (crossOriginIsolated ? navigator.hardwareConcurrency : 0));
  assert.ok(hardware > 0, 'the page is cross-origin isolated');
  assert.equal(s.backend, 'wasm');
  assert.equal(s.threads, Math.min(2, hardware), 'the training worker runs 2 threads (fewer on a 1-core machine)');
  for (const cell of ['rnn', 'gru', 'lstm']) {
    assert.ok(s.late[cell]! < s.early[cell]! - 0.1, `${cell}: loss ${s.early[cell]} -> ${s.late[cell]}`);
  }
  const longest = (c: string) => s.report.accuracy[c]![s.report.accuracy[c]!.length - 1]!;
  assert.ok(longest('lstm') > longest('rnn') + 0.3, `longest distance: LSTM ${longest('lstm')} vs RNN ${longest('rnn')}`);
  const g = s.report.gradNorm.rnn!;
  assert.ok(g[0]! < g[g.length - 1]!, 'the plain RNN gradient shrinks going back in time');
  await shot(page, 'memory', 'panel-memory-trained');
  assert.deepEqual(errors, []);
  await page.close();
});

test('recur viz DIR serves a checkpoint made by recur train, and the page opens it', async () => {
  const out = join(tmp, 'gru');
  const t = recur(['train', 'data/names_female.txt', '--model', 'gru', '--hidden', '24', '--embedding', '8', '--steps', '20', '--batch', '8', '--seq-len', '32', '--out', out, '--quiet']);
  assert.equal(t.status, 0, t.stderr);
  const child = recurAsync(['viz', out, '--port', '0']);
  try {
    const url = await new Promise<string>((resolve, reject) => {
      let text = '';
      child.stdout.on('data', (d: Buffer) => {
        text += d.toString();
        const m = /(http:\/\/127\.0\.0\.1:\d+\/\S*)/.exec(text);
        if (m) resolve(m[1]!);
      });
      child.on('exit', (code) => reject(new Error(`recur viz exited with ${code}: ${text}`)));
    });
    assert.match(url, /\?model=/);
    const { page, errors } = await openPage(browser, url);
    assert.match((await page.locator('#model-info').textContent()) ?? '', /1×24 GRU/);
    assert.equal(await page.locator('#cell').getAttribute('data-cell'), 'gru');
    assert.equal(await page.locator('#heatmaps figure').count(), 4, 'r, z, n and h heatmaps');
    await page.keyboard.press('ArrowRight');
    await shot(page, 'cell', 'checkpoint-gru-cell');
    await shot(page, 'explore', 'checkpoint-gru-explore');
    assert.deepEqual(errors, []);
    await page.close();
    // The same checkpoint chosen as files in panel 4 of the page serving the bundled model.
    const dropped = await openPage(browser, server.url);
    await dropped.page.setInputFiles('#ckpt-files', [join(out, 'config.json'), join(out, 'model.safetensors')]);
    await dropped.page.waitForFunction(() => document.body.dataset.model?.startsWith('dropped:'));
    assert.match((await dropped.page.locator('#model-info').textContent()) ?? '', /1×24 GRU/);
    assert.match((await dropped.page.locator('#ex-message').textContent()) ?? '', /loaded/);
    assert.deepEqual(dropped.errors, []);
    await dropped.page.close();
  } finally {
    child.kill('SIGTERM');
  }
});

test('the bundled GRU and plain RNN show their own cell diagrams', async () => {
  const { page, errors } = await openPage(browser, server.url);
  for (const [url, cell, maps] of [['./model-gru/', 'gru', 4], ['./model-rnn/', 'rnn', 1]] as const) {
    await page.selectOption('#model-pick', url);
    await page.waitForFunction((c) => document.getElementById('cell')!.dataset.cell === c, cell);
    assert.equal(await page.locator('#heatmaps figure').count(), maps);
    await page.keyboard.press('ArrowRight');
    await shot(page, 'cell', `panel-cell-${cell}`);
  }
  assert.deepEqual(errors, []);
  await page.close();
});

test('a narrow screen (390x844) has no horizontal overflow', async () => {
  const { page, errors } = await openPage(browser, server.url, { width: 390, height: 844 });
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 1, `page is ${overflow}px wider than the screen`);
  for (const id of ['step', 'cell', 'memory', 'explore']) await shot(page, id, `narrow-${id}`);
  assert.deepEqual(errors, []);
  await page.close();
});
