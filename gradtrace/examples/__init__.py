"""The example gallery: small PyTorch programs, one per autograd concept.

Each program lives in ``programs/NN_slug.py`` as a plain runnable file, so it can be run,
linted and tested like any script. Its module docstring carries the gallery metadata
(``Title:``, ``Topic:``, then a blank line and the explanation); the code served to the
playground is the file without that docstring, so that line numbers in a trace match what the
learner sees in the editor.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files

__all__ = ["Example", "get_example", "load_examples", "parse_example"]

_PACKAGE = "gradtrace.examples"
_FOLDER = "programs"


@dataclass(frozen=True)
class Example:
    """One gallery entry, in the shape ``GET /api/v1/examples`` serves.

    Attributes:
        id: the file name without its ``NN_`` order prefix, dashed (``chain-rule``).
        title: a short headline.
        topic: the autograd concept the example teaches (the sections of the topics list
            users come with, ``../shared/topics.md`` beside a checkout).
        explanation: one paragraph telling the learner what to look at.
        code: the runnable program, without the metadata docstring.
    """

    id: str
    title: str
    topic: str
    explanation: str
    code: str


def _slug(file_name: str) -> str:
    """``01_chain_rule.py`` -> ``chain-rule``: the order prefix is for sorting only."""
    stem = file_name.removesuffix(".py")
    _, _, rest = stem.partition("_")
    return (rest or stem).replace("_", "-")


def _metadata(docstring: str, file_name: str) -> tuple[str, str, str]:
    """Split ``Title: ...`` / ``Topic: ...`` / blank line / explanation."""
    head, _, body = docstring.strip().partition("\n\n")
    fields: dict[str, str] = {}
    for line in head.splitlines():
        key, sep, value = line.partition(":")
        if sep:
            fields[key.strip().lower()] = value.strip()
    if "title" not in fields or "topic" not in fields:
        raise ValueError(f"{file_name}: docstring must start with Title: and Topic: lines")
    explanation = " ".join(body.split())
    return fields["title"], fields["topic"], explanation


def parse_example(file_name: str, text: str) -> Example:
    """Build an Example from a program file's name and text."""
    module = ast.parse(text, filename=file_name)
    first = module.body[0] if module.body else None
    if not (
        isinstance(first, ast.Expr)
        and isinstance(first.value, ast.Constant)
        and isinstance(first.value.value, str)
        and first.end_lineno is not None
    ):
        raise ValueError(f"{file_name}: the first statement must be the metadata docstring")
    title, topic, explanation = _metadata(first.value.value, file_name)
    code = "\n".join(text.splitlines()[first.end_lineno :]).strip("\n") + "\n"
    return Example(_slug(file_name), title, topic, explanation, code)


@lru_cache(maxsize=1)
def _examples() -> tuple[Example, ...]:
    folder = files(_PACKAGE).joinpath(_FOLDER)
    entries = sorted(
        (entry for entry in folder.iterdir() if entry.name.endswith(".py")),
        key=lambda entry: entry.name,
    )
    return tuple(parse_example(entry.name, entry.read_text("utf-8")) for entry in entries)


def load_examples() -> list[Example]:
    """Every gallery example, ordered by file name (read once, then cached)."""
    return list(_examples())


def get_example(example_id: str) -> Example | None:
    """The example with this id, or None."""
    for example in _examples():
        if example.id == example_id:
            return example
    return None
