// Patterns a unit may track, as one number per character, and the ranking of units by
// how strongly their activation correlates with one.
export const PATTERNS: Record<string, { label: string; signal(text: string): number[] }> = {
  quotes: {
    label: 'inside quotes “…”',
    signal(text) {
      let inside = false;
      return [...text].map((ch) => {
        // Curly quotes as in the book; a straight " toggles.
        if (ch === '“') inside = true;
        else if (ch === '”') inside = false;
        else if (ch === '"') inside = !inside;
        return inside ? 1 : 0;
      });
    },
  },
  line: {
    label: 'position in line',
    signal(text) {
      let col = 0;
      return [...text].map((ch) => (ch === '\n' ? (col = 0) : ++col));
    },
  },
  parens: {
    label: 'inside parentheses (depth)',
    signal(text) {
      let depth = 0;
      return [...text].map((ch) => (ch === '(' ? ++depth : ch === ')' ? (depth = Math.max(0, depth - 1)) : depth));
    },
  },
  word: {
    label: 'position in word',
    signal(text) {
      let k = 0;
      return [...text].map((ch) => (/[A-Za-z'’]/.test(ch) ? ++k : (k = 0)));
    },
  },
  vowel: { label: 'character is a vowel', signal: (text) => [...text].map((ch) => (/[aeiouAEIOU]/.test(ch) ? 1 : 0)) },
};

/** Pearson correlation of each unit's series (data [T, H]) with a signal; NaN when flat. */
export function rankUnits(data: Float32Array, T: number, H: number, signal: number[]): Array<{ unit: number; r: number }> {
  const mean = (f: (t: number) => number) => Array.from({ length: T }, (_, t) => f(t)).reduce((a, b) => a + b, 0) / T;
  const ms = mean((t) => signal[t]!);
  const out: Array<{ unit: number; r: number }> = [];
  for (let u = 0; u < H; u++) {
    const mu = mean((t) => data[t * H + u]!);
    let sxy = 0;
    let sxx = 0;
    let syy = 0;
    for (let t = 0; t < T; t++) {
      const a = data[t * H + u]! - mu;
      const b = signal[t]! - ms;
      sxy += a * b;
      sxx += a * a;
      syy += b * b;
    }
    out.push({ unit: u, r: sxx > 0 && syy > 0 ? sxy / Math.sqrt(sxx * syy) : NaN });
  }
  return out.filter((x) => Number.isFinite(x.r)).sort((a, b) => Math.abs(b.r) - Math.abs(a.r));
}
