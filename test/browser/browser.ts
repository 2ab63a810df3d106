// Shared set-up of the browser tests: Debian's Chromium driven by playwright-core, and the
// visualiser served by the same server `recur viz` uses.
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';

export const CHROMIUM = process.env.RECUR_CHROMIUM ?? '/usr/bin/chromium';
export const ARTIFACTS = 'test-artifacts/viz';

/** Fails loudly (never skips) when the browser CI is meant to provide is missing. */
export function requireChromium(): void {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`${CHROMIUM} not found: the browser tests need Debian's Chromium (apt-get install -y chromium), or RECUR_CHROMIUM=/path/to/chromium`);
  }
}

/** `extraArgs`: more Chromium flags, e.g. a fake microphone for the audio view. */
export async function launch(extraArgs: string[] = []): Promise<{ browser: Browser; close(): Promise<void> }> {
  requireChromium();
  mkdirSync(ARTIFACTS, { recursive: true });
  const profile = mkdtempSync(join(tmpdir(), 'recur-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-quic', '--no-first-run', ...extraArgs],
  });
  const browser = context.browser();
  if (!browser) throw new Error('no browser');
  return {
    browser,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** A page that records console errors and uncaught exceptions. */
export async function openPage(browser: Browser, url: string, viewport = { width: 1280, height: 800 }): Promise<{ page: Page; errors: string[] }> {
  const page = await browser.newPage({ viewport });
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`console: ${m.text()}`);
  });
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  await page.goto(url);
  await page.waitForSelector('body[data-ready="true"]', { timeout: 30_000 }).catch(() => {
    throw new Error(`the page at ${url} did not finish loading; errors: ${errors.join('; ') || 'none'}`);
  });
  return { page, errors };
}
