/**
 * recur: recurrent neural networks (RNN, LSTM, GRU) for Node and the browser, with
 * PyTorch's formulas, gate order, parameter names and layouts, and exact gradients.
 *
 * @example
 * import { lstm, Tensor, weightedSum } from 'recur-nn';
 *
 * const layer = lstm({ inputSize: 3, hiddenSize: 8, numLayers: 2, seed: 42 });
 * const x = new Tensor(new Float32Array(5 * 2 * 3).fill(0.1), [5, 2, 3]); // [seq, batch, features]
 * const { output, state } = layer.forward(x);    // output [5, 2, 8]; state.h, state.c [2, 2, 8]
 * weightedSum(output, new Float32Array(output.size).fill(1)).backward();
 * layer.stateDict().weight_ih_l0.grad;             // dL/dW, PyTorch layout
 *
 * @module
 */

// Tensors and randomness
export { Tensor, checkFinite, type TensorData, type GradNode } from './tensor/tensor.js';
export { Rng } from './tensor/random.js';
export { sizeOf, formatShape } from './tensor/shape.js';

// Errors (each has a stable `code`)
export { RecurError, ShapeError, OptionError, StateDictError, FormatError, NonFiniteError, IoError } from './errors.js';

// Autograd
export { noGrad, isGradEnabled } from './autograd/graph.js';
export type { ZeroGradOptions } from './autograd/zero-grad.js';
export { withEval } from './nn/with-eval.js';
export { Module, type StateDict, type TensorLike } from './nn/module.js';
export { select, stack, concatLast, swapAxes01, dropout, reshape, weightedSum, addScalars, add, lastStepsFlat } from './autograd/ops.js';

// Cells (one step) and layers (whole sequences)
export { lstmCell, type LstmCellState } from './nn/cells/lstm.js';
export { gruCell } from './nn/cells/gru.js';
export { rnnCell, type RnnCellOptions } from './nn/cells/rnn.js';
export { RecurrentCell, type CellOptions, type CellState } from './nn/cells/cell.js';
export { rnn, lstm, gru } from './nn/layers/factories.js';
export {
  RecurrentLayer,
  type RecurrentState,
  type LstmState,
  type ForwardOptions,
  type ForwardResult,
  type DirectionTrace,
} from './nn/layers/recurrent.js';
export type { RecurrentOptions, RnnOptions, LstmOptions, GruOptions } from './nn/layers/recurrent-options.js';

// Dense layers and functional ops
export { Linear, type LinearOptions } from './nn/layers/linear.js';
export { Embedding, type EmbeddingOptions } from './nn/layers/embedding.js';
export { LayerNorm, type LayerNormOptions } from './nn/layers/layer-norm.js';
export { Dropout } from './nn/layers/dropout.js';
export { linear, embedding, layerNorm, timeStep } from './autograd/nn-ops.js';

// Losses
export { crossEntropy, mse, mae, huber, type LossOptions } from './nn/losses.js';

// Training: optimisers, clipping, schedules, early stopping, metrics, the trainer
export { sgd, Sgd, type SgdOptions } from './training/optimizers/sgd.js';
export { adam, adamW, Adam, type AdamOptions } from './training/optimizers/adam.js';
export { rmsprop, Rmsprop, type RmspropOptions } from './training/optimizers/rmsprop.js';
export { BaseOptimizer, type Optimizer, type OptimizerState, type OptimizerMeta } from './training/optimizers/optimizer.js';
export { makeOptimizer, OPTIMIZER_KINDS, type OptimizerKind } from './training/optimizer-factory.js';
export type { ParamList } from './training/params.js';
export type { JsonValue } from './training/json.js';
export { clipGradNorm, clipGradValue, type ClipGradNormOptions } from './training/clip.js';
export {
  stepLR,
  cosineAnnealing,
  linearLR,
  sequential,
  warmupCosine,
  warmupFactor,
  cosineFactor,
  type LrTarget,
  type LrScheduler,
  type ClosedFormScheduler,
  type SchedulerState,
} from './training/schedules.js';
export { reduceLROnPlateau, ReduceLROnPlateau, type ReduceLROnPlateauOptions } from './training/plateau.js';
export {
  earlyStopping,
  EarlyStopping,
  type EarlyStoppingOptions,
  type EarlyStoppingResult,
  type EarlyStoppingState,
} from './training/early-stopping.js';
export {
  bitsPerCharacter,
  perplexity,
  meanSquaredError,
  rootMeanSquaredError,
  meanAbsoluteError,
  meanAbsoluteScaledError,
  accuracy,
  confusionMatrix,
  classificationReport,
  type Label,
  type ConfusionMatrix,
  type ClassScores,
  type ClassificationReport,
} from './training/metrics.js';
export {
  Trainer,
  DivergenceError,
  type TrainerOptions,
  type TrainerState,
  type TrainerEvents,
  type StepEvent,
  type TrainerOptimizer,
} from './training/trainer.js';

// Models and tasks
export { CharLm, pickNext, type CharLmConfig, type SampleOptions } from './models/char-lm.js';
export { Forecaster, type ForecasterConfig } from './models/forecaster.js';
export { SequenceClassifier, type ClassifierConfig } from './models/sequence-classifier.js';
export type { RecurrentConfig } from './models/config.js';
export { CharLmTask, defaultValFraction, type CharLmTaskOptions } from './tasks/charlm.js';
export { ForecastTask, type ForecastTaskOptions } from './tasks/forecast.js';
export { ClassifyTask, type ClassifyTaskOptions, type ClassifyEncoding } from './tasks/classify.js';
export { buildTask, resolveSpec, type DraftSpec, type TaskSpec, type SavedData } from './tasks/build.js';
export { forecastAhead } from './tasks/forecast-ahead.js';
// Logs and audio tasks (`recur train --task logs|audio`)
export { LogsTask, type LogsTaskOptions, type LogsEncoding, type ChosenThresholds } from './tasks/logs.js';
export { LogsClassifierTask, type LogsClassifierEncoding } from './tasks/logs-supervised.js';
export { EventVocabulary } from './data/logs/event-windows.js';
export { detectSessions, chooseThreshold, type EventModel, type Threshold, type Detection, type ChosenThreshold, type SessionScore } from './tasks/log-detect.js';
export { explainSession, type ExplainedEvent, type SessionExplanation } from './tasks/log-explain.js';
export { AudioTask, clipFeatures, predictClips, type AudioTaskOptions, type AudioSpec, type AudioEncoding, type AudioClip } from './tasks/audio.js';
export type { ValBy } from './tasks/audio-split.js';
export { classifyRecordings, type AudioPrediction } from './tasks/audio-predict.js';
export { speakerNormalised } from './tasks/audio-speakers.js';
export type { AudioAugment } from './tasks/audio-batch.js';

// One forecaster for many series (`recur train --series-id` / `--columns`): panels, windows across series, quantiles.
export { GlobalForecastTask, type GlobalForecastOptions } from './tasks/global-forecast.js';
export { defaultGlobalOptions, DEFAULT_QUANTILES } from './tasks/global-defaults.js';
export { forecastPanel, type GlobalPredictor, type SeriesForecast } from './tasks/global-predict.js';
export { calibrateIntervals, type IntervalCalibration } from './tasks/global-calibration.js';
export { scorePanel, baselineScores, COMPARED_METHODS, type ComparedMethod, type ScoredSeries, type PanelScores } from './tasks/global-scores.js';
export type { SeriesView } from './tasks/global-series.js';
export { longPanel, widePanel, type Panel, type LongColumns } from './data/panel.js';
export type { WindowLayout, WindowRef } from './data/panel-windows.js';
export { pinballLoss, checkQuantiles } from './nn/quantile-loss.js';
export { classify, nextCharacters, softmax } from './tasks/predict.js';
export type { Task, TaskKind, Validation, EvalReport } from './training/task.js';

// Data pipelines
export { Vocabulary, StreamBatcher, decodeText } from './data/text.js';
export { parseCsv, type CsvTable } from './data/csv.js';
export { numericColumn, fitScaler, splitByTime, detectSeason, baselineRmse, type Scaler } from './data/series.js';
export { parseLabelled, tokenize, TokenVocabulary, type LabelledExample } from './data/labelled.js';

// Audio: WAV decoding, resampling, log-mel and MFCC features matching torchaudio, normalisation
export {
  decodeWav,
  MAX_WAV_CHANNELS,
  MAX_WAV_SAMPLE_RATE,
  MIN_WAV_SAMPLE_RATE,
  type DecodedWav,
  type DecodeWavOptions,
  resample,
  type ResampleOptions,
  fft,
  realFft,
  type Fft,
  type RealFft,
  hannWindow,
  powerSpectrogram,
  forEachStftFrame,
  stftShape,
  type Frames,
  type StftOptions,
  hzToMel,
  melToHz,
  melFilterbank,
  type MelScale,
  type MelNorm,
  type MelFilterbankOptions,
  melSpectrogram,
  logMelSpectrogram,
  mfcc,
  dctMatrix,
  resolveMelOptions,
  type MelOptions,
  type LogMelOptions,
  type MfccOptions,
  type ResolvedMelOptions,
  FeatureNormaliser,
  MIN_STD,
  type FeatureNormaliserJson,
  normaliseBySpeaker,
  SPEAKER_STD_FLOOR,
  audioFeatures,
  wavFeatures,
  DEFAULT_AUDIO_RATE,
  type AudioFeatureOptions,
  specAugment,
  type SpecAugmentOptions,
  speedPerturb,
  speedRatio,
  normaliseRms,
  subtractRecordingMean,
  divideRecordingStd,
  clampDynamicRange,
  DEFAULT_RMS_LEVEL,
  vtlpWarp,
  vtlpFilterbank,
  logMelFromPower,
} from './data/audio/index.js';

// Logs: header formats, masking, the Drain parser, sessions, and detection baselines (docs/logs.md)
export {
  compileFormat,
  matchHeader,
  LOGHUB_FORMATS,
  GENERIC_FORMATS,
  detectFormat,
  makeMasker,
  DEFAULT_MASKS,
  DrainParser,
  DRAIN_DEFAULTS,
  WILDCARD as LOG_WILDCARD,
  OVERFLOW_EVENT,
  decodeLog,
  splitLogLines,
  parseLogLines,
  sessionsById,
  windowsByCount,
  windowsByTime,
  parseSessionsJsonl,
  groupingAccuracy,
  fitNgram,
  topNext,
  firstAnomaly,
  detectNgram,
  START as LOG_SESSION_START,
  END as LOG_SESSION_END,
  fitSeen,
  detectUnseen,
  scoreDetection,
  separableCeiling,
  splitSessions,
  type LogFormat,
  type DetectedFormat,
  type Mask,
  type Masker,
  type DrainOptions,
  type DrainCluster,
  type LineLimits,
  type LogLines,
  type ParsedLine,
  type ParsedLog,
  type ParseLogOptions,
  type LogSession,
  type NgramModel,
  type SeenModel,
  type DetectionScores,
  type Ceiling,
  type SessionSplit,
} from './data/logs/index.js';

// Classical forecasting: the M-competitions' benchmarks and accuracy measures, checked against R
export {
  symmetricMape,
  forecastMase,
  overallWeightedAverage,
  intervalCoverage,
  meanScaledIntervalScore,
  autocorrelation,
  seasonalityTest,
  decomposeMultiplicative,
  m4SeasonalIndices,
  nelderMead,
  fitExponentialSmoothing,
  forecastExponentialSmoothing,
  thetaClassic,
  thetaf,
  naiveForecast,
  seasonalNaiveForecast,
  m4Benchmarks,
  benchmarkForecast,
  BENCHMARK_METHODS,
  naiveInterval,
  exponentialSmoothingInterval,
  m4BenchmarkIntervals,
  normalQuantile,
  conformalRank,
  confidentConformalRank,
  conformalQuantile,
  type SeasonalityTestResult,
  type MultiplicativeDecomposition,
  type NelderMeadOptions,
  type NelderMeadResult,
  type ExponentialSmoothingFit,
  type SmoothingTrend,
  type BenchmarkMethod,
  type BenchmarkForecasts,
  type PredictionInterval,
  type IntervalMethod,
} from './forecasting/index.js';

// Kernel backends: the WASM backend starts by itself; `recur-nn/backends` has the rest
export { getBackend, setBackend, listBackends } from './kernels/backend.js';
export { initWasmBackend, ready, type WasmInitOptions } from './kernels/backend.js';
export type { WasmPaths, WasmFileName } from './kernels/wasm/kernel-files.js';
export { simdSupported } from './kernels/wasm/index.js';
export type { Backend, CellMode } from './kernels/types.js';
export type { WasmBackend, ThreadPolicy } from './kernels/wasm/index.js';

// Weights and checkpoints (ONNX is in `recur-nn/onnx`, files on disk in `recur-nn/node`)
export { readSafetensors, writeSafetensors, type ReadSafetensorsOptions, type Float32TensorLike } from './io/safetensors.js';
export { parseSafetensorsHeader, type SafetensorsHeader, type SafetensorsEntry } from './io/safetensors-header.js';
export { loadPytorchWeights, pytorchStateDict, type PrefixOptions } from './io/pytorch-models.js';
export { parseCheckpointConfig, CHECKPOINT_VERSION, type CheckpointConfig } from './checkpoint/format.js';
export { modelFromSpec, type LoadedModel } from './checkpoint/model-from-spec.js';
export type { LoadedGlobalForecaster } from './checkpoint/global-model.js';

// Types that public signatures mention (so the API reference documents them too).
export type { LabelledFields } from './data/labelled.js';
export type { TimeSplit } from './data/series.js';
export type { TextBatch } from './data/text.js';
export type { SeriesEncoding } from './data/windows.js';
export type { ResolvedRecurrentOptions } from './nn/layers/recurrent-options.js';
export type { EncodedExample } from './tasks/classify.js';
export type { PreparedSeries } from './tasks/forecast.js';
export type { BatchLoss, TaskState } from './training/task.js';
export type { AdamHyper } from './training/optimizers/adam.js';
export type { Slot } from './training/optimizers/optimizer.js';
export type { RmspropHyper } from './training/optimizers/rmsprop.js';
export type { SgdHyper } from './training/optimizers/sgd.js';
export type { CellVariant, ZoneoutMasks, LayerNormWeights, VariantGrads, VariantSequenceGrads, StepKernel, StepKernelOptions } from './kernels/types.js';
