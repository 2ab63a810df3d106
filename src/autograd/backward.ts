import type { GradNode, Tensor } from '../tensor/tensor.js';
import { ShapeError } from '../errors.js';

/**
 * Reverse-mode sweep from `root`: collect the nodes that lead to it, order them so each
 * runs after every node that consumes its outputs, seed the root's gradient and run the
 * backward closures. Gradients accumulate into `.grad` (as in PyTorch), so call
 * `zeroGrad` between steps.
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
  const g = gradBuffer(root);
  if (seed === null) g[0]! += 1;
  else for (let i = 0; i < g.length; i++) g[i]! += seed[i]!;

  for (const node of topologicalOrder(root)) node.backward();
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
