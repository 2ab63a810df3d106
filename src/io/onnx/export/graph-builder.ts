import { OptionError } from '../../../errors.js';
import { encodeModel, type OnnxAttribute, type OnnxDim, type OnnxGraph, type OnnxModelProto, type OnnxNode, type OnnxTensorProto, type OnnxValueInfo } from '../proto.js';
import { AttrType, DataType } from '../schema.js';
import { floatTensorProto, int64TensorProto } from '../values.js';

/** An attribute value, tagged with its ONNX type (an int 1 and a float 1 differ on the wire). */
export type AttrValue =
  | { i: number }
  | { f: number }
  | { s: string }
  | { ints: readonly number[] }
  | { floats: readonly number[] }
  | { strings: readonly string[] }
  | { t: OnnxTensorProto }
  | { g: OnnxGraph };

export interface ModelOptions {
  /** Opset of the default domain. Default 14 (the first with `layout` on RNN/LSTM/GRU). */
  opset?: number;
  producerName?: string;
  producerVersion?: string;
  docString?: string;
}

const utf8 = new TextEncoder();

function toAttribute(name: string, v: AttrValue): OnnxAttribute {
  if ('i' in v) return { name, type: AttrType.INT, i: v.i };
  if ('f' in v) return { name, type: AttrType.FLOAT, f: v.f };
  if ('s' in v) return { name, type: AttrType.STRING, s: utf8.encode(v.s) };
  if ('ints' in v) return { name, type: AttrType.INTS, ints: [...v.ints] };
  if ('floats' in v) return { name, type: AttrType.FLOATS, floats: [...v.floats] };
  if ('strings' in v) return { name, type: AttrType.STRINGS, strings: v.strings.map((s) => utf8.encode(s)) };
  if ('g' in v) return { name, type: AttrType.GRAPH, g: v.g };
  return { name, type: AttrType.TENSOR, t: v.t };
}

/**
 * Builds one ONNX graph node by node. Exporters for layers and for whole models (embedding →
 * recurrent → linear head) share one builder, each adding its part and passing value names on;
 * `unique` keeps generated names from colliding.
 *
 * @example
 * const b = new OnnxGraphBuilder('head');
 * b.addInput('x', ['batch', 8]);
 * const w = b.addInitializer('fc.weight', weights, [4, 8]);
 * const [y] = b.addNode('Gemm', ['x', w], { transB: { i: 1 } });
 * b.addOutput(y!, ['batch', 4]);
 * const bytes = b.toBytes();
 */
export class OnnxGraphBuilder {
  private readonly nodes: OnnxNode[] = [];
  private readonly initializers: OnnxTensorProto[] = [];
  private readonly inputs: OnnxValueInfo[] = [];
  private readonly outputs: OnnxValueInfo[] = [];
  private readonly used: Set<string>;

  /** A `parent` makes this a subgraph builder (a Scan body) sharing its names: ONNX forbids shadowing. */
  constructor(readonly name = 'recur', parent?: OnnxGraphBuilder) {
    this.used = parent ? parent.used : new Set<string>();
  }

  /** `base`, or `base_1`, `base_2`, ... if taken; the returned name is reserved. */
  unique(base: string): string {
    let name = base;
    for (let k = 1; this.used.has(name); k++) name = `${base}_${k}`;
    this.used.add(name);
    return name;
  }

  /** A float32 constant; returns its (unique) name. */
  addInitializer(name: string, data: Float32Array, dims: readonly number[]): string {
    const n = this.unique(name);
    this.initializers.push(floatTensorProto(n, data, dims));
    return n;
  }

  /** An int64 constant (shapes, axes, permutations); returns its name. */
  addInt64Initializer(name: string, values: readonly number[], dims?: readonly number[]): string {
    const n = this.unique(name);
    this.initializers.push(int64TensorProto(n, values, dims));
    return n;
  }

  /**
   * Adds a node reading `inputs` ('' for an omitted optional input). `outputs` are names to
   * use, or a count of fresh names derived from the op type; returns the output names.
   */
  addNode(opType: string, inputs: readonly string[], attrs: Record<string, AttrValue> = {}, outputs: readonly string[] | number = 1, name?: string): string[] {
    const outs = typeof outputs === 'number' ? Array.from({ length: outputs }, (_, k) => this.unique(`${opType}_${this.nodes.length}_out${k}`)) : outputs.map((o) => (o === '' ? '' : this.claim(o)));
    let last = inputs.length;
    while (last > 0 && inputs[last - 1] === '') last--; // trailing omitted inputs may be dropped
    this.nodes.push({
      name: this.unique(name ?? `${opType}_${this.nodes.length}`),
      opType,
      domain: '',
      input: inputs.slice(0, last),
      output: outs,
      attribute: Object.entries(attrs).map(([k, v]) => toAttribute(k, v)),
    });
    return outs;
  }

  /** Declares a graph input; dims are sizes or symbolic names such as 'batch'. */
  addInput(name: string, shape: readonly OnnxDim[], elemType: number = DataType.FLOAT): string {
    this.inputs.push({ name: this.claim(name), elemType, shape: [...shape] });
    return name;
  }

  /** Declares an already produced value as a graph output. */
  addOutput(name: string, shape: readonly OnnxDim[], elemType: number = DataType.FLOAT): void {
    this.outputs.push({ name, elemType, shape: [...shape] });
  }

  private claim(name: string): string {
    if (this.used.has(name)) throw new OptionError(`OnnxGraphBuilder: the name '${name}' is already used in graph '${this.name}'`);
    this.used.add(name);
    return name;
  }

  /** The graph alone, e.g. as a subgraph attribute. */
  toGraph(): OnnxGraph {
    return { name: this.name, node: this.nodes, initializer: this.initializers, input: this.inputs, output: this.outputs };
  }

  toModel(options: ModelOptions = {}): OnnxModelProto {
    const opset = options.opset ?? 14;
    if (!Number.isInteger(opset) || opset < 14) {
      throw new OptionError(`OnnxGraphBuilder: opset must be an integer >= 14 (recurrent ops need it), got ${opset}`);
    }
    const model: OnnxModelProto = {
      // The lowest IR version that allows this opset (onnx.helper's VERSION_TABLE).
      irVersion: opset >= 21 ? 10 : opset >= 19 ? 9 : 8,
      producerName: options.producerName ?? 'recur',
      producerVersion: options.producerVersion ?? '',
      opsetImport: [{ domain: '', version: opset }],
      graph: this.toGraph(),
    };
    if (options.docString !== undefined) model.docString = options.docString;
    return model;
  }

  toBytes(options: ModelOptions = {}): Uint8Array {
    return encodeModel(this.toModel(options));
  }
}
