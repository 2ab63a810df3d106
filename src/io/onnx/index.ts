/**
 * ONNX export and import for recur's recurrent layers (browser-safe: no Node imports here;
 * file helpers live in ./node-file.js).
 *
 * @example
 * const bytes = exportOnnx(lstm({ inputSize: 3, hiddenSize: 8 }));     // Uint8Array, opset 14
 * const model = loadOnnx(bytes);
 * const { output, h_n, c_n } = model.run({ input: x, h0, c0 });
 */
export { exportOnnx, addRecurrentLayer, type OnnxExportOptions, type RecurrentGraphInputs, type RecurrentGraphOutputs } from './export/recurrent.js';
export { OnnxGraphBuilder, type AttrValue, type ModelOptions } from './export/graph-builder.js';
export { loadOnnx, SUPPORTED_ONNX_OPS, type OnnxModel, type LoadOnnxOptions } from './import/load.js';
export { decodeModel, encodeModel, type OnnxModelProto, type OnnxGraph, type OnnxNode, type OnnxTensorProto, type OnnxValueInfo, type OnnxAttribute, type OnnxDim } from './proto.js';
export { DataType as OnnxDataType } from './schema.js';
