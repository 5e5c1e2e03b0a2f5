// The JSON API of the playground server. Every call returns the parsed answer or throws an
// Error whose message is the server's own explanation (a 4xx says what was wrong).

async function request(method, path, body, headers = {}) {
  const init = { method, headers: { ...headers } };
  if (body !== undefined) {
    if (body instanceof Blob || body instanceof ArrayBuffer || typeof body === 'string') {
      init.body = body;
    } else {
      init.body = JSON.stringify(body);
      init.headers['Content-Type'] = 'application/json';
    }
  }
  let res;
  try {
    res = await fetch(path, init);
  } catch (err) {
    throw new Error('The playground server is not answering (was it stopped?)');
  }
  if (res.status === 204) return null;
  const type = res.headers.get('Content-Type') || '';
  const payload = type.startsWith('application/json') ? await res.json() : await res.text();
  if (!res.ok) {
    const message = payload && payload.error ? payload.error : `HTTP ${res.status}`;
    const error = new Error(message);
    error.status = res.status;
    throw error;
  }
  return payload;
}

export class Api {
  constructor() { this.id = null; }

  meta() { return request('GET', '/api/meta'); }

  async create(query) {
    const answer = await request('POST', '/api/session', { query });
    this.id = answer.setup.session;
    return answer;
  }

  path(tail) { return `/api/session/${this.id}${tail}`; }

  configure(patch) { return request('POST', this.path('/config'), patch); }
  // budgetMs: the server trains for at most this long (at least one batch), so that a busy
  // classroom server shares its time fairly between the students' tabs; historySince: the last
  // snapshot's history_cursor, so that the answer carries only the new loss points
  step(steps, budgetMs, historySince) {
    const body = { steps };
    if (budgetMs) body.budget_ms = budgetMs;
    if (historySince) body.history_since = historySince;
    return request('POST', this.path('/step'), body);
  }
  // layer, neuron (0-based, as in state_dict); input j for weight [neuron, j], null for the bias
  setWeight(layer, neuron, input, value) {
    return request('POST', this.path('/weight'), { layer, neuron, input, value });
  }
  neuronMap(layer, neuron) { return request('GET', this.path(`/map?layer=${layer}&neuron=${neuron}`)); }
  inbox(since) { return request('GET', this.path(`/inbox?since=${since}`)); }
  reset() { return request('POST', this.path('/reset'), {}); }
  graph(sample, part, view = 'svg') {
    return request('GET', this.path(`/graph?sample=${sample}&part=${part}&view=${view}`));
  }
  // the neuron to step through: {layer, neuron} kept if it passes a gradient back on the sample
  // (always with keep), else the first that does; {active, live, note} say how it went
  sampleNeuron(sample, part, layer, neuron, keep) {
    return request('GET', this.path(`/neuron?sample=${sample}&part=${part}&layer=${layer}&neuron=${neuron}&keep=${keep ? 1 : 0}`));
  }
  stepperUrl(sample, part, layer, neuron) {
    return this.path(`/stepper?sample=${sample}&part=${part}&layer=${layer}&neuron=${neuron}`);
  }
  exportUrl(kind) { return this.path(`/export.${kind}`); }

  upload(file, inView = false) {
    const headers = { 'Content-Type': 'text/csv', 'X-Filename': encodeURIComponent(file.name || 'data.csv') };
    if (inView) headers['X-Coordinates'] = 'view';
    return request('POST', '/api/upload', file, headers);
  }

  close() {
    if (!this.id) return;
    // keepalive lets the request outlive the closing tab
    fetch(this.path('/close'), {
      method: 'POST', keepalive: true, body: '{}',
      headers: { 'Content-Type': 'application/json' },
    }).catch(() => {});
  }
}
