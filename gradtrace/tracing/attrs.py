"""An op's non-tensor settings, as its backward rule reads them (a node's ``attrs``).

``PowBackward0`` keeps its ``exponent``, ``SumBackward1`` its ``dim``, ``SubBackward0`` its
``alpha``: numbers the rule in ``gradtrace.tracing.formulas`` needs to be shown with the
step's own values. Only the settings a rule names are read, when the trace is written (a
backward pass frees saved tensors, never these), so the walk pays nothing for them.
"""

from __future__ import annotations

import functools
import math
from typing import Any

import torch

from gradtrace.tracing.formulas import rule_for

__all__ = ["settings_of"]

_SAVED = "_saved_"
_RAW = "_raw_saved_"  # what autograd names a saved *tensor* beside its _saved_ reader


@functools.cache
def _names(op: str) -> tuple[str, ...]:
    rule = rule_for(op)
    return () if rule is None else tuple(rule.attrs)


def settings_of(op: str, fn: Any) -> dict[str, Any] | None:
    """``{name: JSON value}`` of the settings ``op``'s rule reads that ``fn`` holds."""
    found: dict[str, Any] = {}
    for name in _names(op):
        if _saved_tensor(fn, name):  # reading it would run the program's unpack hooks
            continue
        try:
            value = getattr(fn, _SAVED + name)
        except Exception:  # not kept by this overload, or unreadable
            continue
        plain = _plain(value)
        if plain is not None:
            found[name] = plain
    return found or None


def _saved_tensor(fn: Any, name: str) -> bool:
    """Whether ``name`` is a saved tensor (autograd offers its raw form beside it)."""
    try:
        getattr(fn, _RAW + name)  # the raw SavedTensor: no unpacking
    except AttributeError:
        return False
    except Exception:  # freed by a backward pass: it was a saved tensor
        return True
    return True


def _plain(value: Any) -> Any:
    """A setting as JSON: numbers, booleans, strings and lists of them (None: not one)."""
    if isinstance(value, bool | str):
        return value
    if isinstance(value, torch.SymInt | int):
        whole = int(value)
        # autograd hands some int64 settings back as unsigned (ignore_index=-100 reads as
        # 2**64 - 100, a transpose's dim0=-2 as 2**64 - 2): read them as the signed value
        return whole - (1 << 64) if whole >= 1 << 63 else whole
    if isinstance(value, float | torch.SymFloat):
        number = float(value)
        return number if math.isfinite(number) else str(number)
    if isinstance(value, torch.dtype):
        return str(value).removeprefix("torch.")
    if isinstance(value, tuple | list):
        items = [_plain(item) for item in value]
        return None if any(item is None for item in items) else items
    return None
