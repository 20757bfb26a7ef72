"""The playground page, rendered from templates/index.html."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

__all__ = ["TEMPLATES_DIR", "router"]

TEMPLATES_DIR = Path(__file__).resolve().parents[2] / "templates"
_templates = Jinja2Templates(directory=str(TEMPLATES_DIR))

router = APIRouter(include_in_schema=False)


@router.get("/", response_class=HTMLResponse)
async def index(request: Request) -> HTMLResponse:
    return _templates.TemplateResponse(
        request,
        "index.html",
        {"examples_url": "/api/v1/examples", "trace_url": "/api/v1/trace",
         "static_url": "/static"},
    )
