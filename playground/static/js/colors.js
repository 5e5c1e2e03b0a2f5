// Colours, and decoding the server's pictures (numbers in [-1, 1] packed as bytes 0..255).
//
// Every colour comes from chainrule.viz.palette (sent in /api/meta as `palette`, its as_dict()),
// so the page, the graphs and the lessons agree: class k has one colour whether a task has 2
// classes or 5, and signed values (weights, hidden neurons, a regression map) use the palette's
// diverging map, vermillion < 0 < blue. `usePalette` must run before anything is drawn.

export let CLASS_COLORS = [];   // [r, g, b] of class 0, 1, ...
export let CLASS_INK = [];      // the same hues dark enough for text ('#rrggbb')
export let NEG = [0, 0, 0];     // the diverging map's negative end
export let POS = [0, 0, 0];     // and its positive end
export let PALETTE = null;      // the palette as sent
export let MARKERS = [];        // class k's point shape, matplotlib's codes (viz.palette.MARKERS)
const WHITE = [255, 255, 255];

export function rgb(hex) {
  const h = hex.replace('#', '');
  return [0, 2, 4].map((i) => parseInt(h.slice(i, i + 2), 16));
}

export function usePalette(palette, markers = []) {
  PALETTE = palette;
  MARKERS = markers;
  CLASS_COLORS = palette.classes.map(rgb);
  CLASS_INK = palette.class_ink;
  NEG = rgb(palette.diverging[0]);
  POS = rgb(palette.diverging[2]);
  const root = document.documentElement.style;
  root.setProperty('--pos', palette.diverging[2]);
  root.setProperty('--neg', palette.diverging[0]);
  CLASS_INK.forEach((ink, k) => root.setProperty(`--class-${k}`, ink));
}

export function css(color, alpha = 1) {
  return alpha === 1 ? `rgb(${color.join(',')})` : `rgba(${color.join(',')},${alpha})`;
}

export function mix(a, b, t) {
  return [0, 1, 2].map((i) => Math.round(a[i] + (b[i] - a[i]) * t));
}

// The colour of a value in [-1, 1]: vermillion through white to blue. `strength` keeps a
// background pale enough for the points drawn on it.
export function diverging(v, strength = 1) {
  const t = Math.min(1, Math.abs(v)) * strength;
  return mix(WHITE, v < 0 ? NEG : POS, t);
}

// Class k's colour, the same for every number of classes.
export function classColor(label) {
  return CLASS_COLORS[label % CLASS_COLORS.length];
}

// A two-class value in [-1, 1] (the probability of class 1, stretched; or a hinge score):
// towards class 0's colour below 0 and class 1's above.
export function binary(v, strength = 1) {
  const t = Math.min(1, Math.abs(v)) * strength;
  return mix(WHITE, classColor(v < 0 ? 0 : 1), t);
}

// Trace class k's point shape (a second cue besides its colour) around (x, y), radius r.
export function markerPath(ctx, k, x, y, r) {
  const shape = MARKERS.length ? MARKERS[k % MARKERS.length] : 'o';
  ctx.beginPath();
  const poly = (pts) => { pts.forEach(([a, b], i) => (i ? ctx.lineTo(x + a * r, y + b * r) : ctx.moveTo(x + a * r, y + b * r))); ctx.closePath(); };
  if (shape === 's') poly([[-0.9, -0.9], [0.9, -0.9], [0.9, 0.9], [-0.9, 0.9]]);
  else if (shape === '^') poly([[0, -1.25], [1.15, 0.85], [-1.15, 0.85]]);
  else if (shape === 'v') poly([[0, 1.25], [1.15, -0.85], [-1.15, -0.85]]);
  else if (shape === 'D') poly([[0, -1.25], [1.1, 0], [0, 1.25], [-1.1, 0]]);
  else if (shape === 'P') poly([[-0.35, -1], [0.35, -1], [0.35, -0.35], [1, -0.35], [1, 0.35], [0.35, 0.35], [0.35, 1], [-0.35, 1], [-0.35, 0.35], [-1, 0.35], [-1, -0.35], [-0.35, -0.35]]);
  else if (shape === 'X') poly([[-1, -0.6], [-0.6, -1], [0, -0.4], [0.6, -1], [1, -0.6], [0.4, 0], [1, 0.6], [0.6, 1], [0, 0.4], [-0.6, 1], [-1, 0.6], [-0.4, 0]]);
  else ctx.arc(x, y, r, 0, 2 * Math.PI);
}

export function decode(b64) {
  const text = atob(b64);
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i);
  return out;
}

// byte 0..255 -> value -1..1
export function signed(byte) { return byte / 127.5 - 1; }

function paint(canvas, side, colorAt) {
  const ctx = canvas.getContext('2d');
  if (canvas.width !== side) { canvas.width = side; canvas.height = side; }
  const img = ctx.createImageData(side, side);
  for (let i = 0; i < side * side; i++) {
    const c = colorAt(i);
    img.data[i * 4] = c[0]; img.data[i * 4 + 1] = c[1]; img.data[i * 4 + 2] = c[2];
    img.data[i * 4 + 3] = 255;
  }
  ctx.putImageData(img, 0, 0);
}

// Paint a square map of signed bytes into a canvas of its own size (CSS scales it smoothly).
// scale: 'diverging' (signed values), 'binary' (two classes), or a class index k (class k's
// score: white at -1, class k's colour at +1).
export function paintSigned(canvas, b64, side, strength = 1, discrete = false, scale = 'diverging') {
  const bytes = decode(b64);
  paint(canvas, side, (i) => {
    let v = signed(bytes[i]);
    if (discrete) v = v > 0 ? 1 : v < 0 ? -1 : 0;
    if (scale === 'binary') return binary(v, strength);
    if (typeof scale === 'number') return mix(WHITE, classColor(scale), ((v + 1) / 2) * strength);
    return diverging(v, strength);
  });
}

// Paint a k-class map: each cell the winning class's colour, faded by its uncertainty.
export function paintClasses(canvas, classesB64, confB64, side, strength = 1, discrete = false) {
  const cls = decode(classesB64);
  const conf = decode(confB64);
  paint(canvas, side, (i) => {
    const t = discrete ? 1 : conf[i] / 255;
    return mix(WHITE, classColor(cls[i]), (0.15 + 0.85 * t) * strength);
  });
}

export function fmt(x, digits = 3) {
  if (x === null || x === undefined || Number.isNaN(x)) return '–';
  if (!Number.isFinite(x)) return x > 0 ? '∞' : '−∞';
  const a = Math.abs(x);
  if (a !== 0 && (a < 1e-3 || a >= 1e4)) return x.toExponential(2).replace(/-/g, '−');
  return x.toFixed(digits).replace('-', '−');
}

// Escape text for innerHTML (class names come from a user's CSV).
export function esc(text) {
  return String(text).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;',
    '"': '&quot;', "'": '&#39;' }[c]));
}
