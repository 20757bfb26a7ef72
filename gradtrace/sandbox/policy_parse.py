"""Parsing a program without letting the parser itself be the attack.

Parsing is a denial of service on its own (a 10 MB source takes about a minute, deep nesting
raises ``RecursionError``/``MemoryError`` inside the parser), so the size is capped before
parsing and every parser failure is reported as a syntax error with its position.
"""

from __future__ import annotations

import ast

from gradtrace.sandbox.errors import PolicyError

__all__ = ["parse"]


def parse(source: str, max_chars: int) -> ast.Module:
    """Parse ``source`` after checking its size; every failure is a PolicyError."""
    if len(source) > max_chars:
        raise PolicyError(
            "forbidden",
            f"The program is {len(source):,} characters long; the limit is {max_chars:,}.",
            hint="Shorten the program or split it into smaller experiments.",
        )
    return _parse(source)


def _parse(source: str) -> ast.Module:
    """Parse, turning every parser failure into a ``syntax`` PolicyError."""
    try:
        return ast.parse(source, filename="<program>", mode="exec")
    except SyntaxError as exc:  # includes IndentationError and TabError
        line, col = exc.lineno or 1, max((exc.offset or 1) - 1, 0)
        raise PolicyError("syntax", f"{type(exc).__name__}: {exc.msg}", line, col) from None
    except (RecursionError, MemoryError):
        raise PolicyError(
            "syntax", "The program is nested too deeply for the parser.", 1, 0
        ) from None
    except ValueError as exc:  # "source code string cannot contain null bytes"
        raise PolicyError("syntax", f"The program cannot be parsed: {exc}", 1, 0) from None
