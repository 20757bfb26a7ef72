// kinds/node_hook.js: one run of a hook the program registered on a graph node
// (`grad_fn.register_hook` / `register_prehook`), in backward call `call`: the gradients
// arriving, those going on to its inputs (null for a prehook) and what it returned instead.
// The wire item is `{node_hook: node, kind, call, line, name, grad_outputs, grad_inputs, result}`.
import { callText, grads, nodeName, placeText } from '../naming.js';
import { h, tensorBlock } from '../tensorview.js';

export default {
  phase: 'node_hook',
  reads: (item) => 'node_hook' in item,
  expand(item, wire) {
    const list = (ts) => (ts == null ? null : ts.map(wire.tensor));
    return [{ phase: 'node_hook', call: item.call, node: item.node_hook, kind: item.kind, line: item.line,
              ...wire.fileOf(item), name: item.name, grad_outputs: list(item.grad_outputs),
              grad_inputs: list(item.grad_inputs), result: list(item.result) }];
  },
  inCall: true,
  step(st, ev) { // the node's own visit comes next
    st.hooks.set(ev.node, [...(st.hooks.get(ev.node) ?? []), ev]);
  },
  labelOn: (ev) => ev.node,
  chapter: (ev) => `call:${ev.call}`,
  chapterLine: () => null,
  /** "node prehook show_arrival (line 27) on SumBackward0 got 1 arriving, returned None (unchanged)". */
  caption(ev, model) {
    const sent = ev.grad_inputs ? ` and ${grads(ev.grad_inputs)} going to its inputs` : '';
    const back = ev.result ? `returned ${grads(ev.result)} in their place` : 'returned None (unchanged)';
    return `${callText(model, ev.call)}: node ${ev.kind} ${ev.name} (${placeText(model, ev.line, ev.file)}) `
      + `on ${nodeName(model, ev.node)} got ${grads(ev.grad_outputs)} arriving${sent}, ${back}`;
  },
  inspect(run, model) {
    const where = `node ${run.kind} ${run.name} (registered on ${placeText(model, run.line, run.file)})`;
    const out = run.grad_outputs.map((g, i) => tensorBlock(g, `${where}: gradient arriving [${i}]`));
    (run.grad_inputs ?? []).forEach((g, i) => out.push(tensorBlock(g, `${where}: gradient for input ${i}`)));
    if (!run.result) out.push(h('p', { class: 'muted' }, `${where} returned None: the gradients went on unchanged.`));
    else run.result.forEach((g, i) => out.push(tensorBlock(g, `${where} returned [${i}]`)));
    return out;
  },
};
