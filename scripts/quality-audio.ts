// The audio rows of `npm run quality`: the Free Spoken Digit Dataset (data/spoken_digits, CC BY-SA
// 4.0), `recur train --task audio` with its default recipe plus per-speaker normalisation
// (--speaker-norm: each voice standardised with its own recordings' statistics, labels unused),
// at most 5 minutes of training each.
// Speaker-independent: train on four speakers, test on the fifth, for EVERY choice of the fifth
// (no tuning to one voice); and the official split (recordings 0-4 of each speaker as test).

const SPEAKERS = ['george', 'jackson', 'lucas', 'nicolas', 'theo'] as const;

/** Keys of the audio rows, for --only. */
export const AUDIO_KEYS = [...SPEAKERS.map((s) => `audio-${s}`), 'audio-official'];

interface AudioRun {
  key: string;
  data: string;
  args: string[];
  metric: string;
  value: (m: Record<string, number>) => number;
  baselines: (m: Record<string, number>) => string;
  target: number;
  better: 'higher';
}

/**
 * The plain PyTorch recipe on each held-out speaker, measured by scripts/audio-baseline.py
 * (2x64 BiGRU, 40 log-mel bands ln(x + 1e-6), per-band normalisation, final states, Adam 1e-3,
 * batch 32, 15 epochs, one seed; 2026-12-07): the issue quoted 0.85-0.86, which it does not reach.
 */
const PYTORCH_PLAIN: Record<(typeof SPEAKERS)[number], number> = { george: 0.538, jackson: 0.784, lucas: 0.532, nicolas: 0.404, theo: 0.478 };

// Validation is a share of the four training voices' files (--val-by auto, the default, with
// one of five voices held out), and on heard voices it reaches 1.0 within ~8 epochs: the best
// epoch would then be the first to get there, so the final weights are kept (--no-restore-best).
const common = ['data/spoken_digits', '--task', 'audio', '--label-pattern', '^(\\d)_', '--speaker-norm', '^\\d_([a-z]+)_', '--time', '5m', '--no-restore-best'];

/** One row per held-out speaker, and the official split. */
export function audioRuns(): AudioRun[] {
  return [
    ...SPEAKERS.map((s) => ({
      key: `audio-${s}`,
      data: `spoken digits, trained on the other 4 speakers, tested on ${s} (500 recordings)`,
      args: ['train', ...common, '--test-pattern', `^\\d_${s}_`],
      metric: 'accuracy (unheard speaker)',
      value: (m: Record<string, number>) => m.accuracy!,
      baselines: (m: Record<string, number>) => `majority ${m.majority_accuracy!.toFixed(3)}; PyTorch plain 2x64 BiGRU, log-mel (scripts/audio-baseline.py): ${PYTORCH_PLAIN[s].toFixed(3)}`,
      target: 0.9,
      better: 'higher' as const,
    })),
    {
      key: 'audio-official',
      data: 'spoken digits, official split (recordings 0-4 of each speaker and digit as test, 250)',
      args: ['train', ...common, '--test-pattern', '^\\d_[a-z]+_[0-4]\\.wav$'],
      metric: 'accuracy',
      value: (m) => m.accuracy!,
      baselines: (m) => `majority ${m.majority_accuracy!.toFixed(3)}; published BiLSTM on MFCCs 0.984 (random split)`,
      target: 0.98,
      better: 'higher',
    },
  ];
}
