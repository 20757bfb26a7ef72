"""Rate limits, request IDs and metrics of the real app, in process (issue 6).

These checks need the middleware and the routes but no worker: every program sent is one
the static policy refuses, which still gets a full trace answer. So they run on the app
through ``httpx.ASGITransport`` in milliseconds, while ``test_production.py`` covers what
only a real ``gradtrace serve`` process can show.
"""

from __future__ import annotations

import asyncio
import re

import httpx
import pytest

from gradtrace.main import create_app
from gradtrace.settings import Settings
from tests.api.live_server import free_port
from tests.api.production_harness import FORBIDDEN, metric


async def _post_many(app: object, n: int, code: str, headers: dict[str, str] | None = None
                     ) -> list[httpx.Response]:
    transport = httpx.ASGITransport(app=app)  # type: ignore[arg-type]
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        return [await client.post("/api/v1/trace", json={"code": code}, headers=headers)
                for _ in range(n)]


def test_rate_limit_refuses_with_retry_after_and_structured_body() -> None:
    app = create_app(Settings(rate_limit="3/minute"))
    answers = asyncio.run(_post_many(app, 5, FORBIDDEN))
    assert [r.status_code for r in answers] == [200, 200, 200, 429, 429]
    assert answers[0].json()["error"]["kind"] == "forbidden"
    refused = answers[3]
    assert 1 <= int(refused.headers["Retry-After"]) <= 60
    body = refused.json()
    assert body["error"] == "rate_limited" and body["detail"]["limit"] == "3/minute"
    assert refused.headers["X-Request-ID"]


def test_rate_limit_never_touches_health_metrics_page_or_static() -> None:
    app = create_app(Settings(rate_limit="1/minute"))

    async def run() -> list[int]:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            codes = [(await client.post("/api/v1/trace", json={"code": FORBIDDEN})).status_code]
            for path in ["/healthz", "/readyz", "/metrics", "/", "/static/js/main.js"] * 3:
                codes.append((await client.get(path)).status_code)
            codes.append((await client.post("/api/v1/trace", json={"code": FORBIDDEN})).status_code)
            return codes

    codes = asyncio.run(run())
    assert codes[0] == 200 and codes[-1] == 429
    assert 429 not in codes[1:-1]


def test_forwarded_for_is_the_client_only_when_trusted() -> None:
    for trusted, expected in [(False, [200, 429]), (True, [200, 200])]:
        app = create_app(Settings(rate_limit="1/minute", trust_forwarded_for=trusted))

        async def run(app: object = app) -> list[int]:
            transport = httpx.ASGITransport(app=app)  # type: ignore[arg-type]
            async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
                return [(await client.post("/api/v1/trace", json={"code": FORBIDDEN},
                                           headers={"X-Forwarded-For": f"10.0.0.{i}, 1.1.1.1"})
                         ).status_code for i in (1, 2)]

        assert asyncio.run(run()) == expected, f"trust_forwarded_for={trusted}"


def test_requests_refused_for_size_do_not_count() -> None:
    settings = Settings(rate_limit="2/minute", max_code_chars=200)
    app = create_app(settings)
    too_big = asyncio.run(_post_many(app, 4, "x = 1\n" * 100))
    assert [r.status_code for r in too_big] == [413] * 4
    after = asyncio.run(_post_many(app, 3, FORBIDDEN))
    assert [r.status_code for r in after] == [200, 200, 429]


def test_unreachable_redis_serves_requests_and_warns(caplog: pytest.LogCaptureFixture) -> None:
    closed = f"redis://127.0.0.1:{free_port()}/0"  # nothing listens there
    app = create_app(Settings(rate_limit="1/minute", rate_limit_storage=closed))
    with caplog.at_level("WARNING", logger="gradtrace.ratelimit"):
        answers = asyncio.run(_post_many(app, 3, FORBIDDEN))
    assert [r.status_code for r in answers] == [200, 200, 200]
    assert "rate-limit storage unavailable" in caplog.text


def test_each_app_has_its_own_metrics_registry() -> None:
    first, second = create_app(Settings()), create_app(Settings())
    asyncio.run(_post_many(first, 2, FORBIDDEN))

    async def scrape(app: object) -> str:
        transport = httpx.ASGITransport(app=app)  # type: ignore[arg-type]
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
            return (await client.get("/metrics")).text

    one, two = asyncio.run(scrape(first)), asyncio.run(scrape(second))
    assert metric(one, "gradtrace_traces_total", 'outcome="forbidden"') == 2
    assert metric(two, "gradtrace_traces_total", 'outcome="forbidden"') == 0
    assert metric(two, "gradtrace_workers") == Settings().workers


def test_request_id_from_a_proxy_is_kept_only_when_well_formed() -> None:
    app = create_app(Settings())
    good = asyncio.run(_post_many(app, 1, FORBIDDEN, {"X-Request-ID": "edge-42.a_b"}))[0]
    bad = asyncio.run(_post_many(app, 1, FORBIDDEN, {"X-Request-ID": "x" * 100}))[0]
    assert good.headers["X-Request-ID"] == "edge-42.a_b"
    assert re.fullmatch(r"[0-9a-f]{32}", bad.headers["X-Request-ID"])
