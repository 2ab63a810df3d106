import { FormatError } from '../../errors.js';
import { modelProtoType } from './schema.js';

/**
 * Plain, typed views of the ONNX messages recur reads and writes, and their (de)serialisation.
 * Decoding is defensive: protobufjs checks every length against the buffer end (so no read
 * past it and no allocation beyond the input's size), and the conversion below checks every
 * field's type, so later code can trust these shapes.
 */

export interface OnnxTensorProto {
  name: string;
  dims: number[];
  dataType: number;
  rawData?: Uint8Array;
  floatData?: number[];
  int32Data?: number[];
  int64Data?: number[];
  doubleData?: number[];
  /** True when the values live in an external file (not supported by recur). */
  external?: boolean;
}

export interface OnnxAttribute {
  name: string;
  type: number;
  f?: number;
  i?: number;
  s?: Uint8Array;
  t?: OnnxTensorProto;
  /** A subgraph (a Scan body). */
  g?: OnnxGraph;
  floats?: number[];
  ints?: number[];
  strings?: Uint8Array[];
}

export interface OnnxNode {
  name: string;
  opType: string;
  domain: string;
  input: string[];
  output: string[];
  attribute: OnnxAttribute[];
}

/** A dimension: a fixed size, a symbolic name (dim_param), or null when unknown. */
export type OnnxDim = number | string | null;

export interface OnnxValueInfo {
  name: string;
  /** TensorProto.DataType of the elements (0 when not given). */
  elemType: number;
  /** null when the shape is not given. */
  shape: OnnxDim[] | null;
}

export interface OnnxGraph {
  name: string;
  node: OnnxNode[];
  initializer: OnnxTensorProto[];
  input: OnnxValueInfo[];
  output: OnnxValueInfo[];
}

export interface OnnxOpsetId {
  domain: string;
  version: number;
}

export interface OnnxModelProto {
  irVersion: number;
  producerName: string;
  producerVersion: string;
  docString?: string;
  opsetImport: OnnxOpsetId[];
  graph: OnnxGraph;
}

/** Serialises a model to ONNX protobuf bytes. */
export function encodeModel(model: OnnxModelProto): Uint8Array {
  const type = modelProtoType();
  const obj = { ...model, graph: graphToWire(model.graph) };
  // Copy: in Node, protobufjs writes into a pooled Buffer that later encodes would overwrite.
  return new Uint8Array(type.encode(type.fromObject(obj)).finish());
}

function graphToWire(g: OnnxGraph): object {
  return {
    ...g,
    node: g.node.map((n) => ({ ...n, attribute: n.attribute.map((a) => (a.g ? { ...a, g: graphToWire(a.g) } : a)) })),
    initializer: g.initializer.map(({ external, ...t }) => (external ? { ...t, dataLocation: 1 } : t)),
    input: g.input.map(valueInfoToWire),
    output: g.output.map(valueInfoToWire),
  };
}

function valueInfoToWire(v: OnnxValueInfo): object {
  const shape = v.shape === null ? undefined : { dim: v.shape.map((d) => (typeof d === 'number' ? { dimValue: d } : d === null ? {} : { dimParam: d })) };
  return { name: v.name, type: { tensorType: { elemType: v.elemType, shape } } };
}

/** Parses ONNX protobuf bytes; `source` (a file name, say) prefixes every error message. */
export function decodeModel(bytes: Uint8Array, source = 'ONNX model'): OnnxModelProto {
  if (!(bytes instanceof Uint8Array)) throw new FormatError(`${source}: expected the model as a Uint8Array`);
  if (bytes.length === 0) throw new FormatError(`${source}: the file is empty`);
  const type = modelProtoType();
  let raw: unknown;
  try {
    raw = type.toObject(type.decode(bytes), { longs: Number, arrays: true });
  } catch (e) {
    const why = e instanceof Error ? e.message : String(e);
    throw new FormatError(`${source}: not a valid ONNX protobuf, the bytes are truncated or corrupted (${why})`);
  }
  return new Reader(source).model(raw);
}

type Obj = Record<string, unknown>;

/** Checks the decoded object field by field; every problem names where it was found. */
class Reader {
  /** How deep subgraphs (Scan bodies) may nest: a guard against stack exhaustion by crafted files. */
  private static readonly MAX_DEPTH = 8;
  private depth = 0;

  constructor(private readonly source: string) {}

  private fail(where: string, msg: string): never {
    throw new FormatError(`${this.source}: ${where}: ${msg}`);
  }

  private obj(v: unknown, where: string): Obj {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) this.fail(where, 'expected a message');
    return v as Obj;
  }

  private str(o: Obj, key: string): string {
    const v = o[key];
    return typeof v === 'string' ? v : '';
  }

  private num(o: Obj, key: string, where: string): number {
    const v = o[key] ?? 0;
    if (typeof v !== 'number' || Number.isNaN(v)) this.fail(where, `field ${key} is not a number`);
    return v;
  }

  private list(o: Obj, key: string): unknown[] {
    const v = o[key];
    return Array.isArray(v) ? v : [];
  }

  private nums(o: Obj, key: string, where: string): number[] | undefined {
    const v = o[key];
    if (!Array.isArray(v) || v.length === 0) return undefined;
    for (const x of v) if (typeof x !== 'number') this.fail(where, `field ${key} holds a non-number`);
    return v as number[];
  }

  private bytes(v: unknown, where: string): Uint8Array {
    if (!(v instanceof Uint8Array)) this.fail(where, 'expected bytes');
    return v;
  }

  model(raw: unknown): OnnxModelProto {
    const m = this.obj(raw, 'model');
    if (m.graph === undefined) this.fail('model', 'no graph (is this an ONNX model file?)');
    const opsetImport = this.list(m, 'opsetImport').map((o, k) => {
      const op = this.obj(o, `opset_import[${k}]`);
      return { domain: this.str(op, 'domain'), version: this.num(op, 'version', `opset_import[${k}]`) };
    });
    const out: OnnxModelProto = {
      irVersion: this.num(m, 'irVersion', 'model'),
      producerName: this.str(m, 'producerName'),
      producerVersion: this.str(m, 'producerVersion'),
      opsetImport,
      graph: this.graph(m.graph),
    };
    if (typeof m.docString === 'string') out.docString = m.docString;
    return out;
  }

  private graph(raw: unknown): OnnxGraph {
    const g = this.obj(raw, 'graph');
    return {
      name: this.str(g, 'name'),
      node: this.list(g, 'node').map((n, k) => this.node(n, k)),
      initializer: this.list(g, 'initializer').map((t, k) => this.tensor(t, `initializer[${k}]`)),
      input: this.list(g, 'input').map((v, k) => this.valueInfo(v, `graph input[${k}]`)),
      output: this.list(g, 'output').map((v, k) => this.valueInfo(v, `graph output[${k}]`)),
    };
  }

  private node(raw: unknown, k: number): OnnxNode {
    const n = this.obj(raw, `node[${k}]`);
    const name = this.str(n, 'name');
    const opType = this.str(n, 'opType');
    const where = `node '${name || `#${k}`}' (${opType || 'no op_type'})`;
    if (opType === '') this.fail(where, 'has no op_type');
    const strings = (key: string): string[] =>
      this.list(n, key).map((s) => (typeof s === 'string' ? s : this.fail(where, `${key} holds a non-string`)));
    return {
      name: name || `#${k}`,
      opType,
      domain: this.str(n, 'domain'),
      input: strings('input'),
      output: strings('output'),
      attribute: this.list(n, 'attribute').map((a) => this.attribute(a, where)),
    };
  }

  private attribute(raw: unknown, nodeWhere: string): OnnxAttribute {
    const a = this.obj(raw, `${nodeWhere} attribute`);
    const name = this.str(a, 'name');
    const where = `${nodeWhere} attribute '${name}'`;
    const out: OnnxAttribute = { name, type: this.num(a, 'type', where) };
    if (typeof a.f === 'number') out.f = a.f;
    if (typeof a.i === 'number') out.i = a.i;
    if (a.s !== undefined) out.s = this.bytes(a.s, where);
    if (a.t !== undefined) out.t = this.tensor(a.t, `${where} tensor`);
    if (a.g !== undefined) {
      if (++this.depth > Reader.MAX_DEPTH) this.fail(where, `subgraphs nest deeper than ${Reader.MAX_DEPTH} levels`);
      out.g = this.graph(a.g);
      this.depth--;
    }
    const floats = this.nums(a, 'floats', where);
    if (floats) out.floats = floats;
    const ints = this.nums(a, 'ints', where);
    if (ints) out.ints = ints;
    const strings = this.list(a, 'strings');
    if (strings.length > 0) out.strings = strings.map((s) => this.bytes(s, where));
    return out;
  }

  private tensor(raw: unknown, fallback: string): OnnxTensorProto {
    const t = this.obj(raw, fallback);
    const name = this.str(t, 'name');
    const where = name ? `tensor '${name}'` : fallback;
    const out: OnnxTensorProto = {
      name,
      dims: this.nums(t, 'dims', where) ?? [],
      dataType: this.num(t, 'dataType', where),
    };
    if (t.rawData !== undefined) out.rawData = this.bytes(t.rawData, where);
    const fd = this.nums(t, 'floatData', where);
    if (fd) out.floatData = fd;
    const i32 = this.nums(t, 'int32Data', where);
    if (i32) out.int32Data = i32;
    const i64 = this.nums(t, 'int64Data', where);
    if (i64) out.int64Data = i64;
    const dd = this.nums(t, 'doubleData', where);
    if (dd) out.doubleData = dd;
    if (this.num(t, 'dataLocation', where) === 1 || this.list(t, 'externalData').length > 0) out.external = true;
    return out;
  }

  private valueInfo(raw: unknown, fallback: string): OnnxValueInfo {
    const v = this.obj(raw, fallback);
    const name = this.str(v, 'name');
    const where = name ? `value '${name}'` : fallback;
    if (name === '') this.fail(where, 'has no name');
    const type = v.type === undefined ? {} : this.obj(v.type, where);
    const tt = type.tensorType === undefined ? null : this.obj(type.tensorType, where);
    if (tt === null) return { name, elemType: 0, shape: null };
    const shapeObj = tt.shape === undefined ? null : this.obj(tt.shape, where);
    const shape =
      shapeObj === null
        ? null
        : this.list(shapeObj, 'dim').map((d): OnnxDim => {
            const dim = this.obj(d, where);
            if (typeof dim.dimValue === 'number') return dim.dimValue;
            if (typeof dim.dimParam === 'string' && dim.dimParam !== '') return dim.dimParam;
            return null;
          });
    return { name, elemType: this.num(tt, 'elemType', where), shape };
  }
}
