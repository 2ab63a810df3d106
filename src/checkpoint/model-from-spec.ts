import { FormatError } from '../errors.js';
import type { Module } from '../nn/module.js';
import { Vocabulary } from '../data/text.js';
import type { SeriesEncoding } from '../data/windows.js';
import { DEFAULT_WINDOW, featureCount } from '../data/windows.js';
import { CharLm } from '../models/char-lm.js';
import { Forecaster } from '../models/forecaster.js';
import { SequenceClassifier } from '../models/sequence-classifier.js';
import type { TaskSpec } from '../tasks/build.js';
import type { ClassifyEncoding } from '../tasks/classify.js';

/** A trained model with what is needed to encode its inputs, rebuilt without the training data. */
export type LoadedModel =
  | { kind: 'charlm'; model: CharLm; vocab: Vocabulary }
  | { kind: 'forecast'; model: Forecaster; encoding: SeriesEncoding; names: string[]; season: number; window: number; horizon: number }
  | { kind: 'classify'; model: SequenceClassifier; encoding: ClassifyEncoding };

/**
 * Builds the model a checkpoint's spec and saved data describe (weights still to be loaded
 * with `loadStateDict`). Works in browsers: the visualiser opens checkpoints with it.
 */
export function modelFromSpec(spec: TaskSpec, saved: Record<string, unknown>, source: string): LoadedModel {
  const fail = (what: string): never => {
    throw new FormatError(`${source}: ${what}`);
  };
  switch (spec.kind) {
    case 'charlm': {
      const chars = saved.vocab;
      if (!Array.isArray(chars) || chars.length === 0 || chars.some((c) => typeof c !== 'string')) return fail("saved.vocab must be a list of characters");
      const vocab = new Vocabulary(chars as string[], typeof saved.unknown === 'number' ? saved.unknown : 0);
      return { kind: 'charlm', model: new CharLm({ ...spec.model, vocabSize: vocab.size }, spec.seed), vocab };
    }
    case 'forecast': {
      const encoding = saved.encoding as SeriesEncoding | undefined;
      if (!encoding || typeof encoding.level?.std !== 'number' || !Array.isArray(encoding.extras)) return fail('saved.encoding is missing or malformed');
      const names = saved.names as string[];
      const horizon = spec.horizon ?? 1;
      const model = new Forecaster({ ...spec.model, inputSize: featureCount(encoding), horizon }, spec.seed);
      return { kind: 'forecast', model, encoding, names, season: Number(saved.season) || 1, window: spec.window ?? DEFAULT_WINDOW, horizon };
    }
    case 'classify': {
      const encoding = saved.encoding as ClassifyEncoding | undefined;
      if (!encoding || !Array.isArray(encoding.labels)) return fail('saved.encoding is missing or malformed');
      const model = new SequenceClassifier(
        {
          ...spec.model,
          vocabSize: encoding.vocab ? encoding.vocab.length + 1 : 0,
          inputSize: encoding.scale ? encoding.scale.length : 0,
          numClasses: encoding.labels.length,
        },
        spec.seed,
      );
      return { kind: 'classify', model, encoding };
    }
    default:
      return fail(`unknown task kind '${String((spec as { kind: unknown }).kind)}'`);
  }
}

/** The module of a loaded model. */
export function moduleOf(m: LoadedModel): Module {
  return m.model;
}
