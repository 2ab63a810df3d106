import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FormatError, OptionError } from '../../src/errors.js';
import { parseCheckpointConfig } from '../../src/checkpoint/format.js';
import { buildTask, type TaskSpec } from '../../src/tasks/build.js';
import { specProblem } from '../../src/tasks/spec-check.js';

const model = { cell: 'lstm' as const, hiddenSize: 8, numLayers: 1, dropout: 0, embeddingDim: 4, forgetBias: null };

test('specProblem: options for another task, and a highway longer than the window, in flag or field words', () => {
  assert.equal(specProblem({ kind: 'charlm', model: { highway: 3 } }, 'flags'), '--highway is for --task forecast only');
  assert.equal(specProblem({ kind: 'charlm', model: { highway: 3 } }, 'fields'), 'spec.model.highway is for forecast models, not charlm');
  assert.equal(specProblem({ kind: 'forecast', model: { bidirectional: true } }, 'flags'), '--bidirectional is for --task classify or audio only');
  assert.equal(specProblem({ kind: 'classify', model: { outputDropout: 0.2 } }, 'fields'), 'spec.model.outputDropout is for charlm models, not classify');
  // The window defaults to 12 (DEFAULT_WINDOW).
  assert.equal(specProblem({ kind: 'forecast', model: { highway: 13 } }, 'flags'), '--highway 13 reads more steps than the window has (12); use --highway <= --window');
  assert.equal(specProblem({ kind: 'forecast', model: { highway: 7 }, window: 6 }, 'fields'), 'spec.model.highway (7) reads more steps than the window has (6)');
  // Allowed: each option on its own task, false or 0 anywhere.
  assert.equal(specProblem({ kind: 'forecast', model: { highway: 12 } }, 'flags'), null);
  assert.equal(specProblem({ kind: 'classify', model: { bidirectional: true } }, 'flags'), null);
  assert.equal(specProblem({ kind: 'charlm', model: { outputDropout: 0.2, bidirectional: false, highway: 0 } }, 'flags'), null);
});

test('buildTask and checkpoint parsing refuse the same specs', () => {
  const spec: TaskSpec = { kind: 'charlm', model: { ...model, highway: 2 }, batchSize: 2, seed: 0, valFraction: 0.1, testFraction: 0.1, seqLen: 8 };
  assert.throws(() => buildTask(spec, new TextEncoder().encode('some text '.repeat(50)), 't.txt'), (e: unknown) => e instanceof OptionError && e.message === '--highway is for --task forecast only');
  const config = { format: 'recur-checkpoint', version: 1, spec, training: { trainer: { step: 0 } }, data: { path: 't.txt' }, saved: {} };
  assert.throws(() => parseCheckpointConfig(config, 'c/config.json'), (e: unknown) => e instanceof FormatError && /^c\/config\.json: spec\.model\.highway is for forecast models, not charlm;/.test(e.message));
});
