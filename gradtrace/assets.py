"""Where the page's files live: found through the installed package, never the checkout.

``templates/`` and ``static/`` ship inside the ``gradtrace`` package, so a wheel, an editable
install and the Docker image all find them the same way, with ``importlib.resources``.
Every entry point that shows the viewer (the server's page, the self-contained HTML export,
the notebook display) asks here.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

__all__ = ["STATIC_DIR", "TEMPLATES_DIR"]


def _folder(name: str) -> Path:
    """The package folder ``name`` as a real directory (Starlette and Jinja2 need one)."""
    folder = files("gradtrace") / name
    if not isinstance(folder, Path):  # a zip import: no directory to serve files from
        raise RuntimeError(f"gradtrace must be installed as files, not zipped ({folder})")
    return folder


STATIC_DIR = _folder("static")
TEMPLATES_DIR = _folder("templates")
