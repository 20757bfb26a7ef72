// beyond.js: autograd beyond one backward() pass, as the trace shows it. No DOM here.
//
// A checkpointed segment is run again in backward (a reentrant checkpoint rebuilds it as
// new nodes during the outer backward call; a non-reentrant one marks its nodes
// `recomputed`), and a backward call made inside a torch.func transform is listed without
// events, because its graph is the transform's. The model, inspector, timeline and panels ask
// these questions here (which node a saved-tensor hook's run belongs to: kinds/saved_hook.js).

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
 * Backward calls listed without events: made inside a torch.func transform (grad, vmap,
 * jacrev...) or with is_grads_batched=True, whose graph and gradients are the transform's,
 * which the tracer does not draw. Each is the call with its `index`.
 */
export function untracedCalls(events, calls) {
  const seen = new Set(events.map((ev) => ev.call).filter((c) => c != null));
  return calls.map((call, index) => ({ ...call, index })).filter((call) => !seen.has(call.index));
}
