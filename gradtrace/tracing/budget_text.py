"""The byte budget's cuts of text: the output, the warnings, any other long string.

Steps of :func:`gradtrace.tracing.budget.fit` (its docstring gives their order). Each takes
the trace and how many bytes it should free, cuts no more than that (down to a floor), and
returns what it cut, or None when there is nothing left for it to cut.
"""

from __future__ import annotations

from typing import Any

from gradtrace.tracing.wire import dumps

__all__ = ["STRING_KEEP", "Part", "cut_stdout", "cut_strings", "cut_warnings", "head", "size"]

Part = dict[str, Any]
"""One entry of ``reply_cut.parts``: ``{part, unit, kept, dropped}``."""

_TEXT_KEEP = 4096
STRING_KEEP = 256
# cut by their own steps (and the table holds no text)
_TEXTS = ("stdout", "warnings", "tensors", "reply_cut")


def size(value: Any) -> int:
    return len(dumps(value))


def head(text: str, size: int) -> str:
    """The first ``size`` bytes of ``text`` in UTF-8, never half a character."""
    return text.encode("utf-8", "replace")[:size].decode("utf-8", "ignore")


def _bytes(text: str) -> int:
    return len(text.encode("utf-8", "replace"))


def cut_stdout(trace: dict[str, Any], need: int) -> Part | None:
    before = _bytes(trace["stdout"])
    keep = max(_TEXT_KEEP, before - need)
    if before <= keep:
        return None
    trace["stdout"] = head(trace["stdout"], keep)
    after = _bytes(trace["stdout"])
    return {"part": "stdout", "unit": "bytes", "kept": after, "dropped": before - after}


def cut_warnings(trace: dict[str, Any], need: int) -> Part | None:
    texts: list[str] = trace["warnings"]
    before = sum(_bytes(text) for text in texts)
    room = max(_TEXT_KEEP, before - need)
    if before <= room:
        return None
    kept: list[str] = []
    for text in texts:
        if room <= 0:
            break
        kept.append(head(text, room))
        room -= _bytes(kept[-1])
    trace["warnings"] = kept
    after = sum(_bytes(text) for text in kept)
    return {"part": "warnings", "unit": "bytes", "kept": after, "dropped": before - after}


class _Shortener:
    """Shortens every long string of a JSON value in place, keys too (kept distinct)."""

    def __init__(self) -> None:
        self.kept = 0
        self.dropped = 0

    def text(self, text: str) -> str:
        """``text`` cut to ``STRING_KEEP`` characters, the last one "…" (so a cut text is
        never cut again), or unchanged when cutting it would free no byte."""
        if len(text) <= STRING_KEEP:
            return text
        short = text[:STRING_KEEP - 1] + "\u2026"
        freed = _bytes(text) - _bytes(short)
        if freed <= 0:
            return text
        self.kept += _bytes(short)
        self.dropped += freed
        return short

    def walk(self, value: Any) -> Any:
        """``value`` with its long strings shortened; containers are changed in place."""
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, list):
            for index, item in enumerate(value):
                if isinstance(item, (str, list, dict)):
                    value[index] = self.walk(item)
        elif isinstance(value, dict):
            for key, item in value.items():
                if isinstance(item, (str, list, dict)):
                    value[key] = self.walk(item)
            if any(len(key) > STRING_KEEP for key in value):
                self._shorten_keys(value)
        return value

    def _shorten_keys(self, owner: dict[str, Any]) -> None:
        """Shorten the long keys of ``owner``, in order; two with the same start get ``…2``."""
        taken = {key for key in owner if len(key) <= STRING_KEEP}
        items: list[tuple[str, Any]] = []
        for key, item in owner.items():
            short, n = self.text(key), 1
            while short != key and short in taken:
                n += 1  # still at most STRING_KEEP characters: never cut again
                short = f"{key[:STRING_KEEP - 1 - len(str(n))]}\u2026{n}"
            taken.add(short)
            items.append((short, item))
        owner.clear()
        owner.update(items)


def _longest_string(body: bytes) -> int:
    """Bytes of the longest JSON string in ``body`` (keys too), read at C speed.

    With escapes blanked out, the double quotes alternate between opening and closing a
    string, so every other piece between them is one string's text.
    """
    pieces = body.replace(b"\\\\", b"__").replace(b'\\"', b"__").split(b'"')
    return max(map(len, pieces[1::2]), default=0)


def cut_strings(trace: dict[str, Any], need: int) -> Part | None:
    rest = dumps({key: value for key, value in trace.items() if key not in _TEXTS})
    if _longest_string(rest) <= STRING_KEEP:  # no character count exceeds the byte count
        return None  # the walk below, in Python, costs 30 times as much
    shortener = _Shortener()
    for key, value in trace.items():
        if key not in _TEXTS:
            trace[key] = shortener.walk(value)
    if not shortener.dropped:
        return None
    return {"part": "strings", "unit": "bytes", "kept": shortener.kept,
            "dropped": shortener.dropped}
