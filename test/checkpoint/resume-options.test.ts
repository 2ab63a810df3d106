import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildProgram } from '../../src/cli/main.js';
import { checkResumeOptions, RESUMABLE, SAVED_AT } from '../../src/checkpoint/resume-options.js';
import { OptionError } from '../../src/index.js';
import type { RunPlan } from '../../src/checkpoint/session.js';
import type { TaskSpec } from '../../src/tasks/build.js';

test('every option of recur train is either applied by --resume or checked against the checkpoint', () => {
  const train = buildProgram().commands.find((c) => c.name() === 'train')!;
  const names = train.options.map((o) => o.attributeName());
  assert.ok(names.length > 40, `${names.length} options`);
  const unaccounted = names.filter((n) => !RESUMABLE.has(n) && !(n in SAVED_AT));
  assert.deepEqual(unaccounted, []);
  for (const n of Object.keys(SAVED_AT)) assert.ok(names.includes(n), `SAVED_AT names an option train does not have: ${n}`);
});

test('checkResumeOptions: the same values pass; a changed or unknown option is named with both values', () => {
  const spec = { kind: 'forecast', model: { cell: 'lstm', hiddenSize: 32, numLayers: 1, dropout: 0, embeddingDim: 0, highway: 12 }, batchSize: 16, seed: 0, valFraction: 0.1, testFraction: 1 / 3, seqLen: 24 } as TaskSpec;
  const plan = { lr: 0.01, schedule: 'cosine', warmupSteps: 0, clipNorm: 5, evalEvery: 0, patience: 0, optimizer: 'adam', restoreBest: true, averageDecay: 0.99 } as RunPlan;
  const same = [{ name: 'hidden', flag: '--hidden' }, { name: 'highway', flag: '--highway' }, { name: 'lr', flag: '--lr' }, { name: 'epochs', flag: '--epochs' }];
  checkResumeOptions(same, { spec, plan }, { spec, plan });
  const changed = { spec: { ...spec, model: { ...spec.model, hiddenSize: 64 } }, plan: { ...plan, lr: 0.1 } };
  assert.throws(
    () => checkResumeOptions(same, changed, { spec, plan }),
    (e: unknown) => e instanceof OptionError && /--hidden \(64; the checkpoint has 32\), --lr \(0\.1; the checkpoint has 0\.01\) would change them/.test(e.message),
  );
  assert.throws(() => checkResumeOptions([{ name: 'brandNew', flag: '--brand-new' }], { spec, plan }, { spec, plan }), /--brand-new would change them/);
});
