import { FormatError } from '../../../errors.js';
import { NodeContext, type Kernel, type Scope } from './node-context.js';
import type { OnnxGraph, OnnxValueInfo } from '../proto.js';
import { isFloatType, isIntType, valueFromTensorProto, type Value } from '../values.js';

/** Compiles an operator node; `env` lets subgraph operators (Scan) compile their bodies. */
export type OpCompiler = (ctx: NodeContext, env: CompileEnv) => Kernel;

export interface CompileEnv {
  readonly source: string;
  readonly opset: number;
  readonly ops: Readonly<Record<string, OpCompiler>>;
  /** Most outputs per operator; 1 when not listed. */
  readonly maxOutputs: Readonly<Record<string, number>>;
}

export interface Step {
  readonly ctx: NodeContext;
  readonly kernel: Kernel;
  /** The node's inputs, then outer-scope values a subgraph body reads. */
  readonly inputs: readonly string[];
}

export interface CompiledGraph {
  /** Initializers plus everything folded from them. */
  readonly constants: ReadonlyMap<string, Value>;
  /** Graph inputs without an initializer: what the caller feeds. */
  readonly feeds: readonly OnnxValueInfo[];
  readonly outputs: readonly OnnxValueInfo[];
  readonly steps: readonly Step[];
  /** Non-constant names this graph reads from enclosing graphs. */
  readonly freeNames: readonly string[];
}

/**
 * Checks and compiles a graph: every input of every node must be defined before it (ONNX
 * graphs are topologically sorted), every operator known, and nodes whose inputs are all
 * constant are evaluated now (weights reshaped by Constant/Slice/Concat nodes then reach the
 * recurrent ops as constants).
 */
export function compileGraph(g: OnnxGraph, env: CompileEnv, outer: Scope | null, what = 'graph'): CompiledGraph {
  const { source } = env;
  const constants = new Map<string, Value>();
  for (const t of g.initializer) {
    if (t.name === '') throw new FormatError(`${source}: an initializer of the ${what} has no name`);
    if (constants.has(t.name)) throw new FormatError(`${source}: initializer '${t.name}' appears twice`);
    constants.set(t.name, valueFromTensorProto(t, `${source}: initializer '${t.name}'`));
  }
  const feeds = g.input.filter((v) => !constants.has(v.name));
  for (const v of feeds) {
    if (!isFloatType(v.elemType) && !isIntType(v.elemType)) {
      throw new FormatError(`${source}: ${what} input '${v.name}' has element type ${v.elemType}; float and integer inputs are supported`);
    }
  }
  const known = new Set<string>([...constants.keys(), ...feeds.map((v) => v.name)]);
  const free = new Set<string>();
  const resolve = (name: string): boolean => {
    if (known.has(name)) return true;
    if (!outer?.has(name)) return false;
    const c = outer.constant(name);
    if (c) constants.set(name, c);
    else free.add(name);
    known.add(name);
    return true;
  };
  const steps: Step[] = [];
  for (const node of g.node) {
    const where = `${source}: node '${node.name}' (${node.opType})`;
    if (node.domain !== '' && node.domain !== 'ai.onnx') throw new FormatError(`${where}: operator domain '${node.domain}' is not supported`);
    const compile = env.ops[node.opType];
    if (compile === undefined) {
      throw new FormatError(`${where}: operator '${node.opType}' is not supported by recur's ONNX importer (supported: ${Object.keys(env.ops).sort().join(', ')})`);
    }
    for (const name of node.input) {
      if (name !== '' && !resolve(name)) {
        throw new FormatError(`${where}: input '${name}' is missing: it is neither an initializer, a graph input nor an output of an earlier node`);
      }
    }
    const most = env.maxOutputs[node.opType] ?? 1;
    if (node.output.length > most) throw new FormatError(`${where}: lists ${node.output.length} outputs; this operator has at most ${most}`);
    const scope: Scope = { has: resolve, constant: (n) => (resolve(n) ? constants.get(n) : undefined) };
    const ctx = new NodeContext(node, env.opset, source, node.input.map((n) => constants.get(n)), scope);
    const kernel = compile(ctx, env);
    ctx.rejectUnread();
    for (const name of node.output) {
      if (name !== '' && known.has(name)) throw new FormatError(`${where}: output '${name}' is already defined elsewhere in the graph`);
      if (name !== '') known.add(name);
    }
    const inputs = [...node.input, ...ctx.extraInputs];
    if (inputs.every((n) => n === '' || constants.has(n))) {
      store(ctx, kernel(inputs.map((n) => constants.get(n))), constants);
    } else {
      steps.push({ ctx, kernel, inputs });
    }
  }
  for (const v of g.output) {
    if (!resolve(v.name)) throw new FormatError(`${source}: ${what} output '${v.name}' is not produced by any node`);
  }
  return { constants, feeds, outputs: g.output, steps, freeNames: [...free] };
}

/** Runs the compiled steps over `values` (constants and inputs already set), adding every result. */
export function executeGraph(cg: CompiledGraph, values: Map<string, Value>): void {
  for (const { ctx, kernel, inputs } of cg.steps) {
    store(ctx, kernel(inputs.map((n) => (n === '' ? undefined : values.get(n)))), values);
  }
}

/** Records a node's outputs by name; an output the operator did not produce is a format error. */
function store(ctx: NodeContext, outs: readonly Value[], into: Map<string, Value>): void {
  ctx.node.output.forEach((name, i) => {
    if (name === '') return;
    const v = outs[i];
    if (v === undefined) ctx.fail(`has no output ${i} ('${name}'); it produces ${outs.length}`);
    into.set(name, v);
  });
}
