// kinds/saved_hook.js: one run of a `saved_tensors_hooks` pack or unpack hook (`kind`): the
// tensor it got and what it returned (null: not a tensor), `call` for an unpack. The node it
// ran for is found by its place in the timeline (`attach`); the wire item is
// `{saved_hook: 'pack'|'unpack', line, name, call, tensor, result}`.
import { shortTensor } from '../format.js';
import { callName, placeText } from '../naming.js';
import { h, tensorBlock } from '../tensorview.js';

/**
 * The node each run belongs to: a pack runs while the op that saves the tensor runs (before
 * that op's forward event, after those of the leaves it is the first to use), an unpack
 * before the backward event of the node that needs it. Map node id -> its runs, in order;
 * each run also gets `owner` (its node), which the caption names.
 */
function attach(events, nodes) {
  const runs = new Map();
  let pending = [];
  for (const ev of events) {
    if (ev.phase === 'saved_hook') {
      pending.push(ev);
      continue;
    }
    // a leaf the op uses is drawn (its forward event) just before the op: the op saved it
    if (ev.phase === 'forward' && nodes.get(ev.node)?.kind === 'leaf') continue;
    const owner = (ev.phase === 'forward' && pending[0]?.kind === 'pack')
      || (ev.phase === 'backward' && pending[0]?.kind === 'unpack');
    if (owner) runs.set(ev.node, [...(runs.get(ev.node) ?? []), ...pending]);
    if (owner) for (const run of pending) run.owner = ev.node;
    if (ev.phase === 'forward' || ev.phase === 'backward') pending = [];
  }
  return runs;
}

export default {
  phase: 'saved_hook',
  reads: (item) => 'saved_hook' in item,
  expand: (item, wire) => [{ phase: 'saved_hook', kind: item.saved_hook, line: item.line, ...wire.fileOf(item),
                             name: item.name, call: item.call, tensor: wire.tensor(item.tensor),
                             result: wire.tensor(item.result) }],
  step() {}, // the caption tells; the inspector shows the runs on their node
  chapter: (ev) => (ev.call == null ? 'forward' : `call:${ev.call}`), // a pack: in the forward stretch
  chapterLine: () => null,
  attach,
  attachedTitle: 'Saved-tensor hooks on its saved tensors',
  /** "backward() #1: saved-tensor unpack hook unpack (line 9) for MulBackward0 b got [1, 2, 3], returned …". */
  caption(ev, model) {
    const when = ev.call == null ? 'forward' : callName(model.calls[ev.call], ev.call);
    const what = (t) => (t ? shortTensor(t) : 'a non-tensor');
    const n = model.nodes.get(ev.owner);
    const of = n ? ` for ${[n.op, n.label].filter(Boolean).join(' ')}` : '';
    return `${when}: saved-tensor ${ev.kind} hook ${ev.name} (${placeText(model, ev.line, ev.file)})${of} `
      + `got ${what(ev.tensor)}, returned ${what(ev.result)}`;
  },
  inspect(run, model) {
    const where = `saved-tensor ${run.kind} hook ${run.name} (${placeText(model, run.line, run.file)})`;
    const block = (t, what) => (t ? tensorBlock(t, `${where} ${what}`)
      : h('p', { class: 'muted' }, `${where} ${what} a non-tensor.`));
    return [block(run.tensor, 'got'), block(run.result, 'returned')];
  },
};
