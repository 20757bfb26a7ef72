// model.js: the graph model behind the page. No DOM here.
//
// It turns a trace (issue-2 JSON) into what the other modules need: module groups and
// their collapse state, the *visible* graph (nodes inside a collapsed nn.Module are
// represented by the module's box, their edges merged), size hints for the layout, and
// the state of every node and edge at step k of the events (replayed from the start, so
// any step can be reached directly by the slider).
import { shape } from './format.js';

/** Graphs with at most this many nodes also draw saved tensors as their own nodes. */
export const SAVED_NODE_LIMIT = 40;
/** Large graphs open collapsed so that at most about this many elements are visible. */
export const COLLAPSE_BUDGET = 60;

/** Module paths of every ancestor of `path`, outermost first, `path` included. */
function chainOf(path) {
  const parts = path.split('.');
  return parts.map((_, i) => parts.slice(0, i + 1).join('.'));
}

/** Build the nn.Module groups: one per module path prefix that owns at least one node. */
function buildGroups(nodes) {
  const groups = new Map();
  const ensure = (path) => {
    if (groups.has(path)) return groups.get(path);
    const chain = chainOf(path);
    const parent = chain.length > 1 ? chain[chain.length - 2] : null;
    const g = { path, parent, chain, depth: chain.length, nodeIds: [], children: [], total: 0 };
    groups.set(path, g);
    if (parent !== null) ensure(parent).children.push(path);
    return g;
  };
  for (const n of nodes) {
    if (!n.module) continue;
    ensure(n.module).nodeIds.push(n.id);
    for (const p of chainOf(n.module)) ensure(p).total += 1;
  }
  return groups;
}

/** Label lines of a trace node: op name (ops), variable/parameter name, shape. */
export function nodeLines(n) {
  const lines = [];
  if (n.kind === 'op') lines.push(n.op);
  if (n.label) lines.push(n.label);
  if (n.kind === 'leaf' && !n.label) lines.push('leaf');
  lines.push(shape(n.shape));
  return lines;
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
    this.groups = buildGroups(graph.nodes);
    this.collapsed = new Set();
    this.showSaved = graph.nodes.length <= SAVED_NODE_LIMIT;
    this.birth = this.birthSteps();
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

  /** Collapse every module, then expand shallow modules while the view stays within budget. */
  initialCollapse(budget = COLLAPSE_BUDGET) {
    this.collapsed = new Set(this.groups.keys());
    let visible = [...this.nodes.values()].filter((n) => !n.module).length;
    visible += [...this.groups.values()].filter((g) => g.parent === null).length;
    const order = [...this.groups.values()].sort((a, b) => a.depth - b.depth);
    for (const g of order) {
      if (g.chain.slice(0, -1).some((p) => this.collapsed.has(p))) continue;
      const grown = visible - 1 + g.nodeIds.length + g.children.length;
      if (grown > budget) continue;
      this.collapsed.delete(g.path);
      visible = grown;
    }
  }

  toggle(path) {
    if (!this.groups.has(path)) return;
    if (this.collapsed.has(path)) this.collapsed.delete(path);
    else this.collapsed.add(path);
  }

  /** Outermost collapsed module containing node `id`, else null. */
  collapsedOwner(id) {
    const n = this.nodes.get(id);
    if (!n?.module) return null;
    return this.groups.get(n.module).chain.find((p) => this.collapsed.has(p)) ?? null;
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
      const name = g.path.split('.').pop();
      if (this.collapsed.has(g.path)) {
        const lines = [`▸ ${g.path}`, `${g.total} nodes`];
        nodes.push({ id: `g:${g.path}`, type: 'collapsed', path: g.path, parent: parentOf(g.parent), lines, ...sizeOf(lines) });
      } else {
        nodes.push({ id: `g:${g.path}`, type: 'group', path: g.path, parent: parentOf(g.parent), lines: [`▾ ${name}`], w: 0, h: 0 });
      }
    }
    const edges = [];
    for (const n of this.nodes.values()) {
      if (this.collapsedOwner(n.id) !== null) continue;
      const lines = nodeLines(n);
      nodes.push({ id: `n${n.id}`, type: 'node', nodeId: n.id, role: this.role(n), parent: parentOf(n.module), lines, ...sizeOf(lines) });
      if (!this.showSaved) continue;
      (n.saved ?? []).forEach((s, i) => {
        const sl = [s.name, shape(s.value?.shape)];
        nodes.push({ id: `s${n.id}_${i}`, type: 'saved', nodeId: n.id, role: 'saved', parent: parentOf(n.module), lines: sl, ...sizeOf(sl) });
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
    return out.concat([...merged.values()]);
  }

  /** Replay events[0..k) and return what is lit and which gradients are where. */
  stateAt(k) {
    const step = Math.max(0, Math.min(k, this.events.length));
    const st = {
      step, total: this.events.length, current: step > 0 ? this.events[step - 1] : null,
      lit: new Set(), call: null, edgeGrad: new Map(), edgeCall: new Map(),
      received: new Map(), sent: new Map(), leafGrad: new Map(), visited: new Set(),
    };
    for (let i = 0; i < step; i += 1) {
      const ev = this.events[i];
      if (ev.phase === 'forward') {
        st.lit.add(ev.node);
        continue;
      }
      if (ev.call !== st.call) {
        st.call = ev.call;
        st.visited = new Set();
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
