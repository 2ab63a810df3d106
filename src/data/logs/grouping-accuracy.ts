import { ShapeError } from '../../errors.js';

/**
 * Grouping accuracy as loghub defines it (Zhu et al., ICSE-SEIP 2019): a line counts as
 * correctly parsed when the set of lines sharing its predicted event equals the set of lines
 * sharing its true event; the accuracy is the fraction of such lines.
 *
 * @example
 * groupingAccuracy(['A', 'A', 'B', 'C'], ['x', 'x', 'y', 'y']) // 0.5 (lines 0 and 1 are right; y was split)
 */
export function groupingAccuracy(predicted: readonly string[], truth: readonly string[]): number {
  if (predicted.length !== truth.length) throw new ShapeError(`groupingAccuracy: ${predicted.length} predicted events for ${truth.length} true ones`);
  if (predicted.length === 0) throw new ShapeError('groupingAccuracy: no lines');
  const groups = (ids: readonly string[]) => {
    const m = new Map<string, number[]>();
    ids.forEach((id, i) => {
      const g = m.get(id);
      if (g) g.push(i);
      else m.set(id, [i]);
    });
    return m;
  };
  const truthGroups = groups(truth);
  let correct = 0;
  for (const lines of groups(predicted).values()) {
    // Equal sets: the same size and all in one true group of that size.
    const t = truthGroups.get(truth[lines[0]!]!)!;
    if (t.length === lines.length && lines.every((i) => truth[i] === truth[lines[0]!])) correct += lines.length;
  }
  return correct / predicted.length;
}
