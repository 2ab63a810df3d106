// Draws one analysed recording: the prediction, the spectrogram, the selected layer's hidden
// state and gates, and the prediction after each frame, all on one time axis with one cursor;
// beside them the probabilities at the cursor.
import { orderUnits } from './analysis.js';
import { diverging, symlogDiverging, viridis, type Scale } from './colors.js';
import type { AudioModel } from './audio-model.js';
import { createStrip, rowHeight, type StripMap } from './audio-plots.js';
import { bandCentres, labelFromName, settledFrom, type ClipAnalysis } from './audio-trace.js';

const GATE_TITLES: Record<string, string> = {
  i: 'input gate i (1 = write into the cell)', f: 'forget gate f (1 = keep the cell)', g: 'candidate g (new content)', o: 'output gate o (1 = show the cell)',
  r: 'reset gate r (0 = ignore the old state)', z: 'update gate z (1 = keep the old state)', n: 'candidate n (new content)',
};
const CELL_NAMES = { lstm: 'LSTM', gru: 'GRU', rnn: 'plain RNN' } as const;

/** A frequency for a row label: '45', '780', '2.5k'. */
const hz = (f: number) => (f < 1000 ? String(Math.round(f)) : `${(f / 1000).toFixed(1)}k`);

const gateScale = (key: string): Scale => (key === 'g' || key === 'n' ? diverging(1) : viridis(0, 1));

export interface AudioDisplay {
  /** Shows a recording read by a model; `origin` says where it came from, in words. */
  show(m: AudioModel, a: ClipAnalysis, origin: string): void;
  go(t: number): void;
  /** The cursor's frame. */
  readonly t: number;
  readonly analysis: ClipAnalysis | null;
}

export function createAudioDisplay(root: HTMLElement): AudioDisplay {
  const q = <T extends HTMLElement>(s: string) => root.querySelector<T>(s)!;
  const scrub = q<HTMLInputElement>('#au-scrub');
  const layerPick = q<HTMLSelectElement>('#au-layer');
  const featPick = q<HTMLSelectElement>('#au-feat');
  const strip = createStrip((key) => {
    const moves: Record<string, number> = { ArrowRight: t + 1, ArrowLeft: t - 1, Home: 0, End: Number.MAX_SAFE_INTEGER };
    if (!(key in moves) || !a) return false;
    go(moves[key]!);
    return true;
  });
  q('#au-strip-holder').append(strip.root);
  let model: AudioModel | null = null;
  let a: ClipAnalysis | null = null;
  let t = 0;

  const ms = (frame: number) => Math.round(frame * a!.hopSeconds * 1000);
  const frameText = (frame: number) => `frame ${frame + 1} (${ms(frame)} ms)`;

  const maps = (): StripMap[] => {
    const clip = a!;
    const m = model!;
    const tr = clip.traces[Number(layerPick.value)] ?? clip.traces[clip.traces.length - 1]!;
    const H = clip.H;
    const order = orderUnits(tr.h, clip.T, H);
    const unitRowH = rowHeight(H, 96, 2, 8);
    const unitMap = (key: string, title: string, data: Float32Array, scale: Scale, note: string): StripMap => ({
      key, title, rows: H, rowH: unitRowH, scale, legendNote: note,
      value: (r, s) => data[s * H + order[r]!]!,
      rowLabel: (r) => `u${order[r]}`,
      describe: (r, s, v) => `unit ${order[r]} · ${frameText(s)} · ${key} = ${v.toFixed(3)}`,
    });
    const raw = featPick.value === 'raw';
    const data = raw ? clip.raw : clip.input;
    const W = clip.width;
    let lo = Infinity;
    let hi = -Infinity;
    for (const v of data) [lo, hi] = [Math.min(lo, v), Math.max(hi, v)];
    const centres = bandCentres(m.audio);
    const band = (r: number) => W - 1 - r;
    const bandName = (b: number) => (centres ? `band ${b} (~${Math.round(centres[b]!)} Hz)` : `coefficient ${b}`);
    const what = m.audio.features === 'mfcc' ? `${W} MFCCs` : `${W} log-mel bands, low frequencies at the bottom`;
    const features: StripMap = {
      key: 'features',
      title: raw ? `Spectrogram: ${what} (ln of the mel power${m.audio.subtractRecordingMean ? ', each band\'s mean over the recording subtracted' : ''})` : `Spectrogram: ${what}, as the model reads them`,
      rows: W, rowH: rowHeight(W, 120, 2, 10),
      scale: raw ? viridis(lo, hi) : diverging(3),
      legendNote: raw ? 'this recording\'s range' : 'standard deviations from the training recordings\' mean',
      value: (r, s) => data[s * W + band(r)]!,
      rowLabel: (r) => (centres ? (band(r) % 8 === 0 ? hz(centres[band(r)]!) : '') : band(r) % 4 === 0 ? `c${band(r)}` : ''),
      describe: (r, s, v) => `${bandName(band(r))} · ${frameText(s)} · ${v.toFixed(2)}`,
    };
    const dir = m.config.spec.model.bidirectional ? (tr.direction === 0 ? ' forward' : ' backward') : '';
    const where = `layer ${tr.layer + 1}${dir}`;
    const C = clip.labels.length;
    const prediction: StripMap = {
      key: 'prediction',
      title: 'Prediction after each frame: the probability of each label',
      rows: C, rowH: rowHeight(C, 120, 6, 12), scale: viridis(0, 1), legendNote: 'probability',
      value: (r, s) => clip.prefixProbs[s * C + r]!,
      rowLabel: (r) => (C <= 20 || r % Math.ceil(C / 20) === 0 ? clip.labels[r]! : ''),
      describe: (r, s, v) => `P(${clip.labels[r]}) after ${frameText(s)} = ${v.toFixed(3)}`,
    };
    return [
      features,
      unitMap('h', `Hidden state h, ${where}`, tr.h, diverging(1), '−1 … 1'),
      ...(tr.c ? [unitMap('c', `Cell state c, ${where}`, tr.c, symlogDiverging(100), 'log scale beyond ±1')] : []),
      ...Object.entries(tr.gates).map(([k, g]) => unitMap(k, `${GATE_TITLES[k] ?? k}, ${where}`, g, gateScale(k), k === 'g' || k === 'n' ? '−1 … 1' : '0 closed … 1 open')),
      prediction,
    ];
  };

  const draw = () => {
    if (!a) return;
    const every = Math.max(1, Math.round(0.1 / a.hopSeconds));
    strip.draw(maps(), a.T, (s) => String(ms(s)), every);
    strip.setCursor(t);
  };

  const showNow = () => {
    const clip = a!;
    const C = clip.labels.length;
    const row = clip.prefixProbs.subarray(t * C, (t + 1) * C);
    let best = 0;
    for (let c = 1; c < C; c++) if (row[c]! > row[best]!) best = c;
    const computed = [...clip.prefixEnds].reverse().find((e) => e <= t + 1) ?? clip.prefixEnds[0]!;
    q('#au-now-title').textContent = `After ${frameText(t)}`;
    q('#au-now-note').textContent = computed !== t + 1 ? `(the model run on the first ${computed} frames)` : '';
    q('#au-now').replaceChildren(
      ...clip.labels.map((label, c) => {
        const li = document.createElement('li');
        li.className = c === best ? 'top' : '';
        li.innerHTML = `<span class="ch"></span><span class="bar"><span style="width:${(row[c]! * 100).toFixed(1)}%"></span></span><span class="p">${row[c]!.toFixed(2)}</span>`;
        li.querySelector('.ch')!.textContent = label;
        return li;
      }),
    );
    q('#au-status').textContent = `${frameText(t)} of ${clip.T} · most likely ${clip.labels[best]} (${row[best]!.toFixed(2)})`;
    return best;
  };

  const go = (to: number) => {
    if (!a) return;
    t = Math.max(0, Math.min(a.T - 1, to));
    scrub.value = String(t);
    strip.setCursor(t);
    root.dataset.cursor = String(t);
    root.dataset.cursorTop = a.labels[showNow()]!;
  };

  const showResult = (origin: string) => {
    const clip = a!;
    const C = clip.labels.length;
    const label = clip.labels[clip.predicted]!;
    const truth = labelFromName(model!, clip.name);
    const settled = settledFrom(clip.prefixProbs, C, clip.predicted);
    const box = q('#au-result');
    box.innerHTML = `<div class="au-pred"><span class="au-big" id="au-predicted"></span><span class="au-what"></span></div><p class="note au-settle"></p>`;
    q('#au-predicted').textContent = label;
    const what = q('.au-what');
    what.textContent = `predicted for ${origin} (p = ${clip.probs[clip.predicted]!.toFixed(2)})`;
    if (truth !== null) {
      const tag = document.createElement('span');
      tag.className = truth === label ? 'au-truth ok' : 'au-truth wrong';
      tag.textContent = truth === label ? `the file name says ${truth}: right` : `the file name says ${truth}: wrong`;
      what.append(' · ', tag);
    }
    const cut = clip.keptSeconds !== null ? `Only the first ${clip.keptSeconds} s of this ${clip.seconds.toFixed(1)} s recording were read. ` : '';
    q('.au-settle').textContent = cut + (settled === null
      ? `The prediction after the last frame is the whole clip's; it kept changing until then.`
      : `The prediction settles on ${label} from ${ms(settled)} ms on (${frameText(settled)}; the clip has ${clip.T} frames, ${Math.round(clip.T * clip.hopSeconds * 1000)} ms).`);
    root.dataset.predicted = label;
    root.dataset.clip = clip.name;
    root.dataset.frames = String(clip.T);
  };

  const curveNote = () => {
    const m = model!;
    const s = m.config.spec.model;
    const stride = a!.prefixEnds.length < a!.T ? ` This recording is long: the model was run on every ${a!.prefixEnds[0]}th prefix, and each column holds the last one run.` : '';
    // A mean-pooled head (spec.audio.pooling 'mean') reads the average of the top layer's outputs.
    const pooled = (m.audio as { pooling?: string }).pooling === 'mean';
    const head = pooled ? 'the average of the top layer\'s states h(1..t)' : 'the top layer\'s state h(t)';
    q('#au-curve-note').textContent = (s.bidirectional
      ? `How the prediction forms: the ${CELL_NAMES[s.cell]} reads the recording both ways, so midway through one pass it has no answer yet; column t shows what it answers when re-run on the recording cut after frame t (its features computed from those samples alone), as if the recording had stopped there (the last column is its answer for the whole clip${pooled ? '; its head reads the top layer\'s outputs averaged over the frames' : ''}). The backward direction's maps read right to left: their state at frame t has heard the clip from its end back to t.`
      : `How the prediction forms: column t is the answer of the ${CELL_NAMES[s.cell]} had the recording stopped after frame t (re-run on the recording cut there, its features computed from those samples alone); for this one-directional model that is its head reading ${head} of that run, so the curve shows the prediction forming as it listens. The maps above are of the whole clip, whose per-recording steps (level, band means) use all of it.`) + stride;
  };

  const fillLayers = () => {
    const m = model!;
    const D = m.config.spec.model.bidirectional ? 2 : 1;
    const n = a!.traces.length;
    const keep = layerPick.value;
    layerPick.replaceChildren(
      ...a!.traces.map((tr, k) => new Option(`layer ${tr.layer + 1}${D === 2 ? (tr.direction === 0 ? ', forward' : ', backward (reads from the end)') : ''}`, String(k))),
    );
    // Default: the top layer's forward direction, which feeds the head.
    layerPick.value = keep !== '' && Number(keep) < n ? keep : String(n - D);
  };

  scrub.addEventListener('input', () => go(Number(scrub.value)));
  q('#au-back').addEventListener('click', () => go(t - 1));
  q('#au-fwd').addEventListener('click', () => go(t + 1));
  layerPick.addEventListener('change', draw);
  featPick.addEventListener('change', draw);
  strip.onPick(go);
  let pending = 0;
  window.addEventListener('resize', () => {
    cancelAnimationFrame(pending);
    pending = requestAnimationFrame(draw);
  });

  return {
    get t() {
      return t;
    },
    get analysis() {
      return a;
    },
    show(m, clip, origin) {
      const sameShape = model === m;
      model = m;
      a = clip;
      if (!sameShape) layerPick.value = '';
      fillLayers();
      scrub.max = String(clip.T - 1);
      t = Math.min(t, clip.T - 1);
      showResult(origin);
      curveNote();
      draw();
      go(clip.T - 1);
    },
    go,
  };
}
