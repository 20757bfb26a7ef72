// search.js: find trace nodes by what the page shows about them. No DOM here.
//
// A query is whitespace-separated terms; a node matches when every term occurs, ignoring
// case, in one of its facts: op name (`SoftmaxBackward0`), kind (`leaf`, `op`), variable
// or parameter name (`z`, `layers.3.linear1.weight`), module box (`model.layers.3.self_attn`,
// `cell #3`), shape (`(64, 64)`), the program's tensor, node or saved-tensor hooks that ran on
// it (`hook clip`), `recomputed checkpoint` for a checkpoint's recomputed node, `tangent dual`
// for a value carrying a forward-mode tangent.
// Numbers match whole numbers only, so "layers.1 addmm" finds the matrix products of the
// second layer and not those of layers.10 to layers.19.
// Clicking a line in the editor already marks the nodes a line made, so lines are not
// searched. Matches come in node id order, the order the forward pass created them in.
import { shape } from './format.js';
import { boxLabel } from './groups.js';

/** One lower-case text per node, built once per model (a 96-layer trace has 7,299 nodes). */
const facts = new WeakMap();

function factsOf(model) {
  let texts = facts.get(model);
  if (texts) return texts;
  texts = new Map();
  for (const n of model.nodes.values()) {
    const box = model.box.get(n.id);
    // one fact per line: a term never matches across two facts
    const lines = [n.op, n.kind, n.label ?? '', shape(n.shape)];
    const hooks = model.hooks.get(n.id);
    if (hooks) lines.push(`hook ${hooks.join(' ')}`);
    if (box) lines.push(box, boxLabel(box));
    if (model.isRecomputed(n)) lines.push('recomputed checkpoint');
    if (n.value?.tangent) lines.push('tangent dual');
    texts.set(n.id, lines.join('\n').toLowerCase());
  }
  facts.set(model, texts);
  return texts;
}

const escape = (text) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** A query's words as patterns: lower-cased, a digit at either end not part of a longer number. */
function patternsOf(query) {
  return query.toLowerCase().split(/\s+/).filter(Boolean).map((word) => new RegExp(
    (/^\d/.test(word) ? '(?<!\\d)' : '') + escape(word) + (/\d$/.test(word) ? '(?!\\d)' : '')));
}

/** Ids of the nodes of `model` matching every term of `query` ([] for an empty query). */
export function findNodes(model, query) {
  const patterns = patternsOf(query);
  if (!patterns.length) return [];
  const found = [];
  for (const [id, text] of factsOf(model)) {
    if (patterns.every((p) => p.test(text))) found.push(id);
  }
  return found;
}
