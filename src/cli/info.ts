import { statSync } from 'node:fs';
import type { Command } from 'commander';
import { describeSafetensors } from './info-safetensors.js';
import { loadModel } from '../checkpoint/session.js';
import { audioFeatureRecipe } from '../tasks/audio-recipe.js';
import type { AudioSpec } from '../tasks/audio.js';
import { describeCalibration, intervalPairs } from '../tasks/global-calibration.js';
import { medianIndex } from '../tasks/global-predict.js';

/** How an audio model's files were labelled, grouped and split, as the flags that say so. */
function namingOf(a: AudioSpec): Record<string, string> {
  const out: Record<string, string> = {};
  if (a.labelPattern !== undefined) out.labelPattern = a.labelPattern;
  else out.labels = 'first folder level';
  if (a.groupPattern !== undefined) out.groupPattern = a.groupPattern;
  if (a.testPattern !== undefined) out.testPattern = a.testPattern;
  return out;
}

export function registerInfo(program: Command): void {
  program
    .command('info')
    .description('describe a checkpoint directory, or list the tensors of a .safetensors file (header only)')
    .argument('<path>', 'checkpoint directory or .safetensors file')
    .option('--json', 'print as JSON (checkpoints)')
    .action(async (path: string, o: { json?: boolean }) => {
      let isFile = false;
      try {
        isFile = statSync(path).isFile();
      } catch {
        // not there: loadModel explains below (it also recovers an interrupted save)
      }
      if (isFile) {
        console.log(describeSafetensors(path));
        return;
      }
      const { config, loaded } = await loadModel(path);
      const m = config.spec.model;
      const t = config.training.trainer;
      const info = {
        task: config.spec.kind,
        model: `${m.numLayers}x${m.hiddenSize} ${m.cell.toUpperCase()}${m.bidirectional ? ' bidirectional' : ''}${m.highway ? `, highway over the last ${m.highway} steps` : ''}`,
        parameters: loaded.model.parameterCount(),
        data: config.data.path,
        steps: t.step,
        epochs: Number((t.epoch + 0).toFixed(0)),
        trainingTime: `${Math.round(t.elapsedMs / 1000)} s`,
        bestValidation: t.best,
        optimizer: config.training.optimizer.kind,
        metrics: config.metrics ?? null,
        // Audio: the feature front end a server must reproduce (without the normaliser's numbers).
        ...(loaded.kind === 'audio' ? { features: audioFeatureRecipe(loaded.audio, loaded.encoding).settings, labels: loaded.encoding.labels, naming: namingOf(loaded.audio) } : {}),
        // Many series: how the forecast intervals were calibrated (an older checkpoint: not).
        ...(loaded.kind === 'globalForecast' ? { intervals: describeCalibration(loaded.predictor.calibration, loaded.predictor.intervalScale, intervalPairs(loaded.predictor.quantiles, medianIndex(loaded.predictor.quantiles)).length > 0) } : {}),
        saved: config.createdAt,
        recur: config.recurVersion,
      };
      if (o.json) {
        console.log(JSON.stringify(info));
        return;
      }
      for (const [k, v] of Object.entries(info)) {
        console.log(`${k.padEnd(15)} ${typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v)}`);
      }
      console.log(`${'tensors'.padEnd(15)} ${loaded.model.namedParameters().map(([n, p]) => `${n} [${p.shape.join(', ')}]`).join(', ')}`);
    });
}
