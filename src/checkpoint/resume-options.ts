import { OptionError } from '../errors.js';
import type { DraftSpec, TaskSpec } from '../tasks/build.js';
import type { RunPlan } from './session.js';

/** Options --resume applies: limits (train for longer), threads and output (and --version, which only prints). */
export const RESUMABLE = new Set(['resume', 'out', 'epochs', 'time', 'steps', 'threads', 'json', 'quiet', 'version']);

/** Where each other option of `recur train` is kept in a checkpoint: spec.* or plan.*. */
export const SAVED_AT: Record<string, string> = {
  task: 'spec.kind',
  model: 'spec.model.cell',
  hidden: 'spec.model.hiddenSize',
  layers: 'spec.model.numLayers',
  embedding: 'spec.model.embeddingDim',
  dropout: 'spec.model.dropout',
  outputDropout: 'spec.model.outputDropout',
  bidirectional: 'spec.model.bidirectional',
  forgetBias: 'spec.model.forgetBias',
  layerNorm: 'spec.model.layerNorm',
  recurrentDropout: 'spec.model.recurrentDropout',
  zoneout: 'spec.model.zoneout',
  highway: 'spec.model.highway',
  batch: 'spec.batchSize',
  seqLen: 'spec.seqLen',
  seed: 'spec.seed',
  valFraction: 'spec.valFraction',
  testFraction: 'spec.testFraction',
  column: 'spec.column',
  features: 'spec.features',
  missing: 'spec.missing',
  transform: 'spec.transform',
  window: 'spec.window',
  horizon: 'spec.horizon',
  season: 'spec.season',
  seriesId: 'spec.seriesId',
  columns: 'spec.columns',
  category: 'spec.category',
  quantiles: 'spec.quantiles',
  calendar: 'spec.calendar',
  tokens: 'spec.tokens',
  inputField: 'spec.inputField',
  labelField: 'spec.labelField',
  supervised: 'spec.supervised',
  labelPattern: 'spec.audio.labelPattern',
  groupPattern: 'spec.audio.groupPattern',
  testPattern: 'spec.audio.testPattern',
  audioFeatures: 'spec.audio.features',
  mels: 'spec.audio.nMels',
  sampleRate: 'spec.audio.targetRate',
  rmsLevel: 'spec.audio.rmsLevel',
  logOffset: 'spec.audio.logOffset',
  recordingMean: 'spec.audio.subtractRecordingMean',
  recordingStd: 'spec.audio.recordingStd',
  topDb: 'spec.audio.topDb',
  pooling: 'spec.audio.pooling',
  speakerNorm: 'spec.audio.speakerNorm',
  valBy: 'spec.audio.valBy',
  augment: 'spec.audio.augment',
  lr: 'plan.lr',
  schedule: 'plan.schedule',
  warmup: 'plan.warmupSteps',
  clip: 'plan.clipNorm',
  optimizer: 'plan.optimizer',
  weightDecay: 'plan.weightDecay',
  evalEvery: 'plan.evalEvery',
  patience: 'plan.patience',
  restoreBest: 'plan.restoreBest',
  average: 'plan.averageDecay',
};

function at(run: { spec: unknown; plan: unknown }, path: string): unknown {
  return path.split('.').reduce<unknown>((v, k) => (v as Record<string, unknown> | undefined)?.[k], run);
}

/**
 * A resumed run continues the saved model, data split and recipe exactly. Repeating the
 * original command with --resume is fine; an option whose value differs from the saved one
 * is an error (naming both values) rather than silently ignored.
 *
 * `given`: option names (camelCase) typed on the command line, with their long flags;
 * `asGiven`: the spec and plan those options make; `saved`: the checkpoint's.
 */
export function checkResumeOptions(
  given: ReadonlyArray<{ name: string; flag: string }>,
  asGiven: { spec: DraftSpec; plan: RunPlan },
  saved: { spec: TaskSpec; plan: RunPlan },
): void {
  const changed: string[] = [];
  for (const { name, flag } of given) {
    if (RESUMABLE.has(name)) continue;
    const path = SAVED_AT[name];
    if (!path) {
      changed.push(flag);
      continue;
    }
    const want = at(asGiven, path);
    const have = at(saved, path);
    if (JSON.stringify(want) !== JSON.stringify(have)) changed.push(`${flag} (${JSON.stringify(want) ?? 'unset'}; the checkpoint has ${JSON.stringify(have) ?? 'unset'})`);
  }
  if (changed.length > 0) {
    throw new OptionError(
      `--resume continues the checkpoint's model, data split and recipe as saved, but ${changed.join(', ')} would change them; ` +
        'only --epochs, --time, --steps, --threads, --json and --quiet may differ. Start a new run with another --out to change the rest',
    );
  }
}
