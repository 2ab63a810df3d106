/**
 * recur's Node-only helpers (files on disk), kept out of the browser-safe root entry.
 *
 * @example
 * import { lstm } from 'recur-nn';
 * import { loadSafetensorsFile, saveSafetensorsFile } from 'recur-nn/node';
 *
 * const layer = lstm({ inputSize: 8, hiddenSize: 32 });
 * layer.loadStateDict(await loadSafetensorsFile('weights.safetensors'), { prefix: 'rnn.' , strict: false });
 * await saveSafetensorsFile('out.safetensors', layer.stateDict());
 *
 * @module
 */
export { loadSafetensorsFile, saveSafetensorsFile, inspectSafetensorsFile } from './io/safetensors-file.js';
export { writeFileAtomic } from './io/atomic-write.js';
export { writeDirAtomic, resolveCheckpointDir, recoverDirAtomic } from './checkpoint/atomic-dir.js';
export { loadModel, startSession, resumeSession, saveSession, readCheckpointConfig, type Session, type RunPlan } from './checkpoint/session.js';
export { loadOnnxFile, saveOnnxFile } from './io/onnx/node-file.js';
export type { AtomicFileHandle, AtomicFs, AtomicWriteOptions } from './io/atomic-write.js';
