// Sequence classification: guess whether a first name is on the female or the male list
// (names on both lists removed), reading it character by character.
// Run: node --import tsx examples/classify.ts [epochs]
import { readFileSync } from 'node:fs';
import { classify, ClassifyTask, makeOptimizer, Trainer, type LabelledExample } from '../src/index.js';

const epochs = Number(process.argv[2] ?? 5);
const read = (f: string) => readFileSync(new URL(`../data/${f}`, import.meta.url), 'utf8').split('\n').filter(Boolean);
const female = read('names_female.txt');
const male = read('names_male.txt');
const both = new Set(female.filter((n) => male.includes(n)));
const examples: LabelledExample[] = [
  ...female.filter((n) => !both.has(n)).map((text) => ({ text, label: 'female' })),
  ...male.filter((n) => !both.has(n)).map((text) => ({ text, label: 'male' })),
];
const task = new ClassifyTask(examples, {
  model: { cell: 'gru', hiddenSize: 32, numLayers: 1, dropout: 0, embeddingDim: 16, bidirectional: true },
  tokens: 'char',
  maxLen: 20,
  batchSize: 32,
  testFraction: 0.2,
  valFraction: 0.1,
  seed: 0,
});
const optimizer = makeOptimizer('adam', task.model.namedParameters(), 5e-3);
await new Trainer(task, optimizer, { epochs, schedule: 'cosine', clipNorm: 5 }).run();
const m = task.evaluate();
console.log(`accuracy ${(m.accuracy as number).toFixed(3)} (majority class ${(m.majority_accuracy as number).toFixed(3)})`);
for (const r of classify(task.model, task.encoding, [{ text: 'Annabella' }, { text: 'Bartholomew' }])) {
  console.log(`${r.label} ${r.probabilities[r.label]!.toFixed(2)}`);
}
if (!((m.accuracy as number) > 0.75)) process.exit(1);
