// Helpers of the visualiser's browser tests: the served page and Chromium of a test file, the
// URL `recur viz` prints, screen sizes, clicking a heatmap cell, and checking that a ?view=
// page shows its panel alone, fitting the screen.
import { after, before } from 'node:test';
import assert from 'node:assert/strict';
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import type { Browser, Page } from 'playwright-core';
import { ensureWebBuild, serveViz } from '../../src/cli/viz.js';
import type { StaticServer } from '../../src/cli/static-server.js';
import { variantSpread } from '../../web/src/analysis.js';
import type { RememberData } from '../../web/src/protocol.js';
import { launch, requireChromium } from './browser.js';

export const DESKTOP = { width: 1440, height: 900 };
export const PHONE = { width: 390, height: 844 };
const VIEWS = ['step', 'cell', 'memory', 'explore', 'audio'];

/** The Chromium and the served visualiser a test file shares; ready once its `before` hook ran. */
export interface VizRig {
  readonly browser: Browser;
  readonly server: StaticServer;
}

/**
 * Registers the test file's `before` and `after` hooks: `before` rebuilds web/dist from the
 * current sources, serves it as `recur viz` does and launches Chromium; `after` closes both,
 * then runs `cleanup` (e.g. removing the file's temporary folder).
 * @example const viz = useViz(() => rmSync(tmp, { recursive: true, force: true }));
 *   test('…', async () => { const { page } = await openPage(viz.browser, viz.server.url); });
 */
export function useViz(cleanup: () => void = () => {}): VizRig {
  let browser: Browser | undefined;
  let server: StaticServer | undefined;
  let closeBrowser: () => Promise<void> = async () => {};
  before(async () => {
    requireChromium();
    await ensureWebBuild(true); // always test the current sources
    server = await serveViz(undefined);
    ({ browser, close: closeBrowser } = await launch());
  });
  after(async () => {
    await closeBrowser();
    await server?.close();
    cleanup();
  });
  const ready = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) throw new Error(`the ${what} is not ready: use it inside a test, after useViz's before hook`);
    return value;
  };
  return {
    get browser() {
      return ready(browser, 'browser');
    },
    get server() {
      return ready(server, 'visualiser server');
    },
  };
}

/** The URL a running `recur viz` prints; rejects if it exits first. */
export function vizUrl(child: ChildProcessWithoutNullStreams): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    let text = '';
    child.stdout.on('data', (d: Buffer) => {
      text += d.toString();
      const found = /(http:\/\/127\.0\.0\.1:\d+\/\S*)/.exec(text);
      if (found) resolve(found[1]!);
    });
    child.on('exit', (code) => reject(new Error(`recur viz exited with ${code}: ${text}`)));
  });
}

/** Clicks the heat cell at window column `col`, display row `row`; returns what it should select. */
export async function clickHeatCell(page: Page, col: number, row: number): Promise<{ step: number; unit: number; x: number; y: number }> {
  const hm = page.locator('#heatmap-holder .heatmap');
  const start = Number(await hm.getAttribute('data-start'));
  const order = ((await hm.getAttribute('data-order')) ?? '').split(',').map(Number);
  const rowH = Number(await hm.getAttribute('data-row-h'));
  const canvas = (await page.locator('.hm-canvas').boundingBox())!;
  const x = canvas.x + 46 + col * 14 + 7;
  const y = canvas.y + row * rowH + rowH / 2;
  await page.mouse.click(x, y);
  return { step: start + col, unit: order[row]!, x, y };
}

/** The page shows only `view`, with its control and picture inside the first screen and no overflow. */
export async function expectAlone(page: Page, view: string, control: string, picture: string): Promise<void> {
  assert.equal(await page.locator('body').getAttribute('data-view'), view);
  for (const v of VIEWS) assert.equal(await page.locator(`#${v}`).isVisible(), v === view, `#${v} visible only in ?view=${v}`);
  assert.equal(await page.locator('header').isVisible(), false, 'no page header in a single view');
  const size = page.viewportSize()!;
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 1, `?view=${view} at ${size.width}: ${overflow}px wider than the screen`);
  for (const sel of [control, picture]) {
    const b = await page.locator(sel).first().boundingBox();
    assert.ok(b, `${sel} is laid out`);
    assert.ok(b.y >= 0 && b.y < size.height && b.x + Math.min(b.width, 40) <= size.width, `?view=${view} at ${size.width}: ${sel} at (${b.x}, ${b.y}) is on the first screen`);
  }
}

/** Float32Arrays come back from page.evaluate as index-keyed objects. */
const toF32 = (a: unknown) => Float32Array.from(Object.values(a as Record<string, number>));

/**
 * Watch it remember, in numbers: the LSTM's best unit decodes the symbol, keeps its forget
 * gate above 0.9 from the symbol to the query for the symbol it stores (the variant it writes
 * most strongly as the symbol enters), and the LSTM's cell still tells the four variants apart
 * at the query at least as well as just after the symbol; the plain RNN's hidden state
 * difference falls below half its peak. Returns the unit and the stored variant.
 */
export function checkRemembers(d: RememberData): { top: number; held: number } {
  const lstm = d.cells.lstm;
  const f = toF32(lstm.gates.f);
  const c = toF32(lstm.c);
  const top = lstm.units[0]!;
  assert.ok(lstm.unitAccuracy[0]! > 0.8, `the LSTM's best unit decodes the symbol ${lstm.unitAccuracy[0]}`);
  const written = (b: number) => Math.abs(c[((d.markAt + 1) * 4 + b) * lstm.H + top]!);
  const held = [0, 1, 2, 3].reduce((best, b) => (written(b) > written(best) ? b : best), 0);
  let minF = 1;
  for (let t = d.markAt + 1; t < d.T - 1; t++) minF = Math.min(minF, f[(t * 4 + held) * lstm.H + top]!);
  assert.ok(minF > 0.9, `forget gate of LSTM unit ${top} between symbol and query (marked symbol ${held}): min ${minF}`);
  const cSpread = variantSpread(c, d.T, 4, lstm.H);
  assert.ok(cSpread[d.T - 2]! >= cSpread[d.markAt + 1]!, `LSTM cell spread ${cSpread[d.markAt + 1]} -> ${cSpread[d.T - 2]}`);
  const hSpread = variantSpread(toF32(d.cells.rnn.h), d.T, 4, d.cells.rnn.H);
  const peak = Math.max(...hSpread.slice(d.markAt, d.markAt + 4));
  assert.ok(hSpread[d.T - 2]! < 0.5 * peak, `plain RNN h spread ${peak} after the symbol -> ${hSpread[d.T - 2]} before the query`);
  return { top, held };
}

/** Visible controls a screen reader could not name (no label, aria-label or text). */
export function unnamedControls(page: Page): Promise<string[]> {
  return page.evaluate(() =>
    Array.from(document.querySelectorAll('button, input, select, textarea'))
      .filter((e) => !(e as HTMLElement).closest('[hidden]'))
      .filter((e) => !(e.getAttribute('aria-label') || e.closest('label') || e.textContent?.trim()))
      .map((e) => e.id || e.outerHTML.slice(0, 60)),
  );
}
