"""The wheel built from this repo is Gradtrace on its own (issue 17, packaging).

Why: an editable install finds everything through the checkout, so it hides a wheel that lacks
the page's files or ships a stray top-level package. Only a wheel installed into a fresh venv
and run from another directory shows what a user's ``pip install`` gets. The wheel is built
from a copy of the files a fresh clone has (tracked or new, not ignored), so a stale ``build/``
or ``*.egg-info`` in the checkout cannot leak into it. The dependencies (torch and the rest,
gigabytes) are not installed again: a ``.pth`` file lets the fresh venv see this venv's
site-packages after its own, and the tests assert that ``gradtrace`` itself is imported from
the fresh venv, never from the checkout. PyTorch, run here, is the oracle for the gradients.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import sysconfig
import time
import venv
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
import torch

from gradtrace.tracing.wire import expand
from tests.api.live_server import free_port

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]

# The chain rule through a few ops: x.grad = 3 * cos(x**2) * 2x, taken from plain PyTorch.
CHAIN_RULE = """\
import torch
x = torch.tensor([1.0, -2.0, 0.5], requires_grad=True)
y = torch.sin(x ** 2)
loss = (3 * y).sum()
loss.backward()
"""


@dataclass(frozen=True)
class Built:
    """The wheel and the source tree it was built from."""

    wheel: Path
    source: Path


@dataclass(frozen=True)
class Installed:
    """A fresh venv holding only the wheel; ``site`` is its site-packages."""

    python: Path
    script: Path
    site: Path


def _env() -> dict[str, str]:
    """This environment minus anything that would point Python back at the checkout."""
    dropped = {"PYTHONPATH", "PYTHONHOME", "PYTHONSTARTUP", "VIRTUAL_ENV"}
    env = {k: v for k, v in os.environ.items()
           if k not in dropped and not k.startswith("GRADTRACE_")}
    env["PYTHONNOUSERSITE"] = "1"
    return env


def _run(command: list[str], cwd: Path, timeout: float = 120) -> str:
    done = subprocess.run(command, cwd=cwd, env=_env(), capture_output=True, text=True,
                          timeout=timeout, check=False)
    assert done.returncode == 0, f"{command} failed:\n{done.stdout[-2000:]}{done.stderr[-3000:]}"
    return done.stdout


def _clone_files(dest: Path) -> Path:
    """Copy what a fresh clone would hold: git's tracked and new files, nothing ignored."""
    listed = subprocess.run(["git", "ls-files", "-z", "--cached", "--others",
                             "--exclude-standard"], cwd=ROOT, capture_output=True, check=True)
    for name in listed.stdout.decode().split("\0"):
        source = ROOT / name
        if name and source.is_file():  # a tracked file someone just deleted is not listed
            (dest / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, dest / name)
    return dest


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Built:
    """``pip wheel`` without build isolation or an index: no network, about a second.

    This venv's setuptools builds it: torch 2.13.0 requires setuptools>=77.0.3, which makes
    wheels by itself (a bare ``python3.11 -m venv`` has 65.5, which could not).
    """
    work = tmp_path_factory.mktemp("wheel")
    source = _clone_files(work / "source")
    _run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation",
          "--no-index", "--wheel-dir", str(work / "dist"), str(source)], cwd=work)
    (wheel,) = (work / "dist").glob("gradtrace-*.whl")
    return Built(wheel, source)


@pytest.fixture(scope="module")
def installed(built: Built, tmp_path_factory: pytest.TempPathFactory) -> Installed:
    """The wheel alone in a fresh venv that sees this venv's dependencies through a .pth."""
    root = tmp_path_factory.mktemp("venv") / "fresh"
    venv.EnvBuilder(with_pip=False).create(root)
    python = root / "bin" / "python"
    site = Path(_run([str(python), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
                     cwd=root).strip())
    ours = dict.fromkeys([sysconfig.get_path("purelib"), sysconfig.get_path("platlib")])
    (site / "zz_gradtrace_test_dependencies.pth").write_text("\n".join(ours) + "\n")
    _run([sys.executable, "-m", "pip", "--python", str(python), "install", "--quiet",
          "--no-deps", "--no-index", str(built.wheel)], cwd=root)
    return Installed(python, root / "bin" / "gradtrace", site)


def _shipped(relative: str) -> bool:
    """Whether a file of the gradtrace folder belongs in the wheel (pyproject's exclusions)."""
    parts = relative.split("/")
    hidden = any(part.startswith(".") or part == "__pycache__" for part in parts)
    return not hidden and not relative.endswith((".pyc", "~"))


def test_wheel_holds_gradtrace_and_every_file_the_page_needs(built: Built) -> None:
    with zipfile.ZipFile(built.wheel) as archive:
        names = set(archive.namelist())
        (dist_info,) = {n.split("/")[0] for n in names if n.split("/")[0].endswith(".dist-info")}
        top_level = archive.read(f"{dist_info}/top_level.txt").decode().split()
        entry_points = archive.read(f"{dist_info}/entry_points.txt").decode()
    assert top_level == ["gradtrace"]
    assert {n.split("/")[0] for n in names} == {"gradtrace", dist_info}, "a stray top level"
    assert "gradtrace = gradtrace.cli:main" in entry_points
    packaged = {n for n in names if n.startswith("gradtrace/")}
    folder = built.source / "gradtrace"
    expected = {f"gradtrace/{p.relative_to(folder).as_posix()}" for p in folder.rglob("*")
                if p.is_file() and _shipped(p.relative_to(folder).as_posix())}
    assert packaged == expected, (f"missing {sorted(expected - packaged)}, "
                                  f"extra {sorted(packaged - expected)}")
    for must in ["templates/index.html", "static/js/main.js", "static/js/layout.worker.js",
                 "static/css/app.css", "static/vendor/VERSIONS.txt",
                 "examples/programs/01_chain_rule.py"]:
        assert f"gradtrace/{must}" in packaged, must
    assert not any(re.search(r"(^|/)(tests?|__pycache__)/|\.pyc$", n) for n in names)


def test_every_vendored_library_ships_with_its_licence(built: Built) -> None:
    """Each folder of static/vendor holding code also holds a LICENSE file, in the wheel too."""
    with zipfile.ZipFile(built.wheel) as archive:
        names = set(archive.namelist())
    vendor = built.source / "gradtrace" / "static" / "vendor"
    libraries = {p.parent for p in vendor.rglob("*") if p.suffix in (".js", ".mjs")}
    assert len(libraries) >= 10, libraries
    for library in sorted(libraries):
        licences = [p for p in library.iterdir() if p.name.upper().startswith("LICEN")]
        assert licences, f"{library} has no licence file"
        for licence in licences:
            assert licence.relative_to(built.source).as_posix() in names, licence


def test_installed_import_is_the_wheel_not_the_checkout(installed: Installed,
                                                        tmp_path: Path) -> None:
    probe = ("import json, gradtrace, gradtrace.assets as a; "
             "print(json.dumps([gradtrace.__file__, str(a.STATIC_DIR), str(a.TEMPLATES_DIR)]))")
    paths = [Path(p) for p in json.loads(_run([str(installed.python), "-c", probe], tmp_path))]
    package = installed.site / "gradtrace"
    assert paths == [package / "__init__.py", package / "static", package / "templates"]
    assert sorted(p.name for p in installed.site.iterdir() if not p.name.endswith(".pth")) == [
        "gradtrace", "gradtrace-0.1.0.dist-info"]
    assert installed.script.read_text().startswith(f"#!{installed.python}")


def _plain_grad() -> torch.Tensor:
    """x.grad of CHAIN_RULE computed by plain PyTorch in this process."""
    namespace: dict[str, object] = {}
    exec(CHAIN_RULE, namespace)
    x = namespace["x"]
    assert isinstance(x, torch.Tensor) and x.grad is not None
    return x.grad


def _assert_leaf_grad(response: object) -> None:
    assert isinstance(response, dict)
    body = expand(response)
    assert body["ok"] and body["error"] is None, body["error"]
    got = torch.tensor(body["variables"]["x"]["grad"]["values"], dtype=torch.float32)
    assert torch.allclose(got, _plain_grad(), atol=1e-6), got


@contextlib.contextmanager
def _serving(installed: Installed, cwd: Path) -> Iterator[httpx.Client]:
    """The fresh venv's ``gradtrace serve`` in its own process group, killed whole at the end."""
    port = free_port()
    with (cwd / "serve.log").open("wb") as log:
        process = subprocess.Popen(
            [str(installed.script), "serve", "--host", "127.0.0.1", "--port", str(port),
             "--workers", "1", "--rate-limit", "100000/minute"],
            cwd=cwd, env=_env(), stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=60) as http:
            deadline = time.monotonic() + 90
            while not _ready(http):
                assert process.poll() is None, (cwd / "serve.log").read_text()[-3000:]
                assert time.monotonic() < deadline, "not ready within 90 s"
                time.sleep(0.2)
            yield http
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


def _ready(http: httpx.Client) -> bool:
    with contextlib.suppress(httpx.HTTPError):
        return http.get("/readyz", timeout=2).status_code == 200
    return False


def test_installed_server_serves_the_page_its_files_and_traces(installed: Installed,
                                                               tmp_path: Path) -> None:
    with _serving(installed, tmp_path) as http:
        page = http.get("/")
        assert page.status_code == 200 and "Gradtrace" in page.text
        linked = set(re.findall(r"/static/[^\"'?#\s]+", page.text))
        assert "/static/js/main.js" in linked and len(linked) >= 10, linked
        for path in sorted(linked | {"/static/js/layout.worker.js",
                                     "/static/vendor/elkjs/LICENSE.md"}):
            served = http.get(path)
            assert served.status_code == 200, path
            assert served.content == (installed.site / "gradtrace" / path[1:]).read_bytes()
        traced = http.post("/api/v1/trace", json={"code": CHAIN_RULE})
        assert traced.status_code == 200, traced.text
        _assert_leaf_grad(traced.json())


def test_installed_cli_traces_a_file(installed: Installed, tmp_path: Path) -> None:
    (tmp_path / "chain.py").write_text(CHAIN_RULE)
    output = _run([str(installed.script), "trace", "chain.py"], tmp_path)
    _assert_leaf_grad(json.loads(output))


def library_smoke_check(installed: Installed, cwd: Path) -> None:
    """The installed library traces in-process and writes a viewer from the wheel's files.

    ``with gradtrace.trace() as t:`` around CHAIN_RULE in the fresh venv, from ``cwd``: x's
    gradient in ``t.to_dict()`` is plain PyTorch's, and ``t.save_html`` finds the page's
    libraries and their licences in the installed package (elk.bundled.js alone is 1.6 MB).
    Deeper checks of the library and the viewer live in their own tests.
    """
    body = "".join(f"    {line}\n" for line in CHAIN_RULE.splitlines())
    (cwd / "mine.py").write_text(
        "import json, sys\nimport gradtrace\n\nwith gradtrace.trace() as t:\n"
        f"{body}t.save_html('run.html')\nprint(json.dumps(t.to_dict()))\n")
    _assert_leaf_grad(json.loads(_run([str(installed.python), "mine.py"], cwd)))
    html = (cwd / "run.html").read_text(encoding="utf-8")
    assert len(html) > 1_000_000 and "Eclipse Public License - v 2.0" in html


def test_installed_library_traces_in_process(installed: Installed, tmp_path: Path) -> None:
    library_smoke_check(installed, tmp_path)
