"""Per-client rate limits on the API, shared by every replica when the storage is Redis.

Built on :mod:`limits` (the library under slowapi) as a pure ASGI middleware rather than
slowapi's per-route decorators: one rule covers every ``/api/`` path, so a new endpoint can
not forget its limit, and health checks, metrics, the page and static files are never
limited (a load balancer probing ``/healthz`` must not lock itself out).

The fixed-window strategy is used because it is one atomic ``INCR`` in Redis and because it
lets a request that was refused for its size (413) give its hit back: a client is charged
for the programs the server agreed to look at, not for uploads it refused to read.
"""

from __future__ import annotations

import logging
import math
import time

from limits import RateLimitItem, parse_many
from limits.aio.storage import Storage
from limits.aio.strategies import FixedWindowRateLimiter
from limits.storage import storage_from_string
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from gradtrace.api.errors import problem

__all__ = ["LIMITED_PREFIX", "RateLimitMiddleware", "async_storage_url", "client_address"]

LIMITED_PREFIX = "/api/"
_NAMESPACE = "gradtrace"
_log = logging.getLogger("gradtrace.ratelimit")


def client_address(scope: Scope, trust_forwarded_for: bool) -> str:
    """Who sent the request: the socket peer, or the first X-Forwarded-For hop if trusted.

    Only a proxy the operator controls may be believed: without it anyone could send a
    fresh X-Forwarded-For on every request and never be limited.
    """
    if trust_forwarded_for:
        for name, value in scope.get("headers", ()):
            if name == b"x-forwarded-for":
                first = bytes(value).decode("latin-1").split(",")[0].strip()
                if first:
                    return first
    client = scope.get("client")
    return str(client[0]) if client else "unknown"


def async_storage_url(url: str) -> str:
    """Map ``memory://`` / ``redis://...`` to the asyncio storage of :mod:`limits`."""
    return url if url.startswith("async+") else "async+" + url


def _storage(url: str) -> Storage:
    async_url = async_storage_url(url)
    if async_url.startswith(("async+redis", "async+rediss")):
        # redis-py (already a dependency of the test extras) rather than coredis.
        storage = storage_from_string(async_url, implementation="redispy")
    else:
        storage = storage_from_string(async_url)
    if not isinstance(storage, Storage):
        raise ValueError(f"not an asyncio rate-limit storage: {url}")
    return storage


class RateLimitMiddleware:
    """Refuse ``/api/`` requests beyond ``limit`` per client with 429 and ``Retry-After``."""

    def __init__(self, app: ASGIApp, limit: str, storage_url: str = "memory://",
                 trust_forwarded_for: bool = False) -> None:
        self.app = app
        self.items: list[RateLimitItem] = parse_many(limit)
        self.limit = limit
        self.limiter = FixedWindowRateLimiter(_storage(storage_url))
        self.trust_forwarded_for = trust_forwarded_for

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not scope["path"].startswith(LIMITED_PREFIX):
            await self.app(scope, receive, send)
            return
        client = client_address(scope, self.trust_forwarded_for)
        retry_after = await self._hit(client)
        if retry_after is not None:
            scope.setdefault("state", {})["rate_limited"] = True
            response = problem(
                429, "rate_limited",
                f"Too many requests: the limit is {self.limit} per client. "
                f"Try again in {retry_after} s.",
                {"limit": self.limit, "retry_after": retry_after},
                headers={"Retry-After": str(retry_after)},
            )
            await response(scope, receive, send)
            return
        status: dict[str, int] = {}

        async def send_status(message: Message) -> None:
            if message["type"] == "http.response.start":
                status["code"] = int(message["status"])
            await send(message)

        try:
            await self.app(scope, receive, send_status)
        finally:
            if status.get("code") == 413:
                await self._refund(client)

    async def _hit(self, client: str) -> int | None:
        """Charge one request; the seconds until the client may retry, or None if allowed."""
        try:
            for item in self.items:
                if not await self.limiter.hit(item, _NAMESPACE, client):
                    stats = await self.limiter.get_window_stats(item, _NAMESPACE, client)
                    return max(1, math.ceil(stats.reset_time - time.time()))
        except Exception as exc:  # storage down: serve rather than fail every request
            _log.warning("rate-limit storage unavailable, request allowed: %s", exc)
        return None

    async def _refund(self, client: str) -> None:
        """Give back the hit of a request refused for its size."""
        try:
            for item in self.items:
                await self.limiter.hit(item, _NAMESPACE, client, cost=-1)
        except Exception as exc:
            _log.warning("rate-limit refund failed: %s", exc)
