"""Underscore attribute names that are documented API, readable (never assignable).

Underscore names are refused as a rule because they lead to Python's and PyTorch's internals.
A few are public in all but spelling, and the autograd documentation and blog posts read them:

``_version``
    a tensor's version counter (an ``int``; ``nn.Module._version`` is an ``int`` class
    attribute too). The autograd mechanics notes print it to explain in-place checks.
``_base``
    a view's base tensor (``None`` for a tensor that is not a view), as posts on views and
    in-place writes print it (``v._base is x``). Only ever a tensor or ``None``; its memory
    is torch's, allocated in this program's own fresh process for an op the program ran.
``_fields``, ``_asdict``
    a named tuple's field names and ``{field: value}``; the values are the tuple's own items,
    each already readable by its field name.
``_saved_<name>`` on graph nodes
    the tensors and values a backward function saved (``y.grad_fn._saved_self``), as the
    autograd mechanics notes show. Only the names PyTorch's generated nodes define
    (read from ``torch._C._functions``), so no other ``_saved_...`` of torch's internals
    (``_saved_tensors_hooks_disable`` of ``torch._C._autograd``...) matches.

Left out, with the reason the refusal gives (``REFUSED``): ``_raw_saved_<name>`` (hands out
``SavedTensor`` objects, whose ``register_hooks`` changes what backward unpacks), the saved
integer tensors a backward kernel indexes memory with without a bounds check (max-pool's
``_saved_result1`` indices, ``_saved_indices``, ``_saved_offsets``...: with ``.data``, which
does not count as a change for autograd's version check, a program could point them outside
the gradient), and ``_replace``/``_make``, which build a named tuple through
``tuple.__new__``, skipping its class's constructor: on torch's ``PackedSequence`` that
forges the ``batch_sizes`` the recurrent kernels trust.
"""

from __future__ import annotations

import functools

from gradtrace.sandbox.allow_names import names as _names

__all__ = ["READABLE", "REFUSED", "readable_private", "refusal_reason"]




READABLE = frozenset({"_version", "_fields", "_asdict", "_base"})

# ``_saved_<name>`` holding integer tensors that backward kernels use as memory offsets.
_TRUSTED_INDEX = _names("""
    indices index result1 result2 result3 result4 result5 offsets offs target targets
    pivots batch_sizes lengths input_lengths target_lengths cu_seqlens_q cu_seqlens_k
    cum_seq_q cum_seq_k
""")

_NODE_STATE = "it hands out autograd's own saved-tensor object, whose hooks change backward"
_INDEX = ("it is an index tensor that backward trusts to stay inside memory; it is not "
          "offered")
_NEW = ("it builds the tuple without its class's constructor, which could forge torch's own "
        "named tuples (PackedSequence)")

REFUSED: dict[str, tuple[str, str]] = {
    "_raw_saved_": (_NODE_STATE, "read the saved value with _saved_<name> instead"),
    "_replace": (_NEW, "make a new one: P(x=..., y=p.y)"),
    "_make": (_NEW, "call the class: P(*values)"),
}


@functools.cache
def _node_saved_names() -> frozenset[str]:
    """Every ``_saved_<name>`` PyTorch's generated backward nodes define (lazy: imports torch)."""
    import torch

    names: set[str] = set()
    for member in vars(torch._C._functions).values():
        if isinstance(member, type):
            names.update(n for n in dir(member) if n.startswith("_saved_"))
    return frozenset(n for n in names if n.removeprefix("_saved_") not in _TRUSTED_INDEX)


def readable_private(attr: str) -> bool:
    """True for an underscore attribute name a program may read."""
    return attr in READABLE or (attr.startswith("_saved_") and attr in _node_saved_names())


def refusal_reason(attr: str) -> tuple[str, str] | None:
    """(why, what instead) for an underscore name left out on purpose, else None."""
    if attr.removeprefix("_saved_") in _TRUSTED_INDEX:
        return _INDEX, "use the operation's own result (x.max(dim=1).indices, ...)"
    for prefix, reason in REFUSED.items():
        if attr.startswith(prefix):
            return reason
    return None
