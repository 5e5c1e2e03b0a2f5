// The output panel's pictures: the decision map with its axes and the data points (or, while the
// pointer is on a neuron, that neuron's map), the loss curves with their axes, the legend.

import {
  binary, classColor, css, diverging, esc, fmt, markerPath, paintClasses, paintSigned,
} from './colors.js';

const SVG = 'http://www.w3.org/2000/svg';
const M = { left: 40, right: 8, top: 8, bottom: 34 };  // room for the ticks, in CSS pixels
const INK = '#1F2937';

export class Heatmap {
  // callbacks: onPick(part, index) a point clicked; onDraw(x, y) an empty spot clicked in draw
  // mode; onErase(part, index) a point clicked in draw mode
  constructor(canvas, callbacks) {
    this.canvas = canvas;
    this.ctx = canvas.getContext('2d');
    this.map = document.createElement('canvas');
    this.cb = callbacks;
    this.selected = null;
    this.overlay = null;
    this.drawing = false;
    this.side = 300;
    canvas.addEventListener('click', (e) => this.click(e));
  }

  // Fit the canvas to its box (CSS width), sharp on high-density screens.
  resize() {
    const width = Math.max(220, Math.floor(this.canvas.parentElement.clientWidth));
    this.side = width - M.left - M.right;
    const height = M.top + this.side + M.bottom;
    const dpr = window.devicePixelRatio || 1;
    this.canvas.style.width = `${width}px`;
    this.canvas.style.height = `${height}px`;
    this.canvas.width = Math.round(width * dpr);
    this.canvas.height = Math.round(height * dpr);
    this.ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  }

  toPixel(x, y) {
    const v = this.view;
    return [M.left + ((x + v) / (2 * v)) * this.side, M.top + ((v - y) / (2 * v)) * this.side];
  }

  fromPixel(px, py) {
    const v = this.view;
    return [((px - M.left) / this.side) * 2 * v - v, v - ((py - M.top) / this.side) * 2 * v];
  }

  // setup: task and classes; points: {train, test} rows [x1, x2, label]
  setData(setup) {
    this.task = setup.task;
    this.classes = setup.classes.length;
    this.points = setup.points;
    let top = 0;
    if (this.task === 'regression') for (const p of this.points.train) top = Math.max(top, Math.abs(p[2]));
    this.yTop = top || 1;
  }

  pointColor(label) {
    return this.task === 'regression' ? diverging(label / this.yTop) : classColor(label);
  }

  // A neuron's own map instead of the output (null: back to the output). map: {values, grid},
  // scale as for paintSigned, label: what the caption says.
  showNeuron(map, scale, label) {
    this.overlay = map ? { map, scale, label } : null;
    this.draw(null, this.options);
  }

  draw(snapshot, options) {
    if (snapshot) this.snapshot = snapshot;
    if (options) this.options = options;
    const snap = this.snapshot;
    if (!snap || !this.points) return;
    const { showTest, discrete } = this.options;
    const { output, grid, view } = snap.maps;
    this.view = view;
    if (this.overlay) {
      const { map, scale } = this.overlay;
      paintSigned(this.map, map.values, map.grid, 0.75, false, scale);
    } else if (output.kind === 'classes') {
      paintClasses(this.map, output.classes, output.confidence, grid, 0.5, discrete);
    } else {
      paintSigned(this.map, output.values, grid, 0.55, discrete,
        this.task === 'regression' ? 'diverging' : 'binary');
    }
    const { ctx, canvas } = this;
    ctx.clearRect(0, 0, canvas.width, canvas.height);
    ctx.imageSmoothingEnabled = true;
    ctx.imageSmoothingQuality = 'high';
    ctx.drawImage(this.map, M.left, M.top, this.side, this.side);
    this.drawAxes();
    this.drawPoints(this.points.train, false);
    if (showTest) this.drawPoints(this.points.test, true);
    this.showTest = showTest;
    this.drawSelected();
    if (this.overlay) this.caption(this.overlay.label);
  }

  drawAxes() {
    const { ctx, view } = this;
    ctx.strokeStyle = 'rgba(0,0,0,.18)';
    ctx.lineWidth = 1;
    const [ox, oy] = this.toPixel(0, 0);
    ctx.beginPath();
    ctx.moveTo(ox, M.top); ctx.lineTo(ox, M.top + this.side);
    ctx.moveTo(M.left, oy); ctx.lineTo(M.left + this.side, oy);
    ctx.stroke();
    ctx.strokeStyle = '#6B7280';
    ctx.strokeRect(M.left - 0.5, M.top - 0.5, this.side + 1, this.side + 1);
    ctx.fillStyle = INK;
    ctx.font = '13px system-ui, sans-serif';
    const step = view / 2;
    for (let t = -view; t <= view + 1e-9; t += step) {
      const [px] = this.toPixel(t, 0);
      const [, py] = this.toPixel(0, t);
      ctx.beginPath();
      ctx.moveTo(px, M.top + this.side); ctx.lineTo(px, M.top + this.side + 5);
      ctx.moveTo(M.left - 5, py); ctx.lineTo(M.left, py);
      ctx.stroke();
      const text = fmt(t, 0);
      ctx.textAlign = 'center'; ctx.textBaseline = 'top';
      ctx.fillText(text, px, M.top + this.side + 7);
      ctx.textAlign = 'right'; ctx.textBaseline = 'middle';
      ctx.fillText(text, M.left - 8, py);
    }
    ctx.font = 'italic 14px system-ui, sans-serif';
    ctx.textAlign = 'right'; ctx.textBaseline = 'top';
    ctx.fillText('x1 →', M.left + this.side, M.top + this.side + 18);
    ctx.save();
    ctx.translate(11, M.top);
    ctx.rotate(-Math.PI / 2);
    ctx.textAlign = 'right'; ctx.textBaseline = 'middle';
    ctx.fillText('x2 →', 0, 0);
    ctx.restore();
  }

  caption(text) {
    const { ctx } = this;
    ctx.font = '600 14px system-ui, sans-serif';
    const w = ctx.measureText(text).width + 16;
    ctx.fillStyle = 'rgba(255,255,255,.92)';
    ctx.fillRect(M.left + 6, M.top + 6, w, 24);
    ctx.fillStyle = INK;
    ctx.textAlign = 'left'; ctx.textBaseline = 'middle';
    ctx.fillText(text, M.left + 14, M.top + 18);
  }

  radius() { return Math.max(3.5, Math.min(8, this.side / 90)) * (this.points.train.length > 800 ? 0.75 : 1); }

  drawPoints(rows, test) {
    const { ctx } = this;
    const r = this.radius();
    for (const [x, y, label] of rows) {
      const [px, py] = this.toPixel(x, y);
      if (this.task === 'regression') {
        ctx.beginPath();
        ctx.arc(px, py, r, 0, 2 * Math.PI);
      } else {
        markerPath(ctx, label, px, py, r);  // each class its shape too, not only its colour
      }
      ctx.fillStyle = css(this.pointColor(label));
      ctx.fill();
      ctx.lineWidth = test ? 2.5 : 1.6;
      // a regression point near 0 is white: a grey rim keeps it visible
      ctx.strokeStyle = test ? INK : this.task === 'regression' ? 'rgba(29,36,51,.45)' : '#ffffff';
      ctx.stroke();
    }
  }

  drawSelected() {
    if (!this.selected) return;
    const rows = this.points[this.selected.part];
    const row = rows && rows[this.selected.index];
    if (!row) return;
    const [px, py] = this.toPixel(row[0], row[1]);
    const { ctx } = this;
    ctx.beginPath();
    ctx.arc(px, py, this.radius() + 7, 0, 2 * Math.PI);
    ctx.lineWidth = 3;
    ctx.strokeStyle = INK;
    ctx.stroke();
  }

  select(part, index) {
    this.selected = { part, index };
  }

  // the point nearest to the event, within reach: {part, index, d}
  nearest(event) {
    const rect = this.canvas.getBoundingClientRect();
    const x = (event.clientX - rect.left) * (parseFloat(this.canvas.style.width) / rect.width);
    const y = (event.clientY - rect.top) * (parseFloat(this.canvas.style.height) / rect.height);
    let best = null;
    const parts = this.showTest || this.drawing ? ['train', 'test'] : ['train'];
    for (const part of parts) {
      this.points[part].forEach((p, index) => {
        const [px, py] = this.toPixel(p[0], p[1]);
        const d = Math.hypot(px - x, py - y);
        if (!best || d < best.d) best = { d, part, index };
      });
    }
    return { best, x, y };
  }

  click(event) {
    if (!this.points || !this.view) return;
    const { best, x, y } = this.nearest(event);
    const reach = this.radius() + 3;
    if (this.drawing) {
      if (best && best.d <= reach) this.cb.onErase(best.part, best.index);
      else if (x >= M.left && x <= M.left + this.side && y >= M.top && y <= M.top + this.side) {
        this.cb.onDraw(...this.fromPixel(x, y));
      }
      return;
    }
    if (best && best.d < 30) this.cb.onPick(best.part, best.index);
  }
}

// Train and test loss against the step, on a shared linear scale starting at 0, with axes.
export function drawCurve(svg, history) {
  svg.innerHTML = '';
  const n = history.step.length;
  if (n < 1) return;
  const values = [...history.train, ...history.test].filter((v) => v !== null && Number.isFinite(v));
  const top = Math.max(1e-9, ...values) * 1.08;
  const last = Math.max(1, history.step[n - 1]);
  // drawn in CSS pixels of the box (text stays 12 px at every width)
  const W = Math.max(200, Math.round(svg.clientWidth || 360)), H = 110, L = 44, B = 22, T = 8, R = 10;
  svg.setAttribute('viewBox', `0 0 ${W} ${H}`);
  const add = (tag, attrs, text) => {
    const node = document.createElementNS(SVG, tag);
    for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
    if (text !== undefined) node.textContent = text;
    svg.appendChild(node);
    return node;
  };
  add('path', { d: `M${L},${T}V${H - B}H${W - R}`, fill: 'none', stroke: '#6B7280' });
  add('text', { x: L - 6, y: T + 10, 'text-anchor': 'end', class: 'tick' }, fmt(top, top < 0.1 ? 3 : 2));
  add('text', { x: L - 6, y: H - B, 'text-anchor': 'end', class: 'tick' }, '0');
  add('text', { x: L, y: H - 5, 'text-anchor': 'start', class: 'tick' }, '0');
  add('text', { x: W - R, y: H - 5, 'text-anchor': 'end', class: 'tick' }, `${last.toLocaleString('en')} steps`);
  const line = (key, color, width, dash) => {
    let d = '';
    history[key].forEach((v, i) => {
      if (v === null || !Number.isFinite(v)) return;
      const x = L + (history.step[i] / last) * (W - L - R);
      const y = H - B - (v / top) * (H - B - T);
      d += `${d ? 'L' : 'M'}${x.toFixed(1)},${y.toFixed(1)}`;
    });
    add('path', { d, fill: 'none', stroke: color, 'stroke-width': width, 'stroke-dasharray': dash,
      'stroke-linejoin': 'round' });
  };
  line('train', '#4B5563', 1.8, '5 3');
  line('test', '#1F2937', 2.4, 'none');
}

// The colour key under the map: each class's colour and name, or the regression scale.
export function drawLegend(root, setup, loss) {
  const names = setup.classes;
  const chip = (k, text) => `<span class="chip"><canvas class="mark" data-k="${k}" width="16" height="16" aria-hidden="true"></canvas>${esc(text)}</span>`;
  if (setup.task === 'regression') {
    root.innerHTML = `<span>lower</span><span class="bar" style="background:linear-gradient(90deg,${css(diverging(-1))},#fff,${css(diverging(1))})"></span><span>higher target</span>`;
    return;
  }
  const chips = names.map((name, i) => chip(i, `class ${name}`)).join('');
  if (names.length === 2) {
    const what = loss === 'hinge' ? 'score, clipped to ±1' : `probability of class ${names[1]}`;
    root.innerHTML = `${chips}<span class="bar" style="background:linear-gradient(90deg,${css(binary(-1, 0.55))},#fff,${css(binary(1, 0.55))})" title="${esc(what)}"></span><span>${esc(what)}</span>`;
  } else {
    root.innerHTML = `${chips}<span>faded = unsure</span>`;
  }
  // each class's point shape next to its colour (the map's points carry both)
  for (const canvas of root.querySelectorAll('canvas.mark')) {
    const ctx = canvas.getContext('2d');
    const k = Number(canvas.dataset.k);
    markerPath(ctx, k, 8, 8, 5);
    ctx.fillStyle = css(classColor(k));
    ctx.fill();
  }
}
