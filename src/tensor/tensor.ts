import { NonFiniteError, OptionError, ShapeError } from '../errors.js';
import { boolOption, rejectUnknownOptions } from '../options.js';
import { checkShapeValid, formatShape, sizeOf } from './shape.js';

/**
 * The record an operation leaves on its outputs so that `backward()` can find its way
 * back: the inputs it read, the outputs it wrote, and a closure that turns the outputs'
 * gradients into the inputs' gradients. One node may have several outputs (a recurrent
 * pass yields the output sequence and the final states).
 */
export interface GradNode {
  readonly name: string;
  readonly inputs: readonly Tensor[];
  readonly outputs: readonly Tensor[];
  backward(): void;
}

/** Things `new Tensor` accepts as data. Plain arrays are converted to float32. */
export type TensorData = Float32Array | ArrayLike<number>;

/** `{ requiresGrad }` checked: `new Tensor(data, shape, true)` must not quietly mean false. */
function requiresGradOption(options: unknown): boolean {
  if (typeof options !== 'object' || options === null) {
    throw new OptionError(`Tensor: options must be an object such as { requiresGrad: true }, got ${String(options)}`);
  }
  rejectUnknownOptions('Tensor', options, ['requiresGrad']);
  return boolOption('Tensor', 'requiresGrad', (options as { requiresGrad?: unknown }).requiresGrad, false);
}

/**
 * A dense float32 array with a shape, row-major (last index fastest), plus what reverse-mode
 * differentiation needs: `requiresGrad`, the accumulated `grad`, and the `node` that made it.
 *
 * @example
 * const x = new Tensor([1, 2, 3, 4, 5, 6], [2, 3]);
 * x.shape;          // [2, 3]
 * x.get(1, 2);      // 6
 */
export class Tensor {
  readonly data: Float32Array;
  readonly shape: readonly number[];
  requiresGrad: boolean;
  grad: Float32Array | null = null;
  node: GradNode | null = null;
  /**
   * Bumped whenever recur changes `data` in place (optimiser steps, loadStateDict, restoring
   * weights), so caches derived from the values (packed streaming kernels) know to refresh.
   * Code that writes `data` itself should bump it too.
   */
  version = 0;

  constructor(data: TensorData, shape?: readonly number[], options?: { requiresGrad?: boolean }) {
    const arr = data instanceof Float32Array ? data : Float32Array.from(data as ArrayLike<number>);
    const sh = shape ? [...shape] : [arr.length];
    checkShapeValid(sh, 'Tensor');
    if (sizeOf(sh) !== arr.length) {
      throw new ShapeError(
        `Tensor: data has ${arr.length} elements but shape ${formatShape(sh)} needs ${sizeOf(sh)}`,
      );
    }
    this.data = arr;
    this.shape = Object.freeze(sh);
    this.requiresGrad = options === undefined ? false : requiresGradOption(options);
  }

  static zeros(shape: readonly number[], options?: { requiresGrad?: boolean }): Tensor {
    return new Tensor(new Float32Array(allocatableSize(shape)), shape, options);
  }

  static full(shape: readonly number[], value: number): Tensor {
    return new Tensor(new Float32Array(allocatableSize(shape)).fill(value), shape);
  }

  /** Number of elements. */
  get size(): number {
    return this.data.length;
  }

  get rank(): number {
    return this.shape.length;
  }

  /** Element at a multi-index (bounds-checked; for inspection, not hot loops). */
  get(...index: number[]): number {
    return this.data[this.offsetOf(index)]!;
  }

  private offsetOf(index: readonly number[]): number {
    if (index.length !== this.shape.length) {
      throw new ShapeError(`Tensor.get: expected ${this.shape.length} indices, got ${index.length}`);
    }
    let off = 0;
    for (let i = 0; i < index.length; i++) {
      const k = index[i]!;
      const d = this.shape[i]!;
      if (!Number.isInteger(k) || k < 0 || k >= d) {
        throw new ShapeError(`Tensor.get: index ${k} out of range for axis ${i} of size ${d}`);
      }
      off = off * d + k;
    }
    return off;
  }

  /** Nested plain arrays, for printing and tests. */
  toArray(): unknown {
    const build = (axis: number, off: number): unknown => {
      const d = this.shape[axis];
      if (d === undefined) return this.data[off];
      const stride = sizeOf(this.shape.slice(axis + 1));
      return Array.from({ length: d }, (_, i) => build(axis + 1, off + i * stride));
    };
    return build(0, 0);
  }

  /** A copy that shares no data and records no history. */
  clone(): Tensor {
    return new Tensor(this.data.slice(), this.shape);
  }

  /** The same values cut off from the graph: gradients do not flow through it. */
  detach(): Tensor {
    return new Tensor(this.data, this.shape);
  }

  /** The same data seen with another shape of equal size (no copy, no history). */
  view(shape: readonly number[]): Tensor {
    return new Tensor(this.data, shape);
  }

  /**
   * Backpropagates from this tensor. A scalar (one element) gets the seed gradient 1;
   * any other tensor needs an explicit `grad` of its own shape.
   */
  backward(grad?: Tensor | Float32Array): void {
    runBackward(this, grad);
  }

  toString(): string {
    return `Tensor(${formatShape(this.shape)})`;
  }
}

/** Throws a NonFiniteError naming `what` if `data` holds a NaN or an infinity. */
export function checkFinite(data: Float32Array, what: string): void {
  for (let i = 0; i < data.length; i++) {
    const v = data[i]!;
    if (v - v !== 0) {
      throw new NonFiniteError(
        `${what}: element ${i} is ${v}; inputs must be finite numbers (check the data for missing values)`,
      );
    }
  }
}

/** Largest tensor recur allocates (2^28 elements, 1 GiB of float32): past it a typed error, not a RangeError or a swapping machine. */
export const MAX_ELEMENTS = 2 ** 28;

/** The element count of a shape to allocate, or a ShapeError when it is not a valid or allocatable size. */
function allocatableSize(shape: readonly number[]): number {
  checkShapeValid(shape, 'Tensor');
  const n = sizeOf(shape);
  if (n > MAX_ELEMENTS) throw new ShapeError(`Tensor: shape ${formatShape(shape)} has ${n} elements, more than the ${MAX_ELEMENTS} recur can allocate`);
  return n;
}

// The reverse sweep lives beside Tensor: `backward()` calls it, and the ops call gradBuffer.
/**
 * Reverse-mode sweep from `root`: collect the nodes that lead to it, order them so each
 * runs after every node that consumes its outputs, seed the root's gradient and run the
 * backward closures. Leaves' gradients accumulate into `.grad` (as in PyTorch), so call
 * `zeroGrad` between steps; intermediate tensors hold the gradient of the latest sweep.
 */
export function runBackward(root: Tensor, grad?: Tensor | Float32Array): void {
  if (!root.requiresGrad) {
    throw new ShapeError(
      'backward: this tensor does not require gradients (no parameter or input with requiresGrad led to it)',
    );
  }
  const seed = grad === undefined ? null : grad instanceof Float32Array ? grad : grad.data;
  if (seed === null && root.size !== 1) {
    throw new ShapeError(
      `backward: a tensor of shape [${root.shape.join(', ')}] needs an explicit gradient; only a scalar gets the implicit 1`,
    );
  }
  if (seed !== null && seed.length !== root.size) {
    throw new ShapeError(`backward: gradient has ${seed.length} elements, the tensor has ${root.size}`);
  }
  const order = topologicalOrder(root);
  // An intermediate tensor's gradient belongs to one sweep: cleared here, so that a second
  // backward through a shared part of a graph (two losses on one hidden state) adds only its
  // own contribution, as PyTorch's retain_graph does. Leaves keep accumulating.
  for (const node of order) for (const out of node.outputs) out.grad = null;
  const g = gradBuffer(root);
  if (seed === null) g[0]! += 1;
  else for (let i = 0; i < g.length; i++) g[i]! += seed[i]!;

  for (const node of order) node.backward();
}

/** Nodes reachable from `root`, consumers before producers (iterative DFS: graphs can be deep). */
function topologicalOrder(root: Tensor): GradNode[] {
  const post: GradNode[] = [];
  const seen = new Set<GradNode>();
  if (!root.node) return post;
  const stack: Array<{ node: GradNode; next: number }> = [{ node: root.node, next: 0 }];
  seen.add(root.node);
  while (stack.length > 0) {
    const top = stack[stack.length - 1]!;
    const inputs = top.node.inputs;
    if (top.next < inputs.length) {
      const child = inputs[top.next++]!.node;
      if (child && !seen.has(child)) {
        seen.add(child);
        stack.push({ node: child, next: 0 });
      }
    } else {
      post.push(top.node);
      stack.pop();
    }
  }
  return post.reverse();
}

/** The tensor's gradient array, created as zeros on first use. */
export function gradBuffer(t: Tensor): Float32Array {
  if (t.grad === null) t.grad = new Float32Array(t.size);
  return t.grad;
}
