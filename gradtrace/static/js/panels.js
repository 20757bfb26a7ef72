// panels.js: the gradients panel, the console and the error alert.
//
// A panel is `{name, setModel(model), render(state)}`: setModel shows a new trace (null: none),
// render a timeline step (model.stateAt). main.js lists the panels and drives them all alike;
// the inspector (inspector.js) and the source files (files.js) are panels too.
import { callName } from './naming.js';
import { shape, stats, tensorText } from './format.js';

/**
 * Every leaf with its .grad at the current step, as text. The rows are built once per
 * trace; a step rewrites only the rows whose gradient changed (playing a large trace
 * must not rebuild hundreds of rows per frame). The row of the leaf the current event is
 * about (its AccumulateGrad, or the program writing into its .grad) is marked.
 */
export class GradientsPanel {
  constructor(root) {
    this.name = 'Gradients';
    this.list = root.querySelector('[data-role="list"]');
    this.note = document.createElement('div'); // calls the graph does not draw (torch.func)
    this.note.dataset.role = 'untraced';
    this.list.after(this.note);
    this.others = document.createElement('div'); // tensors inside top-level dicts/lists/tuples
    this.others.dataset.role = 'others';
    this.note.after(this.others);
    this.model = null;
    this.rows = new Map();
    this.marked = null;
    this.setModel(null);
  }

  setModel(model) {
    this.model = model;
    this.rows = new Map();
    this.marked = null;
    const items = (model?.leaves ?? []).map((leaf) => {
      const li = document.createElement('li');
      li.dataset.node = String(leaf.id);
      const k = document.createElement('code');
      k.textContent = `${model.leafName(leaf)}.grad`;
      const v = document.createElement('span');
      li.append(k, v);
      this.rows.set(leaf.id, { li, v, shown: undefined });
      return li;
    });
    if (!items.length) {
      const li = document.createElement('li');
      li.className = 'muted';
      li.textContent = model ? 'No leaf tensors in this graph.' : 'Run a program to see gradients.';
      items.push(li);
    }
    this.list.replaceChildren(...items);
    this.note.replaceChildren(...(model?.untracedCalls() ?? []).map((call) => {
      const p = document.createElement('p');
      p.className = 'muted';
      p.textContent = `${callName(call, call.index)} (line ${call.line ?? '?'}) ran inside a torch.func `
        + 'transform (grad, vmap, jacrev…) or with is_grads_batched=True: listed, not drawn, since its graph '
        + "and gradients (one per sample under vmap) are the transform's own; the program's output shows them.";
      return p;
    }));
    this.others.replaceChildren(...otherTensors(model?.trace?.collections ?? {}));
  }

  render(state) {
    const now = this.rows.get(state.current?.node) ?? null;
    if (now !== this.marked) {
      this.marked?.li.classList.remove('now');
      now?.li.classList.add('now');
      this.marked = now;
    }
    for (const [id, row] of this.rows) {
      const g = state.leafGrad.has(id) ? state.leafGrad.get(id) : null;
      if (row.shown === g) continue;
      row.shown = g;
      row.v.className = g ? 'grad-value' : 'grad-value muted';
      row.v.textContent = ` = ${tensorText(g, 4)}`;
    }
  }
}

/**
 * The "Other tensors" section: tensors held in a top-level dict, list or tuple, such as
 * torch.func's per-sample gradients (per_sample["weight"]), which no variable or leaf row
 * shows. Their final values, as the program left them: nothing here changes with the step.
 */
function otherTensors(collections) {
  const items = [];
  for (const [name, entries] of Object.entries(collections)) {
    for (const [key, tv] of Object.entries(entries)) {
      const li = document.createElement('li');
      const k = document.createElement('code');
      k.textContent = `${name}[${/^\d+$/.test(key) ? key : JSON.stringify(key)}]`;
      const v = document.createElement('span');
      v.className = 'grad-value';
      const text = tv?.values != null ? `= ${tensorText(tv, 4)}` : stats(tv);
      v.textContent = ` ${shape(tv?.shape)} ${text}`;
      li.append(k, v);
      items.push(li);
    }
  }
  if (!items.length) return [];
  const title = document.createElement('h3');
  title.textContent = 'Other tensors';
  const list = document.createElement('ul');
  list.replaceChildren(...items);
  return [title, list];
}

/** The console panel: stdout and warnings of the trace shown (nothing changes with the step). */
export class ConsolePanel {
  constructor(root) {
    this.name = 'Console';
    this.root = root;
  }

  setModel(model) {
    renderConsole(this.root, model?.trace);
  }

  render() {}
}

/** The error alert as a panel: the trace's error; `show` for a failure that has no trace. */
export class ErrorAlert {
  constructor(root) {
    this.name = 'Error';
    this.root = root;
  }

  setModel(model) {
    renderError(this.root, model?.trace?.error ?? null);
  }

  render() {}

  show(err) {
    renderError(this.root, err);
  }
}

/** stdout and warnings of the last run; first, what the server cut from the trace, if anything. */
export function renderConsole(root, trace) {
  const out = root.querySelector('[data-role="stdout"]');
  out.textContent = trace?.stdout || '';
  const warns = root.querySelector('[data-role="warnings"]');
  warns.replaceChildren(...[...cutNotices(trace?.reply_cut), ...(trace?.warnings ?? [])].map((w) => {
    const li = document.createElement('li');
    li.textContent = w;
    return li;
  }));
}

const CUT_PARTS = {
  stdout: 'output', warnings: 'warnings', strings: 'long names and messages', values: 'listed values',
  events: 'timeline events', grad_flow: 'gradient flow', diagnostics: 'problems',
  calls: 'backward calls', nodes: 'graph nodes', trace: 'the whole graph',
  tensors: 'tensor values and gradients (the recording was stopped mid-write)',
};

/** The trace's reply_cut said in words, one line per part cut (gradtrace/tracing/budget.py). */
export function cutNotices(cut) {
  if (!cut) return [];
  const why = cut.cap != null
    ? `The trace was cut to fit a reply (${cut.size.toLocaleString('en')} bytes, at most ${cut.cap.toLocaleString('en')}):`
    : 'The trace was cut to keep it consistent:';
  return [why, ...cut.parts.map((p) => `${CUT_PARTS[p.part] ?? p.part}: ${p.dropped.toLocaleString('en')} ${p.unit} left out, ${p.kept.toLocaleString('en')} kept`)];
}

/**
 * Show an error (or hide the alert with null). `err` is the trace's error object
 * {kind, type, message, line, hint} or {type, message} for a failed request; an error inside an
 * expression also has expression_col (0-based), said as a 1-based column.
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
  if (err.expression_col != null) where.textContent += `, column ${err.expression_col + 1} of the expression`;
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
