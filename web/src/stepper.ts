// Panel 1: step through a text; gates, cell and hidden states as unit x time heatmaps, and
// the model's next-character distribution at the current step.
import { diverging, viridis, type Scale } from './colors.js';
import { createHeatmap, type HeatmapView } from './heatmap.js';
import { showChar, topNext, traceText, type CharModel, type TextTrace } from './model.js';
import { SAMPLE_TEXTS } from './texts.js';

const GATE_NOTES: Record<string, string> = {
  i: 'input gate σ: how much new content is written',
  f: 'forget gate σ: how much of the cell state is kept',
  g: 'candidate tanh: the new content',
  o: 'output gate σ: how much of the cell is shown',
  r: 'reset gate σ',
  z: 'update gate σ: keep the old state',
  n: 'candidate tanh',
};

export interface StepperPanel {
  setModel(m: CharModel): void;
  /** Called with the trace and step whenever either changes (the cell diagram listens). */
  onChange(listener: (tr: TextTrace, t: number) => void): void;
}

/** The 98th percentile of |a|: a few saturated cells should not wash out the rest. */
function robustMaxAbs(a: Float32Array): number {
  const s = Float32Array.from(a, Math.abs).sort();
  return s[Math.floor(0.98 * (s.length - 1))] ?? 1;
}

export function createStepper(root: HTMLElement): StepperPanel {
  const picker = root.querySelector<HTMLSelectElement>('#text-pick')!;
  const input = root.querySelector<HTMLTextAreaElement>('#text-input')!;
  const strip = root.querySelector<HTMLElement>('#text-strip')!;
  const scrub = root.querySelector<HTMLInputElement>('#scrub')!;
  const playBtn = root.querySelector<HTMLButtonElement>('#play')!;
  const status = root.querySelector<HTMLElement>('#step-status')!;
  const nextList = root.querySelector<HTMLElement>('#next-chars')!;
  const maps = root.querySelector<HTMLElement>('#heatmaps')!;
  for (const [i, s] of SAMPLE_TEXTS.entries()) picker.add(new Option(s.name, String(i)));
  input.value = SAMPLE_TEXTS[0]!.text;

  let model: CharModel | null = null;
  let trace: TextTrace | null = null;
  let t = 0;
  let timer: number | null = null;
  let views: Array<{ key: string; view: HeatmapView }> = [];
  const listeners: Array<(tr: TextTrace, t: number) => void> = [];

  const buildViews = (tr: TextTrace) => {
    maps.replaceChildren();
    views = [];
    const add = (key: string, title: string, note: string, data: Float32Array, scale: Scale) => {
      const view = createHeatmap(title, note);
      maps.append(view.root);
      view.update(data, tr.T, tr.H, scale);
      view.root.dataset.key = key;
      views.push({ key, view });
    };
    for (const [k, g] of Object.entries(tr.gates)) {
      const sigmoid = k !== 'g' && k !== 'n';
      add(k, `gate ${k}`, GATE_NOTES[k] ?? '', g, sigmoid ? viridis(0, 1) : diverging(1));
    }
    if (tr.c) add('c', 'cell state c', 'the long-term memory (unbounded)', tr.c, diverging(Math.max(1e-3, robustMaxAbs(tr.c))));
    add('h', 'hidden state h', 'what the next layer and the prediction see', tr.h, diverging(1));
  };

  const render = () => {
    if (!trace || !model) return;
    scrub.value = String(t);
    const chars = [...trace.text];
    strip.replaceChildren(
      ...chars.map((ch, i) => {
        const s = document.createElement('span');
        s.textContent = ch === '\n' ? '↵' : ch;
        s.className = i === t ? 'cur' : i < t ? 'past' : 'future';
        return s;
      }),
    );
    strip.querySelector('.cur')?.scrollIntoView({ block: 'nearest', inline: 'nearest' });
    status.textContent = `step ${t + 1} / ${trace.T} · input '${showChar(chars[t] ?? ' ')}'`;
    root.dataset.step = String(t);
    for (const { view } of views) view.setCursor(t);
    const top = topNext(model, trace, t);
    nextList.replaceChildren(
      ...top.map(({ char, p }) => {
        const li = document.createElement('li');
        li.innerHTML = `<span class="ch"></span><span class="bar"><span style="width:${(p * 100).toFixed(1)}%"></span></span><span class="p">${(p * 100).toFixed(1)}%</span>`;
        li.querySelector('.ch')!.textContent = showChar(char);
        return li;
      }),
    );
    for (const l of listeners) l(trace, t);
  };

  const go = (to: number) => {
    if (!trace) return;
    t = Math.max(0, Math.min(trace.T - 1, to));
    render();
  };
  const pause = () => {
    if (timer !== null) clearInterval(timer);
    timer = null;
    playBtn.textContent = '▶ play';
  };
  const play = () => {
    if (!trace) return;
    if (t >= trace.T - 1) t = -1;
    playBtn.textContent = '⏸ pause';
    timer = window.setInterval(() => {
      if (!trace || t >= trace.T - 1) return pause();
      go(t + 1);
    }, 120);
  };
  const run = () => {
    if (!model) return;
    pause();
    trace = traceText(model, input.value.slice(0, 400));
    scrub.max = String(trace.T - 1);
    buildViews(trace);
    go(0);
  };

  picker.addEventListener('change', () => {
    input.value = SAMPLE_TEXTS[Number(picker.value)]!.text;
    run();
  });
  root.querySelector('#run-text')!.addEventListener('click', run);
  playBtn.addEventListener('click', () => (timer === null ? play() : pause()));
  root.querySelector('#step-back')!.addEventListener('click', () => go(t - 1));
  root.querySelector('#step-fwd')!.addEventListener('click', () => go(t + 1));
  scrub.addEventListener('input', () => go(Number(scrub.value)));
  document.addEventListener('keydown', (e) => {
    const target = e.target as HTMLElement | null;
    if (target && /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName) && target !== scrub) return;
    const keys: Record<string, () => void> = {
      ArrowRight: () => go(t + 1),
      ArrowLeft: () => go(t - 1),
      Home: () => go(0),
      End: () => go(Number.MAX_SAFE_INTEGER),
      ' ': () => (timer === null ? play() : pause()),
    };
    const action = keys[e.key];
    if (action && !root.hidden) {
      e.preventDefault();
      action();
    }
  });

  return {
    setModel(m) {
      model = m;
      run();
    },
    onChange(l) {
      listeners.push(l);
    },
  };
}
