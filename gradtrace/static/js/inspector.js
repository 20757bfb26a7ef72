// inspector.js: details of the selected node at the current step.
//
// Kind, op, shape, dtype, module and line; the forward value and saved tensors; the
// gradient it received and sent at this step; for leaves the accumulated .grad; for a
// module box, the .grad of the parameters inside it. Small tensors are shown as tables,
// large ones as summary statistics plus a heat-map (tensorview.js). What a run of the
// program's hooks shows is its event kind's `inspect` (kinds/). A panel: setModel, render(state).
import { shape, tensorText } from './format.js';
import { boxLabel, within } from './groups.js';
import { EXPAND_ALL_LIMIT } from './model.js';
import { recomputedIn } from './beyond.js';
import { callName } from './naming.js';
import { KINDS, kindOf } from './kinds/index.js';
import { h, tensorBlock } from './tensorview.js';
import { formulaView } from './formula.js';

export class Inspector {
  constructor(root, bus) {
    this.name = 'Inspector';
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
    this.refresh();
  }

  /** A new step: re-render only if what the selected node shows has changed. */
  render(state) {
    const prev = this.state;
    this.state = state;
    const id = this.sel.nodeId;
    if (prev && id != null && !this.sel.groupPath) {
      const same = ['received', 'sent', 'leafGrad', 'hooks'].every((k) => prev[k].get(id) === state[k].get(id));
      if (same) return;
    } else if (prev && id == null && !this.sel.groupPath) return;
    this.refresh();
  }

  select(sel) {
    this.sel = sel;
    this.refresh();
  }

  /** Show the selection again (a box opened, values loaded). */
  /**
   * The node's value: its forward value, or for a node a create_graph backward built (it has
   * none: it computed part of a gradient) what it is and what it sent when it was differentiated.
   */
  valueBlock(n, full, load) {
    if (full.value != null || n.created_in_call == null) return tensorBlock(full.value, 'forward value', load);
    const call = callName(this.model.calls[n.created_in_call], n.created_in_call);
    const sent = this.model.events.find((ev) => ev.node === n.id && ev.grad_inputs?.some((g) => g != null));
    const block = h('div', { class: 'tensor' }, h('div', { class: 'tensor-caption' }, 'computed in backward'),
      h('p', {}, `${call} (create_graph=True) built this node while computing a gradient, so it has no forward value;`
        + ' its output was part of that gradient.'));
    if (sent) block.append(tensorBlock(sent.grad_inputs.find((g) => g != null), `sent when ${callName(this.model.calls[sent.call], sent.call)} differentiated it`));
    return block;
  }

  refresh() {
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
      const key = kindOf(ev).onBox(ev, path);
      if (key != null) runs.set(key, (runs.get(key) ?? 0) + 1);
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

  /** Runs that belong to the node for the whole trace (saved-tensor hooks), by kind, 16 at most. */
  attachedView(n) {
    const runs = this.model.attached.get(n.id) ?? [];
    const out = [];
    for (const kind of KINDS) {
      const mine = runs.filter((run) => kindOf(run) === kind);
      if (mine.length) out.push(h('h4', {}, kind.attachedTitle));
      for (const run of mine.slice(0, 16)) out.push(...kind.inspect(run, this.model));
    }
    return out;
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
    out.push(dl, this.valueBlock(n, full, load));
    for (const s of full.saved ?? []) out.push(tensorBlock(s.value, `saved: ${s.name}`, load));
    out.push(...this.attachedView(n));
    const st = this.state;
    if (st) {
      const recv = st.received.get(n.id);
      const sent = st.sent.get(n.id);
      for (const run of st.hooks.get(n.id) ?? []) out.push(...kindOf(run).inspect(run, this.model));
      if (recv) recv.forEach((g, i) => out.push(tensorBlock(g, `gradient received [${i}]`)));
      if (sent) sent.forEach((g, i) => out.push(tensorBlock(g, `gradient sent to input ${i}`)));
      out.push(...formulaView(this.model, st, n.id)); // the op's rule with this step's numbers
      if (!recv && !sent) out.push(h('p', { class: 'muted' }, 'No gradient has reached this node yet at this step.'));
      if (n.kind === 'leaf') out.push(tensorBlock(st.leafGrad.get(n.id) ?? null, '.grad at this step'));
      if (n.kind === 'leaf' && full !== n && st.step === st.total) out.push(tensorBlock(full.grad, 'final .grad'));
    }
    return out;
  }
}
