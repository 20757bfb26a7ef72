"""Which frames are the program's, and which of its files each line is in.

The playground runs one program, compiled under the name ``<program>``: its lines are the
only ones a trace names. Your own code (``gradtrace.trace()``, ``gradtrace run``) spans
files: the layer in ``model.py``, the loss in ``train.py``, a notebook cell. A ``Sources``
answers, for a frame, whether it is the program's and where it is, so every place that
names a line (nodes, hook and ``.grad`` events, backward calls, errors) asks one object.

Inside the tracer a location is one integer, ``file * STRIDE + line``, so that every record
keeps its single ``line`` field while running; :meth:`Sources.localize` splits it into
``line`` and ``file`` (an index into the trace's ``files``) when the trace is written. With
one file, ``file`` is 0 and the integer is the line itself: the playground's traces do not
change.
"""

from __future__ import annotations

import linecache
import os
import site
import sys
import sysconfig
from collections.abc import Callable, Iterator
from pathlib import Path
from types import FrameType, TracebackType
from typing import Any

import torch

__all__ = ["PROGRAM_FILENAME", "STRIDE", "Sources", "is_user_file"]

PROGRAM_FILENAME = "<program>"
STRIDE = 1_000_000  # no source file has a million lines

# Code that is never "your code": Python's own library, installed packages, torch, gradtrace.
def _library_roots() -> tuple[str, ...]:
    """Python's own library, every site-packages (the venv's, the user's, Debian's
    dist-packages), torch and gradtrace: folders whose code is never the user's."""
    paths = {sysconfig.get_path(key) for key in ("stdlib", "platstdlib", "purelib", "platlib")}
    paths |= {*site.getsitepackages(), site.getusersitepackages()}
    paths |= {entry for entry in sys.path if entry.endswith(("site-packages", "dist-packages"))}
    paths |= {os.path.dirname(torch.__file__), str(Path(__file__).resolve().parents[1])}
    return tuple(os.path.realpath(path) + os.sep for path in paths if path)


_LIBRARY_ROOTS = _library_roots()
_PACKAGE_FOLDERS = ("site-packages", "dist-packages")


def is_user_file(filename: str) -> bool:
    """Whether code compiled from ``filename`` is the user's, not a library's.

    A file outside Python's library, site-packages, torch and gradtrace, or a notebook
    cell (IPython's ``<ipython-input-...>``; ipykernel names cells by temporary paths,
    which pass the first test), is the user's. Frozen modules and ``<string>`` code are not.
    """
    if filename.startswith("<"):
        return filename.startswith("<ipython-input-")
    real = os.path.realpath(filename)
    if any(f"{os.sep}{folder}{os.sep}" in real for folder in _PACKAGE_FOLDERS):
        return False  # an installed package, wherever its environment is
    return not real.startswith(_LIBRARY_ROOTS)


class Sources:
    """The program's files, numbered in the order their lines were first seen."""

    def __init__(self, is_program: Callable[[str], bool], main: str | None = None,
                 *, several: bool = True) -> None:
        self._is_program = is_program
        # whether lines may come from more than one file (then traces carry ``files``)
        self.several = several
        self.paths: list[str] = []
        self._index: dict[str, int | None] = {}
        if main is not None:
            self._file(main)

    @classmethod
    def playground(cls) -> Sources:
        """One program, compiled as ``<program>`` (the sandbox, the server, ``trace``)."""
        return cls(lambda filename: filename == PROGRAM_FILENAME, PROGRAM_FILENAME,
                   several=False)

    @classmethod
    def user_code(cls, main: str | None = None) -> Sources:
        """Every file of the user's own (``is_user_file``), ``main`` first when given."""
        return cls(is_user_file, main)

    def _file(self, filename: str) -> int | None:
        index = self._index.get(filename, -1)
        if index == -1:
            index = len(self.paths) if self._is_program(filename) else None
            if index is not None:
                self.paths.append(filename)
            self._index[filename] = index
        return index

    def at(self, frame: FrameType | None) -> int | None:
        """The location of ``frame`` itself, or None when it is not the program's."""
        if frame is None:
            return None
        index = self._file(frame.f_code.co_filename)
        return None if index is None else index * STRIDE + frame.f_lineno

    def here(self, frame: FrameType | None) -> int | None:
        """The innermost program location on the stack from ``frame`` outwards.

        Runs for every recorded call, through a dozen library frames (torch's, ours): files
        already seen are looked up inline, not through :meth:`_file`.
        """
        known = self._index
        while frame is not None:
            filename = frame.f_code.co_filename
            index = known[filename] if filename in known else self._file(filename)
            if index is not None:
                return index * STRIDE + frame.f_lineno
            frame = frame.f_back
        return None

    def now(self) -> int | None:
        """The innermost program location on the caller's stack."""
        return self.here(sys._getframe(1))

    def in_traceback(self, tb: TracebackType | None) -> int | None:
        """The innermost program location of a traceback (where an error surfaced)."""
        found = None
        for frame, lineno in _walk(tb):
            index = self._file(frame.f_code.co_filename)
            if index is not None:
                found = index * STRIDE + lineno
        return found

    def describe(self, location: int) -> str:
        """``line 12`` in one file, ``line 12 of model.py`` across several."""
        index, line = divmod(location, STRIDE)
        if index == 0 and not self.several:
            return f"line {line}"
        return f"line {line} of {self.display_path(index)}"

    def display_path(self, index: int) -> str:
        """A file's path as the viewer shows it: relative to the working folder if inside."""
        path = self.paths[index]
        if path.startswith("<"):
            return path
        inside = os.path.abspath(path)
        here = os.getcwd() + os.sep
        return inside[len(here):] if inside.startswith(here) else inside

    def table(self) -> list[dict[str, str]]:
        """The trace's ``files``: each file's path and text, in index order."""
        return [{"path": self.display_path(i), "source": "".join(linecache.getlines(path))}
                for i, path in enumerate(self.paths)]

    def localize(self, trace: dict[str, Any]) -> None:
        """Split every location in ``trace`` into ``line`` and ``file``, and add ``files``."""
        if not self.several:
            return
        for record in _located(trace):
            index, line = divmod(record["line"], STRIDE)
            record["line"] = line
            if index:
                record["file"] = index
        trace["files"] = self.table()


def _walk(tb: TracebackType | None) -> Iterator[tuple[FrameType, int]]:
    while tb is not None:
        yield tb.tb_frame, tb.tb_lineno
        tb = tb.tb_next


def _located(trace: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """Every record of a trace that may carry a location in its ``line``."""
    records: list[Any] = [*trace["graph"]["nodes"], *trace["events"], *trace["calls"],
                          trace.get("error"), *trace.get("diagnostics", ()),
                          *trace.get("grad_flow", ())]
    for record in records:
        if isinstance(record, dict) and isinstance(record.get("line"), int):
            yield record
