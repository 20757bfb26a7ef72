// formula.js: the local backward rule of a node at one backward step, with that step's numbers.
//
// The trace's `formulas` ({op: text}, gradtrace/tracing/formulas) holds, per op, one line
// `grad_<input> = <expression>` per node input in `inputs` order, then notes. At a backward
// event the names in an expression are bound to the step's own tensors: `grad` is what
// arrived (grad_outputs[0]), a saved tensor or an input of that name (`self`, `other`) is
// its value, `result` the node's forward value, `exponent`/`alpha`... the op's settings
// (the wire node's `attrs`). The line's result is the gradient on that input's edge
// (grad_inputs), which PyTorch computed: the page shows the rule beside the number, it does
// not compute anything itself. An op the table lacks is said to lack a rule, never guessed.
// Used by the inspector (formulaView) and the backward kind's caption (formulaCaption).
import { num, shape, stats, tensorText } from './format.js';
import { h } from './tensorview.js';
import { kindOf } from './kinds/index.js';

/** Tensors of at most this many values are written out; larger ones as shape and statistics. */
export const SMALL = 16;

/** A gradient PyTorch did not compute on an edge (autograd.grad needed only other inputs). */
const NONE = 'None (not computed in this call)';
const RULE_LINE = /^grad_(\S+) = (.*)$/;
const IDENT = /[A-Za-z_][A-Za-z_0-9]*/g;
/** Words an expression may hold besides bound names (then the numbers go in; else the names stay). */
const FUNCTIONS = new Set(['sign', 'exp', 'sin', 'cos', 'ln', 'log', 'sqrt', 'tanh', 'abs', 'mean']);

/** `{lines: [{input, expr}], notes}` of a rule text; AccumulateGrad's `.grad = ...` is a line. */
export function parseRule(text) {
  const lines = [];
  const notes = [];
  for (const line of text.split('\n')) {
    const m = RULE_LINE.exec(line);
    if (m) lines.push({ input: m[1], expr: m[2] });
    else if (line.startsWith('.grad ')) lines.push({ input: '.grad', expr: line });
    else if (line.trim()) notes.push(line);
  }
  return { lines, notes };
}

const numel = (s) => (Array.isArray(s) ? s.reduce((a, b) => a * b, 1) : null);
const isTensor = (v) => v != null && typeof v === 'object' && 'numel' in v;
const small = (tv) => tv.values != null && !tv.truncated && tv.numel <= SMALL;

/** A bound value written out: a number, a small tensor's values, else null (too large). */
function inline(v) {
  if (v == null) return 'None';
  if (!isTensor(v)) return Array.isArray(v) ? `[${v.map(num).join(', ')}]` : num(v);
  return small(v) ? tensorText(v, SMALL) : null;
}

/** A value in full words: the numbers, or shape and statistics for a large tensor. */
export function valueText(v) {
  if (isTensor(v) && !small(v)) return `${shape(v.shape)} ${stats(v)}`.trim();
  return inline(v);
}

/** The node's settings (`attrs` on the wire node; the long form may carry them too). */
function attrsOf(model, id) {
  return model.trace.graph?.nodes?.[id]?.attrs ?? model.trace.wire?.graph?.nodes?.[id]?.attrs ?? {};
}

const full = (model, id) => model.detail?.get(id) ?? model.nodes.get(id);

/** name -> value for one backward event: grad, the inputs by their rule names, saved, result, attrs. */
function bindings(model, ev, rule) {
  const n = full(model, ev.node);
  const b = new Map([['grad', ev.grad_outputs?.[0] ?? null]]);
  (n.inputs ?? []).forEach((eid, i) => {
    const name = rule.lines[i]?.input;
    const src = eid == null ? null : model.edges[eid]?.source;
    if (name && src != null) b.set(name, full(model, src)?.value ?? null);
  });
  for (const s of n.saved ?? []) b.set(s.name, s.value);
  if (n.value != null) b.set('result', n.value);
  for (const [k, v] of Object.entries(attrsOf(model, ev.node))) b.set(k, v);
  if (n.op.startsWith('Mean') && isTensor(b.get('self')) && n.value) { // elements averaged into each output
    b.set('n', numel(b.get('self').shape) / Math.max(1, n.value.numel));
  }
  return b;
}

/** The expression's math (before any ', ...' prose) with the step's numbers for its names; null: prose. */
function substitute(expr, b) {
  const cut = expr.indexOf(', ');
  const math = cut < 0 ? expr : expr.slice(0, cut);
  const names = [...math.matchAll(IDENT)];
  if (!names.some((m) => b.has(m[0]))) return null;
  if (!names.every((m) => b.has(m[0]) || FUNCTIONS.has(m[0]))) return null;
  let out = '';
  let at = 0;
  for (const m of names) {
    const text = b.has(m[0]) && math[m.index + m[0].length] !== "'" ? inline(b.get(m[0])) : null;
    out += math.slice(at, m.index) + (text ?? m[0]);
    at = m.index + m[0].length;
  }
  out += math.slice(at); // the prose after the comma is in the rule line above
  return out === math ? null : out; // every name too large to write out: the rule line says it
}

/** Names the expression reads that the step binds (each once, in order of appearance). */
function used(expr, b) {
  return [...new Set([...expr.matchAll(IDENT)].map((m) => m[0]))].filter((k) => b.has(k));
}

/**
 * A leaf's .grad just before event `ev`: the latest earlier event on the leaf that set it,
 * replayed by its kind onto an empty state (no replay of the whole timeline at every step).
 * `ev` is found from the end (the caption of the last step, shown first, finds it at once).
 */
function gradBefore(model, ev) {
  const scratch = model.stateAt(0);
  for (let i = model.events.lastIndexOf(ev) - 1; i >= 0; i -= 1) {
    const e = model.events[i];
    if (e.node !== ev.node) continue;
    kindOf(e).step(scratch, e);
    if (scratch.leafGrad.has(ev.node)) return scratch.leafGrad.get(ev.node);
  }
  return null;
}

/**
 * The rule at a backward event: `{op, lines: [{input, expr, values, where, results}], notes}`,
 * `{op, missing: true}` when the table has no rule for the op, null when the trace carries no
 * table at all (made before it had one).
 */
export function explainStep(model, ev) {
  const n = model.nodes.get(ev.node);
  const table = model.trace.formulas;
  if (!n || table == null) return null;
  if (table[n.op] == null) return { op: n.op, missing: true };
  const rule = parseRule(table[n.op]);
  const b = bindings(model, ev, rule);
  if (n.kind === 'leaf') return { op: n.op, notes: rule.notes, lines: [accumulate(model, ev, rule)] };
  const sent = ev.grad_inputs ?? [];
  const edges = n.inputs ?? [];
  const lines = rule.lines.map((line, i) => {
    const results = rule.lines.length === 1 && sent.length > 1 ? sent : [sent[i] ?? null];
    // an input with no edge (a constant, a tensor not requiring grad): autograd skips its line
    const skipped = rule.lines.length === edges.length && edges[i] == null;
    return { ...line, label: `grad_${line.input}`, values: substitute(line.expr, b),
             where: used(line.expr, b).map((k) => [k, b.get(k)]), results, skipped };
  });
  return { op: n.op, notes: rule.notes, lines };
}

/**
 * AccumulateGrad: `.grad = incoming` the first time, else the previous .grad plus incoming;
 * in a call of autograd.grad (captured) nothing is added: the call returns what arrived.
 */
function accumulate(model, ev, rule) {
  const incoming = ev.grad_outputs?.[0] ?? null;
  const expr = rule.lines[0]?.expr ?? '';
  if (ev.captured) {
    return { input: '.grad', label: 'returned', expr, where: [['incoming', incoming]], results: [incoming],
             values: `autograd.grad returns ${inline(incoming) ?? 'incoming'}; .grad is not changed`, captured: true };
  }
  const before = gradBefore(model, ev);
  const first = before == null;
  const values = first ? `.grad = ${inline(incoming) ?? 'incoming'}`
    : `.grad = ${inline(before) ?? '.grad'} + ${inline(incoming) ?? 'incoming'}`;
  const where = [['incoming', incoming], ...(first ? [] : [['.grad before', before]])];
  return { input: '.grad', label: '.grad', expr, values, where, results: [ev.leaf_grad ?? null], first };
}

/** One line of the caption: the rule with the numbers and its result, or why there is none. */
export function formulaCaption(ev, model) {
  const x = explainStep(model, ev);
  if (!x) return '';
  if (x.missing) return ` · no rule for ${x.op} in the table`;
  const parts = x.lines.filter((l) => !l.skipped).map((l) => {
    const head = l.input === '.grad' ? '' : `grad_${l.input} = `;
    const body = l.input === '.grad' ? l.values : `${l.expr}${l.values ? ` = ${l.values}` : ''}`;
    return l.captured ? body : `${head}${body} = ${l.results.map((r) => short(r)).join(', ')}`;
  });
  return ` · rule: ${parts.join('; ')}`;
}

/** A result in a caption: its numbers, else shape, mean and norm. */
function short(tv) {
  if (tv == null) return NONE;
  if (small(tv)) return tensorText(tv, SMALL);
  return `${shape(tv.shape)} mean=${num(tv.mean)} norm=${num(tv.norm)}`;
}

/**
 * The inspector's block for node `id` at timeline state `st`: the rule at the node's latest
 * backward visit up to this step (none: no block).
 */
export function formulaView(model, st, id) {
  let at = (st?.step ?? 0) - 1;
  while (at >= 0 && !(model.events[at].node === id && kindOf(model.events[at]).visitsNode)) at -= 1;
  const ev = at < 0 ? null : model.events[at];
  const x = ev && explainStep(model, ev);
  if (!x) return [];
  // the step is named, not "this step": the inspector keeps the block while the timeline moves on
  const box = h('div', { class: 'formula', 'data-op': x.op, role: 'group', 'aria-label': `Backward rule of ${x.op}` },
    h('div', { class: 'tensor-caption' }, `rule of ${x.op} at step ${at + 1}`));
  if (x.missing) {
    box.append(h('p', { class: 'formula-missing muted' }, `no rule for ${x.op} in the table`));
    return [box];
  }
  for (const l of x.lines) box.append(lineView(l));
  for (const note of x.notes) box.append(h('p', { class: 'formula-note muted' }, note));
  return [box];
}

function lineView(l) {
  const div = h('div', { class: 'formula-line', 'data-input': l.input },
    h('code', { class: 'formula-rule' }, l.input === '.grad' ? l.expr : `grad_${l.input} = ${l.expr}`));
  if (l.skipped) {
    div.append(h('p', { class: 'formula-skipped muted' }, `not computed: ${l.input} needs no gradient (no edge)`));
    return div;
  }
  if (l.values) div.append(h('code', { class: 'formula-values' }, l.input === '.grad' ? l.values : `= ${l.values}`));
  if (l.where.length) {
    const list = h('ul', { class: 'formula-where', 'aria-label': 'with' });
    for (const [k, v] of l.where) list.append(h('li', { 'data-name': k }, h('code', {}, k), ` = ${valueText(v)}`));
    div.append(list);
  }
  const got = l.results.map((r) => (r == null ? NONE : valueText(r))).join('; ');
  div.append(h('code', { class: 'formula-result', title: 'the gradient on the edge, as PyTorch computed it' },
    `${l.label} = ${got}`));
  return div;
}
