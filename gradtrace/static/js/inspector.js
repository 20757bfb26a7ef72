// inspector.js: details of the selected node at the current step.
//
// Kind, op, shape, dtype, module and line; the forward value and saved tensors; the
// gradient it received and sent at this step; for leaves the accumulated .grad; for a
// module box, the .grad of the parameters inside it. Small tensors are shown as tables,
// large ones as summary statistics plus a heat-map.
import { grid, num, shape, stats, tensorText } from './format.js';
import { boxLabel, isBoxOf, within } from './groups.js';
import { EXPAND_ALL_LIMIT } from './model.js';
import { recomputedIn } from './beyond.js';
import { callName } from './chapters.js';

const h = (tag, attrs = {}, ...kids) => {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
  for (const k of kids) el.append(k);
  return el;
};

/**
 * The server lists only small tensors in full (16 values by default, to keep big traces
 * small); a summarised tensor of up to this many values can be fetched on demand.
 */
export const DETAIL_VALUES = 4096;

/**
 * A table for tensors with at most 64 values, else stats and a heat-map canvas; for a
 * summarised tensor, a button (calling `onLoad`) that fetches its values.
 */
export function tensorBlock(tv, caption, onLoad = null) {
  const box = h('div', { class: 'tensor' }, h('div', { class: 'tensor-caption' }, caption));
  if (tv == null) {
    box.append(h('div', { class: 'muted' }, 'None'));
    return box;
  }
  box.append(h('div', { class: 'muted' }, [shape(tv.shape), tv.dtype ?? '', layoutText(tv)].join(' ').trim()));
  const rows = grid(tv);
  if (rows && tv.numel <= 64 && !tv.truncated) {
    const table = h('table', { class: 'tensor-table' });
    for (const r of rows) table.append(h('tr', {}, ...r.map((x) => h('td', {}, num(x)))));
    box.append(table);
  } else {
    box.append(h('div', { class: 'stats' }, stats(tv)));
    if (rows) box.append(heatmap(rows, tv));
    else if (onLoad && tv.numel <= DETAIL_VALUES) {
      const btn = h('button', { type: 'button' }, 'Load values for a heat-map');
      btn.addEventListener('click', onLoad);
      box.append(btn);
    }
  }
  // forward-mode AD: the tangent this dual tensor carried (no backward event shows it)
  if (tv.tangent) box.append(tensorBlock(tv.tangent, 'tangent (forward-mode)'));
  return box;
}

/**
 * "· sparse_coo, 2 of 30 values non-zero" for a tensor that is not strided (its values are
 * the dense tensor's it stands for), '' for an ordinary one.
 */
export function layoutText(tv) {
  if (!tv.layout) return '';
  if (tv.values == null || tv.truncated) return `· ${tv.layout}`;
  const flat = [tv.values].flat(Infinity);
  const nonzero = flat.filter((v) => v !== 0).length;
  return `· ${tv.layout}, ${nonzero} of ${tv.numel} values non-zero`;
}

/** What one run of a saved-tensor pack or unpack hook got and returned. */
function savedHookBlocks(run) {
  const where = `saved-tensor ${run.kind} hook ${run.name} (line ${run.line ?? '?'})`;
  const block = (t, what) => (t ? tensorBlock(t, `${where} ${what}`)
    : h('p', { class: 'muted' }, `${where} ${what} a non-tensor.`));
  return [block(run.tensor, 'got'), block(run.result, 'returned')];
}

/** What one run of the program's tensor or node hook got and gave back (None: left unchanged). */
function hookBlocks(run) {
  if (run.phase === 'node_hook') return nodeHookBlocks(run);
  const where = `hook ${run.name} (registered on line ${run.line ?? '?'})`;
  const gave = run.result ? tensorBlock(run.result, `${where} returned`)
    : h('p', { class: 'muted' }, `${where} returned None: the gradient went on unchanged.`);
  return [tensorBlock(run.grad, `${where} got`), gave];
}

/** A node hook's run: the gradients arriving, those going to the inputs, what it returned. */
function nodeHookBlocks(run) {
  const where = `node ${run.kind} ${run.name} (registered on line ${run.line ?? '?'})`;
  const out = run.grad_outputs.map((g, i) => tensorBlock(g, `${where}: gradient arriving [${i}]`));
  (run.grad_inputs ?? []).forEach((g, i) => out.push(tensorBlock(g, `${where}: gradient for input ${i}`)));
  if (!run.result) out.push(h('p', { class: 'muted' }, `${where} returned None: the gradients went on unchanged.`));
  else run.result.forEach((g, i) => out.push(tensorBlock(g, `${where} returned [${i}]`)));
  return out;
}

/** Diverging blue/red heat-map, one pixel block per value (first rows/cols only). */
function heatmap(rows, tv) {
  const R = Math.min(rows.length, 64);
  const C = Math.min(Math.max(...rows.map((r) => r.length)), 64);
  const cell = Math.max(2, Math.floor(240 / Math.max(R, C)));
  const canvas = h('canvas', { width: C * cell, height: R * cell, class: 'heatmap', role: 'img',
    'aria-label': `heat-map of ${R}×${C} values, blue negative, red positive` });
  const ctx = canvas.getContext('2d');
  const m = Math.max(Math.abs(tv.min ?? 0), Math.abs(tv.max ?? 0)) || 1;
  for (let i = 0; i < R; i += 1) {
    for (let j = 0; j < C; j += 1) {
      const v = rows[i][j];
      if (typeof v !== 'number') continue;
      const a = Math.min(1, Math.abs(v) / m);
      ctx.fillStyle = v >= 0 ? `rgba(214,39,40,${a})` : `rgba(31,119,180,${a})`;
      ctx.fillRect(j * cell, i * cell, cell, cell);
    }
  }
  return canvas;
}

export class Inspector {
  constructor(root, bus) {
    this.root = root;
    this.bus = bus;
    this.model = null;
    this.state = null;
    this.sel = { nodeId: null, groupPath: null };
    this.canLoad = true; // false in viewer mode: no server to re-run the program for full values
  }

  setModel(model) {
    this.model = model;
    this.sel = { nodeId: null, groupPath: null };
    this.render();
  }

  /** A new step: re-render only if what the selected node shows has changed. */
  setState(state) {
    const prev = this.state;
    this.state = state;
    const id = this.sel.nodeId;
    if (prev && id != null && !this.sel.groupPath) {
      const same = ['received', 'sent', 'leafGrad', 'hooks'].every((k) => prev[k].get(id) === state[k].get(id));
      if (same) return;
    } else if (prev && id == null && !this.sel.groupPath) return;
    this.render();
  }

  select(sel) {
    this.sel = sel;
    this.render();
  }

  render() {
    const body = this.root.querySelector('[data-role="body"]');
    body.replaceChildren();
    const { nodeId, groupPath } = this.sel;
    if (this.model && groupPath) body.append(...this.groupView(groupPath));
    else if (this.model && nodeId != null && this.model.nodes.has(nodeId)) body.append(...this.nodeView(this.model.nodes.get(nodeId)));
    else body.append(h('p', { class: 'muted' }, 'Click a node in the graph to inspect it.'));
  }

  groupView(path) {
    const g = this.model.groups.get(path);
    const collapsed = this.model.collapsed.has(path);
    const name = boxLabel(path);
    const btn = h('button', { type: 'button' }, collapsed ? `Expand ${name}` : `Collapse ${name}`);
    btn.addEventListener('click', () => this.bus.emit('group:toggle', { path }));
    const buttons = h('div', { class: 'buttons' }, btn);
    const closed = this.model.closedWithin(path);
    if (closed > 1 || (closed === 1 && !collapsed)) buttons.append(' ', this.expandAllButton(g, name));
    return [h('h3', {}, `Module ${name}`), h('p', {}, `${g.total} autograd nodes inside.`), buttons,
      ...this.hooksView(path, name), ...this.parametersView(path, name)];
  }

  /** The program's hooks on this module (not on modules inside it), each once, with how often it ran. */
  hooksView(path, name) {
    const runs = new Map();
    for (const ev of this.model.events) {
      if (ev.phase !== 'module_hook' || !isBoxOf(path, ev.module)) continue;
      const key = `${ev.kind} ${ev.name} (line ${ev.line ?? '?'})`;
      runs.set(key, (runs.get(key) ?? 0) + 1);
    }
    if (!runs.size) return [];
    const list = h('ul', { class: 'box-params', 'aria-label': `Hooks on ${name}` });
    for (const [key, n] of runs) list.append(h('li', {}, `${key}: ran ${n === 1 ? 'once' : `${n} times`}`));
    return [h('h4', {}, "The program's hooks on it"), list];
  }

  /** Opens a box and every box inside it; disabled when that would lay out too many nodes. */
  expandAllButton(g, name) {
    const label = `Expand all inside ${name}`;
    if (g.total > EXPAND_ALL_LIMIT) {
      return h('button', { type: 'button', disabled: '', title: `Over ${EXPAND_ALL_LIMIT} nodes: open its boxes one by one.` }, label);
    }
    const btn = h('button', { type: 'button' }, label);
    btn.addEventListener('click', () => this.bus.emit('group:toggle', { path: g.path, deep: true }));
    return btn;
  }

  /** The leaves in a box and its inner boxes (a layer's weights), with .grad at this step. */
  parametersView(path, name) {
    const { box } = this.model;
    const leaves = this.model.leaves.filter((n) => box.has(n.id) && within(box.get(n.id), path));
    if (!leaves.length) return [];
    const list = h('ul', { class: 'box-params', 'aria-label': `Parameters in ${name}` });
    for (const leaf of leaves) {
      const grad = this.state?.leafGrad.get(leaf.id) ?? null;
      list.append(h('li', {}, h('code', {}, `${this.model.leafName(leaf)}.grad`), ` = ${tensorText(grad, 4)}`));
    }
    return [h('h4', {}, "Its parameters' .grad at this step"), list];
  }

  /** "cell (call 3)" when the node's module ran more than once, else its name. */
  moduleText(n) {
    const calls = this.model.trace.module_calls ?? [];
    const call = n.module_call == null ? null : calls[n.module_call];
    if (!call) return '–';
    if (n.kind === 'leaf') return n.module; // a parameter serves every call of its module
    const repeated = call.n > 1 || calls.some((c) => c !== call && c.module === call.module);
    return repeated ? `${n.module} (call ${call.n})` : n.module;
  }

  /** Where a node came from when backward made it: a create_graph call, or a checkpoint rerun. */
  recomputeFacts(n) {
    const again = recomputedIn(n, this.model.calls);
    if (again !== null) return [['recomputed', `in backward call #${again + 1} (checkpoint)`]];
    if (n.recomputed) return [['recomputed', 'in backward, when it reaches the segment (checkpoint)']];
    if (n.op === 'CheckpointFunctionBackward') { // a reentrant checkpoint's one node for its segment
      const where = this.model.marks().has('recomputed') ? ' (the dashed nodes)' : '';
      return [['checkpoint', `backward runs its segment again${where} to differentiate it`]];
    }
    if (n.created_in_call == null) return [];
    return [['built by', `${callName(this.model.calls[n.created_in_call], n.created_in_call)} (create_graph)`]];
  }

  /** `12`, or `model.py:12` when the trace spans several files. */
  lineText(n) {
    const files = this.model.trace.files ?? [];
    if (n.line == null || files.length < 2) return n.line ?? '–';
    return `${files[n.file ?? 0]?.path ?? `file ${n.file}`}:${n.line}`;
  }

  nodeView(n) {
    const out = [h('h3', {}, [n.op, n.label].filter(Boolean).join(' · '))];
    const dl = h('dl', { class: 'facts' });
    const facts = [['kind', n.kind], ['op', n.op], ['shape', shape(n.shape)], ['dtype', n.dtype],
      ['line', this.lineText(n)], ['module', this.moduleText(n)]];
    facts.push(...this.recomputeFacts(n));
    for (const [k, v] of facts) dl.append(h('dt', {}, k), h('dd', {}, String(v ?? '–')));
    const full = this.model.detail?.get(n.id) ?? n;
    const load = this.canLoad ? () => this.bus.emit('values:request', { nodeId: n.id }) : null;
    out.push(dl, tensorBlock(full.value, 'forward value', load));
    for (const s of full.saved ?? []) out.push(tensorBlock(s.value, `saved: ${s.name}`, load));
    const packs = this.model.savedHooks.get(n.id) ?? [];
    if (packs.length) out.push(h('h4', {}, 'Saved-tensor hooks on its saved tensors'));
    for (const run of packs.slice(0, 16)) out.push(...savedHookBlocks(run));
    const st = this.state;
    if (st) {
      const recv = st.received.get(n.id);
      const sent = st.sent.get(n.id);
      for (const run of st.hooks.get(n.id) ?? []) out.push(...hookBlocks(run));
      if (recv) recv.forEach((g, i) => out.push(tensorBlock(g, `gradient received [${i}]`)));
      if (sent) sent.forEach((g, i) => out.push(tensorBlock(g, `gradient sent to input ${i}`)));
      if (!recv && !sent) out.push(h('p', { class: 'muted' }, 'No gradient has reached this node yet at this step.'));
      if (n.kind === 'leaf') out.push(tensorBlock(st.leafGrad.get(n.id) ?? null, '.grad at this step'));
      if (n.kind === 'leaf' && full !== n && st.step === st.total) out.push(tensorBlock(full.grad, 'final .grad'));
    }
    return out;
  }
}
