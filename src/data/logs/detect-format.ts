import { compileFormat, GENERIC_FORMATS, LOGHUB_FORMATS, matchHeader, type LogFormat } from './format.js';

/** What format detection chose, and how well it fits. */
export interface DetectedFormat {
  format: LogFormat;
  /** The loghub system whose format it is, 'generic', or 'none' (whole line as Content). */
  name: string;
  /** Fraction of the sampled non-blank lines it matched (with plausible header fields). */
  matched: number;
}

const LEVELS = /^(?:[A-Z]|TRACE|DEBUG|INFO|NOTICE|WARN|WARNING|ERROR|ERR|SEVERE|CRITICAL|CRIT|FATAL|ALERT|EMERG|VERBOSE)$/i;

/**
 * Is a header field plausible for its name? A format whose fields swallow message words
 * (e.g. HDFS's five-field layout laid over a Spark line) would otherwise win on field count.
 * Fields named for times may hold spaces (Apache's `[Sun Dec 04 04:47:44 2005]`), and so may fields
 * in brackets (Hadoop's `[IPC Server Responder]`) or before a spaced separator (Proxifier's
 * `chrome.exe *64 - `); others not.
 */
function plausible(name: string, value: string, bracketed: boolean): boolean {
  const n = name.toLowerCase();
  if (/time|date/.test(n)) return /\d/.test(value);
  if (value === '' || (/\s/.test(value) && !bracketed)) return false;
  if (n === 'level') return LEVELS.test(value) || /^[a-z][\w-]*$/.test(value);
  if (/^(pid|tid|logid|id|flag)$/.test(n)) return /^\d+$/.test(value);
  return true;
}

/** In brackets (`\[<Process>\]`) or before a spaced word separator (`<Program> - `) a field may hold spaces. */
function spacesAllowed(src: string, field: string): boolean {
  const at = src.indexOf(`<${field}>`) + field.length + 2;
  return src.slice(at - field.length - 4, at - field.length - 2) === '\\[' || /^ +[^\s<]/.test(src.slice(at));
}

/**
 * Picks the header format that fits most of the first `sample` non-blank lines: loghub's
 * formats, then generic timestamp-prefixed ones; among equal fits, the one with more fields.
 * A line counts only if every header field looks like its name (a level is a level word, a pid
 * a number, no field but times holds spaces). Below half the lines, the whole line is Content.
 *
 * @example
 * detectFormat(['[Sun Dec 04 04:47:44 2005] [notice] workerEnv.init() ok']).name // 'Apache'
 */
export function detectFormat(lines: readonly string[], sample = 200): DetectedFormat {
  const picked: string[] = [];
  for (const l of lines) {
    if (picked.length >= sample) break;
    if (l.trim() !== '') picked.push(l.length > 4096 ? l.slice(0, 4096) : l);
  }
  const candidates: Array<[string, string]> = [...Object.entries(LOGHUB_FORMATS), ...GENERIC_FORMATS.map((f): [string, string] => ['generic', f])];
  let best: DetectedFormat | null = null;
  for (const [name, src] of candidates) {
    const format = compileFormat(src);
    let ok = 0;
    for (const line of picked) {
      const h = matchHeader(format, line);
      if (h && format.fields.every((f) => f === 'Content' || plausible(f, h[f]!, spacesAllowed(src, f)))) ok++;
    }
    const matched = picked.length ? ok / picked.length : 0;
    if (!best || matched > best.matched + 1e-9 || (Math.abs(matched - best.matched) <= 1e-9 && format.fields.length > best.format.fields.length)) {
      best = { format, name, matched };
    }
  }
  if (!best || best.matched < 0.5) return { format: compileFormat('<Content>'), name: 'none', matched: 1 };
  return best;
}
