// The settings controls: filling them from a config, reading a change as a patch, hiding the
// ones a teacher listed in the URL (hide=...), and the small pieces of chrome around them.

import { fmt } from './colors.js';

export const LR_CHOICES = [0.00001, 0.0001, 0.0003, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1, 3, 10];
export const BATCH_CHOICES = [1, 2, 5, 10, 20, 30, 50, 100, 200, 500, 1000, 2000];
export const RATE_CHOICES = [0, 0.0001, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1, 3, 10];
export const HIDE_LABELS = {
  data: 'Dataset', classes: 'Classes', noise: 'Noise', n: 'Points', test: 'Test data', seed: 'Seed',
  upload: 'CSV upload', feat: 'Features', layers: 'Layers and neurons', act: 'Activation',
  loss: 'Loss', opt: 'Optimizer', lr: 'Learning rate', batch: 'Batch size', reg: 'Regularisation',
  rate: 'Reg. rate', showtest: 'Show test data', discrete: 'Discretize', play: 'Play', step: 'Step',
  reset: 'Reset', export: 'Export', share: 'Share', graph: 'Computation graph', stepper: 'Backprop stepper',
  draw: 'Drawing points', edit: 'Editing weights',
};

function fillSelect(select, choices, value, label = String) {
  const all = choices.includes(value) ? choices : [...choices, value].sort((a, b) => a - b);
  select.innerHTML = '';
  for (const v of all) {
    const option = document.createElement('option');
    option.value = String(v);
    option.textContent = label(v);
    select.appendChild(option);
  }
  select.value = String(value);
}

const OUTPUTS = {
  noise: (v) => v.toFixed(2), n: (v) => String(v), test: (v) => `${Math.round(v * 100)}%`,
  classes: (v) => String(v),
};

// Put a config's values into every [data-key] control.
export function showConfig(config, losses) {
  fillSelect(document.getElementById('lr'), LR_CHOICES, config.lr, (v) => String(v));
  fillSelect(document.getElementById('batch'), BATCH_CHOICES, config.batch);
  fillSelect(document.getElementById('rate'), RATE_CHOICES, config.rate, (v) => String(v));
  for (const el of document.querySelectorAll('[data-key]')) {
    const value = config[el.dataset.key];
    if (el.type === 'checkbox') el.checked = Boolean(value);
    else if (el.tagName !== 'SELECT' || !el.hasAttribute('data-number')) el.value = String(value);
    const out = document.getElementById(`${el.id}-out`);
    if (out && OUTPUTS[el.dataset.key]) out.textContent = OUTPUTS[el.dataset.key](Number(value));
  }
  for (const option of document.getElementById('loss').options) {
    option.disabled = !losses.includes(option.value);
  }
  document.getElementById('rate').disabled = config.reg === 'none';
  const usesClasses = config.data === 'spirals' || config.data === 'blobs';
  document.getElementById('classes-field').classList.toggle('is-hidden', !usesClasses);
  // an upload or a drawing has its own points: the generator's settings do not apply to it
  const own = config.data === 'csv' || config.data === 'drawn';
  for (const id of ['noise', 'n']) {
    document.getElementById(id).closest('.field').classList.toggle('is-hidden', own);
  }
}

// The patch a control's change asks for, e.g. {lr: 0.03}.
export function readControl(el) {
  const key = el.dataset.key;
  if (el.type === 'checkbox') return { [key]: el.checked };
  if (el.type === 'range' || el.type === 'number' || el.hasAttribute('data-number')) {
    return { [key]: Number(el.value) };
  }
  return { [key]: el.value };
}

// Live label while a slider moves, before the change is sent.
export function previewRange(el) {
  const out = document.getElementById(`${el.id}-out`);
  if (out && OUTPUTS[el.dataset.key]) out.textContent = OUTPUTS[el.dataset.key](Number(el.value));
}

// Hide the controls a teacher listed; a box left with nothing to show goes too (no orphan
// heading, question or empty bar).
export function applyHidden(hide) {
  for (const el of document.querySelectorAll('[data-hide]')) {
    el.classList.toggle('teacher-hidden', hide.includes(el.dataset.hide));
  }
  for (const box of document.querySelectorAll('[data-hide-box]')) {
    const parts = [...box.querySelectorAll('[data-hide]')];
    box.classList.toggle('teacher-hidden', parts.length > 0 && parts.every((p) => p.classList.contains('teacher-hidden')));
  }
}

export function buildHideList(root, hideable, hide, onChange) {
  root.innerHTML = '';
  for (const name of hideable) {
    const label = document.createElement('label');
    const box = document.createElement('input');
    box.type = 'checkbox';
    box.checked = hide.includes(name);
    box.onchange = () => {
      const chosen = [...root.querySelectorAll('input')].filter((b) => b.checked).map((b) => b.dataset.name);
      onChange(chosen);
    };
    box.dataset.name = name;
    label.append(box, ` ${HIDE_LABELS[name] || name}`);
    root.appendChild(label);
  }
}

export function parameterCount(sizes) {
  let total = 0;
  for (let i = 0; i + 1 < sizes.length; i++) total += sizes[i] * sizes[i + 1] + sizes[i + 1];
  return total;
}

export class Tooltip {
  constructor(el) { this.el = el; }
  show(event, html) { this.el.innerHTML = html; this.el.hidden = false; this.move(event); }
  move(event) {
    const { el } = this;
    const x = Math.min(event.clientX + 14, window.innerWidth - el.offsetWidth - 8);
    el.style.left = `${x}px`;
    el.style.top = `${event.clientY + 14}px`;
  }
  hide() { this.el.hidden = true; }
}

export function scoreText(score, task) {
  return {
    loss: fmt(score.loss, 3),
    acc: task === 'regression' || score.accuracy === null ? '' : `accuracy ${(score.accuracy * 100).toFixed(1)}%`,
  };
}
