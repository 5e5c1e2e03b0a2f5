// The dataset picker: a small picture of each built-in set, drawn here (decoration only; the
// real points come from the server).

import { classColor, css, diverging } from './colors.js';

function rng(seed) {                       // mulberry32: a tiny seeded generator
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function gauss(r) { return Math.sqrt(-2 * Math.log(r() + 1e-12)) * Math.cos(2 * Math.PI * r()); }

// each returns [x, y, colour] in roughly [-1, 1]^2
const SHAPES = {
  moons(r) {
    const out = [];
    for (let i = 0; i < 70; i++) {
      const t = Math.PI * r(), c = i % 2;
      const x = c ? 1 - Math.cos(t) : Math.cos(t), y = c ? 0.5 - Math.sin(t) : Math.sin(t);
      out.push([(x - 0.5) / 1.6 + 0.08 * gauss(r), (y - 0.25) / 1.6 + 0.08 * gauss(r), classColor(c)]);
    }
    return out;
  },
  circles(r) {
    const out = [];
    for (let i = 0; i < 80; i++) {
      const t = 2 * Math.PI * r(), c = i % 2, rad = c ? 0.4 : 0.85;
      out.push([rad * Math.cos(t) + 0.05 * gauss(r), rad * Math.sin(t) + 0.05 * gauss(r), classColor(c)]);
    }
    return out;
  },
  xor(r) {
    const out = [];
    for (let i = 0; i < 80; i++) {
      const x = 2 * r() - 1, y = 2 * r() - 1;
      out.push([x * 0.9, y * 0.9, classColor(x * y > 0 ? 1 : 0)]);
    }
    return out;
  },
  spirals(r) {
    const out = [];
    for (let k = 0; k < 3; k++) {
      for (let i = 0; i < 30; i++) {
        const rad = i / 30, a = 4 * k + 4 * rad + 0.15 * gauss(r);
        out.push([0.9 * rad * Math.sin(a), 0.9 * rad * Math.cos(a), classColor(k)]);
      }
    }
    return out;
  },
  blobs(r) {
    const centres = [[-0.45, 0.45], [0.5, 0.3], [0, -0.5]];
    const out = [];
    centres.forEach(([cx, cy], k) => {
      for (let i = 0; i < 25; i++) out.push([cx + 0.16 * gauss(r), cy + 0.16 * gauss(r), classColor(k)]);
    });
    return out;
  },
  regression(r) {
    const out = [];
    for (let i = 0; i < 80; i++) {
      const x = 2 * r() - 1, y = 2 * r() - 1;
      out.push([x * 0.9, y * 0.9, diverging(0.8 * x - 0.6 * y + 0.1 * gauss(r))]);
    }
    return out;
  },
};

export const NAMES = { moons: 'Moons', circles: 'Circles', xor: 'XOR', spirals: 'Spirals',
  blobs: 'Blobs', regression: 'Plane' };

export function drawIcon(canvas, name) {
  const size = 124;
  canvas.width = canvas.height = size;
  const ctx = canvas.getContext('2d');
  ctx.fillStyle = '#f7f8fb';
  ctx.fillRect(0, 0, size, size);
  for (const [x, y, c] of SHAPES[name](rng(7))) {
    ctx.beginPath();
    ctx.arc((x + 1) * size / 2, (1 - y) * size / 2, 4.2, 0, 2 * Math.PI);
    ctx.fillStyle = css(c);
    ctx.fill();
  }
}

// The picker's buttons; onPick(name) when one is chosen. 'csv' and 'drawn' show only while in
// use (an upload or drawn points), so that the data in use is always the selected tile.
export function buildPicker(root, onPick) {
  root.innerHTML = '';
  const buttons = {};
  for (const name of ['csv', 'drawn']) {
    const button = document.createElement('button');
    button.className = 'dataset own is-hidden';
    button.dataset.dataset = name;
    button.disabled = true;
    button.innerHTML = `<span class="own-icon" aria-hidden="true">${name === 'csv' ? '⇪' : '✎'}</span>`;
    button.appendChild(document.createTextNode(name === 'csv' ? 'Your CSV' : 'Drawn'));
    buttons[name] = button;
  }
  for (const name of Object.keys(SHAPES)) {
    const button = document.createElement('button');
    button.className = 'dataset';
    button.dataset.dataset = name;
    button.title = name === 'regression' ? 'Regression: a noisy plane' : `${NAMES[name]}`;
    const canvas = document.createElement('canvas');
    drawIcon(canvas, name);
    button.appendChild(canvas);
    button.appendChild(document.createTextNode(NAMES[name]));
    button.onclick = () => onPick(name);
    root.appendChild(button);
    buttons[name] = button;
  }
  root.append(buttons.csv, buttons.drawn);
  return buttons;
}
