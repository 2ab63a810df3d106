import { FormatError, ShapeError } from '../../../errors.js';
import type { OnnxAttribute, OnnxGraph, OnnxNode } from '../proto.js';
import { AttrType } from '../schema.js';
import type { IntValue, Value } from '../values.js';

/** Names visible from an enclosing graph (for subgraph bodies). */
export interface Scope {
  has(name: string): boolean;
  constant(name: string): Value | undefined;
}

/** A compiled node: reads its input values ('' inputs arrive as undefined), returns its outputs. */
export type Kernel = (inputs: ReadonlyArray<Value | undefined>) => Value[];

const utf8 = new TextDecoder();

/**
 * What an operator sees while it is compiled: its attributes (read with defaults and type
 * checks), which of its inputs are already known constants, and error helpers whose messages
 * name the node, so a refusal or a bad shape points at the exact place in the graph.
 */
export class NodeContext {
  readonly where: string;
  private readonly attrs = new Map<string, OnnxAttribute>();
  private readonly read = new Set<string>();

  /** Outer-scope values a subgraph body reads, fed to the kernel after the node's own inputs. */
  readonly extraInputs: string[] = [];

  constructor(
    readonly node: OnnxNode,
    readonly opset: number,
    source: string,
    private readonly constants: ReadonlyArray<Value | undefined>,
    /** Names defined so far in the enclosing graph, for subgraph bodies to refer to. */
    readonly scope: Scope,
  ) {
    this.where = `${source}: node '${node.name}' (${node.opType})`;
    for (const a of node.attribute) this.attrs.set(a.name, a);
  }

  /** A FormatError (a model recur cannot or will not run) naming the node. */
  fail(msg: string): never {
    throw new FormatError(`${this.where}: ${msg}`);
  }

  /** A ShapeError for run-time inputs that do not fit, naming the node. */
  shapeError(msg: string): never {
    throw new ShapeError(`${this.where}: ${msg}`);
  }

  get inputCount(): number {
    return this.node.input.length;
  }

  hasInput(i: number): boolean {
    return (this.node.input[i] ?? '') !== '';
  }

  /** The value of input i if it is known when loading (initializer or constant subgraph). */
  constant(i: number): Value | undefined {
    return this.constants[i];
  }

  has(name: string): boolean {
    return this.attrs.has(name);
  }

  private attr(name: string, type: number, typeName: string): OnnxAttribute | undefined {
    const a = this.attrs.get(name);
    if (a === undefined) return undefined;
    this.read.add(name);
    // type is 0 only in very old files; trust the field then.
    if (a.type !== 0 && a.type !== type) this.fail(`attribute '${name}' should be ${typeName}, got type ${a.type}`);
    return a;
  }

  int(name: string, fallback: number): number {
    return this.attr(name, AttrType.INT, 'an int')?.i ?? fallback;
  }

  float(name: string, fallback: number): number {
    return this.attr(name, AttrType.FLOAT, 'a float')?.f ?? fallback;
  }

  string(name: string, fallback: string): string {
    const s = this.attr(name, AttrType.STRING, 'a string')?.s;
    return s === undefined ? fallback : utf8.decode(s);
  }

  ints(name: string): number[] | undefined {
    const a = this.attr(name, AttrType.INTS, 'a list of ints');
    return a === undefined ? undefined : (a.ints ?? []);
  }

  floats(name: string): number[] | undefined {
    const a = this.attr(name, AttrType.FLOATS, 'a list of floats');
    return a === undefined ? undefined : (a.floats ?? []);
  }

  strings(name: string): string[] | undefined {
    const a = this.attr(name, AttrType.STRINGS, 'a list of strings');
    return a === undefined ? undefined : (a.strings ?? []).map((s) => utf8.decode(s));
  }

  graph(name: string): OnnxGraph | undefined {
    const a = this.attr(name, AttrType.GRAPH, 'a graph');
    return a?.g;
  }

  rawAttr(name: string): OnnxAttribute | undefined {
    this.read.add(name);
    return this.attrs.get(name);
  }

  /** Refuses attributes the operator did not read: silently ignoring one could change the maths. */
  rejectUnread(): void {
    const extra = [...this.attrs.keys()].filter((k) => !this.read.has(k));
    if (extra.length > 0) this.fail(`attribute(s) ${extra.map((k) => `'${k}'`).join(', ')} not supported`);
  }

  /** Normalises an axis for a tensor of `rank`, refusing out-of-range ones. */
  axis(a: number, rank: number, what = 'axis'): number {
    const k = a < 0 ? a + rank : a;
    if (!Number.isInteger(k) || k < 0 || k >= rank) this.shapeError(`${what} ${a} is out of range for rank ${rank}`);
    return k;
  }

  /** Input i as an integer tensor (axes, shapes, indices), or a shape error naming it. */
  intInput(inputs: ReadonlyArray<Value | undefined>, i: number, what: string): IntValue {
    const v = inputs[i];
    if (v === undefined) this.fail(`needs input ${i} (${what})`);
    if (v.kind !== 'int') this.shapeError(`input '${this.node.input[i]}' (${what}) must be an integer tensor`);
    return v;
  }

  floatInput(inputs: ReadonlyArray<Value | undefined>, i: number, what: string): Value & { kind: 'float' } {
    const v = inputs[i];
    if (v === undefined) this.fail(`needs input ${i} (${what})`);
    if (v.kind !== 'float') this.shapeError(`input '${this.node.input[i]}' (${what}) must be a float tensor`);
    return v;
  }

  anyInput(inputs: ReadonlyArray<Value | undefined>, i: number, what: string): Value {
    const v = inputs[i];
    if (v === undefined) this.fail(`needs input ${i} (${what})`);
    return v;
  }
}
