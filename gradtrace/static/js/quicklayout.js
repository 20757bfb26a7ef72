// quicklayout.js: a layered layout of a small graph on the main thread, without the worker.
//
// Why: ELK's fixed cost per layout (15-35 ms for the chain rule's 8 elements, 40-500 ms for
// the 101 boxes a 96-layer encoder opens as, measured in the worker) and the hop to the
// worker and back were more than all the rest of the page's work from a reply to a picture.
// A graph of few nodes, none inside an open module box (closed boxes may sit in open ones, as
// in a big model's first view), needs none of ELK's machinery;
// the same steps done plainly take a millisecond or two:
//   1. layers: longest path from the inputs (direction DOWN, as ELK's), each input then moved
//      down to just above its first consumer;
//   2. an edge spanning several layers gets a point in each layer it crosses (its bends);
//   3. order within a layer: barycentres of the neighbours, swept down and up;
//   4. x: each node as near the mean of its neighbours as the spacing allows (an isotonic
//      fit per layer, swept down and up), y: the layers' heights plus ELK's gaps.
// An open module box is laid out inside first (its size then known), and its parent's level
// sees it as one node: an edge counts at the level of the innermost box holding both its ends.
// Output as the worker's: {positions: {id: {x, y}} (centres of the leaf elements), bends:
// {edgeId: [{x, y}]}, ms}. Edges without bends are drawn by Cytoscape as curves, so parallel
// edges stay apart.

/** Graphs with at most this many nodes and saved tensors (boxes aside) are laid out here. */
export const QUICK_LIMIT = 40;
/** ... and at most this many elements in all. */
const QUICK_ELEMENTS = 300;
const LAYER_GAP = 44; // ELK's spacing between layers (room for one gradient label)
const NODE_GAP = 28; // ELK's spacing between nodes
const BEND_GAP = 18; // beside the point where a long edge crosses a layer
const SWEEPS = 4;
const PAD = { top: 34, left: 18, bottom: 18, right: 18 }; // inside an open box, as the worker's

/**
 * Whether `graph` (model.visibleGraph()) is laid out here rather than by ELK: few nodes, and no
 * open box holding a node or saved tensor itself (only closed boxes, as a big model's first
 * view). Edges into an open box's nodes need ELK's routing around the boxes they cross.
 */
export function quickFits(graph) {
  const leaves = graph.nodes.filter((n) => n.type === 'node' || n.type === 'saved');
  return leaves.length <= QUICK_LIMIT && graph.nodes.length <= QUICK_ELEMENTS && leaves.every((n) => !n.parent);
}

/** Layer of every node: longest path from a node without inputs (Kahn's order; a cycle keeps 0). */
function layersOf(ids, edges) {
  const layer = new Map(ids.map((id) => [id, 0]));
  const indeg = new Map(ids.map((id) => [id, 0]));
  const out = new Map(ids.map((id) => [id, []]));
  for (const e of edges) {
    indeg.set(e.target, indeg.get(e.target) + 1);
    out.get(e.source).push(e.target);
  }
  const queue = ids.filter((id) => indeg.get(id) === 0);
  const indegree0 = new Set(queue);
  for (let i = 0; i < queue.length; i += 1) {
    for (const t of out.get(queue[i])) {
      layer.set(t, Math.max(layer.get(t), layer.get(queue[i]) + 1));
      indeg.set(t, indeg.get(t) - 1);
      if (indeg.get(t) === 0) queue.push(t);
    }
  }
  // an input (a saved tensor, a leaf) sits just above its first consumer, not in the top row
  for (const id of ids) {
    const below = out.get(id).map((t) => layer.get(t));
    if (!indegree0.has(id) || !below.length) continue;
    layer.set(id, Math.max(0, Math.min(...below) - 1));
  }
  return layer;
}

/** Rows of ids per layer, with a bend point per crossed layer for every long edge. */
function buildRows(nodes, edges, layer) {
  const rows = [];
  const row = (k) => rows[k] ?? (rows[k] = []);
  for (const n of nodes) row(layer.get(n.id)).push(n.id);
  const links = []; // [upper, lower, weak] between adjacent layers (weak: a saved tensor's edge)
  const chains = new Map(); // edge id -> the bend point ids it passes through
  for (const e of edges) {
    let [from, k] = [e.source, layer.get(e.source)];
    const via = [];
    while (k + 1 < layer.get(e.target)) {
      k += 1;
      const d = `~${e.id}~${k}`;
      row(k).push(d);
      via.push(d);
      links.push([from, d, Boolean(e.saved)]);
      from = d;
    }
    if (layer.get(e.target) > layer.get(e.source)) links.push([from, e.target, Boolean(e.saved)]);
    if (via.length) chains.set(e.id, via);
  }
  return { rows: rows.map((r) => r ?? []), links, chains };
}

/**
 * Reorder `rows` by the barycentres of each node's neighbours, down then up, SWEEPS times;
 * returns the neighbours above (`up`, `strongUp`: not through a saved tensor's edge) and below.
 */
function order(rows, links) {
  const up = new Map();
  const strongUp = new Map();
  const down = new Map();
  const add = (m, k, v) => (m.get(k) ?? m.set(k, []).get(k)).push(v);
  for (const [a, b, weak] of links) {
    add(down, a, b);
    add(up, b, a);
    if (!weak) add(strongUp, b, a);
  }
  const pos = new Map();
  const index = (r) => r.forEach((id, i) => pos.set(id, i));
  rows.forEach(index);
  const sweep = (r, nb) => {
    const bary = (id) => {
      const ns = nb.get(id) ?? [];
      return ns.length ? ns.reduce((s, n) => s + pos.get(n), 0) / ns.length : pos.get(id);
    };
    const keyed = r.map((id) => [bary(id), pos.get(id), id]);
    keyed.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    keyed.forEach(([, , id], i) => { r[i] = id; });
    index(r);
  };
  for (let s = 0; s < SWEEPS; s += 1) {
    for (let k = 1; k < rows.length; k += 1) sweep(rows[k], up);
    for (let k = rows.length - 2; k >= 0; k -= 1) sweep(rows[k], down);
  }
  return { up, strongUp, down };
}

/**
 * x of `r`'s nodes nearest to `want` (least squares, each counted `weight` times) keeping each
 * at least `gap(a, b)` right of the one before: pool-adjacent-violators on x minus the
 * spacing before each node.
 */
function fitRow(r, want, gap, weight) {
  const off = [0];
  for (let i = 1; i < r.length; i += 1) off.push(off[i - 1] + gap(r[i - 1], r[i]));
  const blocks = []; // [mean, weight, count]
  r.forEach((id, i) => {
    blocks.push([want(id) - off[i], weight(id), 1]);
    while (blocks.length > 1 && blocks[blocks.length - 2][0] > blocks[blocks.length - 1][0]) {
      const [m2, w2, c2] = blocks.pop();
      const [m1, w1, c1] = blocks.pop();
      blocks.push([(m1 * w1 + m2 * w2) / (w1 + w2), w1 + w2, c1 + c2]);
    }
  });
  const xs = [];
  for (const [m, , c] of blocks) for (let j = 0; j < c; j += 1) xs.push(m);
  return xs.map((x, i) => x + off[i]);
}

/**
 * x of every node and bend point: packed rows, then pulled toward their neighbours (a saved
 * tensor follows the node it is saved for, which it does not pull aside).
 */
function place(rows, nb, width, light) {
  const x = new Map();
  const weight = (id) => (light.has(id) ? 0.05 : 1);
  const gap = (a, b) => (width(a) + width(b)) / 2 + (a[0] === '~' || b[0] === '~' ? BEND_GAP : NODE_GAP);
  for (const r of rows) fitRow(r, () => 0, gap, weight).forEach((v, i) => x.set(r[i], v));
  const pull = (r, m) => {
    const want = (id) => {
      const ns = m.get(id) ?? [];
      return ns.length ? ns.reduce((s, n) => s + x.get(n), 0) / ns.length : x.get(id);
    };
    fitRow(r, want, gap, weight).forEach((v, i) => x.set(r[i], v));
  };
  for (let s = 0; s < SWEEPS; s += 1) {
    for (let k = 1; k < rows.length; k += 1) pull(rows[k], nb.strongUp);
    for (let k = rows.length - 2; k >= 0; k -= 1) pull(rows[k], nb.down);
  }
  return x;
}

/**
 * One level: `nodes` ({id, w, h, type}) and `edges` between them ({id, source, target, saved,
 * own: both ends are these nodes themselves, not boxes holding them}). Centres relative to the
 * level's top-left corner, its size, and the bends of its own long edges.
 */
function flatLayout(nodes, edges) {
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const layer = layersOf(nodes.map((n) => n.id), edges);
  const { rows, links, chains } = buildRows(nodes, edges, layer);
  const nb = order(rows, links);
  const x = place(rows, nb, (id) => byId.get(id)?.w ?? 0, new Set(nodes.filter((n) => n.type === 'saved').map((n) => n.id)));
  const left = Math.min(...nodes.map((n) => x.get(n.id) - n.w / 2));
  const right = Math.max(...nodes.map((n) => x.get(n.id) + n.w / 2));
  const at = new Map();
  let top = 0;
  for (const r of rows) {
    const h = Math.max(0, ...r.map((id) => byId.get(id)?.h ?? 0));
    for (const id of r) at.set(id, { x: x.get(id) - left, y: top + h / 2 });
    top += h + LAYER_GAP;
  }
  const bends = {};
  const own = new Set(edges.filter((e) => e.own).map((e) => e.id));
  for (const [id, via] of chains) if (own.has(id)) bends[id] = via.map((d) => at.get(d));
  return { at, bends, w: nodes.length ? right - left : 0, h: Math.max(0, top - LAYER_GAP) };
}

/** Each edge at the level of the innermost box holding both ends (parent id, '' the root). */
function edgesByLevel(graph, byId) {
  const chainOf = (id) => {
    const chain = [];
    for (let at = id; at && byId.has(at); at = byId.get(at).parent) chain.unshift(at);
    return chain;
  };
  const level = new Map();
  for (const e of graph.edges) {
    if (e.shared || e.source === e.target || !byId.has(e.source) || !byId.has(e.target)) continue;
    const [a, b] = [chainOf(e.source), chainOf(e.target)];
    let i = 0;
    while (i < a.length && i < b.length && a[i] === b[i]) i += 1;
    if (i >= a.length || i >= b.length) continue; // an edge between a box and its own inside
    const p = i === 0 ? '' : a[i - 1];
    const own = a[i] === e.source && b[i] === e.target;
    if (!level.has(p)) level.set(p, []);
    level.get(p).push({ id: e.id, source: a[i], target: b[i], saved: e.saved, own });
  }
  return level;
}

/** Lay `graph` out (plain {nodes, edges}, as posted to the worker): {positions, bends, ms}. */
export function quickLayout(graph) {
  const t0 = performance.now();
  const byId = new Map(graph.nodes.map((n) => [n.id, n]));
  const kids = new Map(); // box id ('' the root) -> its elements
  for (const n of graph.nodes) {
    const p = n.parent && byId.has(n.parent) ? n.parent : '';
    if (!kids.has(p)) kids.set(p, []);
    kids.get(p).push(n.id);
  }
  const level = edgesByLevel(graph, byId);
  const size = new Map();
  const laid = new Map();
  const inside = (p) => { // innermost boxes first: a box's size is its inside's plus padding
    for (const c of kids.get(p)) if (kids.has(c)) inside(c);
    const nodes = kids.get(p).map((id) => ({ id, type: byId.get(id).type, w: byId.get(id).w, h: byId.get(id).h, ...size.get(id) }));
    const out = flatLayout(nodes, level.get(p) ?? []);
    laid.set(p, out);
    if (p) size.set(p, { w: out.w + PAD.left + PAD.right, h: out.h + PAD.top + PAD.bottom });
  };
  const positions = {};
  const bends = {};
  const put = (p, x0, y0) => { // then outermost first: absolute centres
    const { at, bends: own } = laid.get(p);
    for (const id of kids.get(p)) {
      const c = at.get(id);
      const s = size.get(id);
      if (s) put(id, x0 + c.x - s.w / 2 + PAD.left, y0 + c.y - s.h / 2 + PAD.top);
      else positions[id] = { x: x0 + c.x, y: y0 + c.y };
    }
    for (const [id, points] of Object.entries(own)) bends[id] = points.map((q) => ({ x: x0 + q.x, y: y0 + q.y }));
  };
  if (kids.has('')) {
    inside('');
    put('', 0, 0);
  }
  return { positions, bends, ms: performance.now() - t0 };
}
