// kinds/forward.js: an op ran in forward (or a leaf was first used). The wire writes a run
// of n of them as the integer n: the forward events of the next n nodes, in node order.
import { shortTensor } from '../format.js';
import { recomputedIn } from '../beyond.js';
import { callName, nodeName, placeText } from '../naming.js';

const plural = (n, word) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** "; its value carries the forward-mode tangent [2.223, 0, 0]" for a dual tensor's node. */
function tangentText(n) {
  const t = n?.value?.tangent;
  return t ? `; its value carries the forward-mode tangent ${shortTensor(t)}` : '';
}

export default {
  phase: 'forward',
  reads: (item) => typeof item === 'number',
  expand(count, wire) {
    const out = [];
    for (const node of wire.nodes.slice(wire.next, wire.next + count)) {
      const event = { phase: 'forward', node: node.id, line: node.line, ...wire.fileOf(node) };
      if (node.created_in_call != null) event.call = node.created_in_call; // a create_graph call, a checkpoint rerun
      out.push(event);
    }
    wire.next += count;
    return out;
  },
  drawsNode: true, // the node's first forward event is when a node built in backward appears
  step(st, ev) {
    st.lit.add(ev.node);
  },
  chapter: (ev) => (ev.call == null ? 'forward' : `built:${ev.call}`),
  titles: {
    // forward hooks' and packs' runs are in a forward chapter too, but are not nodes
    forward: (c) => `Forward${c.lines} (${plural(c.events.filter((ev) => ev.phase === 'forward').length, 'node')})`,
    built(c, model) {
      const call = model.calls[c.index];
      const name = callName(call, c.index);
      // without create_graph, a call builds nodes only when a reentrant checkpoint reruns its segment
      if (!call?.create_graph) return `${name} recomputes the checkpointed segment (${plural(c.count, 'node')})`;
      return `Graph built by ${name} (${plural(c.count, 'node')})`;
    },
  },
  caption(ev, model) {
    const n = model.nodes.get(ev.node);
    const name = nodeName(model, ev.node);
    const line = placeText(model, ev.line ?? n?.line, ev.line != null ? ev.file : n?.file);
    const again = n ? recomputedIn(n, model.calls) : null;
    if (again !== null) return `${callName(model.calls[again], again)} recomputes the checkpointed segment, ${line}: ${name}`;
    const kept = n?.recomputed ? ' (in a checkpointed segment: its saved tensors are not kept, backward recomputes them)' : '';
    return `forward, ${line}: ${name}${kept}${tangentText(n)}`;
  },
};
