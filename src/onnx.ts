/**
 * ONNX export and import, kept out of the root entry so that a page using only layers never
 * loads the protobuf decoder. Export writes standard ONNX RNN/LSTM/GRU nodes (PyTorch's
 * weights reordered to ONNX's gate order); import runs a graph of the supported operators.
 *
 * @example
 * import { lstm } from 'recur-nn';
 * import { exportOnnx, loadOnnx } from 'recur-nn/onnx';
 *
 * const layer = lstm({ inputSize: 4, hiddenSize: 8 });
 * const bytes = exportOnnx(layer);
 * const model = loadOnnx(bytes);          // runs in recur, or serve `bytes` with ONNX Runtime
 *
 * @module
 */
export {
  exportOnnx,
  addRecurrentLayer,
  OnnxGraphBuilder,
  loadOnnx,
  SUPPORTED_ONNX_OPS,
  type OnnxExportOptions,
  type OnnxModel,
  type LoadOnnxOptions,
} from './io/onnx/index.js';
export { exportModelOnnx, type ModelExportOptions, type ExportableModel } from './io/onnx/export/model.js';
export type { RecurrentGraphInputs, RecurrentGraphOutputs } from './io/onnx/export/recurrent.js';
export type { AttrValue, ModelOptions } from './io/onnx/export/graph-builder.js';
export type { OnnxAttribute, OnnxDim, OnnxGraph, OnnxModelProto, OnnxNode, OnnxOpsetId, OnnxTensorProto, OnnxValueInfo } from './io/onnx/proto.js';
