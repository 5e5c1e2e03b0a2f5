// Colours, and decoding the server's pictures (numbers in [-1, 1] packed as bytes 0..255).

export const NEG = [238, 123, 22];    // orange: negative values, class 0 of two
export const POS = [31, 111, 209];    // blue: positive values, class 1 of two
export const CLASS_COLORS = [
  [31, 111, 209], [238, 123, 22], [19, 138, 74], [142, 68, 214], [214, 40, 118],
];
const WHITE = [255, 255, 255];

export function css(rgb, alpha = 1) {
  return alpha === 1 ? `rgb(${rgb.join(',')})` : `rgba(${rgb.join(',')},${alpha})`;
}

export function mix(a, b, t) {
  return [0, 1, 2].map((i) => Math.round(a[i] + (b[i] - a[i]) * t));
}

// The colour of a value in [-1, 1]: orange through white to blue. `strength` keeps the
// background pale enough for the points drawn on it.
export function diverging(v, strength = 1) {
  const t = Math.min(1, Math.abs(v)) * strength;
  return mix(WHITE, v < 0 ? NEG : POS, t);
}

// The two classes of a binary task: class 0 is the negative side, class 1 the positive.
export function classColor(label, classes) {
  if (classes === 2) return label ? POS : NEG;
  return CLASS_COLORS[label % CLASS_COLORS.length];
}

export function decode(b64) {
  const text = atob(b64);
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i);
  return out;
}

// byte 0..255 -> value -1..1
export function signed(byte) { return byte / 127.5 - 1; }

// Paint a square map of signed bytes into a canvas of its own size (CSS scales it smoothly).
export function paintSigned(canvas, b64, side, strength = 1, discrete = false) {
  const bytes = decode(b64);
  const ctx = canvas.getContext('2d');
  if (canvas.width !== side) { canvas.width = side; canvas.height = side; }
  const img = ctx.createImageData(side, side);
  for (let i = 0; i < side * side; i++) {
    let v = signed(bytes[i]);
    if (discrete) v = v > 0 ? 1 : v < 0 ? -1 : 0;
    const c = diverging(v, strength);
    img.data.set([c[0], c[1], c[2], 255], i * 4);
  }
  ctx.putImageData(img, 0, 0);
}

// Paint a k-class map: each cell the winning class's colour, faded by its uncertainty.
export function paintClasses(canvas, classesB64, confB64, side, strength = 1, discrete = false) {
  const cls = decode(classesB64);
  const conf = decode(confB64);
  const ctx = canvas.getContext('2d');
  if (canvas.width !== side) { canvas.width = side; canvas.height = side; }
  const img = ctx.createImageData(side, side);
  for (let i = 0; i < side * side; i++) {
    const t = discrete ? 1 : conf[i] / 255;
    const c = mix(WHITE, CLASS_COLORS[cls[i] % CLASS_COLORS.length], (0.15 + 0.85 * t) * strength);
    img.data.set([c[0], c[1], c[2], 255], i * 4);
  }
  ctx.putImageData(img, 0, 0);
}

export function fmt(x, digits = 3) {
  if (x === null || x === undefined || Number.isNaN(x)) return '–';
  if (!Number.isFinite(x)) return x > 0 ? '∞' : '−∞';
  const a = Math.abs(x);
  if (a !== 0 && (a < 1e-3 || a >= 1e4)) return x.toExponential(2).replace(/-/g, '−');
  return x.toFixed(digits).replace('-', '−');
}
