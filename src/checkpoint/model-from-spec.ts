import { FormatError } from '../errors.js';
import type { Module } from '../nn/module.js';
import { Vocabulary } from '../data/text.js';
import type { SeriesEncoding } from '../data/windows.js';
import { DEFAULT_WINDOW, featureCount } from '../data/windows.js';
import { CharLm } from '../models/char-lm.js';
import { Forecaster } from '../models/forecaster.js';
import { SequenceClassifier } from '../models/sequence-classifier.js';
import type { TaskSpec } from '../tasks/build.js';
import { isGlobalSpec } from '../tasks/build-global.js';
import { globalModelFromSpec, type LoadedGlobalForecaster } from './global-model.js';
import type { ClassifyEncoding } from '../tasks/classify.js';
import type { LogsEncoding } from '../tasks/logs.js';
import type { LogsClassifierEncoding } from '../tasks/logs-supervised.js';
import { poolingOf, type AudioEncoding, type AudioSpec } from '../tasks/audio.js';
import { FeatureNormaliser } from '../data/audio/index.js';

/** A trained model with what is needed to encode its inputs, rebuilt without the training data. */
export type LoadedModel =
  | { kind: 'charlm'; model: CharLm; vocab: Vocabulary }
  | { kind: 'forecast'; model: Forecaster; encoding: SeriesEncoding; names: string[]; season: number; window: number; horizon: number }
  | LoadedGlobalForecaster
  | { kind: 'classify'; model: SequenceClassifier; encoding: ClassifyEncoding }
  | { kind: 'logs'; model: CharLm; encoding: LogsEncoding }
  | { kind: 'logsClassifier'; model: SequenceClassifier; encoding: LogsClassifierEncoding }
  | { kind: 'audio'; model: SequenceClassifier; encoding: AudioEncoding; audio: AudioSpec };

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
      if (isGlobalSpec(spec)) return globalModelFromSpec(spec, saved, source);
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
    case 'logs': {
      if (spec.supervised) {
        // --supervised: a classifier of whole sessions over the same event ids (LogsClassifierTask).
        const enc = saved.encoding as LogsClassifierEncoding | undefined;
        if (!enc || !Array.isArray(enc.events) || enc.events.some((e) => typeof e !== 'string')) return fail('saved.encoding.events must be a list of event names');
        if (!(typeof enc.cut === 'number' && enc.cut >= 0 && enc.cut <= 1)) return fail('saved.encoding.cut must be a probability');
        const model = new SequenceClassifier({ ...spec.model, vocabSize: enc.events.length + 4, inputSize: 0, numClasses: 2 }, spec.seed);
        return { kind: 'logsClassifier', model, encoding: enc };
      }
      const encoding = saved.encoding as LogsEncoding | undefined;
      if (!encoding || !Array.isArray(encoding.events) || encoding.events.some((e) => typeof e !== 'string')) return fail('saved.encoding.events must be a list of event names');
      if (!Number.isInteger(encoding.history) || encoding.history < 1 || encoding.history > 1 << 16) return fail('saved.encoding.history must be a positive integer');
      const t = encoding.threshold?.threshold;
      if (!t || !(t.kind === 'top' ? Number.isInteger(t.g) && t.g >= 1 : t.kind === 'probability' && t.p >= 0 && t.p <= 1)) return fail('saved.encoding.threshold is missing or malformed');
      // 4 reserved ids (padding, unknown, start, end) before the events.
      return { kind: 'logs', model: new CharLm({ ...spec.model, vocabSize: encoding.events.length + 4 }, spec.seed), encoding };
    }
    case 'audio': {
      const encoding = saved.encoding as AudioEncoding | undefined;
      if (!encoding || !Array.isArray(encoding.labels) || encoding.labels.length < 2 || !Array.isArray(encoding.trainCounts)) return fail('saved.encoding is missing or malformed');
      if (typeof spec.audio !== 'object' || spec.audio === null) return fail("missing 'spec.audio'");
      const inputSize = FeatureNormaliser.fromJSON(encoding.normaliser, `${source}: saved.encoding.normaliser`).width;
      const model = new SequenceClassifier({ ...spec.model, vocabSize: 0, embeddingDim: 0, inputSize, numClasses: encoding.labels.length, ...poolingOf(spec.audio) }, spec.seed);
      return { kind: 'audio', model, encoding, audio: spec.audio };
    }
    default:
      return fail(`unknown task kind '${String((spec as { kind: unknown }).kind)}'`);
  }
}

/** The module of a loaded model. */
export function moduleOf(m: LoadedModel): Module {
  return m.model;
}
