// The visualiser's first view, timed in Debian Chromium: `npm run bench:viz [-- --loads N]`.
// A load time is a speed figure, so it is measured here, on a machine left alone, rather than
// asserted in the test suite, whose files share the cores. Each load is a first visit: a new
// browser context (empty cache) in one running browser (the first load also carries the
// browser's own start-up), reading body[data-ready-ms] (web/src/main.ts: navigation start to
// the first view drawn). Reports every load and the median against the 1.5 s budget; never
// fails on a miss.
import { cpus, loadavg } from 'node:os';
import { chromium } from 'playwright-core';
import { ensureWebBuild, serveViz } from '../src/cli/viz.js';

const BUDGET_MS = 1500;
const CHROMIUM = process.env.RECUR_CHROMIUM ?? '/usr/bin/chromium';
const at = process.argv.indexOf('--loads');
const loads = at >= 0 ? Number(process.argv[at + 1]) : 7;
if (!Number.isInteger(loads) || loads < 1) throw new Error(`--loads takes a whole number >= 1, got ${process.argv[at + 1]}`);

await ensureWebBuild(true);
const server = await serveViz(undefined);
const browser = await chromium.launch({
  executablePath: CHROMIUM,
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-quic', '--no-first-run'],
});
const start = loadavg();
const times: number[] = [];
try {
  for (let i = 0; i < loads; i++) {
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    const page = await context.newPage();
    await page.goto(server.url);
    await page.waitForSelector('body[data-ready="true"]', { state: 'attached', timeout: 60_000 });
    times.push(Number(await page.locator('body').getAttribute('data-ready-ms')));
    await context.close();
  }
} finally {
  await browser.close();
  await server.close();
}
const median = [...times].sort((a, b) => a - b)[Math.floor(times.length / 2)]!;
console.log(`visualiser first view, ${loads} first visits (empty cache each) in one Chromium (${cpus()[0]?.model ?? 'unknown CPU'}, load average ${start.map((l) => l.toFixed(2)).join(', ')}):`);
console.log(`  ${times.join(', ')} ms; median ${median} ms: ${median < BUDGET_MS ? 'pass' : 'miss'} (budget ${BUDGET_MS} ms)`);
