import type { LoadedModel } from '../checkpoint/model-from-spec.js';
import { readData } from '../checkpoint/session.js';
import { classifyRecordings } from '../tasks/audio-predict.js';

/**
 * `recur predict RUN a.wav b.wav`: one line per file, the label, its probability and the
 * runners-up (or, with --json, one object per file with every label's probability).
 */
export function printAudioPredictions(loaded: Extract<LoadedModel, { kind: 'audio' }>, files: readonly string[], json: boolean): void {
  const recordings = files.map((f) => ({ name: f, bytes: readData(f) }));
  const results = classifyRecordings(loaded.model, loaded.audio, loaded.encoding, recordings);
  results.forEach((r, i) => {
    if (json) {
      console.log(JSON.stringify({ file: files[i], label: r.label, probabilities: r.probabilities }));
      return;
    }
    const ranked = Object.entries(r.probabilities).sort((a, b) => b[1] - a[1]);
    const others = ranked.slice(1, 3).map(([l, p]) => `${l} ${p.toFixed(3)}`).join(', ');
    console.log(`${r.label}\t${r.probabilities[r.label]!.toFixed(3)}\t${files[i]}\t(then ${others})`);
  });
}
