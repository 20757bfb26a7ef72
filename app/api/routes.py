"""The trace and examples endpoints: parse, call the sandbox, return."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from app.api.errors import problem
from app.api.schemas import ExampleList, ProblemDetail, TraceRequest, TraceResponse
from app.examples import load_examples
from app.sandbox.service import Sandbox

__all__ = ["router"]

router = APIRouter(prefix="/api/v1", tags=["trace"])


def _sandbox(request: Request) -> Sandbox:
    sandbox: Sandbox = request.app.state.sandbox
    return sandbox


@router.post(
    "/trace",
    response_model=TraceResponse,
    responses={413: {"model": ProblemDetail}, 422: {"model": ProblemDetail},
               503: {"model": ProblemDetail}},
    summary="Run a program and return its autograd graph, events and gradients",
)
async def trace(body: TraceRequest, request: Request) -> Response:
    """HTTP 200 for every program that could be read, whether it succeeded or failed."""
    sandbox = _sandbox(request)
    limit = sandbox.settings.max_code_chars
    if len(body.code) > limit:
        return problem(413, "code_too_large", f"Programs are limited to {limit} characters.",
                       {"limit": limit, "size": len(body.code)})
    options = sandbox.options(body.options.max_values, body.options.seed)
    reply = await sandbox.trace(body.code, options)
    request.state.trace_outcome = reply.outcome
    request.state.trace_nodes = reply.nodes
    return Response(reply.body, media_type="application/json")


@router.get("/examples", response_model=ExampleList, summary="The example gallery")
async def examples() -> dict[str, Any]:
    """Every example program, grouped by topic on the page."""
    return {"examples": [
        {"id": e.id, "title": e.title, "topic": e.topic, "explanation": e.explanation,
         "code": e.code}
        for e in load_examples()
    ]}
