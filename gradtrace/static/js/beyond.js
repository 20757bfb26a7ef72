// beyond.js: autograd beyond one backward() pass, as the trace shows it. No DOM here.
//
// A checkpointed segment is run again in backward (a reentrant checkpoint rebuilds it as
// new nodes during the outer backward call; a non-reentrant one marks its nodes
// `recomputed`); the program's saved-tensor hooks run at pack time (forward) and unpack time
// (backward) for some node's saved tensors; and a backward call made inside a torch.func
// transform is listed without events, because its graph is the transform's. The model,
// inspector, timeline and panels ask these questions here.

/**
 * Backward call in which node `n`'s checkpointed segment was run again (null: not
 * recomputed, or unknown for a non-reentrant segment, which reruns in the backward call that
 * reaches it). A reentrant checkpoint rebuilds its segment as new nodes during backward call
 * N without create_graph; a create_graph call's new nodes are its double-backward graph.
 */
export function recomputedIn(n, calls) {
  if (n.created_in_call == null) return null;
  return calls[n.created_in_call]?.create_graph ? null : n.created_in_call;
}

/**
 * The node each saved-tensor hook run belongs to, by its place in the timeline: a pack runs
 * while the op that saves the tensor runs (before that op's forward event, after those of
 * the leaves it is the first to use), an unpack before the backward event of the node that
 * needs it. Map node id -> its runs, in order; each run also gets `owner` (its node).
 */
export function savedHookRuns(events, nodes) {
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
    if (owner) for (const run of pending) run.owner = ev.node; // the caption names the node
    if (ev.phase === 'forward' || ev.phase === 'backward') pending = [];
  }
  return runs;
}

/**
 * Backward calls listed without events: made inside a torch.func transform (grad, vmap,
 * jacrev...) or with is_grads_batched=True, whose graph and gradients are the transform's,
 * which the tracer does not draw. Each is the call with its `index`.
 */
export function untracedCalls(events, calls) {
  const seen = new Set(events.map((ev) => ev.call).filter((c) => c != null));
  return calls.map((call, index) => ({ ...call, index })).filter((call) => !seen.has(call.index));
}
