// The playground page: wires the controls, the pictures and the server together.
//
// The server owns everything that matters (settings, data, model, training); the page sends
// what the user changed, and draws what comes back. Requests go one at a time through `queue`,
// so a step never races a change of settings. The URL always holds the current set-up.

import { Api } from './api.js';
import { drawCurve, drawLegend, Heatmap } from './charts.js';
import { usePalette } from './colors.js';
import {
  applyHidden, parameterCount, previewRange, readControl, scoreText, showConfig, Tooltip,
} from './controls.js';
import { buildPicker } from './datasets.js';
import { EXPORTS, openShare, showExportExtras, uploadCsv } from './dialogs.js';
import { DrawTool } from './draw.js';
import { Inspector } from './inspect.js';
import { NetworkView } from './network.js';
import { Classroom, Projector, WeightEditor } from './extras.js';

const $ = (id) => document.getElementById(id);
const api = new Api();
const state = {
  meta: null, setup: null, snapshot: null, playing: false,
  // neuron: the one the stepper shows; picked once the student clicks one (else the server picks
  // one that passes a gradient back on the sample)
  sample: { part: 'train', index: 0 }, neuron: { layer: 0, neuron: 0, picked: false }, hover: null,
  // the step requests' smoothed round trip (ms), and how many the server held at once
  busy: { roundTrip: null, sharing: 1 },
};
let chain = Promise.resolve();

// Run API calls one after another; an error shows in the banner and does not stop the queue.
function queue(task) {
  const run = chain.then(task);
  chain = run.catch(() => {});
  return run;
}

function banner(message) {
  $('banner-text').textContent = message;
  $('banner').hidden = !message;
}

const tooltip = new Tooltip($('tooltip'));
const heatmap = new Heatmap($('heatmap'), {
  onPick: (part, index) => pickSample(part, index),
  onDraw: (x, y) => drawTool.add(x, y),
  onErase: (part, index) => drawTool.remove(part, index),
});
const projector = new Projector($('projector'), () => relayout(true));
const editor = new WeightEditor($('weight-editor'), (layer, neuron, input, value) => editWeight(layer, neuron, input, value));
let drawTool = null;
let inspector = null;
let network = null;
let datasetButtons = {};

// --- drawing what the server said ---------------------------------------------------------

function applySetup(setup) {
  state.setup = setup;
  const { config } = setup;
  const limits = state.meta.limits;
  showConfig(config, state.meta.losses_for[setup.task]);
  for (const [name, button] of Object.entries(datasetButtons)) {
    button.classList.toggle('selected', config.data === name);
    if (name === 'csv' || name === 'drawn') button.classList.toggle('is-hidden', config.data !== name);
  }
  const hidden = config.layers.length;
  $('layer-count').textContent = `${hidden} hidden layer${hidden === 1 ? '' : 's'}`;
  $('add-layer').disabled = hidden >= limits.hidden_layers;
  $('remove-layer').disabled = hidden === 0;
  $('param-count').textContent = `${setup.sizes.join('–')} · ${parameterCount(setup.sizes)} parameters`;
  const n = setup.sizes.length - 1;
  if (state.neuron.layer >= n) state.neuron = { layer: n - 1, neuron: 0, picked: false };
  if (state.neuron.neuron >= setup.sizes[state.neuron.layer + 1]) state.neuron = { ...state.neuron, neuron: 0, picked: false };
  network.build(config, setup.sizes, limits, setup.classes, setup.task);
  network.select(state.neuron.layer, state.neuron.neuron);
  heatmap.setData(setup);
  drawTool.setup(setup);
  const rows = setup.points[state.sample.part];
  if (!rows || state.sample.index >= rows.length) state.sample = { part: 'train', index: 0 };
  heatmap.select(state.sample.part, state.sample.index);
  drawLegend($('legend'), setup, config.loss);
  applyHidden(config.hide);
  for (const [id, kind] of EXPORTS) $(id).href = api.exportUrl(kind);
  showExportExtras(state.meta);
  const url = `${location.pathname}?${projector.withFlag(setup.query)}`;
  if (url !== `${location.pathname}${location.search}`) history.replaceState(null, '', url);
  if (setup.upload) {
    const what = setup.task === 'regression' ? 'regression' : `${setup.classes.length} classes`;
    $('csv-status').className = 'status ok';
    $('csv-status').textContent = `Using ${setup.upload.name}: ${setup.upload.rows} rows, ${what}.` +
      (setup.upload.note ? ` ${setup.upload.note}.` : '');
  } else {
    $('csv-status').className = 'status';  // an old message (success or error) is gone with its data
    $('csv-status').textContent = '';
  }
  updateSampleLabel();
}

function render(snapshot) {
  state.snapshot = snapshot;
  const { config, task } = state.setup;
  $('epoch').textContent = snapshot.epoch.toLocaleString('en');
  $('stepcount').textContent = snapshot.step.toLocaleString('en');
  const test = scoreText(snapshot.scores.test, task);
  const train = scoreText(snapshot.scores.train, task);
  $('test-loss').textContent = test.loss;
  $('test-acc').textContent = test.acc;
  $('train-loss').textContent = train.loss;
  $('train-acc').textContent = train.acc;
  drawCurve($('curve'), snapshot.history);
  $('curve-empty').hidden = snapshot.history.step.length > 1;
  heatmap.draw(snapshot, { showTest: config.showtest, discrete: config.discrete });
  network.update(snapshot, config.discrete);
  $('diverged').hidden = !snapshot.diverged;
  if (snapshot.diverged) setPlaying(false);
  if (state.hover) showHovered();
  if (!state.playing) refreshInspector();
}

// The hovered neuron's map in the big output, at the output's resolution (asked for after every
// redraw while the pointer stays on it).
function hoverNeuron(layer, neuron) {
  state.hover = layer === null ? null : { layer, neuron };
  if (!state.hover) heatmap.showNeuron(null);
  else showHovered();
}

function showHovered() {
  const { layer, neuron } = state.hover;
  queue(async () => {
    if (!state.hover || state.hover.layer !== layer || state.hover.neuron !== neuron) return;
    try {
      const map = await api.neuronMap(layer, neuron);
      if (state.hover && state.hover.layer === layer && state.hover.neuron === neuron) {
        heatmap.showNeuron(map, network.scaleOf(layer, neuron), network.neuronName(layer, neuron));
      }
    } catch (err) { /* the set-up changed under the pointer: nothing to show */ }
  });
}

function editWeight(layer, neuron, input, value) {
  return queue(async () => {
    try {
      const answer = await api.setWeight(layer, neuron, input, value);
      banner('');
      render(answer.snapshot);
    } catch (err) {
      banner(err.message);
    }
  });
}

function refreshInspector() {
  const { config } = state.setup;
  const { layer, neuron, picked } = state.neuron;
  inspector.schedule({
    ...state.sample, sample: state.sample.index, layer, neuron, picked,
    neuronName: network.neuronName(layer, neuron),
    onNeuron: (l, j) => {  // the server picked one that passes a gradient back on the sample
      state.neuron = { layer: l, neuron: j, picked: false };
      network.select(l, j);
      return network.neuronName(l, j);
    },
    hideGraph: config.hide.includes('graph') || !state.meta.available.graph,
    hideStepper: config.hide.includes('stepper') || !state.meta.available.stepper,
    target: { task: state.setup.task, classes: state.setup.classes, loss: config.loss },
  });
}

function updateSampleLabel() {
  const rows = state.setup.points[state.sample.part];
  $('sample-label').textContent = `${state.sample.part} sample ${state.sample.index} (of 0–${rows.length - 1})`;
}

// --- talking to the server ----------------------------------------------------------------

function change(patch) {
  return queue(async () => {
    try {
      const answer = await api.configure(patch);
      banner('');
      applySetup(answer.setup);
      render(answer.snapshot);
    } catch (err) {
      banner(err.message);
      applySetup(state.setup);   // put the controls back to the settings in force
      render(state.snapshot);
    }
  });
}

// A step's answer may hold only the loss points after the cursor the page sent (from index
// history_from); the ones before it are the page's own.
function withHistory(snapshot, held) {
  const from = snapshot.history_from || 0;
  if (from === 0 || !held) return snapshot;
  const history = {};
  for (const [key, tail] of Object.entries(snapshot.history)) history[key] = held[key].slice(0, from).concat(tail);
  return { ...snapshot, history };
}

function trainSteps(steps, budgetMs) {
  return queue(async () => {
    try {
      const held = state.snapshot;
      const sent = performance.now();
      const answer = await api.step(steps, budgetMs, held && held.history_cursor);
      const took = performance.now() - sent;
      const { roundTrip } = state.busy;
      state.busy = { roundTrip: roundTrip === null ? took : 0.7 * roundTrip + 0.3 * took, sharing: answer.sharing || 1 };
      render(withHistory(answer.snapshot, held && held.history));
    } catch (err) {
      banner(err.message);
      setPlaying(false);
    }
  });
}

function setPlaying(on) {
  state.playing = on && !(state.snapshot && state.snapshot.diverged);
  $('play').classList.toggle('playing', state.playing);
  $('play').setAttribute('aria-label', state.playing ? 'Pause' : 'Train');
  if (state.playing) loop();
  else if (state.setup) refreshInspector();
}

async function loop() {
  while (state.playing) {
    // up to one epoch per frame (at most pace.max_steps batches), as the TensorFlow Playground
    // does, within pace.budget_ms of the server's time, at most one request per pace.frame_ms;
    // when the answer was shared with other tabs' requests (a class on one server), not sooner
    // than pace.spread round trips either (the server's PACE in trainer.py: a busy server is
    // asked less often and trains more batches per request)
    const pace = state.meta.pace;
    const start = performance.now();
    await trainSteps(Math.max(1, Math.min(state.setup.batches_per_epoch, pace.max_steps)), pace.budget_ms);
    const { roundTrip, sharing } = state.busy;
    const interval = sharing > 1 ? Math.max(pace.frame_ms, (pace.spread || 0) * roundTrip) : pace.frame_ms;
    const wait = interval - (performance.now() - start);
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    await new Promise((resolve) => requestAnimationFrame(resolve));
  }
}

function pickSample(part, index) {
  state.sample = { part, index };
  heatmap.select(part, index);
  heatmap.draw(null, { showTest: state.setup.config.showtest, discrete: state.setup.config.discrete });
  updateSampleLabel();
  refreshInspector();
}

function selectNeuron(layer, neuron) {
  state.neuron = { layer, neuron, picked: true };
  network.select(layer, neuron);
  refreshInspector();
}

// --- wiring -------------------------------------------------------------------------------

function wire() {
  for (const el of document.querySelectorAll('[data-key]')) {
    if (el.type === 'range') el.addEventListener('input', () => previewRange(el));
    el.addEventListener('change', () => change(readControl(el)));
  }
  $('play').onclick = () => setPlaying(!state.playing);
  $('step').onclick = () => { setPlaying(false); trainSteps(1); };
  $('reset').onclick = () => {
    setPlaying(false);
    queue(async () => render((await api.reset()).snapshot));
  };
  $('add-layer').onclick = () => change({ layers: [...state.setup.config.layers, 2] });
  $('remove-layer').onclick = () => change({ layers: state.setup.config.layers.slice(0, -1) });
  $('reroll').onclick = () => change({ seed: Math.floor(Math.random() * 100000) });
  $('csv').onchange = (e) => {
    const file = e.target.files[0];
    e.target.value = '';
    if (file) uploadCsv(file, { api, queue, change, limit: state.meta.limits.csv_bytes });
  };
  $('banner-close').onclick = () => banner('');
  $('prev-sample').onclick = () => stepSample(-1);
  $('next-sample').onclick = () => stepSample(+1);
  const menu = document.querySelector('.menu-items');
  $('export').onclick = (e) => { e.stopPropagation(); menu.hidden = !menu.hidden; };
  document.addEventListener('click', () => { menu.hidden = true; });
  $('share').onclick = () => openShare(state.meta, state.setup.config.hide, change,
    () => shareLink());
  document.addEventListener('keydown', (e) => {
    if (e.target.closest('input, select, textarea, dialog') || e.ctrlKey || e.metaKey) return;
    if (e.key === ' ') { e.preventDefault(); setPlaying(!state.playing); }
    if (e.key === 's') { setPlaying(false); trainSteps(1); }
    if (e.key === 'r') $('reset').click();
  });
  window.addEventListener('pagehide', () => api.close());
  window.addEventListener('resize', () => relayout(false));
}

// The boxes changed size (window, projector mode): rebuild what is laid out in pixels.
let laidOut = { network: 0, heatmap: 0 };
function relayout(force) {
  if (!state.setup) return;
  const net = $('network').parentElement.clientWidth;  // the scroll box, not the drawing
  if (force || Math.abs(net - laidOut.network) > 20) {
    laidOut.network = net;
    network.build(state.setup.config, state.setup.sizes, state.meta.limits, state.setup.classes, state.setup.task);
    network.select(state.neuron.layer, state.neuron.neuron);
    if (state.snapshot) network.update(state.snapshot, state.setup.config.discrete);
  }
  const box = $('heatmap').parentElement.clientWidth;
  if (force || Math.abs(box - laidOut.heatmap) > 4) {
    laidOut.heatmap = box;
    heatmap.resize();
    heatmap.draw(null);
    if (state.snapshot) drawCurve($('curve'), state.snapshot.history);
  }
}

// The link to the current set-up, at the address other machines reach this server at.
function shareLink() {
  const base = state.meta.share_base || `${location.origin}/`;
  return `${base}?${state.setup.query}`;
}

function stepSample(delta) {
  const rows = state.setup.points[state.sample.part];
  pickSample(state.sample.part, (state.sample.index + delta + rows.length) % rows.length);
}

function featureToggle(name) {
  const feat = state.setup.config.feat;
  if (feat.includes(name) && feat.length === 1) {
    banner('The network needs at least one input feature.');
    return;
  }
  change({ feat: feat.includes(name) ? feat.filter((f) => f !== name) : [...feat, name] });
}

function neuronsChange(layer, delta) {
  const layers = [...state.setup.config.layers];
  layers[layer] += delta;
  change({ layers });
}

async function start() {
  state.meta = await api.meta();
  usePalette(state.meta.palette, state.meta.markers);
  inspector = new Inspector(api, {
    graph: $('graph'), stepper: $('stepper'), facts: $('sample-facts'), title: $('stepper-title'),
    note: $('stepper-note'),
  }, state.meta.palette);
  datasetButtons = buildPicker($('datasets'), (name) => change({ data: name }));
  network = new NetworkView($('network'), {
    features: state.meta.features, onFeature: featureToggle, onNeurons: neuronsChange,
    onSelect: selectNeuron, onHover: hoverNeuron,
    onEdit: (layer, neuron, input, value, event) => !state.setup.config.hide.includes('edit') && editor.open(event, {
      layer, neuron, input, value,
      name: input === null ? `bias of ${network.neuronName(layer, neuron)}` : `weight layers.${layer}.neurons.${neuron}.w.${input}`,
    }), tooltip,
  });
  drawTool = new DrawTool({ api, queue, change, banner, heatmap, meta: state.meta,
    button: $('draw'), classes: $('draw-classes'), hint: $('draw-hint') });
  wire();
  for (const [what, id] of [['graph', 'graph'], ['stepper', 'stepper']]) {
    if (!state.meta.available[what]) {
      $(id).innerHTML = '<p class="placeholder">This installation of chainrule cannot draw this yet (its viz package lacks it).</p>';
    }
  }
  let answer;
  try {
    answer = await api.create(projector.withoutFlag(location.search));
  } catch (err) {
    banner(`This link's settings could not be used (${err.message}); starting from the defaults.`);
    answer = await api.create('');
  }
  applySetup(answer.setup);
  relayout(true);
  render(answer.snapshot);
  if (state.meta.classroom) {
    new Classroom(api, $('push'), (query) => { location.href = `${location.pathname}?${projector.withFlag(query)}`; }).start();
  }
  document.body.dataset.ready = '1';
}

start().catch((err) => banner(err.message));
