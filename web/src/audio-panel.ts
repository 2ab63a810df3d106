// Panel 5 (or ?view=audio alone): where a recording comes from (a bundled sample, a dropped or
// chosen WAV, the microphone) and which model reads it (the bundled spoken-digit model or a
// dropped `recur train --task audio` checkpoint). Errors are shown in the page, never thrown.
import './audio.css';
import { AUDIO_PANEL_HTML } from './audio-markup.js';
import { micErrorMessage, micUnavailable, playSamples, startRecording, type Recording } from './audio-mic.js';
import { audioModelFromFiles, describeAudioModel, fetchAudioModel, hasCheckpointFiles, type AudioModel } from './audio-model.js';
import { analyseWav } from './audio-trace.js';
import { trimToWord } from './audio-trim.js';
import { createAudioDisplay } from './audio-view.js';
import { encodeWavFloat32 } from './audio-wav-encode.js';
import { acceptDrops } from './drop-zone.js';

const BUNDLED_MODEL = './model-audio/';
const SAMPLES = './audio-samples/';
const RECORD_SECONDS = 2;

interface SampleIndex {
  speaker: string;
  samples: Array<{ file: string; digit: string; speaker: string }>;
}

export interface AudioPanel {
  /**
   * Loads the model (the bundled one, or a checkpoint served under `modelUrl`) and the samples,
   * and shows the first sample; resolves when drawn.
   */
  load(modelUrl?: string | null): Promise<void>;
}

export function createAudioPanel(root: HTMLElement): AudioPanel {
  root.innerHTML = AUDIO_PANEL_HTML;
  const q = <T extends HTMLElement>(s: string) => root.querySelector<T>(s)!;
  const display = createAudioDisplay(root);
  const info = q('#au-model-info');
  const errorBox = q('#au-error');
  const recordBtn = q<HTMLButtonElement>('#au-record');
  const micNote = q('#au-mic-note');
  const save = q<HTMLAnchorElement>('#au-save');
  const playBtn = q<HTMLButtonElement>('#au-play');
  let model: AudioModel | null = null;
  let current: { bytes: Uint8Array; name: string; origin: string } | null = null;
  let recording: Recording | null = null;
  let stopPlaying: (() => void) | null = null;

  const fail = (message: string) => {
    errorBox.textContent = message;
    errorBox.hidden = false;
    root.dataset.error = message;
  };
  const clearError = () => {
    errorBox.hidden = true;
    delete root.dataset.error;
  };

  /** Reads a recording with the current model; a bad file leaves the last good one on show. */
  const analyse = async (bytes: Uint8Array, name: string, origin: string): Promise<boolean> => {
    if (!model) return false;
    // A long file takes a moment: say so before the work blocks the page.
    q('#au-status').textContent = `reading ${name}…`;
    await new Promise((resolve) => setTimeout(resolve, 0));
    try {
      const a = analyseWav(model, bytes, name);
      clearError();
      current = { bytes, name, origin };
      display.show(model, a, origin);
      return true;
    } catch (e) {
      fail(`Could not read ${name}: ${(e as Error).message}`);
      if (display.analysis) display.go(display.t);
      else q('#au-status').textContent = '';
      return false;
    }
  };
  const setModel = (m: AudioModel) => {
    model = m;
    info.textContent = describeAudioModel(m);
    q('#au-bundled').hidden = m.source === BUNDLED_MODEL;
    root.dataset.model = m.source;
    return current ? analyse(current.bytes, current.name, current.origin) : Promise.resolve(false);
  };

  const openFiles = async (files: File[]) => {
    if (files.length === 0) return;
    if (hasCheckpointFiles(files)) {
      try {
        clearError();
        await setModel(await audioModelFromFiles(files));
      } catch (e) {
        return fail(`Could not load the model: ${(e as Error).message}`);
      }
    }
    const sounds = files.filter((f) => f.name !== 'config.json' && !f.name.endsWith('.safetensors'));
    const file = sounds[0];
    if (!file) return;
    const ok = await analyse(new Uint8Array(await file.arrayBuffer()), file.name, file.name);
    if (ok && sounds.length > 1) fail(`Showing ${file.name}, the first of ${sounds.length} files: drop one at a time.`);
  };

  const playSample = async (file: string, origin: string) => {
    const r = await fetch(`${SAMPLES}${file}`);
    if (!r.ok) return fail(`${SAMPLES}${file}: HTTP ${r.status}`);
    await analyse(new Uint8Array(await r.arrayBuffer()), file, origin);
  };

  const record = async () => {
    if (recording) return recording.stop();
    const why = micUnavailable();
    if (why) return void (micNote.textContent = why);
    let started: Recording;
    try {
      recordBtn.disabled = true;
      micNote.textContent = 'waiting for the microphone…';
      started = await startRecording(RECORD_SECONDS, (s, peak) => {
        micNote.textContent = `recording… ${s.toFixed(1)} s · level ${'▮'.repeat(Math.min(10, Math.round(peak * 20)))}`;
      });
    } catch (e) {
      micNote.textContent = micErrorMessage(e);
      root.dataset.mic = 'error';
      return;
    } finally {
      recordBtn.disabled = false;
    }
    recording = started;
    recordBtn.textContent = '■ Stop';
    const { samples, sampleRate } = await started.done;
    recording = null;
    recordBtn.textContent = '● Record';
    // Cut to the word as the training recordings were; the model's front end resamples it.
    const { start, end } = trimToWord(samples, sampleRate);
    const word = samples.slice(start, end);
    const bytes = encodeWavFloat32(word, sampleRate);
    micNote.textContent = `recorded ${(samples.length / sampleRate).toFixed(1)} s at ${sampleRate} Hz, kept the ${(word.length / sampleRate).toFixed(2)} s around the word, resampled to ${model?.audio.targetRate ?? '?'} Hz by recur`;
    if (save.href) URL.revokeObjectURL(save.href);
    save.href = URL.createObjectURL(new Blob([bytes], { type: 'audio/wav' }));
    save.hidden = false;
    root.dataset.mic = 'recorded';
    await analyse(bytes, 'recording.wav', `your recording (${(word.length / sampleRate).toFixed(2)} s)`);
  };

  const play = () => {
    const a = display.analysis;
    if (stopPlaying) return stopPlaying();
    if (!a || typeof AudioContext === 'undefined') return;
    playBtn.textContent = '■ stop';
    stopPlaying = playSamples(a.samples, a.sampleRate, (s) => {
      if (s < 0) {
        stopPlaying = null;
        playBtn.textContent = '▶ play sound';
      } else display.go(Math.round(s / a.hopSeconds));
    });
  };

  const drop = q('#au-drop');
  acceptDrops(drop, (files) => void openFiles(files));
  const input = q<HTMLInputElement>('#au-files');
  input.addEventListener('change', () => {
    void openFiles(Array.from(input.files ?? []));
    input.value = '';
  });
  recordBtn.addEventListener('click', () => void record());
  playBtn.addEventListener('click', play);
  q('#au-bundled').addEventListener('click', () => {
    fetchAudioModel(BUNDLED_MODEL).then(setModel, (e: unknown) => fail(`Could not load the bundled model: ${(e as Error).message}`)).catch(() => {});
  });
  const unavailable = micUnavailable();
  if (unavailable) {
    micNote.textContent = unavailable;
    recordBtn.disabled = true;
  }

  return {
    async load(modelUrl) {
      let notice = '';
      const pick = async () => {
        if (!modelUrl) return fetchAudioModel(BUNDLED_MODEL);
        try {
          return await fetchAudioModel(modelUrl);
        } catch (e) {
          notice = `Could not load the model from ${modelUrl}: ${(e as Error).message}. Showing the bundled spoken-digit model.`;
          return fetchAudioModel(BUNDLED_MODEL);
        }
      };
      try {
        const [m, index] = await Promise.all([
          pick(),
          fetch(`${SAMPLES}samples.json`).then((r) => (r.ok ? (r.json() as Promise<SampleIndex>) : Promise.reject(new Error(`${SAMPLES}samples.json: HTTP ${r.status}`)))),
        ]);
        await setModel(m);
        const row = q('#au-samples');
        q('#au-samples-note').textContent = `Try a sample: ${index.speaker}, whom the bundled model never heard, saying`;
        for (const s of index.samples) {
          const b = document.createElement('button');
          b.type = 'button';
          b.className = 'au-sample';
          b.dataset.file = s.file;
          b.textContent = s.digit;
          b.setAttribute('aria-label', `sample: ${s.speaker} says ${s.digit}`);
          b.title = `${s.file}: speaker ${s.speaker}, whom the bundled model never heard`;
          b.addEventListener('click', () => void playSample(s.file, `${s.file} (speaker ${s.speaker}, whom the bundled model never heard)`));
          row.append(b);
        }
        const first = index.samples[0];
        if (first) await playSample(first.file, `${first.file} (speaker ${first.speaker}, whom the bundled model never heard)`);
        if (notice) fail(notice);
      } catch (e) {
        fail(`Could not load the bundled spoken-digit model: ${(e as Error).message}`);
      }
      root.dataset.ready = 'true';
    },
  };
}
