// `npm run bench:browser`: builds the bench page (bench/browser/) with Vite, serves it cross-origin
// isolated, opens it in Debian Chromium through Playwright, and writes bench/browser-results.json
// and the "In the browser" section of BENCHMARKS.md (replacing the previous one in place).
//
//   npm run bench:browser                    full shapes, 3 rounds (~10 min on 2 busy cores)
//   node --import tsx bench/browser/run.ts --quick --out /tmp/b     tiny shapes, into /tmp/b
//   node --import tsx bench/browser/run.ts --rounds 5 --workloads W1,W2 --systems recur:2,ort:2
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { build } from 'vite';
import { agreement } from '../analysis.js';
import { machineInfo } from '../report.js';
import { mergeRounds } from '../run.js';
import type { WorkloadId } from '../workloads.js';
import { BROWSER_WORKLOADS, parseSettings, settingsQuery, type PageOutcome, type PageSettings } from './protocol.js';
import { browserTargets, renderBrowserSection, withBrowserSection, type BrowserResults } from './report.js';
import { serveDir } from './serve.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(HERE, '../..');
const require = createRequire(import.meta.url);
export const CHROMIUM = '/usr/bin/chromium';
const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** Builds the page into `outDir`, with the peers' own runtime files beside it (/ort/, /tfjs/). */
export async function buildPage(outDir: string): Promise<void> {
  await build({
    root: HERE,
    configFile: false,
    base: '/',
    logLevel: 'warn',
    build: { outDir, emptyOutDir: true, target: 'es2022', minify: false, chunkSizeWarningLimit: 100_000, reportCompressedSize: false },
    worker: { format: 'es' },
  });
  const ortDist = dirname(require.resolve('onnxruntime-web/ort-wasm-simd-threaded.wasm'));
  mkdirSync(join(outDir, 'ort'), { recursive: true });
  for (const f of ['ort.wasm.min.mjs', 'ort-wasm-simd-threaded.mjs', 'ort-wasm-simd-threaded.wasm']) copyFileSync(join(ortDist, f), join(outDir, 'ort', f));
  const tfjsDist = join(dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist');
  mkdirSync(join(outDir, 'tfjs'), { recursive: true });
  for (const f of readdirSync(tfjsDist).filter((n) => n.endsWith('.wasm'))) copyFileSync(join(tfjsDist, f), join(outDir, 'tfjs', f));
}

/** A package's version from its package.json (found beside the repository's node_modules, as some packages do not export it). */
const version = (pkg: string): string => (JSON.parse(readFileSync(join(ROOT, 'node_modules', pkg, 'package.json'), 'utf8')) as { version: string }).version;

export interface BrowserBenchOptions {
  settings: PageSettings;
  jsonPath: string;
  markdownPath: string;
  log?: (line: string) => void;
  /** Whole-run limit (ms). */
  timeoutMs?: number;
}

export async function runBrowserBench(o: BrowserBenchOptions): Promise<BrowserResults> {
  const log = o.log ?? ((l: string) => console.log(l));
  if (!existsSync(CHROMIUM)) throw new Error(`bench:browser needs Debian's Chromium at ${CHROMIUM} (apt-get install chromium)`);
  const started = new Date();
  const machine = machineInfo();
  const dist = mkdtempSync(join(tmpdir(), 'recur-browser-bench-'));
  const profile = mkdtempSync(join(tmpdir(), 'recur-browser-bench-profile-'));
  let server: Awaited<ReturnType<typeof serveDir>> | null = null;
  const context = await (async () => {
    log('building the page');
    await buildPage(dist);
    server = await serveDir(dist);
    return chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, args: FLAGS });
  })();
  try {
    const page = await context.newPage();
    page.on('console', (m) => log(`  page: ${m.text()}`));
    page.on('pageerror', (e) => log(`  page error: ${e.message}`));
    page.on('response', (res) => {
      if (res.status() >= 400) log(`  page: ${res.status()} for ${res.url()}`);
    });
    await page.goto(server!.url + '/' + settingsQuery(o.settings));
    await page.waitForFunction(() => window.__bench?.done === true, undefined, { timeout: o.timeoutMs ?? 45 * 60_000, polling: 1000 });
    const outcome = (await page.evaluate(() => window.__bench)) as PageOutcome;
    if (outcome.error) throw new Error(`the bench page failed: ${outcome.error}`);
    const measurements = mergeRounds(outcome.rounds);
    const chromiumVersion = context.browser()?.version() ?? (/Chrome\/([\d.]+)/.exec(outcome.userAgent)?.[1] ?? 'unknown');
    const results: BrowserResults = {
      schema: 1,
      quick: o.settings.quick,
      date: started.toISOString(),
      durationSeconds: (Date.now() - started.getTime()) / 1000,
      machine: { ...machine, loadAverageEnd: machineInfo().loadAverageStart },
      chromium: chromiumVersion,
      userAgent: outcome.userAgent,
      crossOriginIsolated: outcome.crossOriginIsolated,
      hardwareConcurrency: outcome.hardwareConcurrency,
      versions: { 'onnxruntime-web': version('onnxruntime-web'), '@tensorflow/tfjs-backend-wasm': version('@tensorflow/tfjs-backend-wasm'), '@tensorflow/tfjs-layers': version('@tensorflow/tfjs-layers'), ...Object.assign({}, ...outcome.systems.map((s) => s.info)) },
      systems: outcome.systems,
      settings: { rounds: o.settings.rounds, budgetMs: o.settings.budgetMs },
      workloads: o.settings.workloads,
      measurements,
      targets: browserTargets(measurements, o.settings.workloads),
      agreement: agreement(measurements),
    };
    writeBrowserResults(results, o.jsonPath, o.markdownPath);
    return results;
  } finally {
    await context.close();
    await (server as Awaited<ReturnType<typeof serveDir>> | null)?.close();
    rmSync(dist, { recursive: true, force: true });
    rmSync(profile, { recursive: true, force: true });
  }
}

/** Writes the JSON and puts the section into the markdown (created if missing). */
export function writeBrowserResults(r: BrowserResults, jsonPath: string, markdownPath: string): void {
  mkdirSync(dirname(jsonPath), { recursive: true });
  writeFileSync(jsonPath, JSON.stringify(r, null, 2) + '\n');
  const md = existsSync(markdownPath) ? readFileSync(markdownPath, 'utf8') : '# Benchmarks\n';
  writeFileSync(markdownPath, withBrowserSection(md, renderBrowserSection(r)));
}

function parseArgs(argv: string[]): BrowserBenchOptions {
  const value = (flag: string): string | undefined => {
    const i = argv.indexOf(flag);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const quick = argv.includes('--quick');
  const q = new URLSearchParams();
  q.set('quick', quick ? '1' : '0');
  q.set('rounds', value('--rounds') ?? (quick ? '1' : '3'));
  q.set('budget', value('--budget') ?? (quick ? '100' : '1500'));
  q.set('workloads', value('--workloads') ?? BROWSER_WORKLOADS.join(','));
  const systems = value('--systems');
  if (systems) q.set('systems', systems);
  const settings = parseSettings('?' + q.toString());
  settings.workloads = settings.workloads.filter((w): w is WorkloadId => BROWSER_WORKLOADS.includes(w));
  const out = value('--out');
  const dir = out ? resolve(out) : quick ? mkdtempSync(join(tmpdir(), 'recur-browser-bench-out-')) : null;
  return {
    settings,
    jsonPath: dir ? join(dir, 'browser-results.json') : join(ROOT, 'bench', 'browser-results.json'),
    markdownPath: dir ? join(dir, 'BENCHMARKS.md') : join(ROOT, 'BENCHMARKS.md'),
  };
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const options = parseArgs(process.argv.slice(2));
  const r = await runBrowserBench(options);
  const v = (k: string): number => r.targets.filter((t) => t.verdict === k).length;
  console.log(`\nwrote ${options.markdownPath} and ${options.jsonPath} in ${r.durationSeconds.toFixed(0)} s; targets: ${v('pass')} pass, ${v('miss')} miss, ${v('n/a')} n/a`);
}
