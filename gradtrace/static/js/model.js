// model.js: the graph model behind the page. No DOM here.
//
// It turns a trace (issue-2 JSON) into what the other modules need: module groups and
// their collapse state, the *visible* graph (nodes inside a collapsed nn.Module are
// represented by the module's box, their edges merged), size hints for the layout, and
// the state of every node and edge at step k of the events (replayed from the start, so
// any step can be reached directly by the slider).
import { shape, shortTensor } from './format.js';
import { boxPaths, buildGroups, groupTitle, initialCollapsed, within } from './groups.js';
import { recomputedIn, savedHookRuns, untracedCalls } from './beyond.js';

/** Graphs with at most this many nodes also draw saved tensors as their own nodes. */
export const SAVED_NODE_LIMIT = 40;
/**
 * An element feeding more than this many others (a weight shared by 50 unrolled steps)
 * keeps its edges drawn, faintly, but out of the layout: as long edges they would turn into
 * thousands of ELK dummy nodes and seconds of layout for a few dozen boxes.
 */
export const SHARED_FANOUT = 8;
/** Large graphs open collapsed so that at most about this many elements are visible. */
export const COLLAPSE_BUDGET = 60;
/**
 * "Expand all" is offered for boxes of at most this many nodes: every node of a 24-layer
 * encoder (1,827, 2,045 elements with the boxes) is laid out and drawn in about 5 s
 * (measured in headless Chromium); a 96-layer one's 7,299 would take far longer.
 */
export const EXPAND_ALL_LIMIT = 2000;

/**
 * Label lines of a trace node: op name (ops), variable/parameter name, shape, the
 * forward-mode tangent its value carried (`ṫ [2.223, 0, 0]`: forward AD has no backward
 * event to show it on), and the program's tensor or node hooks that ran on it (`hooks: show, clip`).
 */
export function nodeLines(n, hooks = [], recomputed = false) {
  const lines = [];
  if (n.kind === 'op') lines.push(n.op);
  if (n.label) lines.push(n.label);
  // a reentrant checkpoint reruns its segment on detached copies of its inputs: new leaves
  if (n.kind === 'leaf' && !n.label) lines.push(recomputed ? 'checkpoint input' : 'leaf');
  lines.push(shape(n.shape));
  if (n.value?.tangent) lines.push(`ṫ ${shortTensor(n.value.tangent)}`);
  if (hooks.length) lines.push(`${hooks.length === 1 ? 'hook' : 'hooks'}: ${hooks.join(', ')}`);
  return lines;
}

/** Names of the program's tensor and node hooks that ran on each node, from the hook events. */
function hookNames(events) {
  const names = new Map();
  for (const ev of events) {
    if (ev.phase !== 'hook' && ev.phase !== 'node_hook') continue;
    if (!names.has(ev.node)) names.set(ev.node, []);
    if (!names.get(ev.node).includes(ev.name)) names.get(ev.node).push(ev.name);
  }
  return names;
}

/** Size hint for a box holding `lines` of text (monospace-ish 7px per char). */
function sizeOf(lines) {
  const longest = Math.max(...lines.map((l) => l.length));
  return { w: Math.max(44, longest * 7 + 18), h: lines.length * 14 + 12 };
}

export class TraceModel {
  constructor(trace) {
    const graph = trace.graph ?? { nodes: [], edges: [] };
    this.trace = trace;
    this.nodes = new Map(graph.nodes.map((n) => [n.id, n]));
    this.edges = graph.edges;
    this.events = trace.events ?? [];
    this.calls = trace.calls ?? [];
    this.leaves = graph.nodes.filter((n) => n.kind === 'leaf');
    this.outDegree = new Map();
    for (const e of graph.edges) this.outDegree.set(e.source, (this.outDegree.get(e.source) ?? 0) + 1);
    /** Box (group path) of every node inside an nn.Module; see groups.js. */
    this.box = boxPaths(graph.nodes, trace.module_calls ?? []);
    this.groups = buildGroups(graph.nodes, this.box);
    this.collapsed = new Set();
    this.showSaved = graph.nodes.length <= SAVED_NODE_LIMIT;
    this.birth = this.birthSteps();
    this.hooks = hookNames(this.events);
    /** node id -> the runs of the program's saved-tensor pack/unpack hooks for its saved tensors */
    this.savedHooks = savedHookRuns(this.events, this.nodes);
    for (const [id, runs] of this.savedHooks) { // their names join the node's label like other hooks'
      const names = this.hooks.get(id) ?? [];
      for (const run of runs) if (!names.includes(run.name)) names.push(run.name);
      this.hooks.set(id, names);
    }
  }

  /** How the page names a leaf: its variable or parameter name, else `leaf #3`. */
  leafName(leaf) {
    return leaf.label ?? `${this.isRecomputed(leaf) ? 'checkpoint input' : 'leaf'} #${leaf.id}`;
  }

  /**
   * Backward calls listed without events: made inside a torch.func transform (grad, vmap,
   * jacrev...) or with is_grads_batched=True, whose graph and gradients are the transform's,
   * which the tracer does not draw.
   */
  untracedCalls() {
    return untracedCalls(this.events, this.calls);
  }

  /** The graph's special marks (`recomputed`, `dual`) that its legend must explain. */
  marks() {
    const all = [...this.nodes.values()];
    return new Set([all.some((n) => this.isRecomputed(n)) ? 'recomputed' : null,
      all.some((n) => n.value?.tangent) ? 'dual' : null].filter(Boolean));
  }

  /** True for a node of a checkpointed segment that backward runs again (drawn dashed). */
  isRecomputed(n) {
    return n.recomputed || recomputedIn(n, this.calls) !== null;
  }

  /** torchviz colour role: leaf (blue), root/output (green), op (grey). */
  role(n) {
    if (n.kind === 'leaf') return 'leaf';
    return (this.outDegree.get(n.id) ?? 0) === 0 ? 'root' : 'op';
  }

  /**
   * Step at which each node appears. Forward nodes are always drawn (dim until their
   * forward event); nodes built by a create_graph backward appear at their own forward
   * event (or when the call that built them starts, if they have none).
   */
  birthSteps() {
    const firstForward = new Map();
    const callStart = new Map();
    this.events.forEach((ev, i) => {
      if (ev.phase === 'forward' && !firstForward.has(ev.node)) firstForward.set(ev.node, i + 1);
      if (ev.phase === 'backward' && !callStart.has(ev.call)) callStart.set(ev.call, i + 1);
    });
    const birth = new Map();
    for (const n of this.nodes.values()) {
      if (n.created_in_call == null) continue;
      birth.set(n.id, firstForward.get(n.id) ?? callStart.get(n.created_in_call) ?? 0);
    }
    return birth;
  }

  /** Open a fresh trace collapsed enough to be readable and fast (groups.js). */
  initialCollapse(budget = COLLAPSE_BUDGET) {
    const loose = [...this.nodes.values()].filter((n) => !this.box.has(n.id)).length;
    this.collapsed = initialCollapsed(this.groups, loose, { budget });
  }

  /** Open or close one box; `deep` opens it and every box inside it. */
  toggle(path, deep = false) {
    if (!this.groups.has(path)) return;
    if (deep) {
      for (const p of [...this.collapsed]) if (within(p, path)) this.collapsed.delete(p);
    } else if (this.collapsed.has(path)) this.collapsed.delete(path);
    else this.collapsed.add(path);
  }

  /** Open every closed box around node `id` (Find goes to it); true if any was closed. */
  reveal(id) {
    const path = this.box.get(id);
    if (!path) return false;
    const closed = this.groups.get(path).chain.filter((p) => this.collapsed.has(p));
    for (const p of closed) this.collapsed.delete(p);
    return closed.length > 0;
  }

  /** Boxes closed inside `path` (itself included): what "Expand all" would open. */
  closedWithin(path) {
    return [...this.collapsed].filter((p) => within(p, path)).length;
  }

  /** Outermost collapsed module containing node `id`, else null. */
  collapsedOwner(id) {
    const path = this.box.get(id);
    if (!path) return null;
    return this.groups.get(path).chain.find((p) => this.collapsed.has(p)) ?? null;
  }

  /** Visible element id standing for trace node `id`. */
  repOf(id) {
    const owner = this.collapsedOwner(id);
    return owner === null ? `n${id}` : `g:${owner}`;
  }

  /** The graph to lay out and draw: plain data (also posted to the layout worker). */
  visibleGraph() {
    const nodes = [];
    const parentOf = (path) => (path ? `g:${path}` : null);
    for (const g of this.groups.values()) {
      if (g.chain.slice(0, -1).some((p) => this.collapsed.has(p))) continue;
      if (this.collapsed.has(g.path)) {
        const lines = [groupTitle(g, this.groups, false), `${g.total} nodes`];
        nodes.push({ id: `g:${g.path}`, type: 'collapsed', path: g.path, parent: parentOf(g.parent), lines, ...sizeOf(lines) });
      } else {
        nodes.push({ id: `g:${g.path}`, type: 'group', path: g.path, parent: parentOf(g.parent), lines: [groupTitle(g, this.groups, true)], w: 0, h: 0 });
      }
    }
    const edges = [];
    for (const n of this.nodes.values()) {
      if (this.collapsedOwner(n.id) !== null) continue;
      const lines = nodeLines(n, this.hooks.get(n.id), this.isRecomputed(n));
      const parent = parentOf(this.box.get(n.id));
      const marks = [this.isRecomputed(n) ? 'recomputed' : '', n.value?.tangent ? 'dual' : ''].join(' ').trim();
      nodes.push({ id: `n${n.id}`, type: 'node', nodeId: n.id, role: this.role(n), marks, parent, lines, ...sizeOf(lines) });
      if (!this.showSaved) continue;
      (n.saved ?? []).forEach((s, i) => {
        const sl = [s.name, shape(s.value?.shape)];
        nodes.push({ id: `s${n.id}_${i}`, type: 'saved', nodeId: n.id, role: 'saved', parent, lines: sl, ...sizeOf(sl) });
        edges.push({ id: `se${n.id}_${i}`, source: `s${n.id}_${i}`, target: `n${n.id}`, saved: true });
      });
    }
    edges.push(...this.visibleEdges());
    return { nodes, edges };
  }

  /** Trace edges mapped onto visible elements; edges touching a collapsed box are merged. */
  visibleEdges() {
    const out = [];
    const merged = new Map();
    for (const e of this.edges) {
      const s = this.repOf(e.source);
      const t = this.repOf(e.target);
      if (s === t) continue;
      if (s.startsWith('n') && t.startsWith('n')) {
        out.push({ id: `e${e.id}`, source: s, target: t, edgeId: e.id });
        continue;
      }
      const key = `${s}>${t}`;
      if (!merged.has(key)) merged.set(key, { id: `m:${key}`, source: s, target: t, edgeIds: [] });
      merged.get(key).edgeIds.push(e.id);
    }
    const all = out.concat([...merged.values()]);
    const fan = new Map();
    for (const e of all) fan.set(e.source, (fan.get(e.source) ?? 0) + 1);
    const kept = new Set();
    for (const e of all) {
      if (fan.get(e.source) <= SHARED_FANOUT) continue;
      if (kept.has(e.source)) e.shared = true;
      else kept.add(e.source); // its first use stays in the layout, keeping the leaf near it
    }
    return all;
  }

  /** Replay events[0..k) and return what is lit and which gradients are where. */
  stateAt(k) {
    const step = Math.max(0, Math.min(k, this.events.length));
    const st = {
      step, total: this.events.length, current: step > 0 ? this.events[step - 1] : null,
      lit: new Set(), call: null, edgeGrad: new Map(), edgeCall: new Map(),
      received: new Map(), sent: new Map(), leafGrad: new Map(), visited: new Set(),
      hooks: new Map(), // node -> runs of the program's tensor and node hooks on it in this call
    };
    for (let i = 0; i < step; i += 1) {
      const ev = this.events[i];
      if (ev.phase === 'forward') {
        st.lit.add(ev.node);
        continue;
      }
      if (ev.phase === 'module_hook' || ev.phase === 'saved_hook') continue; // the caption tells: no node changes
      if (ev.phase === 'grad') { // the program wrote into a leaf's .grad (x.grad.zero_())
        st.leafGrad.set(ev.node, ev.grad);
        continue;
      }
      if (ev.call !== st.call) {
        st.call = ev.call;
        st.visited = new Set();
        st.hooks = new Map();
      }
      if (ev.phase === 'hook' || ev.phase === 'node_hook') { // the node's own visit comes next
        st.hooks.set(ev.node, [...(st.hooks.get(ev.node) ?? []), ev]);
        continue;
      }
      st.visited.add(ev.node);
      st.received.set(ev.node, ev.grad_outputs ?? []);
      st.sent.set(ev.node, ev.grad_inputs ?? []);
      (ev.edges ?? []).forEach((eid, j) => {
        if (eid == null) return;
        st.edgeGrad.set(eid, ev.grad_inputs?.[j] ?? null);
        st.edgeCall.set(eid, ev.call);
      });
      if (ev.leaf_grad !== undefined) st.leafGrad.set(ev.node, ev.leaf_grad);
    }
    return st;
  }

  /** True when node `id` exists at step k (graphs built by create_graph appear later). */
  bornAt(id, k) {
    return (this.birth.get(id) ?? 0) <= k;
  }

  /** Trace node ids created on source line `line`. */
  nodesOnLine(line) {
    return [...this.nodes.values()].filter((n) => n.line === line).map((n) => n.id);
  }
}
