"""Collect what the self-contained viewer carries: every ES module, the layout worker, licences.

The served page loads its modules from ``/static`` and resolves the vendored libraries'
bare specifiers (``cytoscape``, ``@codemirror/view``) through the import map in
``templates/index.html``. A file opened from ``file://`` can do neither: Chromium refuses
module scripts and workers from ``file:`` URLs. So the viewer carries each module's source,
keyed by its path under ``static/`` (``gradtrace/js/model.js``), and ``static/js/loader.js``
turns each into a ``blob:`` URL at load time. Relative specifiers cannot resolve against a
``blob:`` URL, so ours are rewritten to keys here; bare specifiers stay, and the loader's
import map sends them to the same blobs. The import map of ``index.html`` is read, not
copied, so the two pages cannot drift apart.
"""

from __future__ import annotations

import json
import posixpath
import re
from dataclasses import dataclass, field
from pathlib import Path

from gradtrace.assets import STATIC_DIR, TEMPLATES_DIR

__all__ = ["ENTRY", "IMPORT", "Bundle", "collect", "import_map", "licences", "module_key"]

ENTRY = "js/main.js"
WORKER = "js/layout.worker.js"
_PREFIX = "gradtrace/"
# A static import or re-export at the start of a line (the form every module here uses, ours
# and the vendored ones): `import x from '...'`, `import {\n a,\n b\n} from '...'`,
# `export { a } from '...'`, `import * as ns from '...'`, `import '...'`.
IMPORT = re.compile(
    r"""^(?P<head>[ \t]*(?:import|export)(?:\s*[\w$*{}\s,]+?\s*from)?\s*)"""
    r"""(?P<q>['"])(?P<spec>[^'"\n]+)(?P=q)""",
    re.MULTILINE,
)
_IMPORT_SCRIPTS = re.compile(r"""^importScripts\((['"])(?P<path>[^'"\n]+)\1\);?[ \t]*$""",
                             re.MULTILINE)
_IMPORT_MAP = re.compile(r'<script type="importmap">(?P<json>.*?)</script>', re.DOTALL)


def module_key(path: str) -> str:
    """The bare specifier a file under ``static/`` is known by inside the viewer."""
    return _PREFIX + path


def import_map() -> dict[str, str]:
    """The playground's import map: bare specifier -> path under ``static/``."""
    page = (TEMPLATES_DIR / "index.html").read_text(encoding="utf-8")
    found = _IMPORT_MAP.search(page)
    if found is None:
        raise RuntimeError("templates/index.html has no import map")
    imports = json.loads(found["json"].replace("{{ static_url }}/", ""))["imports"]
    return {str(k): str(v) for k, v in imports.items()}


@dataclass
class Bundle:
    """Module sources by key, bare specifier -> key, the entry key, the worker's source."""

    modules: dict[str, str] = field(default_factory=dict)
    aliases: dict[str, str] = field(default_factory=dict)
    entry: str = module_key(ENTRY)
    worker: str = ""

    def payload(self) -> dict[str, object]:
        """What ``loader.js`` reads from ``#gradtrace-modules``."""
        return {"modules": self.modules, "aliases": self.aliases, "entry": self.entry,
                "worker": self.worker}


def _read(path: str) -> str:
    return (STATIC_DIR / path).read_text(encoding="utf-8")


def _resolve(importer: str, spec: str, aliases: dict[str, str]) -> str:
    """The static path a specifier in module ``importer`` (a static path) names."""
    if spec.startswith(("./", "../")):
        path = posixpath.normpath(posixpath.join(posixpath.dirname(importer), spec))
        if path.startswith("../") or not (STATIC_DIR / path).is_file():
            raise FileNotFoundError(f"{importer} imports {spec!r}: no such file in static/")
        return path
    if spec not in aliases:
        raise LookupError(f"{importer} imports {spec!r}, which the import map does not name")
    return aliases[spec]


def collect() -> Bundle:
    """Every module the page reaches from ``js/main.js``, with relative imports rewritten."""
    aliases = import_map()
    bundle = Bundle(aliases={bare: module_key(path) for bare, path in aliases.items()})
    todo = [ENTRY]
    while todo:
        path = todo.pop()
        if module_key(path) in bundle.modules:
            continue

        def rewrite(m: re.Match[str], importer: str = path) -> str:
            target = _resolve(importer, m["spec"], aliases)
            todo.append(target)
            if m["spec"].startswith("."):
                return f"{m['head']}{m['q']}{module_key(target)}{m['q']}"
            return m[0]

        bundle.modules[module_key(path)] = IMPORT.sub(rewrite, _read(path))
    bundle.worker = _inline_worker(WORKER)
    return bundle


def _inline_worker(path: str) -> str:
    """The classic worker with each ``importScripts('x')`` replaced by the file's text.

    Evaluating the script in place is what ``importScripts`` does; a worker started from a
    ``blob:`` URL could not fetch a relative path.
    """

    def inline(m: re.Match[str]) -> str:
        target = posixpath.normpath(posixpath.join(posixpath.dirname(path), m["path"]))
        return f"// {m['path']} (inlined)\n{_read(target)}\n;"

    return _IMPORT_SCRIPTS.sub(inline, _read(path))


def licences() -> list[dict[str, str]]:
    """Each vendored library's licence text (``static/vendor/**/LICENSE*``) and the versions."""
    vendor = STATIC_DIR / "vendor"
    found = [{"name": "VERSIONS.txt", "text": (vendor / "VERSIONS.txt").read_text("utf-8")}]
    for path in sorted(vendor.rglob("LICENSE*")):
        name = str(Path(path).parent.relative_to(vendor).as_posix())
        found.append({"name": name, "text": path.read_text(encoding="utf-8")})
    return found
