"""The self-contained viewer: one HTML file with the page, its libraries and a trace.

Every way of showing a trace without the server goes through :func:`standalone_html`: the
library's ``save_html``, the notebook display (:func:`notebook_html`), ``gradtrace view``
and the playground's Export HTML button (which fetches the empty viewer from
``GET /export/viewer.html`` and puts its trace in the same slot, in the browser).
"""

from __future__ import annotations

import webbrowser
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from gradtrace.viewer.page import notebook_html, standalone_html

__all__ = ["notebook_html", "open_in_browser", "save_html", "standalone_html"]


def save_html(trace: Mapping[str, Any], path: str | Path, *, title: str = "Gradtrace") -> Path:
    """Write the viewer for ``trace`` to ``path`` (UTF-8); returns the path written."""
    target = Path(path)
    target.write_text(standalone_html(trace, title=title), encoding="utf-8")
    return target


def open_in_browser(path: str | Path) -> bool:
    """Open a written viewer file in the default browser; False when none could be started."""
    return webbrowser.open(Path(path).resolve().as_uri())
