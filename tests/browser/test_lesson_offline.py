"""Every page works with no network: /docs from vendored Swagger UI, and a favicon.

Each page here has every request that leaves 127.0.0.1 aborted (the page_factory fixture
also fails the test on any such request or console error, a 404 included).
"""

from __future__ import annotations

from urllib.parse import urlparse

import pytest

pytestmark = pytest.mark.browser


def offline(page) -> None:  # type: ignore[no-untyped-def]
    """Abort every request to a host other than the local server."""
    def handle(route) -> None:  # type: ignore[no-untyped-def]
        host = urlparse(route.request.url).hostname
        if host in ("127.0.0.1", None):
            route.continue_()
        else:
            route.abort()

    page.route("**/*", handle)


def test_docs_render_their_operations_offline(page, server_url) -> None:  # type: ignore[no-untyped-def]
    offline(page)
    page.goto(f"{server_url}/docs")
    page.locator(".opblock").first.wait_for(timeout=20_000)
    paths = page.locator(".opblock-summary-path").all_inner_texts()
    assert any("/api/v1/trace" in p for p in paths), paths
    assert any("/api/v1/examples" in p for p in paths), paths
    styles = page.evaluate("() => [...document.styleSheets].map((s) => s.href).filter(Boolean)")
    assert styles and all(urlparse(s).hostname == "127.0.0.1" for s in styles)


def test_redoc_is_not_served_from_a_cdn(page, server_url) -> None:  # type: ignore[no-untyped-def]
    response = page.request.get(f"{server_url}/redoc")
    assert response.status == 404  # switched off rather than half-working offline


@pytest.mark.parametrize("path", ["/healthz", "/api/v1/schema", "/"])
def test_a_bare_page_asks_for_no_missing_favicon(page, server_url, path) -> None:  # type: ignore[no-untyped-def]
    offline(page)
    failed: list[str] = []
    def note(response) -> None:  # type: ignore[no-untyped-def]
        if response.status >= 400:
            failed.append(f"{response.status} {response.url}")

    page.on("response", note)
    page.goto(f"{server_url}{path}")
    page.wait_for_timeout(500)  # the browser asks for /favicon.ico after the page loads
    assert failed == []
    icon = page.request.get(f"{server_url}/favicon.ico")
    assert icon.ok and icon.headers["content-type"].startswith("image/svg+xml")
