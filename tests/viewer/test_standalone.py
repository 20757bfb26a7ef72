"""The self-contained viewer's assembly: what the one HTML file holds, and that nothing breaks out.

The browser tests (tests/browser/test_standalone.py) open these files in Chromium; here the
document itself is checked: every module the page imports is inside, the trace comes back
exactly, a program's ``</script>`` stays text, the libraries' licences are there.
"""

from __future__ import annotations

import html
import json
import re
from html.parser import HTMLParser
from typing import Any

import pytest
from fastapi.testclient import TestClient

from gradtrace.assets import STATIC_DIR
from gradtrace.main import create_app
from gradtrace.tracing import trace_source
from gradtrace.tracing.wire import dumps
from gradtrace.viewer import notebook_html, save_html, standalone_html
from gradtrace.viewer.bundle import IMPORT, collect, import_map, module_key
from gradtrace.viewer.page import EMPTY_SLOT

CHAIN = """import torch
x = torch.ones(2, 2, requires_grad=True)
y = x + 2
z = y * y * 3
out = z.mean()
out.backward()
print(x.grad)
"""

# A program whose stdout and source both try to close the script element and run code.
BREAKOUT = """import torch
# </script><script>window.pwned = 1</script>
x = torch.ones(2, requires_grad=True)
(x * 2).sum().backward()
print("</script><script>window.pwned = 2</script><!--")
"""


class Scripts(HTMLParser):
    """Every <script> element of a document: its attributes and its text, as a browser parses."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[dict[str, str | None], str]] = []
        self._open: dict[str, str | None] | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "script":
            self._open, self._text = dict(attrs), []

    def handle_data(self, data: str) -> None:
        if self._open is not None:
            self._text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "script" and self._open is not None:
            self.found.append((self._open, "".join(self._text)))
            self._open = None


def scripts(document: str) -> dict[str, str]:
    """The document's scripts by id (the inline loader has none: key '')."""
    parser = Scripts()
    parser.feed(document)
    parser.close()
    by_id: dict[str, str] = {}
    for attrs, text in parser.found:
        key = attrs.get("id") or ""
        assert key not in by_id, f"two scripts named {key!r}"
        by_id[key] = text
    return by_id


@pytest.fixture(scope="module")
def chain() -> dict[str, Any]:
    trace = trace_source(CHAIN)
    assert trace["ok"], trace["error"]
    return trace


def test_every_module_the_page_imports_is_embedded() -> None:
    payload = json.loads(scripts(standalone_html(None))["gradtrace-modules"])
    modules, aliases = payload["modules"], payload["aliases"]
    assert payload["entry"] == module_key("js/main.js") in modules
    # every file of ours that main.js reaches, found here by reading the files afresh
    ours = {module_key(f"js/{p.name}") for p in (STATIC_DIR / "js").glob("*.js")}
    ours -= {module_key("js/loader.js"), module_key("js/layout.worker.js")}
    assert ours <= set(modules), sorted(ours - set(modules))
    # every vendored library of the playground's import map, under its bare name
    assert aliases == {bare: module_key(path) for bare, path in import_map().items()}
    assert set(aliases.values()) <= set(modules)
    for key, source in modules.items():
        for found in IMPORT.finditer(source):
            spec = found["spec"]
            assert spec in modules or spec in aliases, f"{key} imports {spec!r}, not embedded"
    # our multi-line and single-line imports were all seen (none left relative)
    assert not re.search(r"""from\s*['"]\.\.?/""", "".join(modules.values()))


def test_the_worker_carries_elk_and_fetches_nothing() -> None:
    worker = collect().worker
    assert "importScripts" not in worker.split("/* global importScripts, ELK */", 1)[1]
    elk = (STATIC_DIR / "vendor/elkjs/elk.bundled.js").read_text(encoding="utf-8")
    assert elk in worker and "self.onmessage = onRequest" in worker


def test_the_trace_round_trips(chain: dict[str, Any]) -> None:
    document = standalone_html(chain, title="Chain <rule> & co")
    back = json.loads(scripts(document)["gradtrace-trace"])
    assert back == json.loads(dumps(chain))
    assert "<title>Chain &lt;rule&gt; &amp; co</title>" in document
    # the filled document is the empty one with only the slot changed
    empty = standalone_html(None, title="Chain <rule> & co")
    head, tail = empty.split(EMPTY_SLOT)
    assert document.startswith(head) and document.endswith(tail)


def test_script_end_tags_in_source_and_stdout_stay_text() -> None:
    trace = trace_source(BREAKOUT)
    assert trace["ok"], trace["error"]
    assert "</script>" in trace["stdout"]
    trace = {**trace, "files": [{"path": "breakout.py", "source": BREAKOUT}]}
    document = standalone_html(trace)
    found = scripts(document)
    assert set(found) == {"gradtrace-modules", "gradtrace-trace", ""}
    back = json.loads(found["gradtrace-trace"])
    assert back["stdout"] == trace["stdout"]
    assert back["files"][0]["source"] == BREAKOUT
    assert "window.pwned" not in found[""]  # the loader is ours alone
    assert "<" not in found["gradtrace-trace"] and "<" not in found["gradtrace-modules"]


def test_licences_are_in_the_file() -> None:
    document = standalone_html(None)
    licences = sorted((STATIC_DIR / "vendor").rglob("LICENSE*"))
    assert len(licences) >= 17
    shown = {html.unescape(text) for text in
             re.findall(r'<pre data-package="[^"]*">(.*?)</pre>', document, re.DOTALL)}
    for path in licences:
        assert path.read_text(encoding="utf-8") in shown, path
    assert "Eclipse Public License" in document  # elkjs: EPL-2.0
    assert "elkjs 0.12.1" in document and "cytoscape 3.34.4" in document


def test_notebook_html_is_the_viewer_in_an_iframe(chain: dict[str, Any]) -> None:
    shown = notebook_html(chain, height=500)
    found = re.fullmatch(
        r'<iframe srcdoc="([^"]*)" title="Gradtrace viewer" style="([^"]*)"></iframe>', shown)
    assert found is not None
    assert html.unescape(found[1]) == standalone_html(chain)
    assert "height: 500px" in found[2]
    with pytest.raises(ValueError, match="height"):
        notebook_html(chain, height=0)


def test_what_is_not_a_trace_is_refused(tmp_path: Any) -> None:
    with pytest.raises(TypeError):
        standalone_html([1, 2])  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="format 5"):
        standalone_html({"format": 4, "graph": {}})
    written = save_html(trace_source(CHAIN), tmp_path / "chain.html")
    assert written.read_text(encoding="utf-8").startswith("<!doctype html>")


def test_the_export_route_serves_the_empty_viewer() -> None:
    client = TestClient(create_app())
    answer = client.get("/export/viewer.html")
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/html")
    assert answer.text == standalone_html(None)
    again = client.get("/export/viewer.html", headers={"If-None-Match": answer.headers["etag"]})
    assert again.status_code == 304
