"""The playground page, rendered from gradtrace/templates/index.html."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from gradtrace.assets import TEMPLATES_DIR

__all__ = ["router"]

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
