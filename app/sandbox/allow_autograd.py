"""Allow-listed autograd extensions: ``torch.func``, forward-mode AD, checkpointing, graph hooks.

Each group was decided on purpose (the rule: the autograd API as the tutorials use it runs,
unless a name reaches outside the program). What stays out, and why:

============================================  ==============================================
refused                                       reason
============================================  ==============================================
``torch.func.linearize``                     records the function with ``make_fx`` and
                                              generates Python code for it; use ``jvp``
``torch.func.functionalize``, ``debug_unwrap``  internals of the transforms, no tutorial use
``replace_all_batch_norm_modules_``          patches modules in place for vmap; rare
``forward_ad.enter_dual_level``/``exit_...``  a level left entered outlives the program in
                                              an in-process run; ``with dual_level():``
``graph.allow_mutation_on_saved_tensors``    swaps tensors' storage under a dispatch mode
``graph.increment_version``, ``set_*``       raw version counters / process-wide settings
``graph.GradientEdge``, ``get_gradient_edge``  torch's C++ trusts an edge's ``output_nr``:
                                              ``autograd.grad(z, GradientEdge(node, 10**5))``
                                              returned an arbitrary object from memory and
                                              other numbers segfaulted (measured); and
                                              ``type(edge)`` is the constructor
``checkpoint.set_checkpoint_debug_enabled``  process-wide switch (``debug=True`` per call
                                              works the same way)
``checkpoint.set_checkpoint_early_stop``     process-wide switch
``autograd.function.InplaceFunction`` etc.   legacy internals; ``Function`` covers them
============================================  ==============================================

Two are served checked (``facade_guards``): ``saved_tensors_hooks`` (an unpack hook could
return its own tensor for a saved index tensor, and max-pool's backward would write where it
points) and ``checkpoint``'s recomputation (the same swap through a function that computes
something else the second time); both compare the tensor with what was saved.

Why the allowed ones cannot reach outside: the ``torch.func`` transforms, ``dual_level``,
``checkpoint`` and ``saved_tensors_hooks`` only call the program's own functions with
tensors (the transforms wrap tensors in ``BatchedTensor``/``GradTrackingTensor``, which are
still tensors whose attributes go through the same name rules); the contexts are ``with``
blocks (``__enter__`` is an underscore name, so a program cannot leave one entered by
hand), and every program runs in a fresh process.
"""

from __future__ import annotations

__all__ = [
    "AUTOGRAD_FUNCTION_MEMBERS",
    "AUTOGRAD_OBJECT_ATTRS",
    "CHECKPOINT_MEMBERS",
    "FORWARD_AD_MEMBERS",
    "FUNC_MEMBERS",
    "GRAPH_EXTRA_MEMBERS",
]


def _names(text: str) -> frozenset[str]:
    return frozenset(text.split())


FUNC_MEMBERS = _names("""
    grad grad_and_value vmap jacrev jacfwd hessian vjp jvp functional_call
    stack_module_state
""")

FORWARD_AD_MEMBERS = _names("dual_level make_dual unpack_dual UnpackedDualTensor")

AUTOGRAD_FUNCTION_MEMBERS = _names("Function FunctionCtx once_differentiable")

GRAPH_EXTRA_MEMBERS = _names("saved_tensors_hooks save_on_cpu disable_saved_tensors_hooks")

CHECKPOINT_MEMBERS = _names("checkpoint checkpoint_sequential")

# Attribute names of the objects these return: ``unpack_dual(...).primal/.tangent`` and
# ``FunctionCtx.save_for_forward``.
AUTOGRAD_OBJECT_ATTRS = _names("primal tangent save_for_forward")
