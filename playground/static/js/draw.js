// Drawing your own data on the output map: click to add a point of the chosen class, click a
// point to remove it (as in ConvNetJS and GAN Lab).
//
// The drawn set is the current points (training and test) with the change; it becomes the
// set-up `data=drawn&pts=...` when it fits a link (5 characters a point, see drawn.py), and an
// upload in view coordinates (`data=csv&csv=<id>`) when it does not.

import { classColor, css, esc } from './colors.js';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const STEPS = 4095;

// rows [x, y, class] in view coordinates [-view, view] -> the link's text (playground/drawn.py)
export function encodePoints(rows, view) {
  let out = '';
  for (const [x, y, label] of rows) {
    const q = (v) => Math.max(0, Math.min(STEPS, Math.round(((v + view) / (2 * view)) * STEPS)));
    const bits = q(x) * 2 ** 18 + q(y) * 2 ** 6 + label * 8;
    for (const shift of [24, 18, 12, 6, 0]) out += ALPHABET[Math.floor(bits / 2 ** shift) % 64];
  }
  return out;
}

export class DrawTool {
  constructor({ api, queue, change, banner, heatmap, meta, button, classes, hint }) {
    Object.assign(this, { api, queue, change, banner, heatmap, button, classesEl: classes, hint });
    this.view = meta.view;
    this.maxInLink = meta.fields.find((f) => f.key === 'pts').max_points;
    this.maxClasses = meta.limits.classes;
    this.cls = 0;
    this.on = false;
    button.onclick = () => this.toggle(!this.on);
  }

  setup(setup) {
    this.points = setup.points;
    this.task = setup.task;
    this.names = setup.classes;
    const can = setup.task !== 'regression';
    this.button.disabled = !can;
    this.button.title = can ? 'Click on the map to add points of the chosen class; click a point to remove it'
      : 'Drawing makes class data: choose a dataset with classes first';
    if (!can) this.toggle(false);
    this.cls = Math.min(this.cls, this.names.length);
    this.renderClasses();
  }

  renderClasses() {
    const root = this.classesEl;
    root.innerHTML = '';
    const count = Math.min(this.maxClasses, this.names.length + 1);  // the classes, and a new one
    for (let k = 0; k < count; k++) {
      const label = document.createElement('label');
      label.className = 'draw-class';
      const name = k < this.names.length ? this.names[k] : String(k);
      label.innerHTML = `<input type="radio" name="draw-class" value="${k}"${k === this.cls ? ' checked' : ''}>` +
        `<span class="dot" style="background:${css(classColor(k))}"></span>${k < this.names.length ? '' : 'new '}class ${esc(name)}`;
      label.querySelector('input').onchange = () => { this.cls = k; };
      root.appendChild(label);
    }
  }

  toggle(on) {
    this.on = on;
    this.heatmap.drawing = on;
    this.button.setAttribute('aria-pressed', String(on));
    this.button.textContent = on ? 'Done drawing' : 'Draw points';
    this.classesEl.hidden = !on;
    this.hint.hidden = !on;
    this.heatmap.canvas.classList.toggle('drawing', on);
  }

  rows() {
    return [...this.points.train, ...this.points.test].map(([x, y, c]) => [x, y, c]);
  }

  add(x, y) {
    this.send([...this.rows(), [x, y, this.cls]]);
  }

  remove(part, index) {
    const gone = this.points[part][index];
    this.send(this.rows().filter((row) => row[0] !== gone[0] || row[1] !== gone[1] || row[2] !== gone[2]));
  }

  async send(rows) {
    if (rows.length <= this.maxInLink) {
      await this.change({ data: 'drawn', pts: encodePoints(rows, this.view) });
      return;
    }
    // too many for a link: kept on the server like an upload, in view coordinates
    const text = `x1,x2,label\n${rows.map((r) => `${r[0]},${r[1]},${r[2]}`).join('\n')}\n`;
    const file = new File([text], 'drawn.csv', { type: 'text/csv' });
    try {
      const info = await this.queue(() => this.api.upload(file, true));
      await this.change({ data: 'csv', csv: info.csv });
    } catch (err) {
      this.banner(err.message);
    }
  }
}
