// The visualiser's entry: loads a model (a bundled one, ?model=URL from `recur viz DIR`, or
// files dropped in panel 4) and wires the panels to it.
import 'uplot/dist/uPlot.min.css';
import './styles.css';
import { createCellPanel } from './cell-panel.js';
import { createExplorer } from './explore.js';
import { initKernels } from './kernels.js';
import { createMemoryPanel } from './memory.js';
import { fetchModel, type CharModel } from './model.js';
import { createStepper } from './stepper.js';

const $ = (id: string) => document.getElementById(id)!;

async function start(): Promise<void> {
  const info = $('model-info');
  const picker = $('model-pick') as HTMLSelectElement;
  const backend = await initKernels();
  const stepper = createStepper($('step'));
  const cell = createCellPanel($('cell'));
  stepper.onChange((tr, t) => cell.show(tr, t));
  createMemoryPanel($('memory'));

  const setModel = (m: CharModel) => {
    const s = m.config.spec.model;
    info.textContent = `${s.numLayers}×${s.hiddenSize} ${s.cell.toUpperCase()} · ${m.vocab.size} characters · from ${m.source} · kernels: ${backend}`;
    if (!Array.from(picker.options).some((o) => o.value === m.source)) picker.add(new Option(`${s.cell.toUpperCase()} · ${m.source}`, m.source), 0);
    picker.value = m.source;
    stepper.setModel(m);
    explorer.setModel(m);
    document.body.dataset.model = m.source;
  };
  const explorer = createExplorer($('explore'), setModel);
  const open = async (url: string) => {
    try {
      setModel(await fetchModel(url));
    } catch (e) {
      info.textContent = `could not load the model from ${url}: ${(e as Error).message}`;
      throw e;
    }
  };
  picker.addEventListener('change', () => {
    // Dropped files have no URL to fetch again; the bundled models and ?model= do.
    if (!picker.value.startsWith('dropped:')) void open(picker.value);
  });
  await open(new URLSearchParams(location.search).get('model') ?? './model/');
  document.body.dataset.ready = 'true';
}

void start();
