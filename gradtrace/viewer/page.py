"""Assemble the self-contained viewer: the one function every export path goes through.

``standalone_html`` renders ``templates/standalone.html`` (the playground's own markup from
``_body.html``, its CSS inline, the modules from :mod:`gradtrace.viewer.bundle`) once per
title, with an empty trace slot, and then fills the slot. The playground's Export HTML
button fetches the same empty document (``GET /export/viewer.html``) and fills the slot in
the browser the same way (``static/js/viewer.js`` ``fillSlot``), so the library's
``save_html``, the notebook display, the CLI and the button all produce one file.
"""

from __future__ import annotations

import functools
import html
import json
from collections.abc import Mapping
from typing import Any

import jinja2

from gradtrace.assets import STATIC_DIR, TEMPLATES_DIR
from gradtrace.tracing import FORMAT, dumps
from gradtrace.version import __version__
from gradtrace.viewer.bundle import collect, licences

__all__ = ["EMPTY_SLOT", "fill_slot", "notebook_html", "script_json", "standalone_html"]

SLOT_OPEN = '<script type="application/json" id="gradtrace-trace">'
SLOT_CLOSE = "</script>"
# What the slot holds before a trace is put in: the JSON `null` (the viewer says "no trace").
EMPTY_SLOT = f"{SLOT_OPEN}null{SLOT_CLOSE}"


def script_json(text: str) -> str:
    """JSON text made safe inside a ``<script>`` element: no ``<`` at all.

    ``\\u003c`` is the same character to ``JSON.parse``, and without a ``<`` neither
    ``</script>`` nor ``<!--`` in a program's source, its stdout or a module can end or
    re-mode the element.
    """
    return text.replace("<", "\\u003c")


def _trace_json(trace: Mapping[str, Any]) -> str:
    """The trace as compact JSON (orjson, as the API answers: numpy arrays in the table)."""
    if not isinstance(trace, Mapping):
        raise TypeError(f"a trace is a mapping (the tracer's dict), not {type(trace).__name__}")
    if trace.get("format") != FORMAT:
        raise ValueError(f"not a Gradtrace trace of format {FORMAT} "
                         f"(its format is {trace.get('format')!r})")
    return dumps(dict(trace)).decode("utf-8")


def fill_slot(document: str, trace_json: str) -> str:
    """Put compact trace JSON into an empty viewer document (``fillSlot`` in viewer.js)."""
    if document.count(EMPTY_SLOT) != 1:
        raise ValueError("not an empty Gradtrace viewer document")
    return document.replace(EMPTY_SLOT, SLOT_OPEN + script_json(trace_json) + SLOT_CLOSE, 1)


@functools.lru_cache(maxsize=8)
def _empty_document(title: str) -> str:
    """The viewer without a trace (built once per title: the assets do not change)."""
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATES_DIR)),
                             autoescape=True, keep_trailing_newline=True)
    payload = json.dumps(collect().payload(), ensure_ascii=False, separators=(",", ":"))
    loader = (STATIC_DIR / "js" / "loader.js").read_text(encoding="utf-8")
    if "</script" in loader.lower():
        raise RuntimeError("static/js/loader.js must not contain '</script'")
    return env.get_template("standalone.html").render(
        title=title, version=__version__,
        css=(STATIC_DIR / "css" / "app.css").read_text(encoding="utf-8").replace("</", "<\\/"),
        licences=licences(), modules=script_json(payload), trace_slot=EMPTY_SLOT,
        loader=loader,
    )


def standalone_html(trace: Mapping[str, Any] | None, *, title: str = "Gradtrace") -> str:
    """One HTML document showing ``trace`` with the full viewer, offline, from ``file://``.

    ``trace`` is a format-5 trace as the tracer returns it or as JSON loaded back; None
    gives the empty viewer the playground's Export HTML button fills in the browser.
    Raises TypeError or ValueError for anything that is not a format-5 trace.
    """
    document = _empty_document(str(title))
    if trace is None:
        return document
    return fill_slot(document, _trace_json(trace))


def notebook_html(trace: Mapping[str, Any], *, height: int = 640) -> str:
    """What ``_repr_html_`` returns: the viewer in an ``<iframe srcdoc>``, ``height`` px tall.

    Notebook frontends do not run ``<script>`` in outputs they do not trust, and a page's
    ids and styles would clash with the notebook's; an iframe's ``srcdoc`` is a document of
    its own and runs in every frontend. ``html.escape`` makes the whole document one
    attribute value.
    """
    if not isinstance(height, int) or isinstance(height, bool) or height <= 0:
        raise ValueError(f"height is a positive number of pixels, not {height!r}")
    document = standalone_html(trace)
    return (f'<iframe srcdoc="{html.escape(document, quote=True)}" title="Gradtrace viewer" '
            f'style="width: 100%; height: {height}px; border: 1px solid #d5d9de; '
            f'border-radius: 6px"></iframe>')
