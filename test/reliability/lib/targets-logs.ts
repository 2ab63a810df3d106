// Fuzz targets for the log pipeline: raw log bytes through decoding, line limits, format
// detection or a (possibly mutated) format string, masking, Drain and sessions; and session
// JSON Lines through the reader and both baselines.
import { detectNgram, fitNgram } from '../../../src/data/logs/anomaly/ngram.js';
import { detectUnseen, fitSeen } from '../../../src/data/logs/anomaly/unseen.js';
import { LOGHUB_FORMATS } from '../../../src/data/logs/format.js';
import { decodeLog, splitLogLines } from '../../../src/data/logs/lines.js';
import { parseLogLines } from '../../../src/data/logs/parse-log.js';
import { parseSessionsJsonl, sessionsById, windowsByCount } from '../../../src/data/logs/sessions.js';
import type { FuzzTarget } from './harness.js';
import { mutateBytes, mutateText } from './mutate.js';
import type { Prng } from './rng.js';

const enc = new TextEncoder();
const dec = new TextDecoder();

const LOG_SEEDS = [
  Array.from({ length: 30 }, (_, i) => `081109 2035${10 + (i % 50)} ${140 + i} INFO dfs.DataNode$PacketResponder: PacketResponder ${i % 3} for block blk_${i * 7919 - 100} terminating`).join('\n'),
  Array.from({ length: 30 }, (_, i) => `Jun 14 15:16:${10 + i} combo sshd(pam_unix)[${19000 + i}]: authentication failure; logname= uid=0 euid=0 tty=NODEVssh ruser= rhost=218.188.2.${i}`).join('\n'),
  Array.from({ length: 30 }, (_, i) => `[10.30 16:49:${10 + i}] chrome.exe - proxy.cse.cuhk.edu.hk:5070 close, ${i * 97} bytes (${i}.1 KB) sent, ${i} bytes received, lifetime <1 sec`).join('\n'),
  Array.from({ length: 30 }, (_, i) => `20171223-22:15:${10 + i}:606|Step_LSC|30002312|onExtend:${1514038530000 + i} ${i} 0 4`).join('\n'),
];

interface LogCase {
  bytes: Uint8Array;
  format?: string;
  option: number;
}

const FORMATS = Object.values(LOGHUB_FORMATS);

export const logsTarget: FuzzTarget<LogCase> = {
  name: 'logs',
  async setup() {
    return {
      generate(rng: Prng): LogCase {
        let s = rng.pick(LOG_SEEDS);
        for (let r = rng.int(1, 3); r > 0; r--) s = mutateText(rng, s);
        let bytes = rng.chance(0.3) ? mutateBytes(rng, enc.encode(s)) : enc.encode(s);
        const r = rng.next();
        if (r < 0.05) bytes = enc.encode('x'.repeat(rng.int(1, 1 << 20)) + '\n' + s);
        else if (r < 0.1) bytes = enc.encode(Array.from({ length: 1200 }, (_, i) => `w${(i * 2654435761) >>> 0} zz${i.toString(36).replace(/\d/g, 'q')}`).join('\n'));
        else if (r < 0.13) bytes = enc.encode('a '.repeat(rng.int(1000, 50_000)));
        const format = rng.chance(0.5) ? undefined : rng.chance(0.7) ? rng.pick(FORMATS) : mutateText(rng, rng.pick(FORMATS));
        return { bytes, format, option: rng.int(0, 3) };
      },
      run(c: LogCase) {
        const { lines, lineNumbers } = splitLogLines(decodeLog(c.bytes, 'fuzz.log'), { maxLineLength: c.option === 0 ? 200 : undefined, longLines: c.option === 3 ? 'error' : 'truncate' }, 'fuzz.log');
        const log = parseLogLines(lines, lineNumbers, { format: c.format, drain: { maxClusters: 1000, whenFull: c.option === 1 ? 'other' : 'error' } });
        const sessions = sessionsById(log.lines.map((l) => ({ text: l.fields.Content!, eventId: l.eventId })), 'blk_-?\\d+|\\[\\d+\\]');
        windowsByCount(log.lines.map((l) => l.eventId), 5, 2);
        return sessions.length;
      },
      size: (c: LogCase) => c.bytes.length,
    };
  },
};

const SESSION_SEED = Array.from({ length: 30 }, (_, i) => JSON.stringify({ session: `blk_${i}`, events: Array.from({ length: 3 + (i % 4) }, (_, k) => `E${(i + k) % 5}`), label: i % 7 ? 'normal' : 'anomaly' })).join('\n');

export const sessionsTarget: FuzzTarget<{ bytes: Uint8Array; g: number }> = {
  name: 'log-sessions',
  async setup() {
    return {
      generate(rng: Prng) {
        let s = SESSION_SEED;
        for (let r = rng.int(1, 3); r > 0; r--) s = mutateText(rng, s);
        return { bytes: rng.chance(0.3) ? mutateBytes(rng, enc.encode(s)) : enc.encode(s), g: rng.int(1, 5) };
      },
      run(c: { bytes: Uint8Array; g: number }) {
        const sessions = parseSessionsJsonl(dec.decode(c.bytes), 'fuzz.jsonl');
        const normal = sessions.filter((x) => x.label !== 'anomaly').map((x) => x.events);
        const all = sessions.map((x) => x.events);
        return [detectNgram(fitNgram(normal, 3), all, c.g), detectUnseen(fitSeen(normal), all)];
      },
      size: (c: { bytes: Uint8Array }) => c.bytes.length,
    };
  },
};
