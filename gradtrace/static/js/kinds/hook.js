// kinds/hook.js: one run of a tensor hook the program registered (`x.register_hook(fn)`),
// in backward call `call`: the gradient it got and what it returned instead (null: None,
// the gradient went on unchanged). The wire item is `{hook: node, call, line, name, grad, result}`;
// `line` is where the hook was registered.
import { shortTensor } from '../format.js';
import { callText, nodeName, placeText } from '../naming.js';
import { h, tensorBlock } from '../tensorview.js';

export default {
  phase: 'hook',
  reads: (item) => 'hook' in item,
  expand: (item, wire) => [{ phase: 'hook', call: item.call, node: item.hook, line: item.line, ...wire.fileOf(item),
                             name: item.name, grad: wire.tensor(item.grad), result: wire.tensor(item.result) }],
  inCall: true,
  step(st, ev) { // the node's own visit comes next
    st.hooks.set(ev.node, [...(st.hooks.get(ev.node) ?? []), ev]);
  },
  labelOn: (ev) => ev.node, // its name joins the node's label (`hooks: show, clip`)
  chapter: (ev) => `call:${ev.call}`,
  chapterLine: () => null, // where it was registered, not a line of this stretch
  caption(ev, model) {
    const back = ev.result ? `returned ${shortTensor(ev.result)} in its place` : 'returned None (unchanged)';
    return `${callText(model, ev.call)}: hook ${ev.name} (${placeText(model, ev.line, ev.file)}) `
      + `on ${nodeName(model, ev.node)} got ${shortTensor(ev.grad)}, ${back}`;
  },
  inspect(run, model) {
    const where = `hook ${run.name} (registered on ${placeText(model, run.line, run.file)})`;
    const gave = run.result ? tensorBlock(run.result, `${where} returned`)
      : h('p', { class: 'muted' }, `${where} returned None: the gradient went on unchanged.`);
    return [tensorBlock(run.grad, `${where} got`), gave];
  },
};
