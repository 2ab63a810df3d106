import { FormatError, OptionError, ShapeError } from '../../../errors.js';
import { Tensor } from '../../../tensor/tensor.js';
import { compileGraph, executeGraph, type CompiledGraph, type OpCompiler } from './graph-compile.js';
import { recurrentOp } from './op-recurrent.js';
import { mathOps } from './ops-math.js';
import { shapeOps } from './ops-shape.js';
import { decodeModel, type OnnxValueInfo } from '../proto.js';
import { scanOp } from './op-scan.js';
import { floatValue, intValue, isIntType, type Value } from '../values.js';

const OPS: Record<string, OpCompiler> = {
  ...mathOps,
  ...shapeOps,
  RNN: (c) => recurrentOp(c, 'RNN'),
  LSTM: (c) => recurrentOp(c, 'LSTM'),
  GRU: (c) => recurrentOp(c, 'GRU'),
  Scan: scanOp,
};

const MAX_OUTPUTS: Record<string, number> = { RNN: 2, GRU: 2, LSTM: 3, Scan: Infinity };

/** Operators the importer runs (default ONNX domain). */
export const SUPPORTED_ONNX_OPS: readonly string[] = Object.keys(OPS).sort();

/** A loaded ONNX model, ready to run on recur's kernels. */
export interface OnnxModel {
  /** Inputs `run` needs (graph inputs without an initializer), with declared types and shapes. */
  readonly inputs: readonly OnnxValueInfo[];
  readonly outputs: readonly OnnxValueInfo[];
  /** Opset of the default domain. */
  readonly opset: number;
  readonly producer: string;
  /**
   * Runs the graph. Integer inputs (token ids, sequence lengths) are passed as Tensors too and
   * must hold integers; every output comes back as a float32 Tensor.
   */
  run(inputs: Record<string, Tensor>): Record<string, Tensor>;
}

export interface LoadOnnxOptions {
  /** Names the model in error messages (a file name, say). Default 'ONNX model'. */
  source?: string;
}

/**
 * Parses an ONNX model and compiles it for recur: RNN/LSTM/GRU nodes map onto recur's
 * kernels (weights converted to PyTorch order once), and the ops exporters put around them
 * (Gather, Gemm, MatMul, Transpose, Reshape, Slice, Softmax, ...) run in plain TypeScript, and
 * Scan runs its body graph per step (recur exports projected LSTMs that way).
 * Parts that only depend on constants are evaluated here. Anything unsupported is refused
 * now, with a FormatError naming the node, rather than when running.
 *
 * @example
 * const model = loadOnnx(bytes);
 * const { output, h_n } = model.run({ input: x });
 */
export function loadOnnx(bytes: Uint8Array, options: LoadOnnxOptions = {}): OnnxModel {
  const source = options.source ?? 'ONNX model';
  const proto = decodeModel(bytes, source);
  const opset = proto.opsetImport.find((o) => o.domain === '' || o.domain === 'ai.onnx')?.version;
  if (opset === undefined) throw new FormatError(`${source}: no opset_import for the default ONNX domain`);
  const graph = compileGraph(proto.graph, { source, opset, ops: OPS, maxOutputs: MAX_OUTPUTS }, null);
  return {
    inputs: graph.feeds,
    outputs: graph.outputs,
    opset,
    producer: `${proto.producerName} ${proto.producerVersion}`.trim(),
    run: (inputs) => runGraph(source, graph, inputs),
  };
}

function runGraph(source: string, graph: CompiledGraph, inputs: Record<string, Tensor>): Record<string, Tensor> {
  const { feeds } = graph;
  if (typeof inputs !== 'object' || inputs === null) throw new OptionError(`${source}: run() takes an object of input Tensors by name`);
  const extra = Object.keys(inputs).filter((k) => !feeds.some((f) => f.name === k));
  if (extra.length > 0) throw new OptionError(`${source}: unknown input(s) ${extra.join(', ')}; the model takes ${feeds.map((f) => f.name).join(', ')}`);
  const values = new Map<string, Value>(graph.constants);
  const dimParams = new Map<string, number>();
  for (const info of feeds) {
    const t = inputs[info.name];
    if (!(t instanceof Tensor)) throw new OptionError(`${source}: input '${info.name}' is missing (or not a Tensor)`);
    checkDeclaredShape(source, info, t.shape, dimParams);
    if (isIntType(info.elemType)) {
      for (let i = 0; i < t.size; i++) {
        if (!Number.isInteger(t.data[i])) throw new ShapeError(`${source}: input '${info.name}' must hold integers; element ${i} is ${t.data[i]}`);
      }
      values.set(info.name, intValue(Float64Array.from(t.data), t.shape));
    } else {
      values.set(info.name, floatValue(t.data, t.shape));
    }
  }
  executeGraph(graph, values);
  const result: Record<string, Tensor> = {};
  for (const o of graph.outputs) {
    const v = values.get(o.name)!;
    // Always a copy: an output may alias a caller's input or one of the model's constants.
    result[o.name] = new Tensor(v.kind === 'float' ? v.data.slice() : Float32Array.from(v.data), v.shape);
  }
  return result;
}

/** Fixed dims must match; a named dim (dim_param such as 'batch') must be the same size in every input. */
function checkDeclaredShape(source: string, info: OnnxValueInfo, shape: readonly number[], params: Map<string, number>): void {
  if (info.shape === null) return;
  const show = `[${info.shape.map((d) => d ?? '?').join(', ')}]`;
  if (shape.length !== info.shape.length) throw new ShapeError(`${source}: input '${info.name}' has shape [${shape.join(', ')}], expected ${show}`);
  info.shape.forEach((d, i) => {
    const n = shape[i]!;
    if (typeof d === 'number' && d !== n) throw new ShapeError(`${source}: input '${info.name}' has shape [${shape.join(', ')}], expected ${show}`);
    if (typeof d === 'string') {
      const seen = params.get(d);
      if (seen !== undefined && seen !== n) throw new ShapeError(`${source}: input '${info.name}' has ${d} = ${n}, but another input has ${d} = ${seen}`);
      params.set(d, n);
    }
  });
}
