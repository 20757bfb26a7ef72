// wire.js: read the server's compact trace (format 5) into the long form the page uses.
// Pure functions, no DOM. Mirrors gradtrace/tracing/wire.py (the reference reader, whose
// docstring describes the format): tensors are indices into trace.tensors, fields that are
// null or empty are left out, edges are [source, target] pairs, and an integer n in
// events stands for the forward events of the next n nodes. Table entries are expanded
// once and shared, so a gradient seen on two events is one object. A place outside the
// program's main file has `file` (an index into trace.files) next to its `line`; calls and
// the error keep theirs as they are. How each kind of event expands is its entry's business
// (kinds/). A trace the server cut (to fit its byte cap, or to stay consistent) says so in
// reply_cut, which passes through as it is, like expand's; the Console panel shows it.
import { kindOfWire } from './kinds/index.js';

const LEAF_OP = 'AccumulateGrad';
const STATS = ['min', 'max', 'mean', 'std', 'norm'];

/** A table entry as a TensorView: values (or null), truncated, numel and the statistics. */
export function expandTensor(entry) {
  const view = {
    shape: entry.shape,
    dtype: entry.dtype ?? 'float32',  // left out for float32, the common case
    values: entry.values ?? null,
    truncated: !('values' in entry),
    numel: entry.shape.reduce((a, b) => a * b, 1),
  };
  STATS.forEach((key, i) => { view[key] = entry.stats ? entry.stats[i] : null; });
  if ('layout' in entry) view.layout = entry.layout; // sparse_coo, jagged, ...: only when not strided
  return view;
}

function expandNode(node, id, tensor, calls) {
  const shown = tensor(node.value);
  const call = node.module_call ?? null;
  return {
    id,
    kind: node.op === LEAF_OP ? 'leaf' : 'op',
    op: node.op,
    label: node.label ?? null,
    shape: node.shape ?? shown?.shape ?? null,
    dtype: node.dtype ?? shown?.dtype ?? null,
    value: shown,
    grad: tensor(node.grad),
    line: node.line ?? null,
    module: call === null ? null : calls[call].module,
    module_call: call,
    saved: Object.entries(node.saved ?? {}).map(([name, t]) => ({ name, value: tensor(t) })),
    created_in_call: node.created_in_call ?? null,
    recomputed: node.recomputed ?? false, // made in a non-reentrant checkpoint segment
    attrs: node.attrs ?? {}, // the op's non-tensor settings its backward rule reads
    inputs: node.inputs,
    ...fileOf(node),
  };
}

/** `{file}` when a place is outside the program's main file (the wire leaves out file 0). */
function fileOf(item) {
  return item.file != null ? { file: item.file } : {};
}

/** The timeline: each wire item expanded by its event kind (kinds/), in order. */
function expandEvents(items, nodes, tensor) {
  const wire = { nodes, tensor, fileOf, next: 0 }; // next: whose forward event comes next
  const events = [];
  for (const item of items) {
    for (const event of kindOfWire(item).expand(item, wire)) events.push(event);
  }
  return events;
}

/** The long form, with the wire form kept (not enumerable: Export JSON writes the long form). */
export function readWire(wire) {
  return Object.defineProperty(expandTrace(wire), 'wire', { value: wire });
}

/** The long form of a trace (a failure without a graph passes through too). */
export function expandTrace(trace) {
  const entries = trace.tensors ?? [];
  const table = entries.map(expandTensor);
  // a dual tensor's forward-mode tangent: the index becomes the (shared) entry itself
  entries.forEach((entry, i) => { if ('tangent' in entry) table[i].tangent = table[entry.tangent]; });
  const tensor = (i) => (i == null ? null : table[i]);
  const calls = trace.module_calls ?? [];
  const nodes = trace.graph.nodes.map((node, id) => expandNode(node, id, tensor, calls));
  const edges = trace.graph.edges.map(([source, target], id) => ({ id, source, target }));
  const variables = {};
  for (const [name, v] of Object.entries(trace.variables)) {
    variables[name] = { ...v, value: tensor(v.value), grad: tensor(v.grad) };
  }
  // tensors inside top-level dicts, lists and tuples (per_sample["weight"]); {} when left out
  const collections = {};
  for (const [name, items] of Object.entries(trace.collections ?? {})) {
    collections[name] = Object.fromEntries(Object.entries(items).map(([k, t]) => [k, tensor(t)]));
  }
  const { tensors, format, ...rest } = trace;
  return { ...rest, graph: { nodes, edges }, variables, module_calls: calls, collections,
           events: expandEvents(trace.events, nodes, tensor) };
}
