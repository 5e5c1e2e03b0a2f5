// The teacher's page (--classroom): every student's session, live, and a set-up pushed to all.
// The token comes from this page's own link (printed by the server at start-up) and goes with
// every request in X-Teacher-Token.

import { classColor, css, decode, esc, fmt, mix, usePalette } from './colors.js';

const $ = (id) => document.getElementById(id);
const token = new URLSearchParams(location.search).get('token') || '';

async function call(method, path, body) {
  const init = { method, headers: { 'X-Teacher-Token': token } };
  if (body !== undefined) {
    init.body = JSON.stringify(body);
    init.headers['Content-Type'] = 'application/json';
  }
  const res = await fetch(path, init);
  const payload = await res.json();
  if (!res.ok) throw new Error(payload.error || `HTTP ${res.status}`);
  return payload;
}

// A student's small decision map: the same colours as their page.
function thumbnail(map) {
  const canvas = document.createElement('canvas');
  canvas.className = 'thumb';
  const side = map.grid;
  canvas.width = canvas.height = side;
  const ctx = canvas.getContext('2d');
  const img = ctx.createImageData(side, side);
  const white = [255, 255, 255];
  if (map.kind === 'classes') {
    const cls = decode(map.classes), conf = decode(map.confidence);
    for (let i = 0; i < side * side; i++) img.data.set([...mix(white, classColor(cls[i]), 0.15 + 0.85 * conf[i] / 255), 255], i * 4);
  } else {
    const v = decode(map.values);
    for (let i = 0; i < side * side; i++) {
      const s = v[i] / 127.5 - 1;
      img.data.set([...mix(white, classColor(s < 0 ? 0 : 1), Math.min(1, Math.abs(s))), 255], i * 4);
    }
  }
  ctx.putImageData(img, 0, 0);
  return canvas;
}

function loss(scores, part) {
  const s = scores && scores[part];
  if (!s) return '–';
  return fmt(s.loss, 3) + (s.accuracy === null || s.accuracy === undefined ? '' : ` (${(s.accuracy * 100).toFixed(0)}%)`);
}

function card(s, k) {
  const div = document.createElement('div');
  div.className = 'student';
  const sizes = s.sizes.join('–');
  div.innerHTML = `<div class="student-head"><b>Tab ${k + 1}</b> <span>${esc(s.data)} · ${esc(sizes)}</span></div>
    <div class="student-body"><div class="thumb-box"></div><dl>
      <dt>Epoch</dt><dd>${s.epoch.toLocaleString('en')}</dd>
      <dt>Step</dt><dd>${s.step.toLocaleString('en')}</dd>
      <dt>Train loss</dt><dd>${loss(s.scores, 'train')}</dd>
      <dt>Test loss</dt><dd>${loss(s.scores, 'test')}</dd>
      <dt>Idle</dt><dd>${fmt(s.idle, 0)} s</dd></dl></div>
    <a class="student-link" href="/?${esc(s.query)}" target="_blank" rel="noopener">set-up</a>${s.diverged ? '<span class="warning"> diverged</span>' : ''}`;
  if (s.map) div.querySelector('.thumb-box').appendChild(thumbnail(s.map));
  return div;
}

async function refresh() {
  try {
    const { sessions } = await call('GET', '/api/teacher/sessions');
    $('count').textContent = String(sessions.length);
    const root = $('students');
    root.innerHTML = sessions.length ? '' : '<p class="placeholder">No student has opened the playground yet.</p>';
    sessions.forEach((s, k) => root.appendChild(card(s, k)));
    $('banner').hidden = true;
  } catch (err) {
    $('banner-text').textContent = err.message;
    $('banner').hidden = false;
  }
  setTimeout(refresh, 2000);
}

async function start() {
  const meta = await (await fetch('/api/meta')).json();
  usePalette(meta.palette, meta.markers);
  $('push-form').onsubmit = async (e) => {
    e.preventDefault();
    const text = $('push-link').value.trim();
    const query = text.includes('?') ? text.slice(text.indexOf('?') + 1) : text;
    try {
      const { push } = await call('POST', '/api/teacher/push', { query });
      $('push-status').className = 'status ok';
      $('push-status').textContent = `Sent (#${push.id}): every student's page now offers it.`;
    } catch (err) {
      $('push-status').className = 'status error';
      $('push-status').textContent = err.message;
    }
  };
  await refresh();
  document.body.dataset.ready = '1';
}

start().catch((err) => { $('banner-text').textContent = err.message; $('banner').hidden = false; });
