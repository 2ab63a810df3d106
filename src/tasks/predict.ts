import { withEval } from '../nn/with-eval.js';
import { tokenize, TokenVocabulary, type LabelledExample } from '../data/labelled.js';
import type { SequenceClassifier } from '../models/sequence-classifier.js';
import type { CharLm } from '../models/char-lm.js';
import type { Vocabulary } from '../data/text.js';
import { Tensor } from '../tensor/tensor.js';
import { encodeExamples, type ClassifyEncoding } from './classify.js';

/** Softmax of one row of logits. */
export function softmax(logits: ArrayLike<number>): number[] {
  let max = -Infinity;
  for (let i = 0; i < logits.length; i++) max = Math.max(max, logits[i]!);
  const e = Array.from({ length: logits.length }, (_, i) => Math.exp(logits[i]! - max));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / s);
}

/** Class probabilities for each input (text or numeric steps), encoded as in training. */
export function classify(
  model: SequenceClassifier,
  encoding: ClassifyEncoding,
  inputs: Array<Omit<LabelledExample, 'label'>>,
): Array<{ label: string; probabilities: Record<string, number> }> {
  const vocab = encoding.vocab ? new TokenVocabulary(encoding.vocab) : null;
  const items = encodeExamples(inputs.map((x) => ({ ...x, label: encoding.labels[0]! })), encoding, vocab);
  // Back to the caller's mode afterwards: a page may show predictions while training goes on.
  return withEval(model, () =>
    items.map((item) => {
      const steps = item.ids ?? item.steps!;
      const T = Math.max(1, steps.length);
      const input = item.ids
        ? Int32Array.from(item.ids.length ? item.ids : [0])
        : new Tensor(Float32Array.from(item.steps!.flat()), [T, 1, encoding.scale!.length]);
      const p = softmax(model.forward(input, T, 1, [T]).data);
      const best = p.indexOf(Math.max(...p));
      return { label: encoding.labels[best]!, probabilities: Object.fromEntries(encoding.labels.map((l, i) => [l, p[i]!])) };
    }),
  );
}

/** The most likely next characters after a text, with their probabilities. */
export function nextCharacters(model: CharLm, vocab: Vocabulary, text: string, k = 5): Array<{ char: string; p: number }> {
  return withEval(model, () => {
    const ids = vocab.encode(text.length ? text : ' ');
    const V = vocab.size;
    const logits = model.forward(ids, ids.length, 1).logits.data.subarray((ids.length - 1) * V, ids.length * V);
    return softmax(logits)
      .map((p, i) => ({ char: vocab.chars[i]!, p }))
      .sort((a, b) => b.p - a.p)
      .slice(0, k);
  });
}

/** Token sequences of texts, for display. */
export function tokensOf(text: string, encoding: ClassifyEncoding): string[] {
  return tokenize(text, encoding.tokens);
}
