import { FormatError, OptionError } from '../../errors.js';

/**
 * Online Drain log parser (He, Zhu, Zheng, Lyu, "Drain: An Online Log Parsing Approach with
 * Fixed Depth Tree", ICWS 2017), following logpai's reference implementation:
 *
 *   root -> number of tokens -> first `depth - 3` tokens -> leaf: a list of clusters.
 *
 * A message (already masked, see mask.ts) is split on white space; its path goes through the
 * node of its token count, then one node per leading token (a token holding a digit goes to the
 * `<*>` child, and so does any token once a node has `maxChildren` children). In the leaf, the
 * cluster whose template shares the largest fraction of positions with the message wins
 * (ties: the template with more `<*>`). Two changes to logpai's similarity, both because masking
 * runs first: a position where template and message both hold `<*>` counts as equal (logpai
 * counts it as different, so `onExtend:<*> <*> <*> <*>` never joined its own template), and a
 * template token with a wildcard inside is a pattern (see fitsPattern). At or above `similarity`
 * the message joins the cluster and the template's differing positions become `<*>`; otherwise
 * it starts a new cluster.
 *
 * Event ids are 'E' + the cluster's creation order (E1, E2, ...): stable while templates merge,
 * and the same for the same input. Memory is bounded by `maxClusters`: once reached, a message
 * that fits no cluster is an error (or, with `whenFull: 'other'`, goes to event 'E0').
 */
export interface DrainOptions {
  /** Tree depth counting root, length layer and leaf (logpai's `depth`): 4 = one token layer. */
  depth?: number;
  /** Least fraction of equal positions to join a cluster (logpai's `st`). */
  similarity?: number;
  /** Most children per inner node before new tokens share the `<*>` child. */
  maxChildren?: number;
  /** Most clusters (templates) kept. */
  maxClusters?: number;
  /** Past `maxClusters`: throw (default) or send unmatched messages to event 'E0'. */
  whenFull?: 'error' | 'other';
}

/**
 * Defaults: one setting for every system, chosen on loghub's 2k samples of 12 systems
 * (scripts/logs-quality.ts): depth 5 (two token layers) and a high similarity 0.9 because the
 * masks already turned values into `<*>`, so the words left that differ mostly mark different
 * events. Similarity 0.85 loses Linux (0.694), 0.95 loses Android (0.822) and OpenStack (0.534).
 */
export const DRAIN_DEFAULTS: Required<DrainOptions> = { depth: 5, similarity: 0.9, maxChildren: 100, maxClusters: 10_000, whenFull: 'error' };

/** The wildcard that replaces variable tokens in templates. */
export const WILDCARD = '<*>';

/** One template: its id, its tokens (mutated as it merges) and how many messages joined. */
export interface DrainCluster {
  readonly id: string;
  tokens: string[];
  size: number;
}

interface TreeNode {
  children: Map<string, TreeNode>;
  clusters: DrainCluster[];
}

const newNode = (): TreeNode => ({ children: new Map(), clusters: [] });
const hasDigit = (t: string): boolean => /\d/.test(t);

/** The catch-all event of `whenFull: 'other'`. */
export const OVERFLOW_EVENT = { id: 'E0', template: '<overflow: too many templates>' };

/**
 * @example
 * const d = new DrainParser();
 * d.add('Received block <*> of size 91 from <*>').id      // 'E1'
 * d.add('Received block <*> of size 67 from <*>').id      // 'E1'
 * d.template('E1')                                        // 'Received block <*> of size <*> from <*>'
 */
export class DrainParser {
  readonly options: Required<DrainOptions>;
  private readonly root = new Map<number, TreeNode>();
  private readonly byId = new Map<string, DrainCluster>();
  private readonly clusters: DrainCluster[] = [];

  constructor(options: DrainOptions = {}) {
    const o = { ...DRAIN_DEFAULTS, ...options };
    if (!Number.isInteger(o.depth) || o.depth < 3) throw new OptionError(`Drain depth must be an integer >= 3 (root, length, leaf), got ${o.depth}`);
    if (!(o.similarity >= 0 && o.similarity <= 1)) throw new OptionError(`Drain similarity must be in [0, 1], got ${o.similarity}`);
    if (!Number.isInteger(o.maxChildren) || o.maxChildren < 2) throw new OptionError(`Drain maxChildren must be an integer >= 2, got ${o.maxChildren}`);
    if (!Number.isInteger(o.maxClusters) || o.maxClusters < 1) throw new OptionError(`Drain maxClusters must be a positive integer, got ${o.maxClusters}`);
    if (o.whenFull !== 'error' && o.whenFull !== 'other') throw new OptionError(`Drain whenFull must be 'error' or 'other', got ${String(o.whenFull)}`);
    this.options = o;
  }

  /** Number of clusters so far. */
  get size(): number {
    return this.clusters.length;
  }

  /** Every cluster in creation order. */
  all(): readonly DrainCluster[] {
    return this.clusters;
  }

  /** The current template of an event id ('E0' is the overflow event). */
  template(id: string): string {
    if (id === OVERFLOW_EVENT.id) return OVERFLOW_EVENT.template;
    const c = this.byId.get(id);
    if (!c) throw new OptionError(`no event ${id}; ids run from E1 to E${this.clusters.length}`);
    return c.tokens.join(' ');
  }

  /** Adds one masked message; returns its cluster id (its template may change with later messages). */
  add(message: string): { id: string } {
    const tokens = message.trim().split(/\s+/).filter((t) => t !== '');
    const leaf = this.leaf(tokens, false);
    const found = leaf ? this.bestMatch(leaf.clusters, tokens) : null;
    if (found) {
      merge(found, tokens);
      found.size++;
      return found;
    }
    if (this.clusters.length >= this.options.maxClusters) {
      if (this.options.whenFull === 'other') return { id: OVERFLOW_EVENT.id };
      throw new FormatError(`more than ${this.options.maxClusters} distinct log templates; raise the limit (--max-templates), mask more variable tokens, or check that the input is a log`);
    }
    const cluster: DrainCluster = { id: `E${this.clusters.length + 1}`, tokens, size: 1 };
    this.clusters.push(cluster);
    this.byId.set(cluster.id, cluster);
    this.leaf(tokens, true)!.clusters.push(cluster);
    return cluster;
  }

  /** The leaf for a token list: found by search, or made on the way when `create`. */
  private leaf(tokens: string[], create: boolean): TreeNode | null {
    let node: TreeNode | undefined = this.root.get(tokens.length);
    if (!node) {
      if (!create) return null;
      node = newNode();
      this.root.set(tokens.length, node);
    }
    const layers = Math.min(this.options.depth - 3, tokens.length);
    for (let i = 0; i < layers; i++) {
      const t = tokens[i]!;
      let next: TreeNode | undefined = node.children.get(t);
      if (!next && create) next = this.childFor(node, t);
      else if (!next) next = node.children.get(WILDCARD);
      if (!next) return null;
      node = next;
    }
    return node;
  }

  /** logpai's rule for the child a new token takes: its own, or the shared `<*>`. */
  private childFor(node: TreeNode, token: string): TreeNode {
    const wild = node.children.get(WILDCARD);
    const n = node.children.size;
    const max = this.options.maxChildren;
    let key = token;
    if (hasDigit(token)) key = WILDCARD;
    else if (wild ? n >= max : n + 1 > max - 1) key = WILDCARD;
    let child = node.children.get(key);
    if (!child) {
      child = newNode();
      node.children.set(key, child);
    }
    return child;
  }

  private bestMatch(clusters: DrainCluster[], tokens: string[]): DrainCluster | null {
    let best: DrainCluster | null = null;
    let bestSim = -1;
    let bestParams = -1;
    for (const c of clusters) {
      let same = 0;
      let params = 0;
      for (let i = 0; i < tokens.length; i++) {
        const t = c.tokens[i]!;
        if (t === WILDCARD) {
          params++;
          if (tokens[i] === WILDCARD) same++; // both masked: the same variable slot
        } else if (t === tokens[i] || fitsPattern(t, tokens[i]!)) same++;
      }
      const sim = tokens.length === 0 ? 1 : same / tokens.length;
      if (sim > bestSim || (sim === bestSim && params > bestParams)) {
        best = c;
        bestSim = sim;
        bestParams = params;
      }
    }
    return best && bestSim >= this.options.similarity ? best : null;
  }
}

/** Positions where the message differs from the template become `<*>`. */
function merge(c: DrainCluster, tokens: string[]): void {
  for (let i = 0; i < tokens.length; i++) if (c.tokens[i] !== tokens[i] && !fitsPattern(c.tokens[i]!, tokens[i]!)) c.tokens[i] = WILDCARD;
}

/**
 * A template token with a wildcard inside (`(<*>)`, `rhost=<*>`) is a pattern: the message
 * token fits it if `<*>` can stand for some text (maybe empty), so `rhost=<*>` takes
 * `rhost=ns.example.org` (no digit, so not masked) and `(<*>)` takes `()`. Glob matching with
 * leftmost literal search: linear, where a regex of several `.*` could backtrack for ages on a
 * hostile 16 KB token.
 */
function fitsPattern(template: string, token: string): boolean {
  if (template.length <= WILDCARD.length || !template.includes(WILDCARD)) return false;
  const parts = template.split(WILDCARD);
  const first = parts[0]!;
  const last = parts[parts.length - 1]!;
  if (token.length < first.length + last.length || !token.startsWith(first) || !token.endsWith(last)) return false;
  let at = first.length;
  const end = token.length - last.length;
  for (let i = 1; i < parts.length - 1; i++) {
    const found = token.indexOf(parts[i]!, at);
    if (found < 0 || found + parts[i]!.length > end) return false;
    at = found + parts[i]!.length;
  }
  return true;
}
