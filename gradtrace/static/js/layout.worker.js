// layout.worker.js: layered layout of the visible graph with ELK, off the main thread.
//
// A classic worker (module workers cannot importScripts, and elkjs ships a UMD bundle).
// Protocol, plain data only:
//   in : {id, graph: {nodes: [{id, parent, type, w, h}], edges: [{id, source, target}]}}
//   out: {id, type: 'progress', phase, fraction}
//        {id, type: 'done', positions: {elementId: {x, y}} (centres, absolute),
//         bends: {edgeId: [{x, y}...]} (ELK's route of each laid-out edge, absolute), ms}
//        {id, type: 'error', message}
// Only leaf elements get positions; the renderer sizes compound boxes around children.
/* global importScripts, ELK */
importScripts('../vendor/elkjs/elk.bundled.js');

const elk = new ELK();
// elk.bundled.js installs its own onmessage when its worker part is evaluated in a worker
// (that happens inside the constructor above); take it back afterwards.
self.onmessage = onRequest;

const ROOT_OPTIONS = {
  'elk.algorithm': 'layered',
  'elk.direction': 'DOWN',
  'elk.hierarchyHandling': 'INCLUDE_CHILDREN',
  // room between layers for one gradient label (14 px) with space above and below it, and
  // beside nodes for labels moved sideways (labelplace.js); edges kept apart from each other
  'elk.layered.spacing.nodeNodeBetweenLayers': '44',
  'elk.spacing.nodeNode': '28',
  'elk.spacing.edgeEdge': '16',
  'elk.layered.spacing.edgeNodeBetweenLayers': '20',
  'elk.layered.spacing.edgeEdgeBetweenLayers': '14',
  'elk.layered.nodePlacement.strategy': 'BRANDES_KOEPF',
  'elk.layered.crossingMinimization.strategy': 'LAYER_SWEEP',
  'elk.layered.thoroughness': '4',
  // edge routes in the root's coordinates, as the node centres collected below: the renderer
  // draws each edge along ELK's route, so parallel edges (w -> w_adapted beside the inner
  // gradient's chain) stay apart instead of being drawn as straight lines over each other
  'elk.json.edgeCoords': 'ROOT',
};
/** Above this many elements crossing minimisation gets one sweep instead of four. */
const BIG = 400;
const GROUP_OPTIONS = { 'elk.padding': '[top=34,left=18,bottom=18,right=18]' };

/** Build ELK's nested JSON: groups hold their children, all edges live at the root. */
function toElk(graph, options = {}) {
  const byId = new Map();
  const root = { id: '__root', layoutOptions: { ...ROOT_OPTIONS, ...options }, children: [], edges: [] };
  for (const n of graph.nodes) {
    const isGroup = n.type === 'group';
    byId.set(n.id, isGroup
      ? { id: n.id, layoutOptions: GROUP_OPTIONS, children: [] }
      : { id: n.id, width: n.w, height: n.h });
  }
  for (const n of graph.nodes) {
    const parent = n.parent && byId.get(n.parent);
    (parent ? parent.children : root.children).push(byId.get(n.id));
  }
  root.edges = graph.edges.filter((e) => !e.shared)
    .map((e) => ({ id: e.id, sources: [e.source], targets: [e.target] }));
  if (graph.nodes.length + root.edges.length > BIG) root.layoutOptions['elk.layered.thoroughness'] = '1';
  return root;
}

/** Walk ELK's result, turning relative top-left corners into absolute centres. */
function collect(node, dx, dy, out) {
  for (const c of node.children ?? []) {
    const x = dx + (c.x ?? 0);
    const y = dy + (c.y ?? 0);
    if (c.children && c.children.length) collect(c, x, y, out);
    else if (c.width !== undefined) out[c.id] = { x: x + c.width / 2, y: y + c.height / 2 };
  }
  return out;
}

/** Bend points of every edge ELK routed (edges may sit at the root or inside a box). */
function bendsOf(node, out = {}) {
  for (const e of node.edges ?? []) {
    const points = e.sections?.[0]?.bendPoints;
    if (points?.length) out[e.id] = points.map((p) => ({ x: p.x, y: p.y }));
  }
  for (const c of node.children ?? []) bendsOf(c, out);
  return out;
}

async function onRequest(msg) {
  const { id, graph, options } = msg.data;
  const t0 = performance.now();
  try {
    self.postMessage({ id, type: 'progress', phase: 'building', fraction: 0.1 });
    const elkGraph = toElk(graph, options);
    self.postMessage({ id, type: 'progress', phase: 'layering', fraction: 0.3 });
    const result = await elk.layout(elkGraph);
    const positions = collect(result, 0, 0, {});
    self.postMessage({ id, type: 'done', positions, bends: bendsOf(result), ms: performance.now() - t0 });
  } catch (err) {
    self.postMessage({ id, type: 'error', message: String(err?.message ?? err) });
  }
}
