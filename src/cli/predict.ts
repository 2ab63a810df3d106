import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import { decodeText } from '../data/text.js';
import { classify, nextCharacters } from '../tasks/predict.js';
import { loadModel, readData } from '../checkpoint/session.js';
import { OptionError } from '../errors.js';
import { printAudioPredictions } from './predict-audio.js';

/** Inputs from a file: JSON array or JSONL records (their text/sequence field), else one text per line. */
function readInputs(text: string, field: string): Array<{ text?: string; steps?: number[][] }> {
  const t = text.trimStart();
  const fromRecord = (r: Record<string, unknown>) => {
    const v = r[field] ?? r.text ?? r.sequence;
    return Array.isArray(v) ? { steps: v.map((s) => (Array.isArray(s) ? s.map(Number) : [Number(s)])) } : { text: String(v ?? '') };
  };
  if (t.startsWith('[')) return (JSON.parse(t) as Array<Record<string, unknown>>).map(fromRecord);
  if (t.startsWith('{')) return t.split(/\r?\n/).filter((l) => l.trim()).map((l) => fromRecord(JSON.parse(l) as Record<string, unknown>));
  return text.split(/\r?\n/).filter((l) => l.trim()).map((l) => ({ text: l }));
}

export function registerPredict(program: Command): void {
  program
    .command('predict')
    .description('classify texts or sequences (classify checkpoints), or show the next likely characters (charlm)')
    .argument('<dir>', 'checkpoint directory')
    .argument('<input...>', 'a file (JSON, JSONL or one text per line) or a literal text; audio: one or more WAV files (a model trained with --speaker-norm normalises each speaker\'s files together, by its pattern on the file names: several recordings of one speaker give better results than one alone)')
    .option('--field <name>', 'field holding the input in JSON records', 'text')
    .option('--json', 'one JSON object per input')
    .action(async (dir: string, given: string[], o: { field: string; json?: boolean }) => {
      const { loaded } = await loadModel(dir);
      if (loaded.kind === 'audio') {
        printAudioPredictions(loaded, given, !!o.json);
        return;
      }
      if (given.length > 1) throw new OptionError(`predict: give one input (a file, or a text in quotes); ${given.length} were given`);
      const input = given[0]!;
      const inputs = existsSync(input) ? readInputs(decodeText(readData(input), input), o.field) : [{ text: input }];
      if (loaded.kind === 'classify') {
        const results = classify(loaded.model, loaded.encoding, inputs);
        results.forEach((r, i) => {
          if (o.json) console.log(JSON.stringify({ input: inputs[i]!.text ?? inputs[i]!.steps, ...r }));
          else console.log(`${r.label}\t${r.probabilities[r.label]!.toFixed(3)}\t${inputs[i]!.text ?? JSON.stringify(inputs[i]!.steps)}`);
        });
      } else if (loaded.kind === 'charlm') {
        for (const x of inputs) {
          const top = nextCharacters(loaded.model, loaded.vocab, x.text ?? '');
          if (o.json) console.log(JSON.stringify({ input: x.text, next: top }));
          else console.log(`${JSON.stringify(x.text)} -> ${top.map((c) => `${JSON.stringify(c.char)} ${c.p.toFixed(3)}`).join(', ')}`);
        }
      } else {
        throw new OptionError(
          loaded.kind === 'logs' ? `${dir} holds a logs model; use 'recur detect ${dir} <sessions.jsonl>'`
            : loaded.kind === 'logsClassifier' ? `${dir} holds a supervised logs classifier; score it with 'recur eval ${dir} --data <sessions.jsonl>'`
              : `${dir} holds a forecast model; use 'recur forecast ${dir} <csv>'`,
        );
      }
    });
}
