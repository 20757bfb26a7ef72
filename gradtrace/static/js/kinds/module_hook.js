// kinds/module_hook.js: one run of an nn.Module hook the program registered (`kind` such as
// `forward hook` or `backward hook`) on module `module`: the tensors it got and those it
// returned instead (null: None). No node changes; a selected module box lists its hooks.
// The wire item is `{module_hook: module, kind, line, name, call, got, result}`.
import { shape } from '../format.js';
import { isBoxOf } from '../groups.js';
import { placeText } from '../naming.js';

export default {
  phase: 'module_hook',
  reads: (item) => 'module_hook' in item,
  expand(item, wire) {
    const list = (ts) => (ts == null ? null : ts.map(wire.tensor));
    return [{ phase: 'module_hook', module: item.module_hook, kind: item.kind, line: item.line, ...wire.fileOf(item),
              name: item.name, call: item.call, got: list(item.got), result: list(item.result) }];
  },
  step() {}, // the caption tells: no node changes
  chapter: (ev) => (ev.call == null ? 'forward' : `call:${ev.call}`), // a forward hook: in the forward stretch
  chapterLine: () => null,
  /** "forward hook keep_activation (line 18) on conv got (1, 2, 5, 5) …, returned None". */
  caption(ev, model) {
    const list = (ts) => ts.map((t) => shape(t?.shape)).join(', ') || 'nothing';
    const back = ev.result == null ? 'returned None' : `returned ${list(ev.result)} in their place`;
    return `${ev.kind} ${ev.name} (${placeText(model, ev.line, ev.file)}) on ${ev.module} got ${list(ev.got)}, ${back}`;
  },
  /** The hook as a module box lists it when it ran on that box's module (not one inside it). */
  onBox: (ev, path) => (isBoxOf(path, ev.module) ? `${ev.kind} ${ev.name} (line ${ev.line ?? '?'})` : null),
};
