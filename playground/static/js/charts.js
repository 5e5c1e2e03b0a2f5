// The output panel's pictures: the decision boundary with the data points, the loss curves and
// the colour legend.

import { classColor, css, diverging, paintClasses, paintSigned } from './colors.js';

const SVG = 'http://www.w3.org/2000/svg';

export class Heatmap {
  constructor(canvas, onPick) {
    this.canvas = canvas;
    this.ctx = canvas.getContext('2d');
    this.map = document.createElement('canvas');
    this.onPick = onPick;
    this.selected = null;
    canvas.addEventListener('click', (e) => this.pick(e));
  }

  toPixel(x, y) {
    const w = this.canvas.width, h = this.canvas.height, v = this.view;
    return [((x + v) / (2 * v)) * w, ((v - y) / (2 * v)) * h];
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
    return this.task === 'regression' ? diverging(label / this.yTop) : classColor(label, this.classes);
  }

  draw(snapshot, { showTest, discrete }) {
    if (snapshot) this.snapshot = snapshot;
    const snap = this.snapshot;
    if (!snap) return;
    const { output, grid, view } = snap.maps;
    this.view = view;
    if (output.kind === 'classes') paintClasses(this.map, output.classes, output.confidence, grid, 0.5, discrete);
    else paintSigned(this.map, output.values, grid, 0.55, discrete);
    const { ctx, canvas } = this;
    ctx.imageSmoothingEnabled = true;
    ctx.imageSmoothingQuality = 'high';
    ctx.drawImage(this.map, 0, 0, canvas.width, canvas.height);
    // the axes through the origin, faint
    ctx.strokeStyle = 'rgba(0,0,0,.12)';
    ctx.lineWidth = 1.5;
    const [ox, oy] = this.toPixel(0, 0);
    ctx.beginPath();
    ctx.moveTo(ox, 0); ctx.lineTo(ox, canvas.height);
    ctx.moveTo(0, oy); ctx.lineTo(canvas.width, oy);
    ctx.stroke();
    this.drawPoints(this.points.train, false);
    if (showTest) this.drawPoints(this.points.test, true);
    this.showTest = showTest;
    this.drawSelected();
  }

  drawPoints(rows, test) {
    const { ctx } = this;
    const r = rows.length > 800 ? 5 : 7;
    for (const [x, y, label] of rows) {
      const [px, py] = this.toPixel(x, y);
      ctx.beginPath();
      ctx.arc(px, py, r, 0, 2 * Math.PI);
      ctx.fillStyle = css(this.pointColor(label));
      ctx.fill();
      ctx.lineWidth = test ? 3 : 2.5;
      // a regression point near 0 is white: a grey rim keeps it visible
      ctx.strokeStyle = test ? '#1d2433' : this.task === 'regression' ? 'rgba(29,36,51,.45)' : '#ffffff';
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
    ctx.arc(px, py, 15, 0, 2 * Math.PI);
    ctx.lineWidth = 4;
    ctx.strokeStyle = '#5b4bdb';
    ctx.stroke();
  }

  select(part, index) {
    this.selected = { part, index };
  }

  pick(event) {
    if (!this.points) return;
    const rect = this.canvas.getBoundingClientRect();
    const sx = this.canvas.width / rect.width;
    const x = (event.clientX - rect.left) * sx, y = (event.clientY - rect.top) * sx;
    let best = null;
    const parts = this.showTest ? ['train', 'test'] : ['train'];
    for (const part of parts) {
      this.points[part].forEach((p, index) => {
        const [px, py] = this.toPixel(p[0], p[1]);
        const d = Math.hypot(px - x, py - y);
        if (!best || d < best.d) best = { d, part, index };
      });
    }
    if (best && best.d < 30) this.onPick(best.part, best.index);
  }
}

// Train and test loss against the step, on a shared linear scale starting at 0.
export function drawCurve(svg, history) {
  svg.innerHTML = '';
  const n = history.step.length;
  if (n < 1) return;
  const values = [...history.train, ...history.test].filter((v) => v !== null && Number.isFinite(v));
  const top = Math.max(1e-9, ...values) * 1.08;
  const last = Math.max(1, history.step[n - 1]);
  const W = 340, H = 84, pad = 4;
  const line = (key, color, width) => {
    let d = '';
    history[key].forEach((v, i) => {
      if (v === null || !Number.isFinite(v)) return;
      const x = pad + (history.step[i] / last) * (W - 2 * pad);
      const y = H - pad - (v / top) * (H - 2 * pad);
      d += `${d ? 'L' : 'M'}${x.toFixed(1)},${y.toFixed(1)}`;
    });
    const path = document.createElementNS(SVG, 'path');
    path.setAttribute('d', d);
    path.setAttribute('fill', 'none');
    path.setAttribute('stroke', color);
    path.setAttribute('stroke-width', width);
    path.setAttribute('vector-effect', 'non-scaling-stroke');
    path.setAttribute('stroke-linejoin', 'round');
    svg.appendChild(path);
  };
  line('train', '#8a93a6', 1.6);
  line('test', '#5b4bdb', 2.2);
}

export function drawLegend(root, setup, loss) {
  const names = setup.classes;
  const chip = (rgb, text) => `<span class="chip"><span class="dot" style="background:${css(rgb)}"></span>${text}</span>`;
  if (setup.task === 'regression') {
    root.innerHTML = `<span>lower</span><span class="bar" style="background:linear-gradient(90deg,${css(diverging(-1))},#fff,${css(diverging(1))})"></span><span>higher target</span>`;
    return;
  }
  const chips = names.map((name, i) => chip(classColor(i, names.length), `class ${name}`)).join('');
  if (names.length === 2) {
    const what = loss === 'hinge' ? 'score, clipped to ±1' : 'probability of class ' + names[1];
    root.innerHTML = `${chips}<span class="bar" style="background:linear-gradient(90deg,${css(diverging(-1, 0.55))},#fff,${css(diverging(1, 0.55))})" title="${what}"></span><span>${what}</span>`;
  } else {
    root.innerHTML = `${chips}<span>faded = unsure</span>`;
  }
}
