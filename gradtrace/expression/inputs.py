"""The inputs of an expression request: named numbers and nested lists, checked before use.

Each input becomes ``name = torch.tensor(<literal>, requires_grad=True)`` in the generated
program, so the checks here are what makes that line safe to write: the name must be a plain
identifier the program does not use for itself, and the value must be a rectangular nest of
finite real numbers (a string or a bool would change what ``torch.tensor`` builds, and a
ragged list fails inside torch with a message about sequences, not about the input).

Every error names the input (``inputs.y: ragged list ...``), because the request is one JSON
object and the user has to know which field to fix.
"""

from __future__ import annotations

import keyword
import math
from collections.abc import Mapping
from typing import Any

__all__ = [
    "MAX_DIMS",
    "MAX_ELEMENTS",
    "MAX_INPUTS",
    "RESERVED_NAMES",
    "InputError",
    "InputValue",
    "check_inputs",
    "input_label",
]

MAX_INPUTS = 16
"""Most inputs one expression may name; the playground shows one field per input."""

MAX_ELEMENTS = 512
"""Most numbers in all inputs together. Inputs are typed by hand (a 16 x 32 matrix fits), and
at the longest spelling of a float (26 characters with its separator) 512 numbers plus the
longest expression stay under the default 20,000-character program limit."""

MAX_DIMS = 6
"""Deepest nesting of lists: a 6-d tensor is already more than anyone types by hand."""

MAX_NAME_CHARS = 64

RESERVED_NAMES = frozenset({"torch", "math", "F", "result"})
"""Names the generated program binds itself (modules it imports, the expression's value)."""

InputValue = float | list[Any]
"""A validated input: a float, or a rectangular nested list of floats."""


class InputError(ValueError):
    """A bad input: ``name`` is the input's name (None for the inputs as a whole)."""

    def __init__(self, name: str | None, message: str) -> None:
        super().__init__(message)
        self.name = name


def input_label(name: str) -> str:
    """How an error refers to an input: ``inputs.y``, or ``inputs['1 y']`` for a bad name."""
    return f"inputs.{name}" if name.isidentifier() else f"inputs[{name!r}]"


def check_name(name: str) -> None:
    """Raise ValueError unless ``name`` can be a variable of the generated program."""
    if len(name) > MAX_NAME_CHARS:
        raise ValueError(f"the name is longer than {MAX_NAME_CHARS} characters")
    if not name.isidentifier() or not name.isascii():
        raise ValueError("the name is not a Python identifier (letters, digits and _, "
                         "not starting with a digit)")
    if keyword.iskeyword(name):
        raise ValueError(f"`{name}` is a Python keyword")
    if name.startswith("_"):
        raise ValueError("names starting with an underscore are reserved for Python internals")
    if name in RESERVED_NAMES:
        used = ", ".join(sorted(RESERVED_NAMES))
        raise ValueError(f"`{name}` is a name the program uses itself ({used})")


def _number(value: Any) -> float:
    """A finite float from a JSON number; anything else raises ValueError."""
    if isinstance(value, bool):
        raise ValueError("true/false is not a number (write 1.0 or 0.0)")
    if isinstance(value, str):
        raise ValueError(f"the string {value[:20]!r} is not a number")
    if not isinstance(value, int | float):
        raise ValueError(f"{type(value).__name__ if value is not None else 'null'} "
                         "is not a number or a list of numbers")
    try:
        number = float(value)
    except OverflowError:
        raise ValueError("the number is too large for a float") from None
    if not math.isfinite(number):
        raise ValueError(f"{number} is not a finite number")
    return number


def _shape(value: Any, depth: int = 0) -> list[int]:
    """The shape of a nested list (ValueError when ragged or too deep); [] for a number."""
    if not isinstance(value, list):
        return []
    if depth >= MAX_DIMS:
        raise ValueError(f"lists nested more than {MAX_DIMS} deep")
    if not value:
        return [0]
    first = _shape(value[0], depth + 1)
    for i, item in enumerate(value[1:], start=1):
        if _shape(item, depth + 1) != first:
            raise ValueError(f"ragged list: item [{i}] does not have the shape of item [0] "
                             f"({first or 'a number'})")
    return [len(value), *first]


def _floats(value: Any) -> InputValue:
    """The same nest with every number checked and made a float."""
    if isinstance(value, list):
        return [_floats(item) for item in value]
    return _number(value)


def check_value(value: Any) -> tuple[InputValue, int]:
    """A validated input value and how many numbers it holds."""
    if isinstance(value, dict):
        raise ValueError("an object is not a number or a list of numbers")
    shape = _shape(value)
    return _floats(value), math.prod(shape)


def check_inputs(inputs: Mapping[str, Any]) -> dict[str, InputValue]:
    """Validate every input in order; the first problem raises InputError naming the input."""
    if len(inputs) > MAX_INPUTS:
        raise InputError(None, f"inputs: at most {MAX_INPUTS} inputs, got {len(inputs)}")
    checked: dict[str, InputValue] = {}
    total = 0
    for name, raw in inputs.items():
        try:
            check_name(name)
            value, count = check_value(raw)
        except ValueError as exc:
            raise InputError(name, f"{input_label(name)}: {exc}") from None
        total += count
        if total > MAX_ELEMENTS:
            raise InputError(name, f"{input_label(name)}: too many elements (the inputs may hold "
                             f"{MAX_ELEMENTS} numbers in all; this one brings them to {total})")
        checked[name] = value
    return checked
