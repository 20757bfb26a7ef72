"""One structured JSON log line per request, and the same record for anyone who counts.

Operators grep and ship logs; a line per request with a request id (also returned to the
client as ``X-Request-ID``, so a learner's bug report can be matched to the server's line),
the client, the outcome, the duration and the graph size is enough to answer "what happened
to this request" without a debugger. The program's text is never logged: it belongs to the
user and may be large or hostile to log tooling.
"""

from __future__ import annotations

import logging
import re
import sys
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import Any

import orjson
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from gradtrace.api.ratelimit import client_address

__all__ = ["LOGGER_NAME", "RequestLogMiddleware", "RequestRecord", "configure_request_log",
           "outcome_of"]

LOGGER_NAME = "gradtrace.request"
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
_STATUS_OUTCOMES = {404: "not_found", 405: "method_not_allowed", 413: "too_large",
                    422: "invalid", 429: "rate_limited", 503: "busy"}


@dataclass(frozen=True)
class RequestRecord:
    """Everything the log line says about one request."""

    request_id: str
    client: str
    method: str
    path: str
    status: int
    outcome: str
    duration_ms: float
    nodes: int | None


Listener = Callable[[RequestRecord], None]


def outcome_of(status: int, state: dict[str, Any]) -> str:
    """The trace's ``error.kind`` (or ``ok``) when a program ran, else a name for the status."""
    traced = state.get("trace_outcome")
    if isinstance(traced, str):
        return traced
    if status < 400:
        return "ok"
    return _STATUS_OUTCOMES.get(status, "internal" if status >= 500 else "client_error")


def configure_request_log(level: str) -> logging.Logger:
    """Send request lines, bare JSON, to stdout (where containers expect logs)."""
    logger = logging.getLogger(LOGGER_NAME)
    if not any(getattr(h, "_gradtrace", False) for h in logger.handlers):
        handler = logging.StreamHandler(sys.stdout)
        handler.setFormatter(logging.Formatter("%(message)s"))
        handler._gradtrace = True  # type: ignore[attr-defined]
        logger.addHandler(handler)
    logger.setLevel(level.upper())
    logger.propagate = False
    return logger


def _request_id(scope: Scope) -> str:
    """Keep a well-formed id set by a proxy (to follow a request across hops), else mint one."""
    for name, value in scope.get("headers", ()):
        if name == b"x-request-id":
            candidate = bytes(value).decode("latin-1")
            if _REQUEST_ID.match(candidate):
                return candidate
    return uuid.uuid4().hex


class RequestLogMiddleware:
    """Time each HTTP request, tag it with a request id, log it and tell the listeners."""

    def __init__(self, app: ASGIApp, level: str = "info", trust_forwarded_for: bool = False,
                 listeners: Sequence[Listener] = ()) -> None:
        self.app = app
        self.logger = configure_request_log(level)
        self.trust_forwarded_for = trust_forwarded_for
        self.listeners = tuple(listeners)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        request_id = _request_id(scope)
        state: dict[str, Any] = scope.setdefault("state", {})
        state["request_id"] = request_id
        status = 500

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
                MutableHeaders(scope=message)["X-Request-ID"] = request_id
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            self._finish(scope, state, request_id, status, time.perf_counter() - started)

    def _finish(self, scope: Scope, state: dict[str, Any], request_id: str, status: int,
                seconds: float) -> None:
        nodes = state.get("trace_nodes")
        record = RequestRecord(
            request_id=request_id,
            client=client_address(scope, self.trust_forwarded_for),
            method=str(scope.get("method", "")),
            path=str(scope.get("path", "")),
            status=status,
            outcome=outcome_of(status, state),
            duration_ms=round(seconds * 1000.0, 2),
            nodes=nodes if isinstance(nodes, int) else None,
        )
        for listener in self.listeners:
            listener(record)
        if self.logger.isEnabledFor(logging.INFO):
            line = {"ts": datetime.now(UTC).isoformat(timespec="milliseconds"),
                    "level": "info", "event": "request", **asdict(record)}
            self.logger.info(orjson.dumps(line).decode())
