"""Structured error responses: every refusal the API makes has the same JSON shape."""

from __future__ import annotations

from typing import Any

import orjson
from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from gradtrace.sandbox import QueueFull

__all__ = ["install_error_handlers", "problem"]


def problem(
    status: int, error: str, message: str, detail: Any = None, headers: dict[str, str] | None = None
) -> Response:
    """A ProblemDetail response (serialised here: FastAPI deprecated its ORJSONResponse)."""
    body = {"error": error, "message": message, "detail": detail}
    return Response(orjson.dumps(body), status_code=status, headers=headers,
                    media_type="application/json")


async def _validation(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    details = [
        {"loc": list(e.get("loc", ())), "msg": e.get("msg", ""), "type": e.get("type", "")}
        for e in exc.errors()
    ]
    return problem(422, "invalid_request", "The request body does not match the schema.", details)


async def _http(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    return problem(
        exc.status_code, "http_error", str(exc.detail), headers=getattr(exc, "headers", None)
    )


async def _queue_full(request: Request, exc: Exception) -> Response:
    return problem(
        503,
        "busy",
        "Every worker is busy and the queue is full; try again in a moment.",
        headers={"Retry-After": "1"},
    )


async def _unexpected(request: Request, exc: Exception) -> Response:
    return problem(500, "internal", "The server failed to handle this request.")


def install_error_handlers(app: Any) -> None:
    """Register the handlers on a FastAPI app."""
    app.add_exception_handler(RequestValidationError, _validation)
    app.add_exception_handler(StarletteHTTPException, _http)
    app.add_exception_handler(QueueFull, _queue_full)
    app.add_exception_handler(Exception, _unexpected)
