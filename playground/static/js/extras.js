// Three small pieces around the main loop: projector mode, the weight editor, and the
// classroom inbox (the set-up a teacher pushed).

// Projector mode: large text and pictures for a class watching one screen. It is a display
// preference, not part of the set-up: `projector=1` in the page's URL (kept out of the query
// the server reads), switched with a button.
export class Projector {
  constructor(button, onChange) {
    this.button = button;
    this.on = new URLSearchParams(location.search).get('projector') === '1';
    this.apply();
    button.onclick = () => {
      this.on = !this.on;
      this.apply();
      const query = this.withoutFlag(location.search);
      history.replaceState(null, '', `${location.pathname}?${this.withFlag(query)}`);
      onChange();
    };
  }

  apply() {
    document.documentElement.classList.toggle('projector', this.on);
    this.button.setAttribute('aria-pressed', String(this.on));
  }

  withFlag(query) { return this.on ? `${query}&projector=1` : query; }

  withoutFlag(search) {
    const params = new URLSearchParams(search);
    params.delete('projector');
    return params.toString();
  }
}

// A small form to type a new value for one weight or bias (opened by clicking it).
export class WeightEditor {
  constructor(form, onSet) {
    this.form = form;
    this.input = form.querySelector('input');
    this.label = form.querySelector('label');
    this.target = null;
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      const value = Number(this.input.value);
      if (this.input.value.trim() === '' || !Number.isFinite(value)) {
        this.input.setCustomValidity('a number, e.g. -0.5');
        this.input.reportValidity();
        return;
      }
      const { layer, neuron, input } = this.target;
      this.close();
      onSet(layer, neuron, input, value);
    });
    this.input.addEventListener('input', () => this.input.setCustomValidity(''));
    form.addEventListener('keydown', (e) => { if (e.key === 'Escape') this.close(); });
    form.querySelector('.cancel').onclick = () => this.close();
  }

  open(event, target) {
    event.stopPropagation();
    this.target = target;
    this.label.textContent = target.name;
    this.input.value = String(Math.round(target.value * 1e4) / 1e4);
    this.form.hidden = false;
    const x = Math.min(event.clientX + 8, window.innerWidth - this.form.offsetWidth - 8);
    const y = Math.min(event.clientY + 8, window.innerHeight - this.form.offsetHeight - 8);
    Object.assign(this.form.style, { left: `${Math.max(8, x)}px`, top: `${Math.max(8, y)}px` });
    this.input.focus();
    this.input.select();
  }

  close() { this.form.hidden = true; }
}

// With --classroom: ask every few seconds whether the teacher pushed a set-up, and offer it.
export class Classroom {
  constructor(api, root, onOpen) {
    this.api = api;
    this.root = root;
    this.onOpen = onOpen;
    this.since = 0;
  }

  start() {
    const poll = async () => {
      try {
        const { push } = await this.api.inbox(this.since);
        if (push) this.show(push);
      } catch (err) { /* the server restarted or the session ended: the page says so elsewhere */ }
      setTimeout(poll, 2500);
    };
    poll();
  }

  show(push) {
    this.root.hidden = false;
    this.root.querySelector('.push-query').textContent = push.query;
    this.root.querySelector('.push-open').onclick = () => this.onOpen(push.query);
    this.root.querySelector('.push-dismiss').onclick = () => {
      this.since = push.id;
      this.root.hidden = true;
    };
  }
}
