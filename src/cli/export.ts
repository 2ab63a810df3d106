import type { Command } from 'commander';
import { IoError, OptionError, RecurError } from '../errors.js';
import { writeFileAtomic } from '../io/atomic-write.js';
import { exportModelOnnx } from '../io/onnx/export/model.js';
import { pytorchStateDict } from '../io/pytorch-models.js';
import { saveSafetensorsFile } from '../io/safetensors-file.js';
import type { LoadedModel } from '../checkpoint/model-from-spec.js';
import { parsePositiveInt } from './parse.js';
import { loadModel } from '../checkpoint/session.js';
import { audioFeatureRecipe } from '../tasks/audio-recipe.js';

interface ExportOptions {
  onnx?: string;
  safetensors?: string;
  softmax?: boolean;
  opset?: number;
  prefix?: string;
}

/** What a runtime needs beside the graph to encode inputs and decode outputs (vocabulary, scaling, labels). */
function decodingInfo(loaded: LoadedModel): Record<string, unknown> {
  switch (loaded.kind) {
    case 'charlm':
      return { task: 'charlm', vocab: loaded.vocab.chars, unknown: loaded.vocab.unknown };
    case 'forecast':
      return { task: 'forecast', encoding: loaded.encoding, names: loaded.names, window: loaded.window, horizon: loaded.horizon };
    case 'classify':
      return { task: 'classify', encoding: loaded.encoding };
    case 'logs':
      // Ids 0-3 are padding, unknown, start and end; the events follow (see EventVocabulary).
      return { task: 'logs', encoding: loaded.encoding };
    case 'logsClassifier':
      // Input: START, event ids, END (ids as for logs); output: logits of [normal, anomaly].
      return { task: 'logs', supervised: true, encoding: loaded.encoding };
    case 'globalForecast': {
      // How to deseasonalise, normalise and decode each series (README, "Time-series forecasting").
      const { layout, quantiles, calibration, intervalScale, deseasonalise } = loaded.predictor;
      const widths = calibration ? { calibration } : intervalScale !== undefined ? { intervalScale } : {};
      return { task: 'forecast', global: { layout, quantiles, ...widths, deseasonalise: deseasonalise ?? true, output: 'horizon x quantiles, step-major' } };
    }
    case 'audio':
      // The graph reads normalised feature frames: the whole front end travels with it.
      return { task: 'audio', features: audioFeatureRecipe(loaded.audio, loaded.encoding) };
  }
}

/** Writes through `write`, turning file-system failures into a message naming the file. */
async function writeOutput(path: string, write: () => Promise<void>): Promise<void> {
  try {
    await write();
  } catch (e) {
    if (e instanceof RecurError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'its folder does not exist' : code === 'EACCES' ? 'permission denied' : code === 'EISDIR' ? 'it is a directory' : (e as Error).message;
    throw new IoError(`${path}: cannot write the export (${why})`);
  }
}

/** Refuses option combinations that mean nothing, before any work is done. */
function checkCombination(dir: string, o: ExportOptions): void {
  if (o.onnx === undefined && o.safetensors === undefined) {
    throw new OptionError(`export ${dir}: say what to write: --onnx <file.onnx> and/or --safetensors <file.safetensors>`);
  }
  if (o.onnx === undefined && (o.softmax || o.opset !== undefined)) {
    throw new OptionError('export: --softmax and --opset apply to --onnx only');
  }
  if (o.safetensors === undefined && o.prefix !== undefined) {
    throw new OptionError('export: --prefix applies to --safetensors only (ONNX initializers keep their own names)');
  }
  if (o.opset !== undefined && o.opset < 14) {
    throw new OptionError(`export: --opset ${o.opset} is too old; ONNX recurrent layers with recur's layout need opset 14 or later`);
  }
}

/**
 * `recur export DIR --onnx model.onnx` (a whole model for onnxruntime) and
 * `recur export DIR --safetensors out.safetensors` (PyTorch state_dict names, for load_state_dict).
 */
export function registerExport(program: Command): void {
  program
    .command('export')
    .description('export a checkpoint as an ONNX model and/or as PyTorch weights (safetensors)')
    .argument('<dir>', 'checkpoint directory from recur train')
    .option('--onnx <file>', 'write the whole model as ONNX (runs in onnxruntime)')
    .option('--softmax', 'ONNX: add a probabilities output (charlm, classify)')
    .option('--opset <n>', 'ONNX: opset version (default 14)', parsePositiveInt)
    .option('--safetensors <file>', 'write the weights under PyTorch state_dict names')
    .option('--prefix <p>', "safetensors: prepend to every name, e.g. 'model.' or 'module.'")
    .action(async (dir: string, o: ExportOptions) => {
      checkCombination(dir, o);
      const { config, loaded } = await loadModel(dir);
      if (o.softmax && (loaded.kind === 'forecast' || loaded.kind === 'globalForecast')) {
        throw new OptionError(`export: --softmax does not apply to ${dir}: it holds a forecast model, whose outputs are values, not classes`);
      }
      const model = loaded.model;
      const info = decodingInfo(loaded);
      const { onnx, safetensors } = o;
      if (onnx !== undefined) {
        const bytes = exportModelOnnx(model, {
          softmax: o.softmax ?? false,
          ...(o.opset !== undefined ? { opset: o.opset } : {}),
          producerVersion: config.recurVersion,
          // The graph takes ids and scaled values: the vocabulary and scaling travel with it.
          docString: JSON.stringify({ recur: info }),
        });
        await writeOutput(onnx, () => writeFileAtomic(onnx, bytes));
        console.log(`wrote ${onnx}: ${loaded.kind} model as ONNX opset ${o.opset ?? 14}, ${bytes.length.toLocaleString('en-US')} bytes`);
      }
      if (safetensors !== undefined) {
        const tensors = pytorchStateDict(model, { prefix: o.prefix ?? '' });
        const metadata = { format: 'pt', task: loaded.kind, config: JSON.stringify(model.config), recur: JSON.stringify(info) };
        await writeOutput(safetensors, () => saveSafetensorsFile(safetensors, tensors, metadata));
        const names = Object.keys(tensors);
        console.log(`wrote ${safetensors}: ${names.length} tensors (${names[0]}, ...) for PyTorch load_state_dict`);
      }
    });
}
