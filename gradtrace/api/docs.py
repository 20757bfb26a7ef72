"""The API's documentation pages and the favicon, served from the app's own files.

Why not FastAPI's defaults: they load Swagger UI from a CDN, so /docs was a blank page
without internet, and the page and everything it serves must work with no network at all.
Swagger UI is vendored by scripts/vendor.sh into static/vendor/swagger-ui-dist/ (pinned,
with its licence); ReDoc is switched off rather than vendored a second documentation UI.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import FileResponse, HTMLResponse

from gradtrace.assets import STATIC_DIR

__all__ = ["router"]

router = APIRouter(include_in_schema=False)

_VENDOR = "/static/vendor/swagger-ui-dist"
_FAVICON = "/static/favicon.svg"


@router.get("/docs")
async def swagger_ui(request: Request) -> HTMLResponse:
    """Swagger UI for the OpenAPI document, with its script and styles from /static."""
    return get_swagger_ui_html(
        openapi_url=request.app.openapi_url or "/openapi.json",
        title=f"{request.app.title} API",
        swagger_js_url=f"{_VENDOR}/swagger-ui-bundle.js",
        swagger_css_url=f"{_VENDOR}/swagger-ui.css",
        swagger_favicon_url=_FAVICON,
        swagger_ui_parameters={"validatorUrl": None},  # no badge fetched from swagger.io
    )


@router.get("/favicon.ico")
async def favicon() -> FileResponse:
    """The icon a browser asks for on any page (a bare JSON page too): never a 404."""
    return FileResponse(str(STATIC_DIR / "favicon.svg"), media_type="image/svg+xml")
