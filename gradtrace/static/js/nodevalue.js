// nodevalue.js: the line under a node's label that puts values where the eye is. No DOM.
//
// During the forward pass a node shows its value as it is computed (`= [1, 2]`, `= 0.25 each`,
// `= -1.2…3.4, mean 0.1`); during a backward call, once visited, what it sent to its inputs
// (`sent [0.5, 0.5]`) or, for a leaf, its `.grad`. The edge carries the same gradient as its
// label. A node built by a create_graph backward has no forward value: it says which call
// made it. The layout sizes each node for its longest line (valueRoom), capped at VALUE_CHARS.
import { shortTensor, valueText } from './format.js';
import { kindOf } from './kinds/index.js';

/** The value line never takes more characters than this; longer ones end in "…". */
export const VALUE_CHARS = 30;

const sentText = (grads) => (grads ?? []).filter((g) => g != null).map(shortTensor).join(', ');

/** The line for node `n` once its forward event has run. */
export function forwardLine(n) {
  if (n.value) return `= ${valueText(n.value)}`;
  return n.created_in_call != null ? `made in backward #${n.created_in_call + 1}` : '';
}

/** The line for a node visited in a backward call (`sent`, a leaf's `.grad`). */
export function backwardLine(sent, leafGrad) {
  if (leafGrad !== undefined) return `.grad ${leafGrad == null ? 'None' : shortTensor(leafGrad)}`;
  const text = sentText(sent);
  return text ? `sent ${text}` : '';
}

/** `text` cut to `chars` characters, the cut marked "…". */
export function fitLine(text, chars) {
  return text.length <= chars ? text : `${text.slice(0, Math.max(1, chars - 1))}…`;
}

/**
 * Node id -> characters its value line needs over the whole trace (at most VALUE_CHARS), as
 * `{get(id)}`, worked out for a node when first asked: a big trace draws few of its nodes (the
 * rest are inside closed boxes), and formatting every value and backward visit of a 96-layer
 * encoder's 7,299 nodes up front cost more than drawing its first picture.
 */
export function valueRoom(model) {
  const visits = new Map(); // node id -> the backward events visiting it
  for (const ev of model.events) {
    if (!kindOf(ev).visitsNode) continue;
    if (!visits.has(ev.node)) visits.set(ev.node, []);
    visits.get(ev.node).push(ev);
  }
  const measure = (id) => {
    const n = model.nodes.get(id);
    let chars = n ? forwardLine(n).length : 0;
    for (const ev of visits.get(id) ?? []) chars = Math.max(chars, backwardLine(ev.grad_inputs, ev.leaf_grad).length);
    return Math.min(VALUE_CHARS, chars);
  };
  const room = new Map();
  return {
    get(id) {
      if (!room.has(id)) room.set(id, measure(id));
      return room.get(id);
    },
  };
}

/** The value line of node `id` at timeline state `st`, fitted to its room. */
export function valueLine(model, id, st) {
  const n = model.nodes.get(id);
  if (!n || !model.bornAt(id, st.step)) return '';
  let text = '';
  if (st.visited.has(id)) text = backwardLine(st.sent.get(id), st.leafGrad.has(id) ? st.leafGrad.get(id) : undefined);
  if (!text && st.lit.has(id)) text = forwardLine(n);
  return fitLine(text, model.valueRoom().get(id) ?? VALUE_CHARS);
}
