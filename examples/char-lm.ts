// Character language model on the bundled Moby Dick text, through the library API:
// build the task, train with the event-emitting Trainer, evaluate, sample.
// Run: node --import tsx examples/char-lm.ts [seconds]
import { readFileSync } from 'node:fs';
import { adam, CharLmTask, Rng, Trainer } from '../src/index.js';

const seconds = Number(process.argv[2] ?? 20);
const text = readFileSync(new URL('../data/moby_dick.txt', import.meta.url), 'utf8').slice(0, 200_000);
const task = new CharLmTask(text, {
  model: { cell: 'lstm', hiddenSize: 64, numLayers: 1, dropout: 0, embeddingDim: 16 },
  batchSize: 16,
  seqLen: 32,
  valFraction: 0.05,
  testFraction: 0.05,
  maxValChars: 2000,
  seed: 1,
});
const optimizer = adam(task.model.namedParameters(), { lr: 5e-3 });
const trainer = new Trainer(task, optimizer, { timeLimitMs: seconds * 1000, schedule: 'cosine', clipNorm: 5, evalEvery: 50 });
trainer.on('evaluation', (e) => console.log(`step ${e.step}: validation ${e.validation.value.toFixed(3)} bits/char`));
await trainer.run();

const { bpc, unigram_bpc } = task.evaluate() as { bpc: number; unigram_bpc: number };
console.log(`test: ${bpc.toFixed(3)} bits/char (unigram baseline ${unigram_bpc.toFixed(3)})`);
const ids = task.model.sample({ length: 120, temperature: 0.7, prime: task.vocab.encode('The whale'), rng: new Rng(3) });
console.log(`sample: The whale${task.vocab.decode(ids)}`);
if (!(bpc < unigram_bpc)) process.exit(1);
