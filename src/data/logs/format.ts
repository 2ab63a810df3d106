import { OptionError } from '../../errors.js';

/**
 * Log header formats in loghub's logparser style: `'<Date> <Time> <Level> <Component>: <Content>'`.
 * `<Name>` is a header field, `<Content>` the message that the template parser sees. Between
 * fields: a run of spaces matches any run of white space; `\x` is the literal character x (as in
 * loghub's `\[<Time>\]`); `(...)?` is an optional part (as in Linux's `<Component>(\[<PID>\])?:`);
 * every other character is literal.
 *
 * Unlike loghub's `(?P<Name>.*?)` regex, a field here ends at the FIRST place where the text
 * after it appears (the field is matched inside a look-ahead, which JavaScript never
 * re-enters). That keeps matching linear in the line length: with plain lazy groups a line
 * that lacks the last separator makes the regex try every split of the spaces before it,
 * which for a format of five fields and a 1,000-space line is ~10^10 steps.
 */
export interface LogFormat {
  /** The format string it was compiled from. */
  readonly source: string;
  /** Field names in order; always includes 'Content'. */
  readonly fields: readonly string[];
  /** The compiled regex (named groups, one per field). */
  readonly regex: RegExp;
}

/** Longest format string accepted. */
export const MAX_FORMAT_LENGTH = 1000;

type Node = { kind: 'field'; name: string } | { kind: 'lit'; re: string } | { kind: 'opt'; nodes: Node[] };

const escapeRe = (s: string): string => s.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');

function parseNodes(src: string, pos: { i: number }, inGroup: boolean): Node[] {
  const nodes: Node[] = [];
  let lit = '';
  const flush = () => {
    if (lit) nodes.push({ kind: 'lit', re: lit });
    lit = '';
  };
  while (pos.i < src.length) {
    const ch = src[pos.i]!;
    if (ch === '<') {
      const end = src.indexOf('>', pos.i);
      const name = end < 0 ? '' : src.slice(pos.i + 1, end);
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
        throw new OptionError(`log format ${JSON.stringify(src)}: '<' at position ${pos.i} does not start a field such as <Date>; write \\< for a literal '<'`);
      }
      flush();
      nodes.push({ kind: 'field', name });
      pos.i = end + 1;
    } else if (ch === '\\') {
      const next = src[pos.i + 1];
      if (next === undefined) throw new OptionError(`log format ${JSON.stringify(src)}: ends with a lone backslash`);
      lit += escapeRe(next);
      pos.i += 2;
    } else if (/\s/.test(ch)) {
      while (pos.i < src.length && /\s/.test(src[pos.i]!)) pos.i++;
      // Possessive: the run is taken whole, so an empty field cannot split it many ways.
      lit += '\\s+(?!\\s)';
    } else if (ch === '(') {
      flush();
      pos.i++;
      const inner = parseNodes(src, pos, true);
      if (src[pos.i] !== ')' || src[pos.i + 1] !== '?') {
        throw new OptionError(`log format ${JSON.stringify(src)}: '(' must open an optional part written (...)?; write \\( for a literal '('`);
      }
      pos.i += 2;
      if (inner[0]?.kind !== 'lit') throw new OptionError(`log format ${JSON.stringify(src)}: an optional part (...)? must start with literal text`);
      nodes.push({ kind: 'opt', nodes: inner });
    } else if (ch === ')') {
      if (!inGroup) throw new OptionError(`log format ${JSON.stringify(src)}: ')' at position ${pos.i} closes nothing; write \\) for a literal ')'`);
      break;
    } else {
      lit += escapeRe(ch);
      pos.i++;
    }
  }
  flush();
  return nodes;
}

/** The text that may follow node i: its next literal, or (past an optional part) either. */
function terminator(nodes: Node[], i: number, after: string): string {
  const next = nodes[i + 1];
  if (!next) return after;
  if (next.kind === 'lit') return next.re;
  if (next.kind === 'field') return '';
  const first = next.nodes[0] as { re: string };
  return `(?:${first.re}|${terminator(nodes, i + 1, after)})`;
}

function toRegex(nodes: Node[], after: string, src: string): string {
  let out = '';
  nodes.forEach((n, i) => {
    if (n.kind === 'lit') out += n.re;
    else if (n.kind === 'opt') out += `(?:${toRegex(n.nodes, terminator(nodes, i, after), src)})?`;
    else if (n.name === 'Content') out += '(?<Content>[^]*?)';
    else {
      const term = terminator(nodes, i, after);
      if (term === '') throw new OptionError(`log format ${JSON.stringify(src)}: fields <${n.name}> and the next one touch; put a separator between them`);
      // Atomic lazy field: the look-ahead fixes where it ends, the back-reference consumes it.
      out += `(?=(?<${n.name}>[^]*?)${term})\\k<${n.name}>`;
    }
  });
  return out;
}

function collectFields(nodes: Node[], into: string[]): string[] {
  for (const n of nodes) {
    if (n.kind === 'field') into.push(n.name);
    else if (n.kind === 'opt') collectFields(n.nodes, into);
  }
  return into;
}

/**
 * Compiles a loghub-style format string.
 *
 * @example
 * const f = compileFormat('<Date> <Time> <Level> <Component>: <Content>');
 * matchHeader(f, '17/06/09 20:10:40 INFO spark.SecurityManager: Changing view acls to: yarn')
 * // { Date: '17/06/09', Time: '20:10:40', Level: 'INFO', Component: 'spark.SecurityManager', Content: 'Changing view acls to: yarn' }
 */
export function compileFormat(format: string): LogFormat {
  if (format.trim() === '') throw new OptionError('log format is empty; give e.g. "<Date> <Time> <Level> <Component>: <Content>"');
  if (format.length > MAX_FORMAT_LENGTH) throw new OptionError(`log format is ${format.length} characters long, over ${MAX_FORMAT_LENGTH}; a header format is a short pattern such as "<Date> <Time> <Level>: <Content>"`);
  const pos = { i: 0 };
  const nodes = parseNodes(format.trim(), pos, false);
  if (pos.i < format.trim().length) throw new OptionError(`log format ${JSON.stringify(format)}: unexpected ')' at position ${pos.i}`);
  const fields = collectFields(nodes, []);
  if (!fields.includes('Content')) {
    throw new OptionError(`log format ${JSON.stringify(format)} has no <Content> field; mark the message part, e.g. "<Date> <Time> <Level>: <Content>"`);
  }
  const dup = fields.find((f, i) => fields.indexOf(f) !== i);
  if (dup) throw new OptionError(`log format ${JSON.stringify(format)}: field <${dup}> appears twice`);
  if (collectFields(nodes.filter((n) => n.kind === 'opt'), []).includes('Content')) {
    throw new OptionError(`log format ${JSON.stringify(format)}: <Content> cannot be inside an optional part`);
  }
  let regex: RegExp;
  try {
    regex = new RegExp(`^${toRegex(nodes, '$', format)}$`);
  } catch (e) {
    throw new OptionError(`log format ${JSON.stringify(format)} cannot be compiled (${(e as Error).message.slice(0, 200)})`);
  }
  return { source: format, fields, regex };
}

/** The header fields and Content of one line, or null if the line does not fit the format. */
export function matchHeader(format: LogFormat, line: string): Record<string, string> | null {
  const m = format.regex.exec(line);
  if (!m?.groups) return null;
  const out: Record<string, string> = {};
  for (const f of format.fields) out[f] = m.groups[f] ?? '';
  return out;
}

/** The formats of loghub's benchmark (logpai/logparser benchmark settings), by system. */
export const LOGHUB_FORMATS: Readonly<Record<string, string>> = {
  HDFS: '<Date> <Time> <Pid> <Level> <Component>: <Content>',
  Hadoop: '<Date> <Time> <Level> \\[<Process>\\] <Component>: <Content>',
  Spark: '<Date> <Time> <Level> <Component>: <Content>',
  Zookeeper: '<Date> <Time> - <Level>  \\[<Node>:<Component>@<Id>\\] - <Content>',
  BGL: '<Label> <Timestamp> <Date> <Node> <Time> <NodeRepeat> <Type> <Component> <Level> <Content>',
  HPC: '<LogId> <Node> <Component> <State> <Time> <Flag> <Content>',
  Thunderbird: '<Label> <Timestamp> <Date> <User> <Month> <Day> <Time> <Location> <Component>(\\[<PID>\\])?: <Content>',
  Windows: '<Date> <Time>, <Level>                  <Component>    <Content>',
  Linux: '<Month> <Date> <Time> <Level> <Component>(\\[<PID>\\])?: <Content>',
  Android: '<Date> <Time>  <Pid>  <Tid> <Level> <Component>: <Content>',
  HealthApp: '<Time>\\|<Component>\\|<Pid>\\|<Content>',
  Apache: '\\[<Time>\\] \\[<Level>\\] <Content>',
  Proxifier: '\\[<Time>\\] <Program> - <Content>',
  OpenSSH: '<Date> <Day> <Time> <Component> sshd\\[<Pid>\\]: <Content>',
  OpenStack: '<Logrecord> <Date> <Time> <Pid> <Level> <Component> \\[<ADDR>\\] <Content>',
  Mac: '<Month>  <Date> <Time> <User> <Component>\\[<PID>\\]( \\(<Address>\\))?: <Content>',
};

/** Generic timestamp-prefixed layouts tried by detection after loghub's. */
export const GENERIC_FORMATS: readonly string[] = [
  '<Date> <Time> <Level> <Component>: <Content>',
  '<Date> <Time> <Level> <Content>',
  '<Date> <Time> <Content>',
  '\\[<Time>\\] <Content>',
];
