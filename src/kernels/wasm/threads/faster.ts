/**
 * Chooses between two ways of computing the same values, per key, by their recent times:
 * three calls each first, then the one whose best recent call (of the last 32) was faster,
 * with the other tried again every 32nd call so that a change in the machine's load shows.
 */
export class FasterOf {
  private readonly times = new Map<string, { first: number[]; second: number[]; calls: number }>();

  constructor(private readonly now: () => number = () => performance.now()) {}

  run<T>(key: string, first: () => T, second: () => T): T {
    let s = this.times.get(key);
    if (!s) {
      if (this.times.size >= 64) this.times.clear();
      s = { first: [], second: [], calls: 0 };
      this.times.set(key, s);
    }
    s.calls++;
    let useFirst: boolean;
    if (s.first.length < 3) useFirst = true;
    else if (s.second.length < 3) useFirst = false;
    else {
      const faster = Math.min(...s.first) <= Math.min(...s.second);
      useFirst = s.calls % 32 === 0 ? !faster : faster;
    }
    const t0 = this.now();
    const result = useFirst ? first() : second();
    const times = useFirst ? s.first : s.second;
    // The best of the recent calls: a fast call shows what the machine can do.
    times.push(this.now() - t0);
    if (times.length > 32) times.shift();
    return result;
  }
}
