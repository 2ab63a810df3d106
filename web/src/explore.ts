// Panel 4: open your own checkpoint (or the bundled one), colour a text by one unit's
// activation, and rank units by how they follow a pattern.
import { readCheckpointFiles } from './checkpoint-files.js';
import { css, diverging, symlogDiverging, textOn } from './colors.js';
import { acceptDrops } from './drop-zone.js';
import { fetchModel, modelFromBytes, traceText, type CharModel, type TextTrace } from './model.js';
import { fetchLogsModel, isLogsConfig, logsModelFromBytes, type LogsModel } from './logs-model.js';
import { createLogsView, type LogsView } from './logs-view.js';
import { PATTERNS, rankUnits } from './patterns.js';
import { EXPLORE_TEXT } from './texts.js';

export interface Explorer {
  setModel(m: CharModel): void;
  /** Opens the logs checkpoint served under a base URL (`recur viz DIR`). */
  openLogs(base: string): Promise<void>;
}

/** Reads config.json and model.safetensors from dropped or chosen files (a logs checkpoint by its config's task). */
async function modelFromFiles(files: File[]): Promise<CharModel | LogsModel> {
  const { config, weights, source } = await readCheckpointFiles(files, 'recur train');
  return isLogsConfig(config) ? logsModelFromBytes(config, weights, source) : modelFromBytes(config, weights, source);
}

export function createExplorer(root: HTMLElement, onModel: (m: CharModel) => void): Explorer {
  const q = <T extends HTMLElement>(sel: string) => root.querySelector<T>(sel)!;
  const drop = q<HTMLElement>('#drop');
  const fileInput = q<HTMLInputElement>('#ckpt-files');
  const unit = q<HTMLInputElement>('#ex-unit');
  const which = q<HTMLSelectElement>('#ex-state');
  const textArea = q<HTMLTextAreaElement>('#ex-text');
  const out = q<HTMLElement>('#ex-coloured');
  const pattern = q<HTMLSelectElement>('#ex-pattern');
  const ranking = q<HTMLElement>('#ex-ranking');
  const message = q<HTMLElement>('#ex-message');
  for (const [k, p] of Object.entries(PATTERNS)) pattern.add(new Option(p.label, k));
  textArea.value = EXPLORE_TEXT;
  let model: CharModel | null = null;
  let trace: TextTrace | null = null;
  // A logs checkpoint shows sessions of events instead of a text (logs-view.ts).
  const logsRoot = q<HTMLElement>('#ex-logs');
  let logsView: LogsView | null = null;
  const showLogs = (on: boolean) => {
    logsRoot.hidden = !on;
    q<HTMLElement>('#ex-chars').hidden = on;
    root.dataset.kind = on ? 'logs' : 'charlm';
  };

  const series = () => (which.value === 'c' && trace?.c ? trace.c : trace!.h);
  const colour = () => {
    if (!trace) return;
    const u = Math.max(0, Math.min(trace.H - 1, Number(unit.value) || 0));
    const data = series();
    // h lies in [-1, 1]; c is unbounded: the same fixed symlog scale as panel 1, for every text.
    const scale = which.value === 'c' && trace.c ? symlogDiverging(100) : diverging(1);
    out.replaceChildren(
      ...[...trace.text].map((ch, t) => {
        const s = document.createElement(ch === '\n' ? 'br' : 'span');
        if (ch !== '\n') {
          const c = scale.color(data[t * trace!.H + u]!);
          s.textContent = ch;
          s.style.background = css(c);
          s.style.color = textOn(c);
        }
        return s;
      }),
    );
    root.dataset.unit = String(u);
  };
  const rank = () => {
    if (!trace) return;
    const signal = PATTERNS[pattern.value]!.signal(trace.text);
    const top = rankUnits(series(), trace.T, trace.H, signal).slice(0, 8);
    if (top.length === 0) {
      ranking.replaceChildren(Object.assign(document.createElement('li'), { textContent: 'the pattern does not vary in this text' }));
      return;
    }
    ranking.replaceChildren(
      ...top.map(({ unit: u, r }) => {
        const li = document.createElement('li');
        const b = document.createElement('button');
        b.textContent = `unit ${u}: r = ${r.toFixed(2)}`;
        b.addEventListener('click', () => {
          unit.value = String(u);
          colour();
        });
        li.append(b);
        return li;
      }),
    );
    if (top[0]) {
      unit.value = String(top[0].unit);
      colour();
    }
  };
  const run = () => {
    if (!model) return;
    trace = traceText(model, textArea.value.slice(0, 2000));
    unit.max = String(trace.H - 1);
    // LSTMs keep what they track longest in the cell state c; other cells have only h.
    q<HTMLOptionElement>('#ex-state option[value="c"]').disabled = trace.c === null;
    if (trace.c === null) which.value = 'h';
    colour();
    rank();
  };
  const load = (p: Promise<CharModel | LogsModel>) =>
    p.then(
      (m) => {
        message.textContent = m.source.startsWith('dropped:') ? `loaded the dropped checkpoint${m.source.length > 8 ? ` (${m.source.slice(8)})` : ''}` : `loaded ${m.source}`;
        if (!('events' in m)) return onModel(m);
        showLogs(true);
        (logsView ??= createLogsView(logsRoot)).open(m);
      },
      (e: unknown) => (message.textContent = `could not load: ${(e as Error).message}`),
    );

  fileInput.addEventListener('change', () => void load(modelFromFiles(Array.from(fileInput.files ?? []))));
  acceptDrops(drop, (files) => void load(modelFromFiles(files)));
  q('#use-bundled').addEventListener('click', () => void load(fetchModel('./model/')));
  unit.addEventListener('input', colour);
  which.addEventListener('change', run);
  pattern.addEventListener('change', rank);
  q('#ex-run').addEventListener('click', run);
  return {
    async openLogs(base) {
      await load(fetchLogsModel(base));
    },
    setModel(m) {
      showLogs(false);
      model = m;
      run();
    },
  };
}
