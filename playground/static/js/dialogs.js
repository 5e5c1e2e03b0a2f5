// Two small interactions outside the main loop: uploading a CSV, and the share dialog.

import { buildHideList } from './controls.js';

const $ = (id) => document.getElementById(id);

// Send the file; on success switch the data to it, on failure say why under the button.
export async function uploadCsv(file, { api, queue, change, limit }) {
  const status = $('csv-status');
  status.className = 'status';
  status.textContent = `Reading ${file.name}…`;
  if (file.size > limit) {
    status.className = 'status error';
    status.textContent = `${file.name} is ${file.size.toLocaleString('en')} bytes; ` +
      `the limit is ${limit.toLocaleString('en')}.`;
    return;
  }
  try {
    const info = await queue(() => api.upload(file));
    await change({ data: 'csv', csv: info.csv });
  } catch (err) {
    status.className = 'status error';
    status.textContent = err.message;
  }
}

// The link to this set-up (link(): at the address students reach, see app.js), and a checkbox
// per control to hide it from students.
export function openShare(meta, hidden, change, link) {
  $('share-link').value = link();
  $('copy-link').textContent = 'Copy';
  $('copy-link').onclick = () => {
    $('share-link').select();
    if (navigator.clipboard) navigator.clipboard.writeText($('share-link').value).catch(() => {});
    $('copy-link').textContent = 'Copied';
  };
  buildHideList($('hide-list'), meta.hideable, hidden, async (hide) => {
    await change({ hide });
    $('share-link').value = link();
  });
  $('share-dialog').showModal();
}

// The Export menu's downloads: the link's id and the API's export.<kind>.
export const EXPORTS = [
  ['export-py', 'py'], ['export-npz', 'npz'], ['export-safetensors', 'safetensors'],
  ['export-torch', 'torch.py'], ['export-onnx', 'onnx'],
];

// Without the onnx extra the ONNX item is greyed out and the menu says what to install
// (instead of a link that would download an error).
export function showExportExtras(meta) {
  const missing = (meta.exports && meta.exports.missing.onnx) || '';
  const link = document.getElementById('export-onnx');
  const note = document.getElementById('export-onnx-missing');
  if (missing) link.removeAttribute('href');
  link.classList.toggle('disabled', Boolean(missing));
  link.setAttribute('aria-disabled', missing ? 'true' : 'false');
  note.hidden = !missing;
  note.textContent = missing ? `${missing}.` : '';
}
