// Fuzz target for `recur detect`'s input path: (mutated) byte streams of JSON sessions, JSON
// events and raw log lines, cut into random chunks, through the stream decoder, the bounded
// line splitter, the template matcher and the streaming detector of a tiny model.
import { Readable } from 'node:stream';
import { EventVocabulary } from '../../../src/data/logs/event-windows.js';
import { CharLm } from '../../../src/models/char-lm.js';
import { detectStream } from '../../../src/cli/detect.js';
import type { EventModel } from '../../../src/tasks/log-detect.js';
import type { FuzzTarget } from './harness.js';
import { mutateBytes, mutateText } from './mutate.js';
import type { Prng } from './rng.js';

const enc = new TextEncoder();
const EVENTS = ['open <*>', 'read <*>', 'write <*>', 'close <*>'];

const SEEDS = [
  Array.from({ length: 20 }, (_, i) => JSON.stringify({ session: `blk_${i}`, events: EVENTS.slice(0, 2 + (i % 3)) })).join('\n'),
  Array.from({ length: 40 }, (_, i) => JSON.stringify({ session: `blk_${i % 7}`, event: EVENTS[i % 4] })).join('\n'),
  Array.from({ length: 40 }, (_, i) => `${['open', 'read', 'write', 'close'][i % 4]} blk_${i % 9} from /10.0.0.${i}`).join('\n'),
];

interface DetectCase {
  bytes: Uint8Array;
  cuts: number[];
  raw: boolean;
  option: number;
}

export const logDetectTarget: FuzzTarget<DetectCase> = {
  name: 'log-detect',
  async setup() {
    const vocab = new EventVocabulary(EVENTS);
    const m: EventModel = { model: new CharLm({ cell: 'lstm', hiddenSize: 4, numLayers: 1, dropout: 0, embeddingDim: 3, vocabSize: vocab.size }, 1), vocab, history: 4 };
    return {
      generate(rng: Prng): DetectCase {
        const which = rng.int(0, SEEDS.length - 1);
        let s = SEEDS[which]!;
        for (let r = rng.int(1, 3); r > 0; r--) s = mutateText(rng, s);
        let bytes = rng.chance(0.3) ? mutateBytes(rng, enc.encode(s)) : enc.encode(s);
        if (rng.chance(0.05)) bytes = enc.encode('{'.repeat(rng.int(1, 1 << 19)));
        else if (rng.chance(0.05)) bytes = enc.encode(Array.from({ length: 800 }, (_, i) => JSON.stringify({ session: `s${i}`, event: `e${i % 50}` })).join('\n'));
        const cuts = Array.from({ length: rng.int(0, 6) }, () => rng.int(0, bytes.length)).sort((a, b) => a - b);
        return { bytes, cuts, raw: which === 2, option: rng.int(0, 2) };
      },
      async run(c: DetectCase) {
        const edges = [0, ...c.cuts, c.bytes.length];
        const chunks = edges.slice(1).map((e, i) => c.bytes.subarray(edges[i]!, e));
        let closed = 0;
        await detectStream(
          Readable.from(chunks),
          m,
          {
            threshold: c.option === 0 ? { kind: 'top', g: 2 } : { kind: 'probability', p: 0.01 },
            ...(c.raw ? { session: 'blk_\\d+', format: c.option === 2 ? undefined : '<Content>' } : {}),
            endEvent: c.option === 1 ? '^close' : undefined,
            idle: c.option * 5,
            maxOpen: 100,
            maxLineLength: 2000,
            source: 'fuzz',
          },
          () => closed++,
        );
        return closed;
      },
      size: (c: DetectCase) => c.bytes.length,
    };
  },
};
