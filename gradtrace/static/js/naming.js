// naming.js: how the page names things in words: a backward call, a write into .grad, a
// trace node, a place in the program. No DOM here. Shared by the event kinds (kinds/), the
// chapters, the inspector and the panels, so a call or a line reads the same everywhere.
import { shortTensor } from './format.js';
import { boxLabel } from './groups.js';

/** How a call is written in the page: `backward() #1` or `autograd.grad #2`. */
export function callName(call, index) {
  return `${call?.kind === 'grad' ? 'autograd.grad' : 'backward()'} #${index + 1}`;
}

/** In-place operators as a program spells them (`x.grad += …` calls `__iadd__`). */
const OPERATORS = { __iadd__: '+=', __isub__: '-=', __imul__: '*=', __itruediv__: '/=' };

/** A write into a leaf's .grad as the program wrote it: `x.grad.zero_()`, `w.grad = None`. */
export function writeName(ev, model, assigned = '…') {
  const grad = `${model.nodes.get(ev.node)?.label ?? `leaf ${ev.node}`}.grad`;
  if (ev.op === 'set') return `${grad} = ${assigned}`;
  if (ev.op === '__setitem__') return `${grad}[…] = …`;
  if (ev.op === '__set__') return `${grad}.data = …`; // a descriptor of the gradient itself
  if (OPERATORS[ev.op]) return `${grad} ${OPERATORS[ev.op]} …`;
  return `${grad}.${ev.op}(${ev.op === 'zero_' ? '' : '…'})`;
}

/**
 * `line 12`, or `line 12 of model.py` when the trace carries several files (library,
 * `gradtrace run`): `file` is the place's index into `trace.files` (absent: the main file).
 */
export function placeText(model, line, file) {
  const files = model.trace.files ?? [];
  const where = `line ${line ?? '?'}`;
  if (files.length < 2) return where;
  return `${where} of ${files[file ?? 0]?.path ?? `file ${file}`}`;
}

/** `backward() #1 (line 8)` for the call an event ran in (`call #3` if the trace lacks it). */
export function callText(model, index) {
  const call = model.calls[index];
  return call ? `${callName(call, index)} (${placeText(model, call.line, call.file)})` : `call #${index + 1}`;
}

/** "AddmmBackward0 in model.layers.1.linear1": op, label and, for an op, its module box. */
export function nodeName(model, id) {
  const n = model.nodes.get(id);
  if (!n) return `node ${id}`;
  const box = n.kind === 'op' ? model.box.get(n.id) : null;
  return [n.op, n.label, box ? `in ${boxLabel(box)}` : null].filter(Boolean).join(' ');
}

/** Gradients as a caption lists them, '–' for an absent one (or for none at all). */
export function grads(ts) {
  return ts.map((g) => (g ? shortTensor(g) : '–')).join(', ') || '–';
}
