"""Liveness and readiness: answered without touching a worker, so always fast."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

__all__ = ["router"]

router = APIRouter(tags=["health"])


@router.get("/healthz", summary="The server process is alive")
async def healthz() -> dict[str, str]:
    return {"status": "ok"}


@router.get("/readyz", summary="Workers are up and programs can run")
async def readyz(request: Request) -> JSONResponse:
    ready = bool(getattr(request.app.state, "ready", False))
    status = 200 if ready else 503
    return JSONResponse({"status": "ready" if ready else "starting"}, status_code=status)
