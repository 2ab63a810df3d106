import type { RecurrentLayer, RecurrentState } from '../../../nn/layers/recurrent.js';
import { OnnxGraphBuilder } from './graph-builder.js';
import { DataType } from '../schema.js';
import type { RecurrentGraphInputs, RecurrentGraphOutputs } from './recurrent-io.js';

/**
 * An LSTM with a projection (PyTorch proj_size), which the ONNX LSTM operator cannot express,
 * written with basic ops: one Scan per layer and direction whose body is the cell
 * (MatMul, Add, Slice, Sigmoid, Tanh, Mul, then the projection MatMul). Lengths become a
 * [seq, batch, 1] mask: at padding steps the state is held and the output is 0, and the
 * reverse scan then starts from h0 at each sequence's own end, as PyTorch's packed sequences do.
 */
export function addProjectedLstm(b: OnnxGraphBuilder, layer: RecurrentLayer<RecurrentState>, io: RecurrentGraphInputs, prefix: string): RecurrentGraphOutputs {
  const o = layer.options;
  const { hiddenSize: H, numLayers: L } = o;
  const P = layer.outSize;
  const D = layer.numDirections;
  const params = layer.stateDict();
  let x = o.batchFirst ? b.addNode('Transpose', [io.input], { perm: { ints: [1, 0, 2] } })[0]! : io.input;
  const mask = io.lengths ? lengthMask(b, x, io.lengths, prefix) : null;
  const zeros = (n: number): string => {
    // [batch, n] zeros, batch taken from the input's shape.
    const batch = b.addNode('Slice', [b.addNode('Shape', [x])[0]!, b.addInt64Initializer(`${prefix}_one`, [1]), b.addInt64Initializer(`${prefix}_two`, [2])])[0]!;
    const shape = b.addNode('Concat', [batch, b.addInt64Initializer(`${prefix}_width`, [n])], { axis: { i: 0 } })[0]!;
    return b.addNode('ConstantOfShape', [shape])[0]!;
  };
  const pick = (state: string | undefined, k: number, n: number): string =>
    state ? b.addNode('Gather', [state, b.addInt64Initializer(`${prefix}_index`, [k], [])], { axis: { i: 0 } })[0]! : zeros(n);
  const hs: string[] = [];
  const cs: string[] = [];
  for (let l = 0; l < L; l++) {
    const inSize = l === 0 ? o.inputSize : D * P;
    const ys: string[] = [];
    for (let d = 0; d < D; d++) {
      const sfx = `_l${l}${d === 1 ? '_reverse' : ''}`;
      const body = cellBody(b, `${prefix}${sfx}`, params, sfx, inSize, H, P, mask !== null);
      const scanInputs = [pick(io.h0, l * D + d, P), pick(io.c0, l * D + d, H), x, ...(mask ? [mask] : [])];
      const n = scanInputs.length - 2;
      const [hN, cN, y] = b.addNode('Scan', scanInputs, {
        body: { g: body },
        num_scan_inputs: { i: n },
        scan_input_directions: { ints: new Array<number>(n).fill(d) },
        scan_output_directions: { ints: [d] },
      }, 3, `${prefix}_scan${sfx}`);
      ys.push(y!);
      hs.push(b.addNode('Unsqueeze', [hN!, b.addInt64Initializer(`${prefix}_axis0`, [0])])[0]!);
      cs.push(b.addNode('Unsqueeze', [cN!, b.addInt64Initializer(`${prefix}_axis0`, [0])])[0]!);
    }
    x = ys.length === 1 ? ys[0]! : b.addNode('Concat', ys, { axis: { i: 2 } })[0]!;
  }
  const output = o.batchFirst ? b.addNode('Transpose', [x], { perm: { ints: [1, 0, 2] } })[0]! : x;
  const concat = (parts: string[]): string => (parts.length === 1 ? parts[0]! : b.addNode('Concat', parts, { axis: { i: 0 } })[0]!);
  return { output, hN: concat(hs), cN: concat(cs) };
}

/** mask[t, b, 0] = 1 while t < lengths[b], else 0. */
function lengthMask(b: OnnxGraphBuilder, x: string, lengths: string, prefix: string): string {
  const T = b.addNode('Gather', [b.addNode('Shape', [x])[0]!, b.addInt64Initializer(`${prefix}_zero`, [0], [])], { axis: { i: 0 } })[0]!;
  const steps = b.addNode('Range', [b.addInt64Initializer(`${prefix}_start`, [0], []), T, b.addInt64Initializer(`${prefix}_delta`, [1], [])])[0]!;
  const column = b.addNode('Unsqueeze', [steps, b.addInt64Initializer(`${prefix}_axis1`, [1])])[0]!;
  const lens = b.addNode('Cast', [lengths], { to: { i: DataType.INT64 } })[0]!;
  const inside = b.addNode('Less', [column, lens])[0]!;
  const m = b.addNode('Cast', [inside], { to: { i: DataType.FLOAT } })[0]!;
  return b.addNode('Unsqueeze', [m, b.addInt64Initializer(`${prefix}_axis2`, [2])])[0]!;
}

function transposed(data: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(data.length);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = data[r * cols + c]!;
  return out;
}

/** One LSTM step with projection: (h [B,P], c [B,H], x [B,I] (, m [B,1])) -> (h', c', y). */
function cellBody(
  outer: OnnxGraphBuilder, name: string, params: Record<string, { data: Float32Array }>, sfx: string,
  I: number, H: number, P: number, masked: boolean,
): ReturnType<OnnxGraphBuilder['toGraph']> {
  const g = new OnnxGraphBuilder(`${name}_cell`, outer);
  const h = g.addInput(`${name}_h`, ['batch', P]);
  const c = g.addInput(`${name}_c`, ['batch', H]);
  const x = g.addInput(`${name}_x`, ['batch', I]);
  const m = masked ? g.addInput(`${name}_m`, ['batch', 1]) : '';
  const wih = g.addInitializer(`${name}_wih_t`, transposed(params[`weight_ih${sfx}`]!.data, 4 * H, I), [I, 4 * H]);
  const whh = g.addInitializer(`${name}_whh_t`, transposed(params[`weight_hh${sfx}`]!.data, 4 * H, P), [P, 4 * H]);
  const whr = g.addInitializer(`${name}_whr_t`, transposed(params[`weight_hr${sfx}`]!.data, P, H), [H, P]);
  let z = g.addNode('Add', [g.addNode('MatMul', [x, wih])[0]!, g.addNode('MatMul', [h, whh])[0]!])[0]!;
  const bih = params[`bias_ih${sfx}`];
  const bhh = params[`bias_hh${sfx}`];
  if (bih && bhh) {
    const sum = Float32Array.from(bih.data, (v, k) => v + bhh.data[k]!); // one bias is exact for the LSTM
    z = g.addNode('Add', [z, g.addInitializer(`${name}_bias`, sum, [4 * H])])[0]!;
  }
  const axis = g.addInt64Initializer(`${name}_axis1`, [1]);
  const gate = (k: number, op: string): string => {
    const s = g.addInt64Initializer(`${name}_gate${k}_start`, [k * H]);
    const e = g.addInt64Initializer(`${name}_gate${k}_end`, [(k + 1) * H]);
    return g.addNode(op, [g.addNode('Slice', [z, s, e, axis])[0]!])[0]!;
  };
  const [i, f, gg, o] = [gate(0, 'Sigmoid'), gate(1, 'Sigmoid'), gate(2, 'Tanh'), gate(3, 'Sigmoid')];
  let c2 = g.addNode('Add', [g.addNode('Mul', [f, c])[0]!, g.addNode('Mul', [i, gg])[0]!])[0]!;
  let h2 = g.addNode('MatMul', [g.addNode('Mul', [o, g.addNode('Tanh', [c2])[0]!])[0]!, whr])[0]!;
  let y = h2;
  if (masked) {
    const keep = g.addNode('Sub', [g.addInitializer(`${name}_one`, Float32Array.of(1), []), m])[0]!;
    const blend = (next: string, prev: string): string => g.addNode('Add', [g.addNode('Mul', [m, next])[0]!, g.addNode('Mul', [keep, prev])[0]!])[0]!;
    y = g.addNode('Mul', [m, h2])[0]!;
    h2 = blend(h2, h);
    c2 = blend(c2, c);
  }
  const [hOut, cOut, yOut] = [h2, c2, y].map((v, k) => g.addNode('Identity', [v], {}, [`${name}_out${k}`])[0]!);
  g.addOutput(hOut!, ['batch', P]);
  g.addOutput(cOut!, ['batch', H]);
  g.addOutput(yOut!, ['batch', P]);
  return g.toGraph();
}
