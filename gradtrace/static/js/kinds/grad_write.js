// kinds/grad_write.js: the program wrote into a leaf's .grad (`x.grad.zero_()`, `w.grad =
// None`, one per parameter for `optimizer.zero_grad()`): `op` is `set` or the in-place
// method, `grad` what it left. The wire item is `{grad_write: node, line, op, grad}`.
import { shortTensor } from '../format.js';
import { placeText, writeName } from '../naming.js';

export default {
  phase: 'grad',
  reads: (item) => 'grad_write' in item,
  expand: (item, wire) => [{ phase: 'grad', node: item.grad_write, line: item.line, ...wire.fileOf(item),
                             op: item.op, grad: wire.tensor(item.grad) }],
  step(st, ev) {
    st.leafGrad.set(ev.node, ev.grad);
  },
  chapter: () => 'grad',
  titles: {
    grad(c, model) {
      const what = c.count === 1 ? writeName(c.events[0], model) : `${c.count} writes into .grad`;
      return `${what}${c.lines}`;
    },
  },
  caption(ev, model) {
    const left = ev.grad ? shortTensor(ev.grad) : 'None';
    const what = ev.op === 'set' ? writeName(ev, model, left) : `${writeName(ev, model)} → ${left}`;
    return `${placeText(model, ev.line, ev.file)}: ${what}`;
  },
};
