// panels.js: the gradients panel, the console and the error alert.
import { tensorText } from './format.js';

/** Every leaf with its .grad at the current step, as text. */
export class GradientsPanel {
  constructor(root) {
    this.list = root.querySelector('[data-role="list"]');
    this.model = null;
  }

  setModel(model) {
    this.model = model;
  }

  render(state) {
    const rows = [];
    for (const leaf of this.model?.leaves ?? []) {
      const name = leaf.label ?? `leaf #${leaf.id}`;
      const g = state.leafGrad.has(leaf.id) ? state.leafGrad.get(leaf.id) : null;
      const li = document.createElement('li');
      li.dataset.node = String(leaf.id);
      const k = document.createElement('code');
      k.textContent = `${name}.grad`;
      const v = document.createElement('span');
      v.className = g ? 'grad-value' : 'grad-value muted';
      v.textContent = ` = ${tensorText(g, 4)}`;
      li.append(k, v);
      rows.push(li);
    }
    if (!rows.length) {
      const li = document.createElement('li');
      li.className = 'muted';
      li.textContent = this.model ? 'No leaf tensors in this graph.' : 'Run a program to see gradients.';
      rows.push(li);
    }
    this.list.replaceChildren(...rows);
  }
}

/** stdout and warnings of the last run. */
export function renderConsole(root, trace) {
  const out = root.querySelector('[data-role="stdout"]');
  out.textContent = trace?.stdout || '';
  const warns = root.querySelector('[data-role="warnings"]');
  warns.replaceChildren(...(trace?.warnings ?? []).map((w) => {
    const li = document.createElement('li');
    li.textContent = w;
    return li;
  }));
}

/**
 * Show an error (or hide the alert with null). `err` is the trace's error object
 * {kind, type, message, line, hint} or {type, message} for a failed request.
 */
export function renderError(root, err) {
  root.hidden = !err;
  if (!err) {
    root.replaceChildren();
    return;
  }
  const title = document.createElement('strong');
  title.className = 'error-type';
  title.textContent = err.type || err.kind || 'Error';
  const where = document.createElement('span');
  where.className = 'error-line';
  where.textContent = err.line != null ? ` on line ${err.line}` : '';
  const msg = document.createElement('p');
  msg.className = 'error-message';
  msg.textContent = err.message;
  const parts = [title, where, msg];
  if (err.hint) {
    const hint = document.createElement('p');
    hint.className = 'error-hint';
    hint.textContent = `Hint: ${err.hint}`;
    parts.push(hint);
  }
  root.replaceChildren(...parts);
}
