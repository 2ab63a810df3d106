// Panel 3: a plain RNN, a GRU and an LSTM trained side by side (in a worker) on recalling a
// symbol seen N steps earlier: loss curves, accuracy by distance, the gradient over t, and
// one sequence played through the three models ("watch it remember").
import { createRaceCharts, LABEL, type RaceCharts } from './memory-charts.js';
import { CELLS, type CellKind, type EvalReport, type FromWorker, type ToWorker, type TrainSettings } from './protocol.js';
import { createRememberView, type RememberView } from './remember.js';
import { validateRace } from './validate.js';

/** What the tests read: the latest losses, first losses and evaluation. */
export interface MemoryStatus {
  step: number;
  done: boolean;
  backend: string;
  /** Threads the training worker's large passes use (2 in a cross-origin-isolated page). */
  threads: number;
  firstLoss: Record<CellKind, number> | null;
  lastLoss: Record<CellKind, number> | null;
  /** Mean loss over the first and the last 20 steps (single steps are noisy). */
  early: Record<CellKind, number> | null;
  late: Record<CellKind, number> | null;
  msPerStep: number;
  /** Wall time from Train to done. */
  seconds: number;
  report: EvalReport | null;
  initial: EvalReport | null;
}

export function createMemoryPanel(root: HTMLElement): RememberView {
  const field = (id: string) => root.querySelector<HTMLInputElement>(`#${id}`)!;
  const button = root.querySelector<HTMLButtonElement>('#train')!;
  const status = root.querySelector<HTMLElement>('#train-status')!;
  const errorsEl = root.querySelector<HTMLElement>('#train-errors')!;
  const remember = createRememberView(root.querySelector<HTMLElement>('#remember')!);
  let worker: Worker | null = null;
  let charts: RaceCharts | null = null;
  let losses: number[][] = [[], [], [], []];
  let settings: TrainSettings | null = null;
  const state: MemoryStatus = { step: 0, done: false, backend: '?', threads: 0, firstLoss: null, lastLoss: null, early: null, late: null, msPerStep: 0, seconds: 0, report: null, initial: null };
  let started = 0;
  const meanOf = (from: number, to: number) =>
    Object.fromEntries(CELLS.map((c, i) => [c, losses[i + 1]!.slice(from, to).reduce((a, b) => a + b, 0) / Math.max(1, losses[i + 1]!.slice(from, to).length)])) as Record<CellKind, number>;
  const publish = () => (root.dataset.status = JSON.stringify(state));
  const makeCharts = () => {
    charts?.destroy();
    charts = createRaceCharts(root.querySelector('#loss-chart')!, root.querySelector('#acc-chart')!, root.querySelector('#grad-chart')!);
  };

  const onMessage = (m: FromWorker) => {
    if (!charts || !settings) return;
    if (m.type === 'backend') Object.assign(state, { backend: m.name, threads: m.threads });
    else if (m.type === 'progress') {
      state.step = m.step;
      state.lastLoss = m.loss;
      state.firstLoss ??= m.loss;
      state.msPerStep = (performance.now() - started) / m.step;
      losses[0]!.push(m.step);
      CELLS.forEach((c, i) => losses[i + 1]!.push(m.loss[c]));
      // Redraw at most every few steps: uPlot is fast, but the page has other work.
      if (m.step % 5 === 0) charts.setLoss(losses);
      const left = ((settings.steps - m.step) * state.msPerStep) / 1000;
      status.textContent = `Training: step ${m.step} of ${settings.steps} (about ${Math.ceil(left)} s left) · loss ${CELLS.map((c) => `${LABEL[c]} ${m.loss[c].toFixed(3)}`).join(', ')}`;
    } else if (m.type === 'eval') {
      state.report = m.report;
      state.initial ??= m.report;
      charts.setReport(m.report, state.initial, m.step);
      remember.show(m.remember);
    } else if (m.type === 'done') {
      charts.setLoss(losses);
      state.done = true;
      state.seconds = (performance.now() - started) / 1000;
      const n = losses[0]!.length;
      state.early = meanOf(0, Math.min(20, n));
      state.late = meanOf(Math.max(0, n - 20), n);
      button.textContent = 'Train';
      const acc = state.report ? CELLS.map((c) => `${LABEL[c]} ${Math.round(state.report!.accuracy[c].at(-1)! * 100)}%`).join(', ') : '';
      status.textContent = `Finished ${m.step} steps in ${state.seconds.toFixed(1)} s. Accuracy at the longest distances: ${acc}. Play the sequence below to watch each model hold (or lose) the symbol.`;
    } else {
      status.textContent = `Training stopped by an error: ${m.message}`;
      button.textContent = 'Train';
    }
    publish();
  };

  const start = () => {
    const checked = validateRace({ seqLen: field('seq-len').value, hidden: field('hidden').value, lr: field('lr').value, steps: field('steps').value });
    const ids = { seqLen: 'seq-len', hidden: 'hidden', lr: 'lr', steps: 'steps' } as const;
    for (const id of Object.values(ids)) field(id).removeAttribute('aria-invalid');
    if ('errors' in checked) {
      // Keep the last race's charts: a typo should not wipe what the learner was reading.
      for (const e of checked.errors) field(ids[e.field]).setAttribute('aria-invalid', 'true');
      errorsEl.replaceChildren(...checked.errors.map((e) => Object.assign(document.createElement('li'), { textContent: e.message })));
      errorsEl.hidden = false;
      status.textContent = 'Not started: fix the settings above.';
      return;
    }
    errorsEl.hidden = true;
    settings = { ...checked.settings, batch: 32, seed: 1, evalEvery: 100 };
    worker ??= new Worker(new URL('./worker.ts', import.meta.url), { type: 'module' });
    worker.onmessage = (e: MessageEvent<FromWorker>) => onMessage(e.data);
    worker.onerror = (e) => (status.textContent = `worker error: ${e.message}`);
    losses = [[], [], [], []];
    Object.assign(state, { step: 0, done: false, firstLoss: null, lastLoss: null, early: null, late: null, report: null, initial: null, seconds: 0 });
    started = performance.now();
    makeCharts();
    publish();
    button.textContent = 'Stop';
    status.textContent = `Training: starting ${settings.steps} steps of three models…`;
    worker.postMessage({ type: 'start', settings } satisfies ToWorker);
  };
  button.addEventListener('click', () => {
    if (button.textContent === 'Stop') {
      worker?.postMessage({ type: 'stop' } satisfies ToWorker);
      button.textContent = 'Train';
      status.textContent = `Stopped at step ${state.step}. The charts show the models as they were then.`;
    } else start();
  });
  makeCharts();
  window.addEventListener('resize', () => charts?.resize());
  status.textContent = 'Press Train: the three models train in a background worker (about 10-15 s at these settings).';
  publish();
  return remember;
}
