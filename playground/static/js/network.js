// The network diagram: a column of input features, one column per hidden layer, the outputs.
// Every neuron is a small map of its own output over the plane; every weight is a curve whose
// width shows its size and whose colour shows its sign. The structure is built when the set-up
// changes (build) and only repainted after a training step (update).
//
// Names count from 0, as in the code: layer l is nn's `layers.l` (the first hidden layer is
// layer 0, the output layer the last), neuron i of it is `layers.l.neurons.i`, and its weight
// from input j is `w.j` (state_dict: `layers.l.weight[i, j]`). The input features keep their
// names (x1, x2, ...). Output neurons say which class they score.

import { classColor, css, diverging, esc, fmt, NEG, paintSigned, POS } from './colors.js';

const SVG = 'http://www.w3.org/2000/svg';

function el(tag, cls, parent) {
  const node = document.createElement(tag);
  if (cls) node.className = cls;
  if (parent) parent.appendChild(node);
  return node;
}

// The input features are fixed functions of the point, so the page draws them itself.
const FEATURE_FN = {
  x1: (a) => a, x2: (a, b) => b, x1sq: (a) => a * a, x2sq: (a, b) => b * b,
  x1x2: (a, b) => a * b, sinx1: (a) => Math.sin(a), sinx2: (a, b) => Math.sin(b),
};

function paintFeature(canvas, name, side, view) {
  const fn = FEATURE_FN[name];
  const values = [];
  let top = 1;
  for (let r = 0; r < side; r++) {
    for (let c = 0; c < side; c++) {
      const v = fn(((c + 0.5) / side) * 2 * view - view, view - ((r + 0.5) / side) * 2 * view);
      values.push(v);
      top = Math.max(top, Math.abs(v));
    }
  }
  const ctx = canvas.getContext('2d');
  canvas.width = canvas.height = side;
  const img = ctx.createImageData(side, side);
  values.forEach((v, i) => img.data.set([...diverging(v / top, 0.9), 255], i * 4));
  ctx.putImageData(img, 0, 0);
}

export class NetworkView {
  // callbacks: onFeature(name), onNeurons(layer, delta), onSelect(layer, i), onHover(layer, i)
  // (null, null when the pointer leaves), onEdit(layer, i, j|null, value, event) to edit a
  // weight (j) or a bias (null)
  constructor(root, { features, onFeature, onNeurons, onSelect, onHover, onEdit, tooltip }) {
    this.root = root;
    this.features = features;          // [{name, label}] of every available feature
    this.cb = { onFeature, onNeurons, onSelect, onHover, onEdit };
    this.tooltip = tooltip;
    this.selected = null;              // {layer, neuron}
    this.classes = [];
  }

  // Lay out the columns for a set-up: config.feat (active features), config.layers, sizes;
  // classes: the class names (for labelling the outputs), task.
  build(config, sizes, limits, classes = [], task = 'binary') {
    this.config = config;
    this.sizes = sizes;
    this.classes = classes;
    this.task = task;
    this.root.innerHTML = '';
    const hidden = config.layers;
    const counts = [this.features.length, ...hidden, sizes[sizes.length - 1]];
    const tallest = Math.max(...counts);
    const cols = counts.length;
    const left = 62;
    const right = 80;                          // room for the outputs' class labels
    const avail = Math.max(this.root.parentElement.clientWidth || 560, 260);
    // the columns need ~64 px each at least; a narrower box scrolls (its own scroll bar)
    const width = Math.max(avail, left + right + cols * 56);
    const step0 = (width - left - right) / Math.max(1, cols - 1);
    const tile = Math.min(tallest > 10 ? 28 : tallest > 7 ? 34 : 40, Math.max(22, step0 * 0.45));
    const gap = tallest > 10 ? 6 : 10;
    const top = 52;
    const height = top + tallest * (tile + gap) + 8;
    const step = (width - left - right - tile) / Math.max(1, cols - 1);
    this.compact = step < 90;
    this.root.style.height = `${height}px`;
    this.root.style.width = width > avail ? `${width}px` : '';
    this.links = document.createElementNS(SVG, 'svg');
    this.links.setAttribute('class', 'links');
    this.links.setAttribute('width', width);
    this.links.setAttribute('height', height);
    this.root.appendChild(this.links);
    this.columns = [];
    for (let c = 0; c < cols; c++) {
      const x = left + c * step;
      const n = counts[c];
      const y0 = top + (tallest - n) * (tile + gap) / 2;
      const cells = [];
      for (let i = 0; i < n; i++) cells.push({ x, y: y0 + i * (tile + gap), size: tile });
      this.columns.push(cells);
      this.header(c, x + tile / 2, cols, hidden, limits);
    }
    this.tiles = this.columns.map((cells, c) => cells.map((cell, i) => this.tile(c, i, cell)));
    this.painted = false;
    this.paths = [];
    this.activeIndex = this.features.map((f) => config.feat.indexOf(f.name));
    this.drawLinks();
    this.markSelected();
  }

  header(c, cx, cols, hidden, limits) {
    const head = el('div', 'column-head', this.root);
    head.style.left = `${cx}px`;
    head.style.top = '0px';
    if (c === 0) { head.innerHTML = '<div class="pms"></div>Inputs'; return; }
    if (c === cols - 1) {
      head.innerHTML = `<div class="pms"></div>${this.compact ? `L${c - 1}` : `layer ${c - 1}`}<br>output`;
      head.title = `layers.${c - 1}: the output layer`;
      return;
    }
    const layer = c - 1;
    const pms = el('div', 'pms', head);
    const plus = el('button', 'pm', pms);
    plus.textContent = '+';
    plus.title = 'Add a neuron';
    plus.disabled = hidden[layer] >= limits.neurons;
    plus.setAttribute('aria-label', `Add a neuron to layer ${layer}`);
    plus.onclick = () => this.cb.onNeurons(layer, +1);
    const minus = el('button', 'pm', pms);
    minus.textContent = '−';
    minus.title = 'Remove a neuron';
    minus.disabled = hidden[layer] <= 1;
    minus.setAttribute('aria-label', `Remove a neuron from layer ${layer}`);
    minus.onclick = () => this.cb.onNeurons(layer, -1);
    const n = hidden[layer];
    head.title = `layers.${layer}: ${n} neuron${n === 1 ? '' : 's'}`;
    el('div', '', head).innerHTML = this.compact ? `L${layer}<br>${n}` : `layer ${layer}<br>${n} neuron${n === 1 ? '' : 's'}`;
  }

  tile(c, i, cell) {
    const box = el('div', 'neuron', this.root);
    Object.assign(box.style, { left: `${cell.x}px`, top: `${cell.y}px`,
      width: `${cell.size}px`, height: `${cell.size}px` });
    const canvas = el('canvas', '', box);
    canvas.width = canvas.height = 32;
    const last = this.columns.length - 1;
    if (c === 0) {
      const f = this.features[i];
      const on = this.config.feat.includes(f.name);
      box.classList.toggle('off', !on);
      box.dataset.feature = f.name;
      const label = el('div', `feature-label${on ? '' : ' off'}`, this.root);
      label.textContent = f.label;
      Object.assign(label.style, { left: `${cell.x}px`, top: `${cell.y + cell.size / 2}px` });
      box.onclick = () => this.cb.onFeature(f.name);
      box.onmouseenter = (e) => this.tooltip.show(e,
        `<b>${f.label}</b><br>${on ? 'an input of the network: click to remove' : 'not used: click to feed it in'}`);
    } else {
      const layer = c - 1;
      box.dataset.layer = layer;
      box.dataset.neuron = i;
      const bias = el('button', 'bias', this.root);
      Object.assign(bias.style, { left: `${cell.x - 6}px`, top: `${cell.y + cell.size - 7}px` });
      bias.dataset.layer = layer;
      bias.dataset.neuron = i;
      bias.setAttribute('aria-label', `bias of ${this.neuronName(layer, i)}: click to edit`);
      bias.onclick = (e) => this.cb.onEdit(layer, i, null, this.weights ? this.weights[layer].b[i] : 0, e);
      cell.bias = bias;
      if (c === this.columns.length - 1 && this.task !== 'regression') {
        const tag = el('div', 'class-tag', this.root);
        Object.assign(tag.style, { left: `${cell.x + cell.size + 6}px`, top: `${cell.y + cell.size / 2}px` });
        tag.innerHTML = this.outputTag(i);
      }
      box.onclick = () => this.cb.onSelect(layer, i);
      box.onmouseenter = (e) => {
        this.tooltip.show(e, this.neuronText(layer, i));
        this.cb.onHover(layer, i);
      };
      box.onmouseleave = () => { this.tooltip.hide(); this.cb.onHover(null, null); };
    }
    box.tabIndex = 0;  // reachable with the keyboard: Enter or space acts as a click
    box.onkeydown = (e) => {
      if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); e.stopPropagation(); box.click(); }
    };
    box.onmousemove = (e) => this.tooltip.move(e);
    if (!box.onmouseleave) box.onmouseleave = () => this.tooltip.hide();
    return { box, canvas, cell };
  }

  // What output neuron i stands for: its class (colour and name), or the regression target.
  outputTag(i) {
    if (this.task === 'regression') return 'prediction';
    const k = this.sizes[this.sizes.length - 1] === 1 ? 1 : i;
    const name = this.classes[k];
    const what = this.sizes[this.sizes.length - 1] === 1 ? `P(class ${esc(name)})` : `class ${esc(name)}`;
    return `<span class="dot" style="background:${css(classColor(k))}"></span>${what}`;
  }

  isOutput(layer) { return layer === this.sizes.length - 2; }

  // 'neuron 2 of layer 0' / 'output 1 (class 1)': the page's one way of naming a neuron
  neuronName(layer, i) {
    if (this.isOutput(layer)) {
      if (this.task === 'regression') return 'the output';
      if (this.sizes[this.sizes.length - 1] === 1) return `the output, P(class ${this.classes[1]})`;
      return `output ${i} (class ${this.classes[i]})`;
    }
    return `neuron ${i} of layer ${layer}`;
  }

  inputName(layer, j) {
    if (layer === 0) return this.features.find((f) => f.name === this.config.feat[j]).label;
    return `neuron ${j} of layer ${layer - 1}`;
  }

  neuronText(layer, i) {
    const b = this.weights ? this.weights[layer].b[i] : null;
    return `<b>${esc(this.neuronName(layer, i))}</b><br><code>layers.${layer}.neurons.${i}</code><br>bias b = ${fmt(b)}<br>` +
      '<span class="tip-hint">its map is shown in the output · click: its backward pass below</span>';
  }

  // The colour scale of neuron i of a layer: signed for hidden neurons, class colours for outputs.
  scaleOf(layer, i) {
    if (!this.isOutput(layer) || this.task === 'regression') return 'diverging';
    return this.sizes[this.sizes.length - 1] === 1 ? 'binary' : i;
  }

  drawLinks() {
    this.links.innerHTML = '';
    this.paths = [];
    this.hits = document.createElementNS(SVG, 'g');
    const nLayers = this.sizes.length - 1;
    for (let layer = 0; layer < nLayers; layer++) {
      const from = this.columns[layer];
      const to = this.columns[layer + 1];
      const rows = [];
      for (let i = 0; i < to.length; i++) {
        const row = [];
        for (let j = 0; j < this.sizes[layer]; j++) {
          const src = layer === 0 ? from[this.features.findIndex((f) => f.name === this.config.feat[j])] : from[j];
          const dst = to[i];
          const x1 = src.x + src.size, y1 = src.y + src.size / 2;
          const x2 = dst.x, y2 = dst.y + dst.size / 2;
          const mx = (x1 + x2) / 2;
          const d = `M${x1},${y1} C${mx},${y1} ${mx},${y2} ${x2},${y2}`;
          const path = document.createElementNS(SVG, 'path');
          path.setAttribute('d', d);
          path.setAttribute('class', 'weight');
          this.links.appendChild(path);
          // a wider invisible twin takes the pointer, so that thin lines are easy to hit
          const hit = document.createElementNS(SVG, 'path');
          hit.setAttribute('d', d);
          hit.setAttribute('class', 'hit');
          Object.assign(hit.dataset, { layer, neuron: i, input: j });
          hit.addEventListener('mouseenter', (e) => {
            path.classList.add('hover');
            this.tooltip.show(e, `<code>layers.${layer}.neurons.${i}.w.${j}</code><br>from ${esc(this.inputName(layer, j))}<br>to ${esc(this.neuronName(layer, i))}<br><b>w = ${fmt(this.weights ? this.weights[layer].w[i][j] : null, 4)}</b><br><span class="tip-hint">click to edit</span>`);
          });
          hit.addEventListener('mousemove', (e) => this.tooltip.move(e));
          hit.addEventListener('mouseleave', () => { path.classList.remove('hover'); this.tooltip.hide(); });
          hit.addEventListener('click', (e) => this.cb.onEdit(layer, i, j, this.weights ? this.weights[layer].w[i][j] : 0, e));
          this.hits.appendChild(hit);
          row.push(path);
        }
        rows.push(row);
      }
      this.paths.push(rows);
    }
    this.links.appendChild(this.hits);
  }

  // Repaint after a step: every neuron's map, every weight's curve, every bias.
  update(snapshot, discrete) {
    const { maps, weights } = snapshot;
    this.weights = weights;
    const side = maps.thumb;
    if (!this.painted) {
      this.tiles[0].forEach((t, i) => paintFeature(t.canvas, this.features[i].name, side, maps.view));
      this.painted = true;
    }
    const lastCol = this.tiles.length - 1;
    for (let c = 1; c <= lastCol; c++) {
      this.tiles[c].forEach((t, i) => paintSigned(t.canvas, maps.layers[c - 1][i], side, 0.9,
        discrete && c === lastCol, this.scaleOf(c - 1, i)));
    }
    let top = 0;
    let count = 0;
    for (const layer of weights) for (const row of layer.w) for (const w of row) { top = Math.max(top, Math.abs(w)); count++; }
    const scale = Math.max(top, 0.5);
    // many lines: thinner, and small weights fade out, so that the large ones stand out
    const wide = count > 300 ? 3.2 : 5.4;
    weights.forEach((layer, l) => {
      layer.w.forEach((row, i) => row.forEach((w, j) => {
        const path = this.paths[l][i][j];
        const t = Math.min(1, Math.abs(w) / scale);
        path.setAttribute('stroke', css(w >= 0 ? POS : NEG));
        path.setAttribute('stroke-width', (0.5 + wide * t).toFixed(2));
        path.setAttribute('stroke-opacity', (count > 300 ? 0.08 + 0.85 * t * t : 0.22 + 0.7 * t).toFixed(2));
      }));
      const bTop = Math.max(0.5, ...layer.b.map(Math.abs));
      layer.b.forEach((b, i) => {
        const cell = this.columns[l + 1][i];
        cell.bias.style.background = css(diverging(b / bTop));
        cell.bias.title = `bias of ${this.neuronName(l, i)}: b = ${fmt(b)} (click to edit)`;
      });
    });
  }

  select(layer, neuron) {
    this.selected = { layer, neuron };
    this.markSelected();
  }

  markSelected() {
    if (!this.tiles) return;
    this.tiles.forEach((col) => col.forEach((t) => t.box.classList.remove('selected')));
    const s = this.selected;
    if (s && this.tiles[s.layer + 1] && this.tiles[s.layer + 1][s.neuron]) {
      this.tiles[s.layer + 1][s.neuron].box.classList.add('selected');
    }
  }
}
