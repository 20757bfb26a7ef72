// kinds/backward.js: backward call `call` visited node `node`: the gradients that arrived
// (grad_outputs), those it sent to its inputs (grad_inputs, one per input edge) and, for a
// leaf, its .grad afterwards. `captured`: a visit whose gradients torch.autograd.grad
// returned rather than sending them on (no edge carries them).
import { shortTensor } from '../format.js';
import { callName, callText, grads, nodeName } from '../naming.js';
import { formulaCaption } from '../formula.js';

export default {
  phase: 'backward',
  reads: (item) => typeof item === 'object', // tried last: the object with none of the other kinds' keys
  expand(item, wire) {
    const event = { phase: 'backward', call: item.call, node: item.node };
    if (item.captured) event.captured = true;
    event.grad_outputs = item.grad_outputs.map(wire.tensor);
    event.grad_inputs = item.grad_inputs.map(wire.tensor);
    event.edges = item.captured ? [] : wire.nodes[item.node].inputs;
    if ('leaf_grad' in item) event.leaf_grad = wire.tensor(item.leaf_grad);
    return [event];
  },
  inCall: true,
  visitsNode: true, // a call's first visit is when the nodes it built without a forward event appear
  step(st, ev) {
    st.visited.add(ev.node);
    st.received.set(ev.node, ev.grad_outputs ?? []);
    st.sent.set(ev.node, ev.grad_inputs ?? []);
    (ev.edges ?? []).forEach((eid, j) => {
      if (eid == null) return;
      st.edgeGrad.set(eid, ev.grad_inputs?.[j] ?? null);
      st.edgeCall.set(eid, ev.call);
    });
    if (ev.leaf_grad !== undefined) st.leafGrad.set(ev.node, ev.leaf_grad);
  },
  chapter: (ev) => `call:${ev.call}`,
  titles: {
    call(c, model) {
      const call = model.calls[c.index];
      const line = call?.line != null ? `, line ${call.line}` : '';
      const outer = c.outer();
      const inside = outer === null ? '' : ` inside ${callName(model.calls[outer], outer)}`;
      return `${callName(call, c.index)}${inside}${line} (${c.count} step${c.count === 1 ? '' : 's'})`;
    },
  },
  caption(ev, model) {
    const n = model.nodes.get(ev.node);
    const got = (ev.grad_outputs ?? []).map(shortTensor).join(', ');
    const leaf = ev.leaf_grad !== undefined ? `; .grad now ${shortTensor(ev.leaf_grad)}` : '';
    // a non-reentrant checkpoint's node: backward ran the segment again for its saved tensors
    const again = n?.recomputed ? ' (checkpointed: its saved tensors recomputed)' : '';
    return `${callText(model, ev.call)}: ${nodeName(model, ev.node)}${again} received ${got || '–'}, `
      + `sent ${grads(ev.grad_inputs ?? [])}${leaf}${formulaCaption(ev, model)}`;
  },
};
