// "Inside one sample": the computation graph of one sample in viz's interactive graph viewer
// (window.ChainruleViewer, served from viz/assets: the same component as in notebooks), and
// viz's backprop stepper for one neuron, in a frame.

import { fmt } from './colors.js';

// One line about the sample: where it is, what it should be, what the model says.
function describe(answer, { task, classes, loss }) {
  const where = `at (${answer.features.slice(0, 2).map((v) => fmt(v, 2)).join(', ')})`;
  let truth = `target ${fmt(answer.target, 2)}`;
  if (task !== 'regression') {
    const index = loss === 'hinge' ? (answer.target > 0 ? 1 : 0) : answer.target;
    truth = `class ${classes[index]}`;
  }
  const scores = answer.scores.map((s) => fmt(s)).join(', ');
  const what = answer.scores.length > 1 ? `scores ${scores}` : `output ${scores}`;
  return `${where} · ${truth} · ${what} · loss ${fmt(answer.loss, 4)}`;
}

export class Inspector {
  constructor(api, els, palette) {
    this.api = api;
    this.els = els;      // {graph, stepper, facts, title, note}
    this.palette = palette;
    this.timer = null;
    this.version = 0;
    this.viewer = null;
  }

  // Redraw soon (several quick changes make one request).
  schedule(target) {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.refresh(target), 250);
  }

  // picked: the student clicked this neuron (kept even when it passes no gradient);
  // onNeuron(layer, neuron) is told when the server picks another one for the sample
  async refresh({ sample, part, layer, neuron, picked, neuronName, onNeuron, hideGraph, hideStepper, target }) {
    const version = ++this.version;
    const { graph, stepper, facts, title, note } = this.els;
    if (!hideGraph) {
      graph.classList.add('loading');
      if (!graph.querySelector('svg')) graph.innerHTML = '<p class="placeholder">Drawing the graph…</p>';
      try {
        const answer = await this.api.graph(sample, part, 'model');
        if (version !== this.version) return;
        graph.innerHTML = '';
        // depth 'auto': neurons and the loss as cards; the student opens one to see inside
        this.viewer = new window.ChainruleViewer(graph, answer.model,
          { depth: 'auto', palette: this.palette, toolbar: true, minText: 12 });
        facts.textContent = describe(answer, target);
      } catch (err) {
        if (version !== this.version) return;
        graph.innerHTML = `<p class="placeholder error"></p>`;
        graph.firstChild.textContent = err.message;
      } finally {
        graph.classList.remove('loading');
      }
    }
    if (!hideStepper) {
      // a neuron that passes a gradient back on this sample (a switched-off ReLU shows only 0s)
      try {
        const pick = await this.api.sampleNeuron(sample, part, layer, neuron, picked);
        if (version !== this.version) return;
        if (pick.layer !== layer || pick.neuron !== neuron) {
          ({ layer, neuron } = pick);
          neuronName = onNeuron(layer, neuron);
        }
        note.hidden = pick.active;
        note.textContent = pick.active ? '' : pick.note;
      } catch (err) {
        if (version !== this.version) return;
        note.hidden = true;  // the stepper below says what went wrong
      }
      title.textContent = `Backprop through ${neuronName} (layers.${layer}.neurons.${neuron})`;
      const frame = document.createElement('iframe');
      frame.title = `Backward pass of ${neuronName}`;
      frame.src = this.api.stepperUrl(sample, part, layer, neuron);
      frame.addEventListener('load', () => this.checkFrame(frame));
      stepper.innerHTML = '';
      stepper.appendChild(frame);
    }
  }

  // An error comes back as JSON: show its message instead of the raw text.
  checkFrame(frame) {
    let doc = null;
    try { doc = frame.contentDocument; } catch (err) { return; }
    if (!doc || doc.contentType !== 'application/json') return;
    let message = 'The stepper could not be drawn.';
    try { message = JSON.parse(doc.body.textContent).error || message; } catch (err) { /* keep */ }
    const p = document.createElement('p');
    p.className = 'placeholder error';
    p.textContent = message;
    this.els.stepper.innerHTML = '';
    this.els.stepper.appendChild(p);
  }
}
