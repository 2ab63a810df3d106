// The audio view (panel 5, ?view=audio) in Chromium: it opens alone at desktop and phone sizes;
// a bundled sample's prediction is `recur predict`'s; every map has one column per frame, with
// the values Node computes under the pointer and at the cursor; a file that is not a WAV gets
// the decoder's message; a dropped one-directional LSTM checkpoint shows its gates and cell;
// the microphone records (a fake device) or says why it cannot.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { serveViz } from '../../src/cli/viz.js';
import { decodeWav } from '../../src/index.js';
import { recurInProcess } from '../helpers/cli-in-process.js';
import { audioModelFromBytes } from '../../web/src/audio-model.js';
import { analyseWav } from '../../web/src/audio-trace.js';
import { GUTTER } from '../../web/src/audio-plots.js';
import { ARTIFACTS, launch, openPage } from './browser.js';
import { DESKTOP, expectAlone, PHONE, unnamedControls, useViz } from './viz-helpers.js';

const MODEL = 'web/public/model-audio';
const SAMPLES = 'web/public/audio-samples';
const SAMPLE = '7_theo_17.wav';
const tmp = mkdtempSync(join(tmpdir(), 'recur-viz-audio-'));
const bundled = audioModelFromBytes(JSON.parse(readFileSync(join(MODEL, 'config.json'), 'utf8')), new Uint8Array(readFileSync(join(MODEL, 'model.safetensors'))), `${MODEL}/`);

const viz = useViz(() => rmSync(tmp, { recursive: true, force: true }));

const audio = (page: Page) => page.locator('#audio');
const attr = async (page: Page, name: string) => (await audio(page).getAttribute(`data-${name}`)) ?? '';
const openAudio = async (viewport = DESKTOP) => {
  const opened = await openPage(viz.browser, `${viz.server.url}?view=audio`, viewport);
  await opened.page.waitForSelector('#audio[data-ready="true"]');
  return opened;
};
/** `recur predict RUN file --json`, in this process: the label the CLI prints. */
const cliLabel = async (run: string, file: string) => {
  const r = await recurInProcess('predict', run, file, '--json');
  assert.equal(r.status, 0, r.err);
  return (JSON.parse(r.out.trim().split('\n').pop()!) as { label: string }).label;
};
const canvasBox = async (page: Page, map: string) => (await page.locator(`.au-canvas[data-map="${map}"]`).boundingBox())!;

test('?view=audio opens alone at 1440x900 and 390x844 with the first sample read, labelled controls, no console errors', async () => {
  for (const [viewport, name] of [[DESKTOP, 'audio-1440'], [PHONE, 'audio-390']] as const) {
    const { page, errors } = await openAudio(viewport);
    await expectAlone(page, 'audio', '#au-samples button', '.au-canvas[data-map="features"]');
    assert.equal(await attr(page, 'clip'), '1_theo_11.wav', 'the first sample is shown on opening');
    assert.match((await page.locator('#au-model-info').textContent()) ?? '', /^2×32 bidirectional GRU · 10 labels/);
    assert.equal(await page.locator('#au-samples button').count(), 5);
    assert.match((await page.locator('#au-credit').textContent()) ?? '', /Free Spoken Digit Dataset, Jackson et al\..*CC BY-SA 4\.0/);
    assert.deepEqual(await unnamedControls(page), []);
    await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
    assert.deepEqual(errors, []);
    await page.close();
  }
});

test('a bundled sample: the digit shown is recur predict\'s, one column per frame in every map, hover and cursor show Node\'s values', async () => {
  const { page, errors } = await openAudio();
  await page.click(`#au-samples button[data-file="${SAMPLE}"]`);
  await page.waitForFunction((f) => document.getElementById('audio')!.dataset.clip === f, SAMPLE);
  const node = analyseWav(bundled, new Uint8Array(readFileSync(join(SAMPLES, SAMPLE))), SAMPLE);
  const expected = await cliLabel(MODEL, join(SAMPLES, SAMPLE));
  assert.equal(node.labels[node.predicted], expected, 'the view\'s logic agrees with the CLI');
  assert.equal(await page.locator('#au-predicted').textContent(), expected, 'the digit shown is the one recur predict prints');
  assert.equal(await page.locator('.au-truth').textContent(), `the file name says 7: ${expected === '7' ? 'right' : 'wrong'}`);
  // One column per frame: spectrogram, hidden state, the GRU's three gates and the prediction.
  const T = node.T;
  assert.equal(await attr(page, 'frames'), String(T));
  const maps = await page.locator('.au-canvas').evaluateAll((cs) => cs.map((c) => ({ map: (c as HTMLElement).dataset.map, columns: Number((c as HTMLElement).dataset.columns), colW: Number((c as HTMLElement).dataset.colW), rows: Number((c as HTMLElement).dataset.rows), width: c.getBoundingClientRect().width })));
  assert.deepEqual(maps.map((m) => m.map), ['features', 'h', 'r', 'z', 'n', 'prediction']);
  const colW = maps[0]!.colW;
  for (const m of maps) {
    assert.equal(m.columns, T, `${m.map}: ${T} columns`);
    assert.equal(m.width, GUTTER + T * colW, `${m.map}: ${GUTTER} px of labels and ${T} columns of ${colW} px`);
  }
  assert.deepEqual(maps.map((m) => m.rows), [40, 32, 32, 32, 32, 10]);
  // Hover: the normalised feature under the pointer, as Node computes it.
  const spec = await canvasBox(page, 'features');
  const rowH = Number(await page.locator('.au-canvas[data-map="features"]').getAttribute('data-row-h'));
  const [col, row] = [5, 30];
  await page.mouse.move(spec.x + GUTTER + col * colW + colW / 2, spec.y + row * rowH + rowH / 2);
  const band = 39 - row;
  assert.match((await page.locator('#au-strip-holder .hm-tip').textContent()) ?? '', new RegExp(`^band ${band} \\(~\\d+ Hz\\) · frame ${col + 1} \\(${col * 10} ms\\) · ${node.input[col * 40 + band]!.toFixed(2)}$`));
  // A click on a column moves the cursor everywhere; the probabilities beside are that prefix's.
  await page.locator('.au-canvas[data-map="h"]').scrollIntoViewIfNeeded();
  const hidden = await canvasBox(page, 'h');
  await page.mouse.click(hidden.x + GUTTER + 9 * colW + colW / 2, hidden.y + hidden.height / 2);
  assert.equal(await attr(page, 'cursor'), '9');
  const C = node.labels.length;
  const at = (t: number) => Array.from(node.prefixProbs.subarray(t * C, (t + 1) * C), (p) => p.toFixed(2));
  assert.deepEqual(await page.locator('#au-now .p').allTextContents(), at(9));
  assert.match((await page.locator('#au-now-title').textContent()) ?? '', /^After frame 10 \(90 ms\)$/);
  const cursorX = (await page.locator('.au-cursor').boundingBox())!.x;
  assert.ok(Math.abs(cursorX - (hidden.x + GUTTER + 9 * colW - 1)) <= 1.5, 'the cursor column sits on frame 10');
  // Keys on the focused strip.
  await page.keyboard.press('ArrowRight');
  assert.equal(await attr(page, 'cursor'), '10');
  assert.equal(await page.locator('#au-scrub').inputValue(), '10');
  await page.keyboard.press('Home');
  assert.deepEqual(await page.locator('#au-now .p').allTextContents(), at(0));
  await page.keyboard.press('End');
  assert.equal(await attr(page, 'cursor'), String(T - 1));
  assert.equal(await attr(page, 'cursor-top'), expected, 'at the last frame the curve ends on the whole clip\'s prediction');
  assert.match((await page.locator('#au-curve-note').textContent()) ?? '', /reads the recording both ways.*re-run on the recording cut after frame t \(its features computed from those samples alone\)/);
  // The second layer's backward direction is a choice; its maps redraw with the same columns.
  await page.selectOption('#au-layer', '3');
  assert.equal(await page.locator('.au-canvas[data-map="h"]').getAttribute('data-columns'), String(T));
  assert.match((await page.locator('#au-strip-holder .au-title').nth(1).textContent()) ?? '', /Hidden state h, layer 2 backward/);
  await page.locator('#audio').screenshot({ path: join(ARTIFACTS, 'audio-sample-7.png') });
  // Playing the sound moves the cursor from the start with it, and the button comes back at the end.
  await page.click('#au-play');
  assert.equal(await page.locator('#au-play').textContent(), '■ stop');
  await page.waitForFunction((last) => Number(document.getElementById('audio')!.dataset.cursor) < last, T - 1);
  await page.waitForFunction(() => document.getElementById('au-play')!.textContent === '▶ play sound', undefined, { timeout: 10_000 });
  assert.deepEqual(errors, []);
  await page.close();
});

test('a dropped file that is not a WAV shows the decoder\'s message and keeps the last recording; a character model is refused', async () => {
  const { page, errors } = await openAudio();
  const text = 'hello, this is not audio';
  let message = '';
  try {
    decodeWav(new TextEncoder().encode(text), { source: 'notes.txt' });
  } catch (e) {
    message = (e as Error).message;
  }
  assert.match(message, /^notes\.txt: /, 'the decoder names the file');
  const dt = await page.evaluateHandle((t) => {
    const d = new DataTransfer();
    d.items.add(new File([t], 'notes.txt', { type: 'text/plain' }));
    return d;
  }, text);
  await page.dispatchEvent('#au-drop', 'drop', { dataTransfer: dt });
  await page.waitForSelector('#au-error:not([hidden])');
  assert.equal(await page.locator('#au-error').textContent(), `Could not read notes.txt: ${message}`);
  assert.equal(await attr(page, 'clip'), '1_theo_11.wav', 'the last good recording stays');
  await page.locator('#audio').screenshot({ path: join(ARTIFACTS, 'audio-error.png') });
  await page.setInputFiles('#au-files', ['web/public/model-gru/config.json', 'web/public/model-gru/model.safetensors']);
  await page.waitForFunction(() => /holds a charlm model/.test(document.getElementById('au-error')!.textContent ?? ''));
  assert.match((await page.locator('#au-error').textContent()) ?? '', /the audio view reads checkpoints of recur train --task audio/);
  // A good file afterwards clears the message.
  await page.click('#au-samples button[data-file="3_theo_13.wav"]');
  await page.waitForFunction(() => document.getElementById('audio')!.dataset.clip === '3_theo_13.wav');
  assert.equal(await page.locator('#au-error').isHidden(), true);
  assert.deepEqual(errors, []);
  await page.close();
});

test('a dropped one-directional LSTM checkpoint of recur train --task audio: its cell and four gates, the head on h(t), recur predict\'s digit', async () => {
  const data = join(tmp, 'digits');
  mkdirSync(data);
  for (let d = 0; d < 10; d++) for (let i = 0; i < 6; i++) writeFileSync(join(data, `${d}_george_${i}.wav`), readFileSync(`data/spoken_digits/${d}_george_${i}.wav`));
  const out = join(tmp, 'lstm');
  const trained = await recurInProcess('train', data, '--task', 'audio', '--label-pattern', '^(\\d)_', '--model', 'lstm', '--hidden', '8', '--layers', '1', '--no-bidirectional', '--epochs', '2', '--quiet', '--out', out);
  assert.equal(trained.status, 0, trained.err);
  const { page, errors } = await openAudio();
  await page.setInputFiles('#au-files', [join(out, 'config.json'), join(out, 'model.safetensors'), join(SAMPLES, '5_theo_15.wav')]);
  await page.waitForFunction(() => document.getElementById('audio')!.dataset.model?.startsWith('dropped:') && document.getElementById('audio')!.dataset.clip === '5_theo_15.wav');
  assert.match((await page.locator('#au-model-info').textContent()) ?? '', /^1×8 LSTM · 10 labels/);
  assert.deepEqual(await page.locator('.au-canvas').evaluateAll((cs) => cs.map((c) => (c as HTMLElement).dataset.map)), ['features', 'h', 'c', 'i', 'f', 'g', 'o', 'prediction']);
  assert.equal(await page.locator('#au-layer option').count(), 1);
  assert.match((await page.locator('#au-curve-note').textContent()) ?? '', /re-run on the recording cut there.*one-directional model that is its head reading the top layer's state h\(t\) of that run/);
  assert.equal(await page.locator('#au-predicted').textContent(), await cliLabel(out, join(SAMPLES, '5_theo_15.wav')));
  assert.equal(await page.locator('#au-bundled').isVisible(), true);
  await page.locator('#audio').screenshot({ path: join(ARTIFACTS, 'audio-lstm.png') });
  await page.click('#au-bundled');
  await page.waitForFunction(() => document.getElementById('audio')!.dataset.model === './model-audio/');
  assert.equal(await page.locator('.au-canvas').count(), 6, 'back to the bundled GRU, the same clip re-read');
  assert.deepEqual(errors, []);
  await page.close();
  // `recur viz DIR` serves an audio checkpoint; ?view=audio&model= opens it.
  const served = await serveViz(out);
  try {
    const opened = await openPage(viz.browser, `${served.url}?view=audio&model=${encodeURIComponent('/checkpoint/')}`, DESKTOP);
    await opened.page.waitForSelector('#audio[data-ready="true"]');
    assert.equal(await attr(opened.page, 'model'), '/checkpoint/');
    assert.match((await opened.page.locator('#au-model-info').textContent()) ?? '', /^1×8 LSTM · 10 labels .* from \/checkpoint\/$/);
    assert.deepEqual(opened.errors, []);
    await opened.page.close();
  } finally {
    await served.close();
  }
  // A model URL that is not an audio checkpoint: said, and the bundled model shown instead.
  const wrong = await openPage(viz.browser, `${viz.server.url}?view=audio&model=./model-gru/`, DESKTOP);
  await wrong.page.waitForSelector('#audio[data-ready="true"]');
  assert.match((await wrong.page.locator('#au-error').textContent()) ?? '', /^Could not load the model from \.\/model-gru\/: \.\/model-gru\/ holds a charlm model; .* Showing the bundled spoken-digit model\.$/);
  assert.equal(await attr(wrong.page, 'model'), './model-audio/');
  await wrong.page.close();
});

test('the microphone: without one the page says why; with a (fake) one a recording is trimmed, resampled by recur and read', async () => {
  const { page, errors } = await openAudio();
  await page.click('#au-record');
  await page.waitForFunction(() => document.getElementById('audio')!.dataset.mic === 'error');
  assert.match((await page.locator('#au-mic-note').textContent()) ?? '', /^(Microphone access was denied|No microphone was found|The microphone is in use)/);
  assert.deepEqual(errors, []);
  await page.close();

  const fake = await launch(['--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream']);
  try {
    const opened = await openPage(fake.browser, `${viz.server.url}?view=audio`, DESKTOP);
    await opened.page.waitForSelector('#audio[data-ready="true"]');
    await opened.page.click('#au-record');
    await opened.page.waitForFunction(() => document.getElementById('audio')!.dataset.mic === 'recorded', undefined, { timeout: 15_000 });
    const note = (await opened.page.locator('#au-mic-note').textContent()) ?? '';
    const m = /^recorded (\d\.\d) s at (\d+) Hz, kept the (\d\.\d\d) s around the word, resampled to 8000 Hz by recur$/.exec(note);
    assert.ok(m, note);
    assert.ok(Number(m[1]) >= 1.9 && Number(m[1]) <= 2.1, `a 2 s recording: ${m[1]}`);
    assert.equal(await attr(opened.page, 'clip'), 'recording.wav');
    // Frames of the kept part at 8 kHz: 1 + floor(samples / 80).
    const kept = Math.round(Number(m[3]) * 8000);
    assert.ok(Math.abs(Number(await attr(opened.page, 'frames')) - (1 + Math.floor(kept / 80))) <= 1, `frames of ${m[3]} s`);
    assert.equal(await opened.page.locator('#au-save').isVisible(), true);
    await opened.page.locator('#audio').screenshot({ path: join(ARTIFACTS, 'audio-mic.png') });
    assert.deepEqual(opened.errors, []);
  } finally {
    await fake.close();
  }
});
