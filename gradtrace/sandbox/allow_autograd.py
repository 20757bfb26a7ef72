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
``graph.set_*``                              process-wide settings
``graph.GradientEdge``, ``get_gradient_edge``  torch's C++ trusts an edge's ``output_nr``:
                                              ``autograd.grad(z, GradientEdge(node, 10**5))``
                                              returned an arbitrary object from memory and
                                              other numbers segfaulted (measured); and
                                              ``type(edge)`` is the constructor
``checkpoint.set_checkpoint_debug_enabled``  process-wide switch (``debug=True`` per call
                                              works the same way)
``checkpoint.set_checkpoint_early_stop``     process-wide switch
``autograd.function.InplaceFunction`` etc.   legacy internals; ``Function`` covers them
``profile``'s ``export_chrome_trace``,        they write files (the playground prints the
``export_stacks`` (and ``torch.profiler``'s   summaries instead: ``prf.key_averages()
``export_memory_timeline``,                   .table(sort_by=...)``)
``tensorboard_trace_handler``)
``torch.profiler`` (the module)               its schedules and handlers exist to write
                                              traces to files; ``autograd.profiler``
                                              covers what the tutorials print
============================================  ==============================================

Two are served checked (``facade_guards``): ``saved_tensors_hooks`` (an unpack hook could
return its own tensor for a saved index tensor, and max-pool's backward would write where it
points) and ``checkpoint``'s recomputation (the same swap through a function that computes
something else the second time); both compare the tensor with what was saved.

``graph.allow_mutation_on_saved_tensors`` is allowed: a ``with`` block that clones a saved
tensor before the program writes into it (a dispatch mode of torch's own, popped on exit),
so backward sees the value from forward; it only copies tensors the program already has.
``graph.increment_version(t)`` is allowed: it only raises a tensor's version counter (never
lowers it), so the most it does is make autograd's saved-tensor check refuse a backward
with the in-place error, as its documentation shows.
``autograd.profiler.profile`` (and ``record_function``, which labels a region) is allowed:
it records which operators ran and for how long, in memory, and returns those records as
Python objects and strings (``function_events``, ``key_averages()``, ``table()``); the
profiler state it turns on is switched off by ``__exit__``. It needs no syscall the worker's
seccomp filter refuses (tested in the hardened worker).

Why the allowed ones cannot reach outside: the ``torch.func`` transforms, ``dual_level``,
``checkpoint`` and ``saved_tensors_hooks`` only call the program's own functions with
tensors (the transforms wrap tensors in ``BatchedTensor``/``GradTrackingTensor``, which are
still tensors whose attributes go through the same name rules); the contexts are ``with``
blocks (``__enter__`` is an underscore name, so a program cannot leave one entered by
hand), and every program runs in a fresh process.
"""

from __future__ import annotations

from gradtrace.sandbox.allow_names import names as _names

__all__ = [
    "AUTOGRAD_FUNCTION_MEMBERS",
    "AUTOGRAD_OBJECT_ATTRS",
    "CHECKPOINT_MEMBERS",
    "FORWARD_AD_MEMBERS",
    "FUNC_MEMBERS",
    "GRAPH_EXTRA_MEMBERS",
    "PROFILER_ATTRS",
    "PROFILER_MEMBERS",
]



FUNC_MEMBERS = _names("""
    grad grad_and_value vmap jacrev jacfwd hessian vjp jvp functional_call
    stack_module_state
""")

FORWARD_AD_MEMBERS = _names("dual_level make_dual unpack_dual UnpackedDualTensor")

AUTOGRAD_FUNCTION_MEMBERS = _names("Function FunctionCtx once_differentiable")

GRAPH_EXTRA_MEMBERS = _names("""
    saved_tensors_hooks save_on_cpu disable_saved_tensors_hooks allow_mutation_on_saved_tensors
    increment_version
""")

PROFILER_MEMBERS = _names("profile record_function")

# What the profile object and its event lists offer that only reads the records.
PROFILER_ATTRS = _names("""
    function_events key_averages table total_average self_cpu_time_total cpu_time_total
    cpu_time self_cpu_memory_usage cpu_memory_usage count key input_shapes cpu_children
    cpu_parent
""")

CHECKPOINT_MEMBERS = _names("checkpoint checkpoint_sequential")

# Attribute names of the objects these return: ``unpack_dual(...).primal/.tangent`` and
# ``FunctionCtx.save_for_forward``.
AUTOGRAD_OBJECT_ATTRS = _names("primal tangent save_for_forward")
