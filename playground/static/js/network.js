// The network diagram: a column of input features, one column per hidden layer, the outputs.
// Every neuron is a small map of its own output over the plane; every weight is a curve whose
// width shows its size and whose colour shows its sign. The structure is built when the set-up
// changes (build) and only repainted after a training step (update).

import { css, diverging, fmt, NEG, paintSigned, POS } from './colors.js';

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
  constructor(root, { features, onFeature, onNeurons, onSelect, tooltip }) {
    this.root = root;
    this.features = features;          // [{name, label}] of every available feature
    this.onFeature = onFeature;
    this.onNeurons = onNeurons;
    this.onSelect = onSelect;
    this.tooltip = tooltip;
    this.selected = null;              // {layer, neuron}
  }

  // Lay out the columns for a set-up: config.feat (active features), config.layers, sizes.
  build(config, sizes, limits) {
    this.config = config;
    this.sizes = sizes;
    this.root.innerHTML = '';
    const hidden = config.layers;
    const counts = [this.features.length, ...hidden, sizes[sizes.length - 1]];
    const tallest = Math.max(...counts);
    const tile = tallest > 10 ? 28 : tallest > 7 ? 34 : 40;
    const gap = tallest > 10 ? 6 : 10;
    const top = 48;
    const height = top + tallest * (tile + gap) + 8;
    const width = Math.max(this.root.clientWidth || 560, 420);
    const left = 78;
    const cols = counts.length;
    const step = (width - left - tile - 10) / Math.max(1, cols - 1);
    this.root.style.height = `${height}px`;
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
    if (c === 0) { head.innerHTML = '<div class="pms"></div>Features'; return; }
    if (c === cols - 1) { head.innerHTML = '<div class="pms"></div>Output'; return; }
    const layer = c - 1;
    const pms = el('div', 'pms', head);
    const plus = el('button', 'pm', pms);
    plus.textContent = '+';
    plus.title = 'Add a neuron';
    plus.disabled = hidden[layer] >= limits.neurons;
    plus.setAttribute('aria-label', `Add a neuron to hidden layer ${layer + 1}`);
    plus.onclick = () => this.onNeurons(layer, +1);
    const minus = el('button', 'pm', pms);
    minus.textContent = '−';
    minus.title = 'Remove a neuron';
    minus.disabled = hidden[layer] <= 1;
    minus.setAttribute('aria-label', `Remove a neuron from hidden layer ${layer + 1}`);
    minus.onclick = () => this.onNeurons(layer, -1);
    const n = hidden[layer];
    el('div', '', head).textContent = `${n} neuron${n === 1 ? '' : 's'}`;
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
      box.onclick = () => this.onFeature(f.name);
      box.onmouseenter = (e) => this.tooltip.show(e,
        `<b>${f.label}</b><br>${on ? 'an input of the network: click to remove' : 'not used: click to feed it in'}`);
    } else {
      const layer = c - 1;
      box.dataset.layer = layer;
      box.dataset.neuron = i;
      const bias = el('div', 'bias', this.root);
      Object.assign(bias.style, { left: `${cell.x - 4}px`, top: `${cell.y + cell.size - 5}px` });
      cell.bias = bias;
      box.onclick = () => this.onSelect(layer, i);
      box.onmouseenter = (e) => this.tooltip.show(e, this.neuronText(layer, i));
    }
    box.tabIndex = 0;  // reachable with the keyboard: Enter or space acts as a click
    box.onkeydown = (e) => {
      if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); e.stopPropagation(); box.click(); }
    };
    box.onmousemove = (e) => this.tooltip.move(e);
    box.onmouseleave = () => this.tooltip.hide();
    return { box, canvas, cell };
  }

  neuronName(layer, i) {
    const last = this.sizes.length - 2;
    if (layer === last) return this.sizes[this.sizes.length - 1] === 1 ? 'the output' : `output ${i + 1}`;
    return `neuron ${i + 1} of hidden layer ${layer + 1}`;
  }

  inputName(layer, j) {
    if (layer === 0) return this.features.find((f) => f.name === this.config.feat[j]).label;
    return `neuron ${j + 1} of hidden layer ${layer}`;
  }

  neuronText(layer, i) {
    const b = this.weights ? this.weights[layer].b[i] : null;
    return `<b>${this.neuronName(layer, i)}</b><br>bias ${fmt(b)}<br>` +
      '<span style="opacity:.7">click: step through its backward pass</span>';
  }

  drawLinks() {
    this.links.innerHTML = '';
    this.paths = [];
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
          const path = document.createElementNS(SVG, 'path');
          path.setAttribute('d', `M${x1},${y1} C${mx},${y1} ${mx},${y2} ${x2},${y2}`);
          path.addEventListener('mouseenter', (e) => this.tooltip.show(e,
            `weight from ${this.inputName(layer, j)}<br>to ${this.neuronName(layer, i)}<br><b>w = ${fmt(this.weights ? this.weights[layer].w[i][j] : null, 4)}</b>`));
          path.addEventListener('mousemove', (e) => this.tooltip.move(e));
          path.addEventListener('mouseleave', () => this.tooltip.hide());
          this.links.appendChild(path);
          row.push(path);
        }
        rows.push(row);
      }
      this.paths.push(rows);
    }
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
        discrete && c === lastCol));
    }
    let top = 0;
    for (const layer of weights) for (const row of layer.w) for (const w of row) top = Math.max(top, Math.abs(w));
    const scale = Math.max(top, 0.5);
    weights.forEach((layer, l) => {
      layer.w.forEach((row, i) => row.forEach((w, j) => {
        const path = this.paths[l][i][j];
        const t = Math.min(1, Math.abs(w) / scale);
        path.setAttribute('stroke', css(w >= 0 ? POS : NEG));
        path.setAttribute('stroke-width', (0.6 + 5.4 * t).toFixed(2));
        path.setAttribute('stroke-opacity', (0.22 + 0.7 * t).toFixed(2));
      }));
      const bTop = Math.max(0.5, ...layer.b.map(Math.abs));
      layer.b.forEach((b, i) => {
        const cell = this.columns[l + 1][i];
        cell.bias.style.background = css(diverging(b / bTop));
        cell.bias.title = `bias ${fmt(b)}`;
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
