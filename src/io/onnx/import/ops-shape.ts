import type { Kernel, NodeContext } from './node-context.js';
import { stridesOf } from './ops-math.js';
import { AttrType } from '../schema.js';
import { checkedSize, floatValue, intValue, valueFromTensorProto, type Value } from '../values.js';

/** Operators that move, select or make values without arithmetic. */

function alloc(like: Value, n: number): Float32Array | Float64Array {
  return like.kind === 'float' ? new Float32Array(n) : new Float64Array(n);
}

function wrap(data: Float32Array | Float64Array, shape: readonly number[]): Value {
  return data instanceof Float32Array ? floatValue(data, shape) : intValue(data, shape);
}

/** The same data under another shape (values are never mutated in place, so sharing is safe). */
function reshaped(v: Value, shape: readonly number[]): Value {
  return wrap(v.data, shape);
}

function constant(ctx: NodeContext): Kernel {
  const t = ctx.rawAttr('value');
  let v: Value;
  if (t?.t !== undefined && t.type === AttrType.TENSOR) v = valueFromTensorProto(t.t, `${ctx.where} value`);
  else if (ctx.has('value_float')) v = floatValue(Float32Array.of(ctx.float('value_float', 0)), []);
  else if (ctx.has('value_floats')) v = floatValue(Float32Array.from(ctx.floats('value_floats')!), [ctx.floats('value_floats')!.length]);
  else if (ctx.has('value_int')) v = intValue([ctx.int('value_int', 0)], []);
  else if (ctx.has('value_ints')) v = intValue(ctx.ints('value_ints')!, [ctx.ints('value_ints')!.length]);
  else return ctx.fail('needs a value, value_float(s) or value_int(s) attribute (sparse and string constants are not supported)');
  return () => [v];
}

function transpose(ctx: NodeContext): Kernel {
  const permAttr = ctx.ints('perm');
  return (inputs) => {
    const x = ctx.anyInput(inputs, 0, 'data');
    const r = x.shape.length;
    const perm = permAttr ?? Array.from({ length: r }, (_, i) => r - 1 - i);
    if (perm.length !== r || [...perm].sort((a, b) => a - b).some((p, i) => p !== i)) ctx.shapeError(`perm [${perm.join(', ')}] is not a permutation of rank ${r}`);
    const shape = perm.map((p) => x.shape[p]!);
    const src = stridesOf(x.shape);
    const st = perm.map((p) => src[p]!);
    const out = alloc(x, x.data.length);
    const idx = new Array<number>(r).fill(0);
    let off = 0;
    for (let i = 0; i < out.length; i++) {
      out[i] = x.data[off]!;
      for (let d = r - 1; d >= 0; d--) {
        off += st[d]!;
        if (++idx[d]! < shape[d]!) break;
        off -= st[d]! * shape[d]!;
        idx[d] = 0;
      }
    }
    return [wrap(out, shape)];
  };
}

function reshape(ctx: NodeContext): Kernel {
  const allowZero = ctx.int('allowzero', 0) !== 0;
  return (inputs) => {
    const x = ctx.anyInput(inputs, 0, 'data');
    const spec = [...ctx.intInput(inputs, 1, 'shape').data];
    let infer = -1;
    let known = 1;
    const shape = spec.map((d, i) => {
      if (d === 0 && !allowZero) d = x.shape[i] ?? ctx.shapeError(`shape entry ${i} is 0 but the input has rank ${x.shape.length}`);
      if (d === -1) {
        if (infer >= 0) ctx.shapeError('shape has more than one -1');
        infer = i;
        return -1;
      }
      if (!Number.isInteger(d) || d < 0) ctx.shapeError(`invalid shape entry ${d}`);
      known *= d;
      return d;
    });
    if (infer >= 0) shape[infer] = known === 0 ? 0 : x.data.length / known;
    if (!Number.isInteger(shape[infer] ?? 0) || checkedSize(shape, ctx.where) !== x.data.length) {
      ctx.shapeError(`cannot reshape [${x.shape.join(', ')}] to [${spec.join(', ')}]`);
    }
    return [reshaped(x, shape)];
  };
}

/** Axes from the attribute (opset < 13) or the optional second input (opset >= 13). */
function axesOf(ctx: NodeContext, inputs: ReadonlyArray<Value | undefined>, attr: number[] | undefined): number[] | undefined {
  if (attr !== undefined) return attr;
  return inputs[1] === undefined ? undefined : [...ctx.intInput(inputs, 1, 'axes').data];
}

function squeeze(ctx: NodeContext): Kernel {
  const attr = ctx.ints('axes');
  return (inputs) => {
    const x = ctx.anyInput(inputs, 0, 'data');
    const axes = axesOf(ctx, inputs, attr)?.map((a) => ctx.axis(a, x.shape.length));
    for (const a of axes ?? []) if (x.shape[a] !== 1) ctx.shapeError(`cannot squeeze axis ${a} of size ${x.shape[a]}`);
    return [reshaped(x, x.shape.filter((d, i) => (axes ? !axes.includes(i) : d !== 1)))];
  };
}

function unsqueeze(ctx: NodeContext): Kernel {
  const attr = ctx.ints('axes');
  return (inputs) => {
    const x = ctx.anyInput(inputs, 0, 'data');
    const given = axesOf(ctx, inputs, attr) ?? ctx.fail('needs axes');
    const r = x.shape.length + given.length;
    const axes = given.map((a) => ctx.axis(a, r));
    const shape: number[] = [];
    let k = 0;
    for (let i = 0; i < r; i++) shape.push(axes.includes(i) ? 1 : x.shape[k++]!);
    return [reshaped(x, shape)];
  };
}

function concat(ctx: NodeContext): Kernel {
  const axisAttr = ctx.has('axis') ? ctx.int('axis', 0) : ctx.fail('needs an axis attribute');
  return (inputs) => {
    const xs = inputs.filter((v): v is Value => v !== undefined);
    const first = xs[0] ?? ctx.fail('needs at least one input');
    const axis = ctx.axis(axisAttr, first.shape.length);
    for (const v of xs) {
      if (v.kind !== first.kind || v.shape.length !== first.shape.length || v.shape.some((d, i) => i !== axis && d !== first.shape[i])) {
        ctx.shapeError(`inputs [${first.shape.join(', ')}] and [${v.shape.join(', ')}] do not fit along axis ${axis}`);
      }
    }
    const shape = [...first.shape];
    shape[axis] = xs.reduce((s, v) => s + v.shape[axis]!, 0);
    const outer = shape.slice(0, axis).reduce((p, d) => p * d, 1);
    const inner = shape.slice(axis + 1).reduce((p, d) => p * d, 1);
    const out = alloc(first, checkedSize(shape, ctx.where));
    let off = 0;
    for (let o = 0; o < outer; o++) {
      for (const v of xs) {
        const len = v.shape[axis]! * inner;
        out.set(v.data.subarray(o * len, (o + 1) * len), off);
        off += len;
      }
    }
    return [wrap(out, shape)];
  };
}

function slice(ctx: NodeContext): Kernel {
  const old = ctx.opset < 10;
  const aStarts = old ? ctx.ints('starts') : undefined;
  const aEnds = old ? ctx.ints('ends') : undefined;
  const aAxes = old ? ctx.ints('axes') : undefined;
  return (inputs) => {
    const x = ctx.anyInput(inputs, 0, 'data');
    const r = x.shape.length;
    const starts = aStarts ?? [...ctx.intInput(inputs, 1, 'starts').data];
    const ends = aEnds ?? [...ctx.intInput(inputs, 2, 'ends').data];
    const axes = (old ? aAxes : inputs[3] && [...ctx.intInput(inputs, 3, 'axes').data]) ?? starts.map((_, i) => i);
    const steps = (!old && inputs[4] && [...ctx.intInput(inputs, 4, 'steps').data]) || starts.map(() => 1);
    if (ends.length !== starts.length || axes.length !== starts.length || steps.length !== starts.length) ctx.shapeError('starts, ends, axes and steps differ in length');
    const begin = new Array<number>(r).fill(0);
    const step = new Array<number>(r).fill(1);
    const shape = [...x.shape];
    axes.forEach((a, i) => {
      const ax = ctx.axis(a, r);
      const dim = x.shape[ax]!;
      const s = steps[i]!;
      if (s === 0) ctx.shapeError('a step of 0');
      const clamp = (v: number, lo: number, hi: number): number => Math.min(Math.max(v < 0 ? v + dim : v, lo), hi);
      const b = s > 0 ? clamp(starts[i]!, 0, dim) : clamp(starts[i]!, -1, dim - 1);
      const e = s > 0 ? clamp(ends[i]!, 0, dim) : clamp(ends[i]!, -1, dim - 1);
      begin[ax] = b;
      step[ax] = s;
      shape[ax] = Math.max(0, Math.ceil((e - b) / s));
    });
    const n = checkedSize(shape, ctx.where);
    const out = alloc(x, n);
    const st = stridesOf(x.shape);
    const idx = new Array<number>(r).fill(0);
    for (let i = 0; i < n; i++) {
      let off = 0;
      for (let d = 0; d < r; d++) off += (begin[d]! + idx[d]! * step[d]!) * st[d]!;
      out[i] = x.data[off]!;
      for (let d = r - 1; d >= 0 && ++idx[d]! >= shape[d]!; d--) idx[d] = 0;
    }
    return [wrap(out, shape)];
  };
}

function gather(ctx: NodeContext): Kernel {
  const axisAttr = ctx.int('axis', 0);
  return (inputs) => {
    const x = ctx.anyInput(inputs, 0, 'data');
    const ind = ctx.intInput(inputs, 1, 'indices');
    const axis = ctx.axis(axisAttr, x.shape.length);
    const dim = x.shape[axis]!;
    const outer = x.shape.slice(0, axis).reduce((p, d) => p * d, 1);
    const inner = x.shape.slice(axis + 1).reduce((p, d) => p * d, 1);
    const shape = [...x.shape.slice(0, axis), ...ind.shape, ...x.shape.slice(axis + 1)];
    const out = alloc(x, checkedSize(shape, ctx.where));
    const k = ind.data.length;
    for (let j = 0; j < k; j++) {
      const raw = ind.data[j]!;
      const i = raw < 0 ? raw + dim : raw;
      if (!Number.isInteger(i) || i < 0 || i >= dim) ctx.shapeError(`index ${raw} is out of range for axis ${axis} of size ${dim}`);
      for (let o = 0; o < outer; o++) out.set(x.data.subarray((o * dim + i) * inner, (o * dim + i + 1) * inner), (o * k + j) * inner);
    }
    return [wrap(out, shape)];
  };
}

function shapeOp(ctx: NodeContext): Kernel {
  const start = ctx.int('start', 0);
  const end = ctx.has('end') ? ctx.int('end', 0) : undefined;
  return (inputs) => {
    const s = ctx.anyInput(inputs, 0, 'data').shape.slice(start, end);
    return [intValue(s, [s.length])];
  };
}

function constantOfShape(ctx: NodeContext): Kernel {
  const t = ctx.rawAttr('value')?.t;
  const fill = t ? valueFromTensorProto(t, `${ctx.where} value`) : floatValue(Float32Array.of(0), [1]);
  if (fill.data.length !== 1) ctx.fail('value must hold one element');
  return (inputs) => {
    const shape = [...ctx.intInput(inputs, 0, 'shape').data];
    const out = alloc(fill, checkedSize(shape, ctx.where)).fill(fill.data[0]!);
    return [wrap(out, shape)];
  };
}

function expand(ctx: NodeContext): Kernel {
  return (inputs) => {
    const x = ctx.anyInput(inputs, 0, 'input');
    const target = [...ctx.intInput(inputs, 1, 'shape').data];
    const r = Math.max(target.length, x.shape.length);
    const xs = [...new Array<number>(r - x.shape.length).fill(1), ...x.shape];
    const ts = [...new Array<number>(r - target.length).fill(1), ...target];
    const shape = xs.map((d, i) => (d === 1 ? ts[i]! : ts[i] === 1 || ts[i] === d ? d : ctx.shapeError(`cannot expand [${x.shape.join(', ')}] to [${target.join(', ')}]`)));
    const st = stridesOf(xs).map((s, i) => (xs[i] === 1 ? 0 : s));
    const n = checkedSize(shape, ctx.where);
    const out = alloc(x, n);
    const idx = new Array<number>(r).fill(0);
    for (let i = 0; i < n; i++) {
      let off = 0;
      for (let d = 0; d < r; d++) off += idx[d]! * st[d]!;
      out[i] = x.data[off]!;
      for (let d = r - 1; d >= 0 && ++idx[d]! >= shape[d]!; d--) idx[d] = 0;
    }
    return [wrap(out, shape)];
  };
}

export const shapeOps: Record<string, (ctx: NodeContext) => Kernel> = {
  Identity: (ctx) => (inputs) => [ctx.anyInput(inputs, 0, 'input')],
  Constant: constant,
  Transpose: transpose,
  Reshape: reshape,
  Squeeze: squeeze,
  Unsqueeze: unsqueeze,
  Concat: concat,
  Slice: slice,
  Gather: gather,
  Shape: shapeOp,
  ConstantOfShape: constantOfShape,
  Expand: expand,
};
