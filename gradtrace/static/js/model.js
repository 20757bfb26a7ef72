// model.js: the graph model behind the page. No DOM here.
//
// It turns a trace (the long form, wire.js) into what the other modules need: module groups and
// their collapse state, the *visible* graph (nodes inside a collapsed nn.Module are
// represented by the module's box, their edges merged), size hints for the layout, and
// the state of every node and edge at step k of the events (replayed from the start, so
// any step can be reached directly by the slider). What one event changes is its kind's
// `step` (kinds/): the state's fields are declared here, in stateAt.
import { shape, shortTensor } from './format.js';
import { boxPaths, buildGroups, groupTitle, initialCollapsed, within } from './groups.js';
import { recomputedIn, untracedCalls } from './beyond.js';
import { KINDS, kindOf } from './kinds/index.js';
import { valueRoom } from './nodevalue.js';

/** The line a closed module box adds while the current step is one of its nodes. */
export const STEP_INSIDE = '(step inside)'; // plain ASCII: a symbol from a fallback font overflowed the box
/** What that line says the rest of the time (never blank: Cytoscape sizes a label once, blank lines dropped). */
export const BOX_AT_REST = 'click to open';
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

/** Add `name` to node `id`'s hook names (each once). */
function addName(names, id, name) {
  if (!names.has(id)) names.set(id, []);
  if (!names.get(id).includes(name)) names.get(id).push(name);
}

/**
 * Names of the program's hooks that ran on each node (the runs a kind labels a node with,
 * then the runs a kind attaches to a node), and the attached runs: node id -> runs of each
 * kind with `attach` (saved-tensor pack/unpack hooks for its saved tensors), in order.
 */
function hookRuns(events, nodes) {
  const names = new Map();
  for (const ev of events) {
    const id = kindOf(ev).labelOn(ev);
    if (id != null) addName(names, id, ev.name);
  }
  const attached = new Map();
  for (const kind of KINDS.filter((k) => k.attach)) {
    for (const [id, runs] of kind.attach(events, nodes)) {
      attached.set(id, [...(attached.get(id) ?? []), ...runs]);
      for (const run of runs) addName(names, id, run.name);
    }
  }
  return { names, attached };
}

/** Size hint for a box holding `lines` of 12.5 px monospace text (7.6 px a character). */
function sizeOf(lines) {
  const longest = Math.max(...lines.map((l) => l.length));
  return { w: Math.max(48, Math.ceil(longest * 7.6) + 18), h: lines.length * 16 + 12 };
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
    const { names, attached } = hookRuns(this.events, this.nodes);
    /** node id -> names of the program's hooks that ran on it (its label lists them) */
    this.hooks = names;
    /** node id -> runs that belong to it for the whole trace (saved-tensor pack/unpack hooks) */
    this.attached = attached;
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
      const kind = kindOf(ev);
      if (kind.drawsNode && !firstForward.has(ev.node)) firstForward.set(ev.node, i + 1);
      if (kind.visitsNode && !callStart.has(ev.call)) callStart.set(ev.call, i + 1);
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
        // room for the line saying the current step happens inside (stepstyle.boxLook)
        const plain = sizeOf([...lines, STEP_INSIDE]);
        const size = { w: Math.ceil(plain.w * 1.2), h: plain.h + 8 }; // bold text, a double border
        nodes.push({ id: `g:${g.path}`, type: 'collapsed', path: g.path, parent: parentOf(g.parent), lines, ...size });
      } else {
        nodes.push({ id: `g:${g.path}`, type: 'group', path: g.path, parent: parentOf(g.parent), lines: [groupTitle(g, this.groups, true)], w: 0, h: 0 });
      }
    }
    const edges = [];
    for (const n of this.nodes.values()) {
      if (this.collapsedOwner(n.id) !== null) continue;
      const lines = nodeLines(n, this.hooks.get(n.id), this.isRecomputed(n));
      const parent = parentOf(this.box.get(n.id));
      const size = sizeOf([...lines, 'v'.repeat(this.valueRoom().get(n.id) ?? 0)]); // + its value line (nodevalue.js)
      const marks = [this.isRecomputed(n) ? 'recomputed' : '', n.value?.tangent ? 'dual' : ''].join(' ').trim();
      nodes.push({ id: `n${n.id}`, type: 'node', nodeId: n.id, role: this.role(n), marks, parent, lines, ...size });
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
      const kind = kindOf(ev);
      if (kind.inCall && ev.call !== st.call) { // a new backward call: nothing visited in it yet
        st.call = ev.call;
        st.visited = new Set();
        st.hooks = new Map();
      }
      kind.step(st, ev);
    }
    return st;
  }

  /** True when node `id` exists at step k (graphs built by create_graph appear later). */
  bornAt(id, k) {
    return (this.birth.get(id) ?? 0) <= k;
  }

  /** Node id -> characters of the value line under its label (nodevalue.js), made once. */
  valueRoom() {
    if (!this.room) this.room = valueRoom(this);
    return this.room;
  }

  /** Trace node ids created on source line `line`. */
  nodesOnLine(line) {
    return [...this.nodes.values()].filter((n) => n.line === line).map((n) => n.id);
  }
}
