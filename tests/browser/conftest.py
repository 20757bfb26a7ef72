"""Browser-test fixtures: a real Gradtrace server and Debian's Chromium driven by Playwright.

Why a real server: the page is only correct if it agrees with what the API returns for
real programs, so nothing here is mocked. Every page also records the requests it makes
and its console errors; a test fails if the page talks to any host but the server or logs
an error.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import httpx
import pytest

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]

pytestmark = pytest.mark.browser


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _server_command(port: int) -> list[str]:
    script = Path(sys.executable).with_name("gradtrace")
    if script.exists():
        return [str(script), "serve", "--host", "127.0.0.1", "--port", str(port)]
    return [sys.executable, "-c", "import sys; from gradtrace.cli import main; sys.exit(main())",
            "serve", "--host", "127.0.0.1", "--port", str(port)]


@pytest.fixture(scope="session")
def server_url() -> Iterator[str]:
    """Start `gradtrace serve` on a free port, wait for /healthz, stop it afterwards.

    GRADTRACE_TEST_SERVER=http://127.0.0.1:PORT runs the suite against a server that is
    already running instead (e.g. one under a debugger).
    """
    external = os.environ.get("GRADTRACE_TEST_SERVER")
    if external:
        yield external.rstrip("/")
        return
    port = _free_port()
    log = (ARTIFACTS / "browser-server.log")
    ARTIFACTS.mkdir(exist_ok=True)
    with log.open("wb") as out:
        # one client (this suite) runs more than the default 60 traces a minute; the rate
        # limit itself is tested in tests/api
        env = {**os.environ, "GRADTRACE_RATE_LIMIT": "100000/minute"}
        proc = subprocess.Popen(_server_command(port), cwd=ROOT, stdout=out,
                                stderr=subprocess.STDOUT, env=env)
        url = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 60
            while True:
                if proc.poll() is not None:
                    pytest.fail(f"server exited with {proc.returncode}; see {log}")
                try:
                    if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                if time.monotonic() > deadline:
                    pytest.fail("server did not answer /healthz within 60 s")
                time.sleep(0.2)
            yield url
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


@pytest.fixture(scope="package")
def browser() -> Iterator[object]:
    """Chromium for this package's tests, stopped after the last of them.

    Package scope, not session: while sync Playwright runs, the main thread counts as inside
    an event loop, so any later test that calls ``asyncio.run`` would fail.
    """
    if not shutil.which(CHROMIUM):
        pytest.skip("Debian's chromium is not installed")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


class PageWatch:
    """What a page did that a test must check afterwards: foreign requests, console errors."""

    def __init__(self) -> None:
        self.foreign: list[str] = []
        self.errors: list[str] = []


@pytest.fixture()
def page_factory(browser, server_url) -> Iterator[object]:  # type: ignore[no-untyped-def]
    """Make 1280x800 pages (context options allowed, e.g. color_scheme="dark", viewport).

    Every page made fails the test on console errors or on requests to any host but the
    server, checked when the test ends.
    """
    made: list[tuple[object, PageWatch]] = []
    server_host = urlparse(server_url).hostname

    def make(**options: object):  # type: ignore[no-untyped-def]
        context = browser.new_context(**{"viewport": {"width": 1280, "height": 800},
                                         "accept_downloads": True, **options})
        pg = context.new_page()
        watch = PageWatch()

        def on_request(req) -> None:  # type: ignore[no-untyped-def]
            parsed = urlparse(req.url)
            if parsed.scheme not in ("data", "blob") and parsed.hostname != server_host:
                watch.foreign.append(req.url)

        pg.on("request", on_request)
        pg.on("console", lambda m: m.type == "error" and watch.errors.append(m.text))
        pg.on("pageerror", lambda e: watch.errors.append(str(e)))
        pg.watch = watch  # type: ignore[attr-defined]
        made.append((context, watch))
        return pg

    yield make
    for context, _ in made:
        context.close()  # type: ignore[attr-defined]
    for _, watch in made:
        assert watch.foreign == [], f"requests left the server: {watch.foreign}"
        assert watch.errors == [], f"console errors: {watch.errors}"


@pytest.fixture()
def offline(browser) -> Iterator[Any]:  # type: ignore[no-untyped-def]
    """Offline pages (an exported viewer from file://) that may load only file:, blob: and
    data: URLs; each fails the test on any other request or a console error."""
    made: list[tuple[Any, PageWatch]] = []

    def make() -> Any:
        context = browser.new_context(viewport={"width": 1280, "height": 800}, offline=True)
        watch = PageWatch()

        def route(r: Any) -> None:
            if urlparse(r.request.url).scheme in ("file", "blob", "data"):
                r.continue_()
            else:
                watch.foreign.append(r.request.url)
                r.abort()

        context.route("**/*", route)
        pg = context.new_page()
        pg.on("console", lambda m: watch.errors.extend([m.text] if m.type == "error" else []))
        pg.on("pageerror", lambda e: watch.errors.append(str(e)))
        made.append((context, watch))
        return pg

    yield make
    for context, _ in made:
        context.close()
    for _, watch in made:
        assert watch.foreign == [], f"the viewer asked the network for {watch.foreign}"
        assert watch.errors == [], f"console errors: {watch.errors}"


@pytest.fixture()
def page(page_factory) -> object:  # type: ignore[no-untyped-def]
    """A light-theme 1280x800 page, watched like every page_factory page."""
    return page_factory()


def shot(pg, name: str) -> None:  # type: ignore[no-untyped-def]
    """Save a screenshot to test-artifacts/ (kept for people to look at)."""
    ARTIFACTS.mkdir(exist_ok=True)
    pg.screenshot(path=str(ARTIFACTS / f"browser-{name}.png"))
