// The visualiser's entry: loads a model (a bundled one, ?model=lstm|gru|rnn or a URL from
// `recur viz DIR`, or files dropped in panel 4) and wires the panels to it.
// ?view=step|cell|memory|explore|audio shows one panel alone, sized for an iframe.
import 'uplot/dist/uPlot.min.css';
import './styles.css';
import { createAudioPanel } from './audio-panel.js';
import { createCellPanel } from './cell-panel.js';
import { createExplorer } from './explore.js';
import { initKernels } from './kernels.js';
import { createMemoryPanel } from './memory.js';
import { fetchCheckpoint, type CheckpointBytes } from './checkpoint-files.js';
import { fetchModel, type CharModel } from './model.js';
import { createStepper } from './stepper.js';

const $ = (id: string) => document.getElementById(id)!;
const VIEWS = ['step', 'cell', 'memory', 'explore', 'audio'] as const;
const BUNDLED: Record<string, string> = { lstm: './model/', gru: './model-gru/', rnn: './model-rnn/' };
const CELL_NAMES = { lstm: 'LSTM', gru: 'GRU', rnn: 'plain RNN' } as const;

/** Shows one panel alone for ?view=NAME; an unknown name is reported and the full page shown. */
function applyView(params: URLSearchParams): string | null {
  const view = params.get('view');
  if (view === null) return null;
  if (!(VIEWS as readonly string[]).includes(view)) {
    $('model-info').textContent = `unknown view '${view}': use ${VIEWS.join(', ')}; showing the whole page`;
    return null;
  }
  document.body.dataset.view = view;
  for (const v of VIEWS) $(v).hidden = v !== view;
  return view;
}

async function start(): Promise<void> {
  const params = new URLSearchParams(location.search);
  const view = applyView(params);
  const info = $('model-info');
  const picker = $('model-pick') as HTMLSelectElement;
  const asked = params.get('model');
  const first = asked === null ? './model/' : (BUNDLED[asked] ?? asked);
  // The first model's files download while the kernels compile (not with the audio view alone,
  // which loads its own model). Its failure is reported when the model is opened below.
  const firstFiles = view === 'audio' ? null : fetchCheckpoint(first);
  firstFiles?.catch(() => undefined);
  const backend = await initKernels();
  performance.mark('kernels-ready');
  // Panel 5 has its own model (spoken digits): alone, it is all the page loads.
  const audio = createAudioPanel($('audio'));
  if (view === 'audio') {
    // &model=URL: an audio checkpoint served elsewhere (`recur viz DIR` of a --task audio run).
    await audio.load(params.get('model'));
    document.body.dataset.ready = 'true';
    return;
  }
  const stepper = createStepper($('step'));
  const cell = createCellPanel($('cell'));
  const origin = 'the text in panel 1';
  stepper.onChange((tr, t, unit) =>
    cell.show({ cell: tr.cell, T: tr.T, H: tr.H, gates: tr.gates, c: tr.c, h: tr.h, input: (s) => `'${[...tr.text][s] ?? ' '}'`, origin }, t, unit),
  );
  cell.onUnit((u) => stepper.selectUnit(u));
  $('cell-prev').addEventListener('click', () => stepper.step(-1));
  $('cell-next').addEventListener('click', () => stepper.step(1));
  if (view === null || view === 'memory') {
    const remember = createMemoryPanel($('memory'));
    if (view === null) remember.onStep((src, t, unit) => cell.show(src, t, unit));
  }

  const setModel = (m: CharModel) => {
    const s = m.config.spec.model;
    info.textContent = `${s.numLayers}×${s.hiddenSize} ${CELL_NAMES[s.cell]} · ${m.vocab.size} characters · from ${m.source} · kernels: ${backend}`;
    for (const el of Array.from(document.querySelectorAll('.model-name'))) el.textContent = CELL_NAMES[s.cell];
    if (!Array.from(picker.options).some((o) => o.value === m.source)) picker.add(new Option(`${CELL_NAMES[s.cell]} · ${m.source}`, m.source), 0);
    picker.value = m.source;
    performance.mark('model-loaded');
    stepper.setModel(m);
    document.body.dataset.model = m.source;
    document.body.dataset.cell = s.cell;
    // Panel 4 reads a 2,000-character text: below the fold, so it runs after the first view
    // has been drawn (at once when it is the view).
    document.body.dataset.readyMs ??= String(Math.round(performance.now()));
    const explore = () => {
      explorer.setModel(m);
      performance.mark('explorer-ready');
    };
    if (view === 'explore') explore();
    else return new Promise<void>((resolve) => setTimeout(() => resolve(explore()), 0));
    return Promise.resolve();
  };
  const explorer = createExplorer($('explore'), setModel);
  const open = async (url: string, fetched?: Promise<CheckpointBytes>) => {
    try {
      await setModel(await fetchModel(url, fetched));
    } catch (e) {
      info.textContent = `could not load the model from ${url}: ${(e as Error).message}`;
      throw e;
    }
  };
  picker.addEventListener('change', () => {
    // Dropped files have no URL to fetch again; the bundled models and ?model= do.
    if (!picker.value.startsWith('dropped:')) void open(picker.value);
  });
  await open(first, firstFiles ?? undefined);
  // &logs=URL: a logs checkpoint (`recur viz DIR` of a --task logs run) for panel 4.
  const logs = params.get('logs');
  if (logs !== null) await explorer.openLogs(logs);
  document.body.dataset.ready = 'true';
  // Below the fold: the spoken-digit model loads once the first view is drawn.
  await audio.load();
}

void start();
