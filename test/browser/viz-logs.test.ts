// The visualiser's explore panel with a logs checkpoint, in Chromium: a checkpoint trained by
// `recur train --task logs` opens from its files, sessions load from a JSONL file and from
// pasted lines, and each session's first unexpected event, its rank and every event's rank on
// the page are what `recur detect --json` and explainSession (tested against it) say.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { explainSession } from '../../src/index.js';
import { logsModelFromBytes, rulesOf } from '../../web/src/logs-model.js';
import { recurAsync, repoRoot } from '../helpers/cli.js';
import { cliDetections, makeLogsFixture } from '../web/logs-fixture.js';
import { ARTIFACTS, openPage } from './browser.js';
import { DESKTOP, PHONE, unnamedControls, useViz, vizUrl } from './viz-helpers.js';

const f = makeLogsFixture();
const m = logsModelFromBytes(JSON.parse(readFileSync(join(f.run, 'config.json'), 'utf8')), readFileSync(join(f.run, 'model.safetensors')), `${f.run}/`);

const viz = useViz(() => rmSync(f.dir, { recursive: true, force: true }));

const logs = (page: Page) => page.locator('#ex-logs');
const attr = async (page: Page, name: string) => (await logs(page).getAttribute(`data-${name}`)) ?? '';

/** Opens the page and drops the checkpoint's two files on panel 4. */
async function openCheckpoint(viewport = DESKTOP): Promise<{ page: Page; errors: string[] }> {
  const opened = await openPage(viz.browser, `${viz.server.url}?view=explore`, viewport);
  await opened.page.setInputFiles('#ckpt-files', [join(f.run, 'config.json'), join(f.run, 'model.safetensors')]);
  await opened.page.waitForSelector('#ex-logs[data-ready="true"]');
  return opened;
}

/** Selects a session in the picker and waits until it is drawn. */
async function pick(page: Page, index: number, session: string): Promise<void> {
  await page.selectOption('#lx-session', String(index));
  await page.waitForFunction((s) => document.querySelector<HTMLElement>('#ex-logs')!.dataset.session === s, session);
}

test('a logs checkpoint opens in explore: sessions from a JSONL file, marked and ranked as recur detect does', async () => {
  const { page, errors } = await openCheckpoint();
  assert.equal(await page.locator('#explore').getAttribute('data-kind'), 'logs');
  assert.equal(await page.locator('#ex-chars').isVisible(), false, 'the text controls give way to the session view');
  assert.match((await page.locator('#ex-message').textContent()) ?? '', /loaded the dropped checkpoint/);
  assert.deepEqual(await unnamedControls(page), [], 'every control of the session view is named');
  // It opens on sessions made up from the model's vocabulary.
  assert.match((await page.locator('#lx-message').textContent()) ?? '', /made up from the model: 3 sessions, [1-3] anomalous/);

  await page.setInputFiles('#lx-file', f.sessionsFile);
  await page.waitForFunction(() => /hdfs-small\.jsonl: 220 sessions, \d+ anomalous/.test(document.querySelector('#lx-message')!.textContent ?? ''));
  const cli = cliDetections(f);
  const flagged = [...cli.values()].filter((d) => d.anomalous).length;
  assert.match((await page.locator('#lx-message').textContent()) ?? '', new RegExp(`220 sessions, ${flagged} anomalous \\(p < `));
  // Normal and anomalous sessions, among them labelled anomalies (the last 20).
  const picked = [0, 1, 2, 3, 205, 210, 219];
  let marked = 0;
  for (const i of picked) {
    const s = f.sessions[i]!;
    const d = cli.get(s.session)!;
    await pick(page, i, s.session);
    assert.equal(await attr(page, 'anomalous'), String(d.anomalous), s.session);
    assert.equal(await attr(page, 'first-unexpected'), String(d.position ?? 0), s.session);
    const ranks = explainSession(m.events, s, rulesOf(m)[0]!.threshold).events.map((e) => (e.rank === Infinity ? 'new' : String(e.rank)));
    assert.equal(await attr(page, 'ranks'), ranks.join(','), s.session);
    assert.deepEqual(await page.locator('#lx-events .lx-event').evaluateAll((b) => b.map((e) => (e as HTMLElement).dataset.rank)), ranks);
    const first = page.locator('#lx-events .lx-event.first');
    if (!d.anomalous) {
      assert.equal(await first.count(), 0);
      assert.match((await page.locator('#lx-verdict').textContent()) ?? '', /: normal \(/);
      continue;
    }
    marked++;
    assert.equal(await first.count(), 1);
    assert.equal(await first.getAttribute('data-position'), String(d.position));
    assert.equal(await first.getAttribute('data-rank'), d.rank === null ? 'new' : String(d.rank));
    assert.match((await page.locator('#lx-verdict').textContent()) ?? '', new RegExp(d.event === '<end>' ? `anomalous at the end, after ${s.events.length} events` : `anomalous at event ${d.position} of ${s.events.length}`));
    // Hover: the template, its rank and probability, and the events expected instead.
    await first.hover();
    const detail = (await page.locator('#lx-detail').textContent()) ?? '';
    assert.ok(detail.includes(d.event === '<end>' ? 'the end of the session' : d.event!), detail);
    assert.ok(detail.includes(d.rank === null ? 'never seen in training' : `rank ${d.rank}, p `) && detail.includes('UNEXPECTED'), detail);
    assert.ok(detail.includes(`1. ${d.expected![0]!} (`), detail);
  }
  assert.ok(marked >= 2 && marked < picked.length, `${marked} of ${picked.length} picked sessions anomalous`);
  await page.locator('#explore').screenshot({ path: join(ARTIFACTS, 'explore-logs-1440.png') });

  // DeepLog's top-g from the checkpoint: the marker moves to the first event outside the top g.
  const g = (rulesOf(m)[1]!.threshold as { g: number }).g;
  await page.selectOption('#lx-rule', 'top');
  await page.waitForFunction(() => /same sessions: 220 sessions, \d+ anomalous \(outside the top/.test(document.querySelector('#lx-message')!.textContent ?? ''));
  const top = cliDetections(f, ['--top', String(g)]);
  // The session picked last (219) stays picked, now judged under top-g.
  const kept = f.sessions[219]!;
  assert.equal(await page.locator('#lx-session').inputValue(), '219');
  assert.equal(await attr(page, 'session'), kept.session);
  assert.equal(await attr(page, 'first-unexpected'), String(top.get(kept.session)!.position ?? 0), `${kept.session} kept under top ${g}`);
  for (const i of [0, 210]) {
    const s = f.sessions[i]!;
    await pick(page, i, s.session);
    assert.equal(await attr(page, 'first-unexpected'), String(top.get(s.session)!.position ?? 0), `${s.session} top ${g}`);
  }
  assert.deepEqual(errors, []);
  await page.close();
});

test('pasted template lines and an event training never saw; bad input named; phones fit', async () => {
  const { page, errors } = await openCheckpoint(PHONE);
  const s = f.sessions[0]!;
  await page.fill('#lx-text', [...s.events.slice(0, 3), 'an event training never saw', ...s.events.slice(3)].join('\n'));
  await page.click('#lx-read');
  await page.waitForFunction(() => document.querySelector<HTMLElement>('#ex-logs')!.dataset.session === 'pasted 1');
  assert.equal(await attr(page, 'first-unexpected'), '4');
  assert.equal(await page.locator('#lx-events .lx-event.first').getAttribute('data-rank'), 'new');
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 1, `${overflow}px wider than a phone`);
  await page.locator('#explore').screenshot({ path: join(ARTIFACTS, 'explore-logs-390.png') });
  // Raw log lines: no session of them, the command that makes sessions named instead.
  const raw = readFileSync(join(repoRoot, 'data/logs/loghub_2k/HDFS_2k.log'), 'utf8').split('\n').slice(0, 20).join('\n');
  await page.fill('#lx-text', raw);
  await page.click('#lx-read');
  await page.waitForFunction(() => /plain lines are not event templates/.test(document.querySelector('#lx-message')!.textContent ?? ''));
  assert.match((await page.locator('#lx-message').textContent()) ?? '', /could not read the sessions: 20 of 20 plain lines are not event templates this checkpoint knows: they look like raw log lines/);
  assert.equal(await page.locator('#lx-message code.lx-command').textContent(), "recur parse FILE --session 'blk_-?\\d+' --out sessions.jsonl");
  assert.equal(await page.locator('#lx-session option').count(), 0);
  assert.equal(await page.locator('#lx-events .lx-event').count(), 0);
  assert.equal(await attr(page, 'session'), '');
  assert.equal(await page.locator('#lx-file').getAttribute('accept'), '.jsonl,.json,.txt', 'no .log in the file picker');
  // A 5,000-event session: the first 2,000 read, the rest counted; 300 drawn.
  const long = Array.from({ length: 5000 }, (_, i) => s.events[i % s.events.length]!);
  await page.fill('#lx-text', JSON.stringify({ session: 'long', events: long }));
  await page.click('#lx-read');
  await page.waitForFunction(() => /pasted \(1 session cut to the first 2000 events: 3000 events left out\): 1 sessions, [01] anomalous/.test(document.querySelector('#lx-message')!.textContent ?? ''));
  const x = explainSession(m.events, { session: 'long', events: long.slice(0, 2000), dropped: 3000 }, rulesOf(m)[0]!.threshold);
  assert.equal(await attr(page, 'ranks'), x.events.map((e) => (e.rank === Infinity ? 'new' : String(e.rank))).join(','));
  assert.equal(await page.locator('#lx-events .lx-event').count(), 300);
  assert.match(
    (await page.locator('#lx-verdict').textContent()) ?? '',
    x.detection.anomalous ? new RegExp(`long: anomalous at event ${x.detection.position} of 5000`) : /long: normal in its first 2000 events .*3000 more were left out when reading/,
  );
  await page.fill('#lx-text', '{"session": "b1", "events": ');
  await page.click('#lx-read');
  assert.match((await page.locator('#lx-message').textContent()) ?? '', /could not read the sessions: line 1 is not valid JSON/);
  assert.deepEqual(errors, []);
  await page.close();
});

test('recur viz RUN of a logs checkpoint opens the explore view with it', async () => {
  const child = recurAsync(['viz', f.run, '--port', '0']);
  try {
    const url = await vizUrl(child);
    assert.match(url, /\?view=explore&logs=/);
    const { page, errors } = await openPage(viz.browser, url);
    await page.waitForSelector('#ex-logs[data-ready="true"]');
    assert.equal(await page.locator('#explore').getAttribute('data-kind'), 'logs');
    assert.match((await page.locator('#ex-message').textContent()) ?? '', /loaded \/checkpoint\//);
    assert.match((await page.locator('#lx-rule').textContent()) ?? '', new RegExp(`p < ${m.encoding.threshold.threshold.kind === 'probability' ? m.encoding.threshold.threshold.p.toPrecision(3) : ''}`));
    assert.deepEqual(errors, []);
    await page.close();
  } finally {
    child.kill('SIGTERM');
  }
});
