// expression.js: Expression mode, the smallest way in: a formula and its inputs, no program.
//
// Two tabs above the editor switch between writing a program and filling in an expression
// (`x * y + torch.sin(z)`) with one field per input. The input fields follow the expression:
// every free name in it gets one (values typed earlier come back if the name does). The
// server writes the program (each input a leaf with requires_grad=True, backward() on the
// result or its sum) and traces it; main.js shows that program, read-only, in the editor.
// Talks only through the bus: emits run:request {expression, inputs} and mode:changed {mode},
// listens to run:finished to say what backward() ran on.

const KNOWN = new Set([
  // Python keywords and constants
  'False', 'None', 'True', 'and', 'as', 'assert', 'async', 'await', 'break', 'class',
  'continue', 'def', 'del', 'elif', 'else', 'except', 'finally', 'for', 'from', 'global', 'if',
  'import', 'in', 'is', 'lambda', 'nonlocal', 'not', 'or', 'pass', 'raise', 'return', 'try',
  'while', 'with', 'yield',
  // what the generated program imports, and builtins an expression may call
  'torch', 'math', 'F', 'abs', 'all', 'any', 'bool', 'dict', 'divmod', 'enumerate', 'float',
  'int', 'len', 'list', 'max', 'min', 'pow', 'print', 'range', 'reversed', 'round', 'sorted',
  'sum', 'tuple', 'zip',
]);

export const DEFAULT_EXPRESSION = {
  expression: 'x * y + torch.sin(z)',
  inputs: { x: 2.0, y: [1.0, 2.0], z: [[0.5, 1.0], [1.5, 2.0]] },
};

/** Drop string literals so that words inside them are not taken for names. */
function withoutStrings(text) {
  return text.replace(/("""[\s\S]*?"""|'''[\s\S]*?'''|"(?:\\.|[^"\\])*"|'(?:\\.|[^'\\])*')/g, '""');
}

/**
 * The names an expression reads that it does not get from Python or torch, in order of first
 * appearance: not attributes (`.sin`), not keyword arguments (`dim=0`), not parameters of a
 * lambda or names bound by a comprehension's `for`.
 */
export function freeNames(expression) {
  const text = withoutStrings(expression);
  const bound = new Set();
  for (const m of text.matchAll(/\blambda\b([^:]*):/g)) {
    for (const p of m[1].split(',')) bound.add(p.trim().replace(/[=*].*$/, '').trim());
  }
  for (const m of text.matchAll(/\bfor\b([^]*?)\bin\b/g)) {
    for (const p of m[1].split(/[,()[\]\s]+/)) bound.add(p);
  }
  const names = [];
  for (const m of text.matchAll(/(?<![\w.])([A-Za-z_]\w*)\b(?!\s*=(?!=))/g)) {
    const name = m[1];
    if (!KNOWN.has(name) && !bound.has(name) && !names.includes(name)) names.push(name);
  }
  return names;
}

/** A typed value as JSON when it is JSON (`2`, `[1, 2]`), else the text (the server says why). */
export function parseValue(text) {
  const t = text.trim();
  try {
    return JSON.parse(t.replace(/\(/g, '[').replace(/\)/g, ']'));
  } catch {
    return t;
  }
}

export class ExpressionForm {
  constructor(root, tabs, bus) {
    this.root = root;
    this.bus = bus;
    this.tabs = [...tabs.querySelectorAll('[role="tab"]')];
    this.field = root.querySelector('[data-role="expression"]');
    this.rows = root.querySelector('[data-role="inputs"]');
    this.note = root.querySelector('[data-role="note"]');
    this.values = new Map();
    this.mode = 'program';
    for (const tab of this.tabs) {
      tab.addEventListener('click', () => this.setMode(tab.dataset.mode));
      tab.addEventListener('keydown', (e) => this.onTabKey(e, tab));
    }
    this.field.addEventListener('input', () => this.syncRows());
    root.addEventListener('keydown', (e) => {
      if (e.key === 'Enter' && e.target instanceof HTMLInputElement) {
        e.preventDefault();
        this.requestRun();
      }
    });
    bus.on('run:finished', ({ trace }) => this.showOutcome(trace.expression ?? null));
    this.fill(DEFAULT_EXPRESSION.expression, DEFAULT_EXPRESSION.inputs);
  }

  /** ARIA tabs: arrow keys move between the two tabs and select them. */
  onTabKey(e, tab) {
    if (e.key !== 'ArrowLeft' && e.key !== 'ArrowRight') return;
    const next = this.tabs[(this.tabs.indexOf(tab) + 1) % this.tabs.length];
    next.focus();
    this.setMode(next.dataset.mode);
  }

  setMode(mode) {
    if (mode === this.mode) return;
    this.mode = mode;
    for (const tab of this.tabs) {
      const on = tab.dataset.mode === mode;
      tab.setAttribute('aria-selected', on ? 'true' : 'false');
      tab.tabIndex = on ? 0 : -1;
    }
    this.root.hidden = mode !== 'expression';
    this.bus.emit('mode:changed', { mode });
  }

  /** Put an expression and its inputs in the fields (gallery entry, shared link). */
  fill(expression, inputs = {}) {
    this.field.value = expression;
    this.values = new Map();
    this.rows.replaceChildren();
    for (const [name, value] of Object.entries(inputs)) this.values.set(name, JSON.stringify(value));
    this.syncRows();
  }

  /** One labelled field per free name of the expression, keeping what was typed. */
  syncRows() {
    for (const input of this.rows.querySelectorAll('input')) this.values.set(input.name, input.value);
    const rows = freeNames(this.field.value).map((name, i) => {
      const row = document.createElement('div');
      row.className = 'input-row';
      const label = document.createElement('label');
      label.htmlFor = `expression-input-${i}`;
      label.innerHTML = '<code></code> =';
      label.firstChild.textContent = name;
      const input = document.createElement('input');
      Object.assign(input, { type: 'text', id: label.htmlFor, name, spellcheck: false,
        autocomplete: 'off', placeholder: '2.0 or [1, 2] or [[1, 2], [3, 4]]' });
      input.value = this.values.get(name) ?? '';
      input.setAttribute('aria-label', `Input ${name}`);
      row.append(label, input);
      return row;
    });
    if (!rows.length) {
      const p = document.createElement('p');
      p.className = 'muted';
      p.textContent = 'Name inputs in the expression (x, w, …) to give them values.';
      rows.push(p);
    }
    this.rows.replaceChildren(...rows);
  }

  /** The request body for the current fields (empty input fields are left out). */
  request() {
    const inputs = {};
    for (const input of this.rows.querySelectorAll('input')) {
      if (input.value.trim()) inputs[input.name] = parseValue(input.value);
    }
    return { expression: this.field.value.trim(), inputs };
  }

  requestRun() {
    this.bus.emit('run:request', this.request());
  }

  /** Say what backward() ran on (the response's `expression.backward_on`). */
  showOutcome(echo) {
    if (!echo) {
      this.note.textContent = '';
      return;
    }
    const on = echo.backward_on;
    this.note.textContent = on === 'result.sum()'
      ? 'The result holds more than one value, so backward() ran on result.sum().'
      : on === 'result' ? 'backward() ran on the result.' : 'backward() did not run.';
  }
}
