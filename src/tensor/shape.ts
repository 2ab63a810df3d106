import { ShapeError } from '../errors.js';

/** Number of elements of a shape; `[]` is a scalar with one element. */
export function sizeOf(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

export function formatShape(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}

export function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/** Throws a ShapeError naming `what` unless `shape` is a list of non-negative integers. */
export function checkShapeValid(shape: readonly number[], what: string): void {
  for (const d of shape) {
    if (!Number.isInteger(d) || d < 0) {
      throw new ShapeError(`${what}: shape ${formatShape(shape)} must hold non-negative integers`);
    }
  }
}

/**
 * Throws a ShapeError unless `actual` equals `expected`; a `-1` in `expected` accepts any size.
 * `names` labels the axes in the message (e.g. ['seq', 'batch', 'features']).
 */
export function expectShape(
  what: string,
  actual: readonly number[],
  expected: readonly number[],
  names?: readonly string[],
): void {
  const ok =
    actual.length === expected.length && expected.every((d, i) => d === -1 || d === actual[i]);
  if (ok) return;
  const exp = expected.map((d, i) => (d === -1 ? (names?.[i] ?? '*') : String(d)));
  const axes = names ? ` (${names.join(', ')})` : '';
  throw new ShapeError(
    `${what}: expected shape [${exp.join(', ')}]${axes}, got ${formatShape(actual)}`,
  );
}
