// stepstyle.js: how each drawn element looks at a timeline step, and which elements a
// step can have changed. No DOM here; the renderer applies the result.
//
// Why the "touched" set: playing a 500-node trace advances one or two events per frame.
// Restyling every element per frame costs more than a frame; the events replayed between
// two states name exactly the nodes and edges whose look can differ, so only those (plus
// the previously and newly active node) are recomputed. Anything that changes many
// elements at once (a new backward call, a long slider jump) falls back to a full pass.
import { shortTensor } from './format.js';
import { BOX_AT_REST, STEP_INSIDE } from './model.js';
import { valueLine } from './nodevalue.js';

/** Beyond this many replayed events a full pass is as cheap as collecting the touched set. */
const INCREMENTAL_SPAN = 64;

/**
 * Classes of a node or saved-tensor element standing for trace node `id`, and for a node its
 * value line (nodevalue.js: the value once computed, what it sent once visited).
 */
export function nodeLook(id, isNode, model, st) {
  let cls = model.bornAt(id, st.step) ? '' : 'unborn';
  if (!cls && !st.lit.has(id) && st.call === null) cls = 'future';
  if (st.visited.has(id)) cls += ' visited';
  if (isNode && id === st.current?.node) cls += ' active';
  return { cls, label: isNode ? valueLine(model, id, st) : null };
}

/**
 * Classes of a collapsed module box, active while the current event is inside it; its
 * label then says so (the renderer adds `label` as a last line; '' adds nothing).
 */
export function boxLook(elementId, model, st) {
  const node = st.current?.node;
  const active = node != null && model.repOf(node) === elementId;
  // another line when not: Cytoscape keeps a label's first size, so the line count never changes
  return { cls: active ? 'active' : '', label: active ? STEP_INSIDE : BOX_AT_REST };
}

/** Class and gradient label of a drawn trace edge. */
export function edgeLook(edgeId, st) {
  const has = st.edgeGrad.has(edgeId);
  const cls = has ? (st.edgeCall.get(edgeId) === st.call ? 'grad' : 'grad-old') : '';
  return { cls, label: has ? shortTensor(st.edgeGrad.get(edgeId)) : '' };
}

/**
 * Trace node ids and edge ids whose look may differ between states `a` and `b`, or null
 * when everything must be recomputed (no previous state, another call, a long jump).
 */
export function touched(model, a, b) {
  if (!a || a.call !== b.call || Math.abs(a.step - b.step) > INCREMENTAL_SPAN) return null;
  const nodes = new Set();
  const edges = new Set();
  for (let i = Math.min(a.step, b.step); i < Math.max(a.step, b.step); i += 1) {
    const ev = model.events[i];
    nodes.add(ev.node);
    for (const e of ev.edges ?? []) if (e != null) edges.add(e);
  }
  if (a.current) nodes.add(a.current.node);
  if (b.current) nodes.add(b.current.node);
  return { nodes, edges };
}

/**
 * A node's text: its lines and the line a step adds (`look.label`: value, step inside; patch()
 * writes the same), or before any step room for it.
 */
export function shownText(n, look) {
  const text = n.lines.join('\n');
  if (look) return n.type === 'node' ? `${text}\n${look.label || ' '}` : [text, look.label].filter(Boolean).join('\n');
  if (n.type === 'node') return `${text}\n `;
  return n.type === 'collapsed' ? `${text}\n${BOX_AT_REST}` : text;
}

/**
 * Every element's look at state `st` (the renderer's full pass), from the graph's plain data
 * (model.visibleGraph()): the renderer adds elements in it, so each is styled and measured once.
 */
export function looksOf(graph, model, st) {
  const want = new Map();
  for (const n of graph.nodes) {
    if (n.type === 'node' || n.type === 'saved') want.set(n.id, nodeLook(n.nodeId, n.type === 'node', model, st));
    else if (n.type === 'collapsed') want.set(n.id, boxLook(n.id, model, st));
  }
  for (const e of graph.edges) if (e.edgeId >= 0) want.set(e.id, { ...edgeLook(e.edgeId, st), edge: true });
  return want;
}
