"""Refuse oversized request bodies before anything reads them (pure ASGI middleware).

FastAPI parses the whole JSON body before a route can look at ``len(code)``, so the code-size
check in the route alone would let a client make the server buffer and parse megabytes. This
middleware sits outside every other layer (rate limits included, so refused requests are not
counted) and answers 413 with the usual ProblemDetail body:

* at once, without reading a byte of the body, when ``Content-Length`` declares too much;
* while streaming, when a body without ``Content-Length`` (chunked) goes past the cap: such
  bodies are buffered up to the cap and only handed to the app once complete.
"""

from __future__ import annotations

from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from gradtrace.api.errors import problem
from gradtrace.settings import Settings

__all__ = ["BodyLimitMiddleware", "body_limit_bytes", "install"]

_JSON_OVERHEAD = 64 * 1024
_BYTES_PER_CHAR = 12  # worst case JSON escape of one code point: a \\uXXXX\\uXXXX pair


def body_limit_bytes(settings: Settings) -> int:
    """The largest body a valid request can need: the longest program, fully escaped.

    A program of ``max_code_chars`` characters is never refused here, however it is encoded;
    the route then gives the precise "program too long" 413 for anything between.
    """
    return settings.max_code_chars * _BYTES_PER_CHAR + _JSON_OVERHEAD


def _too_large(limit: int, size: int | None) -> Any:
    return problem(
        413,
        "body_too_large",
        f"Request bodies are limited to {limit} bytes.",
        {"limit": limit, "size": size},
        headers={"Connection": "close"},
    )


def _declared_length(scope: Scope) -> int | str | None:
    """``Content-Length`` as an int, ``None`` when absent, ``"invalid"`` when unreadable."""
    for name, value in scope.get("headers", ()):
        if name.lower() == b"content-length":
            try:
                length = int(value)
            except ValueError:
                return "invalid"
            return length if length >= 0 else "invalid"
    return None


class BodyLimitMiddleware:
    """Cap the request body of every HTTP request at ``max_bytes``."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = _declared_length(scope)
        if declared == "invalid":
            response = problem(400, "bad_content_length", "Content-Length is not a number.")
            await response(scope, receive, send)
        elif isinstance(declared, int) and declared > self.max_bytes:
            await _too_large(self.max_bytes, declared)(scope, receive, send)
        elif declared is None and _has_body(scope):
            await self._buffered(scope, receive, send)
        else:
            await self.app(scope, receive, send)

    async def _buffered(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Read a body of unknown length up to the cap, then replay it to the app."""
        messages: list[Message] = []
        size = 0
        while True:
            message = await receive()
            messages.append(message)
            if message["type"] != "http.request":
                break  # disconnect: let the app see it
            size += len(message.get("body", b""))
            if size > self.max_bytes:
                await _too_large(self.max_bytes, None)(scope, receive, send)
                return
            if not message.get("more_body", False):
                break
        replay = iter(messages)

        async def replayed() -> Message:
            return next(replay, None) or await receive()

        await self.app(scope, replayed, send)


def _has_body(scope: Scope) -> bool:
    """Requests that announce a body without a length (``Transfer-Encoding: chunked``)."""
    return any(name.lower() == b"transfer-encoding" for name, _ in scope.get("headers", ()))


def install(app: Any, settings: Settings) -> None:
    """Add the middleware to a FastAPI app, capped for ``settings.max_code_chars``.

    Install it after the rate limiter (so it runs before it) and before the request log (so
    refusals are still logged).
    """
    app.add_middleware(BodyLimitMiddleware, max_bytes=body_limit_bytes(settings))
