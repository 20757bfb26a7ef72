"""The trace, schema and examples endpoints: parse, call the sandbox, return."""

from __future__ import annotations

import functools
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from gradtrace.api.errors import problem
from gradtrace.api.expression_trace import ProgramTooLongError, trace_expression
from gradtrace.api.schemas import ExampleList, ProblemDetail, TraceRequest, TraceResponse
from gradtrace.examples import load_examples
from gradtrace.expression import EXPRESSION_EXAMPLES
from gradtrace.sandbox import Sandbox
from gradtrace.tracing import schema as trace_schema

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
    """HTTP 200 for every program that could be read, whether it succeeded or failed.

    The body holds a program (``code``) or an expression with its ``inputs``; an expression
    is written out as a small program (echoed in the response's ``expression``) and traced
    the same way.
    """
    sandbox = _sandbox(request)
    limit = sandbox.settings.max_code_chars
    options = sandbox.options(body.options.max_values, body.options.seed)
    if body.expression is not None:
        try:
            reply = await trace_expression(sandbox, body.expression, body.inputs or {}, options)
        except ProgramTooLongError as exc:
            return problem(413, "code_too_large",
                           f"The expression and its inputs make a program of {exc.size} "
                           f"characters; programs are limited to {limit}.",
                           {"limit": limit, "size": exc.size})
    elif body.code is not None and len(body.code) > limit:
        return problem(413, "code_too_large", f"Programs are limited to {limit} characters.",
                       {"limit": limit, "size": len(body.code)})
    else:
        reply = await sandbox.trace(body.code or "", options)
    request.state.trace_outcome = reply.outcome
    request.state.trace_nodes = reply.nodes
    return Response(reply.body, media_type="application/json")


@router.get("/examples", response_model=ExampleList, summary="The example gallery")
async def examples() -> dict[str, Any]:
    """Every example program, grouped by topic on the page; then the expression examples."""
    programs = [
        {"id": e.id, "title": e.title, "topic": e.topic, "explanation": e.explanation,
         "code": e.code}
        for e in load_examples()
    ]
    expressions = [
        {"id": e.id, "title": e.title, "topic": e.topic, "explanation": e.explanation,
         "code": e.code, "expression": e.expression, "inputs": e.inputs}
        for e in EXPRESSION_EXAMPLES
    ]
    return {"examples": programs + expressions}


@functools.cache
def _trace_schema() -> dict[str, Any]:
    return trace_schema.json_schema()


@router.get("/schema", response_model=dict[str, Any],
            summary="The JSON Schema of the trace (format 5) that POST /trace returns")
async def schema() -> dict[str, Any]:
    """Generated from ``gradtrace.tracing.schema``, the format's one definition; the repository
    keeps the same text in ``docs/trace.schema.json``."""
    return _trace_schema()
