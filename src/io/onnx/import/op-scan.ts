import { compileGraph, executeGraph, type CompileEnv } from './graph-compile.js';
import type { Kernel, NodeContext } from './node-context.js';
import { checkedSize, floatValue, intValue, type Value } from '../values.js';

/**
 * ONNX Scan (opset >= 9): runs the body graph once per step along axis 0 of the scan inputs,
 * carrying state variables, stacking the per-step outputs. recur's exporter writes projected
 * LSTMs this way (ONNX's LSTM has no projection), so they load back. Only axis 0 is supported.
 */
export function scanOp(ctx: NodeContext, env: CompileEnv): Kernel {
  if (ctx.opset < 9) ctx.fail('Scan before opset 9 (with a sequence_lens input) is not supported');
  const body = ctx.graph('body') ?? ctx.fail('needs a body graph');
  const M = ctx.int('num_scan_inputs', -1);
  const N = ctx.inputCount - M;
  const K = ctx.node.output.length - N;
  if (!Number.isInteger(M) || M < 1 || N < 0 || K < 0) ctx.fail(`num_scan_inputs ${M} does not fit ${ctx.inputCount} inputs and ${ctx.node.output.length} outputs`);
  const inDirs = ctx.ints('scan_input_directions') ?? new Array<number>(M).fill(0);
  const outDirs = ctx.ints('scan_output_directions') ?? new Array<number>(K).fill(0);
  for (const key of ['scan_input_axes', 'scan_output_axes']) {
    if ((ctx.ints(key) ?? []).some((a) => a !== 0)) ctx.fail(`${key} other than 0 are not supported`);
  }
  if (inDirs.length !== M || outDirs.length !== K) ctx.fail('scan_input_directions / scan_output_directions do not match the inputs and outputs');
  const cg = compileGraph(body, env, ctx.scope, `Scan body of node '${ctx.node.name}'`);
  if (cg.feeds.length !== N + M || cg.outputs.length !== N + K) {
    ctx.fail(`body has ${cg.feeds.length} inputs and ${cg.outputs.length} outputs; expected ${N + M} and ${N + K}`);
  }
  ctx.extraInputs.push(...cg.freeNames);

  return (inputs) => {
    let state = Array.from({ length: N }, (_, i) => ctx.anyInput(inputs, i, `state ${i}`));
    const scans = Array.from({ length: M }, (_, j) => ctx.anyInput(inputs, N + j, `scan input ${j}`));
    const T = scans[0]!.shape[0] ?? ctx.shapeError('scan inputs need a sequence axis');
    if (T < 1) ctx.shapeError('scan inputs have no steps');
    for (const s of scans) if (s.shape[0] !== T) ctx.shapeError(`scan inputs differ in length (${T} and ${s.shape[0]})`);
    const outer = new Map<string, Value>(cg.constants);
    cg.freeNames.forEach((n, i) => outer.set(n, inputs[N + M + i]!));
    const collected: Value[][] = Array.from({ length: K }, () => new Array<Value>(T));
    for (let step = 0; step < T; step++) {
      const values = new Map(outer);
      state.forEach((v, i) => values.set(cg.feeds[i]!.name, v));
      scans.forEach((s, j) => values.set(cg.feeds[N + j]!.name, stepOf(s, inDirs[j] ? T - 1 - step : step)));
      executeGraph(cg, values);
      const outs = cg.outputs.map((o) => values.get(o.name)!);
      state = outs.slice(0, N);
      outs.slice(N).forEach((v, k) => (collected[k]![outDirs[k] ? T - 1 - step : step] = v));
    }
    return [...state, ...collected.map((steps) => stackSteps(ctx, steps))];
  };
}

function stepOf(v: Value, t: number): Value {
  const inner = v.shape.slice(1);
  const n = inner.reduce((p, d) => p * d, 1);
  const data = v.data.subarray(t * n, (t + 1) * n);
  return v.kind === 'float' ? floatValue(data as Float32Array, inner) : intValue(data as Float64Array, inner);
}

function stackSteps(ctx: NodeContext, steps: readonly Value[]): Value {
  const first = steps[0]!;
  const shape = [steps.length, ...first.shape];
  const out = first.kind === 'float' ? new Float32Array(checkedSize(shape, ctx.where)) : new Float64Array(checkedSize(shape, ctx.where));
  steps.forEach((v, t) => {
    if (v.kind !== first.kind || v.data.length !== first.data.length) ctx.shapeError('the body gives outputs of different shapes at different steps');
    out.set(v.data, t * first.data.length);
  });
  return out instanceof Float32Array ? floatValue(out, shape) : intValue(out, shape);
}
