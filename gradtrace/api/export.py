"""The empty self-contained viewer, for the playground's Export HTML button.

The page fetches it, puts its current trace into the slot (``static/js/viewer.js``
``fillSlot``) and downloads the result, so the button writes the very file
``gradtrace.viewer.standalone_html`` writes: one assembly, and no trace ever travels back
to the server. The document depends only on the installed assets, so it is built once
and revalidated by its ETag.
"""

from __future__ import annotations

import functools
import hashlib

from fastapi import APIRouter, Request, Response

from gradtrace.viewer import standalone_html

__all__ = ["router"]

router = APIRouter(include_in_schema=False)


@functools.lru_cache(maxsize=1)
def _document() -> tuple[bytes, str]:
    body = standalone_html(None).encode("utf-8")
    return body, '"' + hashlib.sha256(body).hexdigest()[:32] + '"'


@router.get("/export/viewer.html")
async def viewer(request: Request) -> Response:
    """The viewer with an empty trace slot (the JSON ``null``)."""
    body, etag = _document()
    headers = {"ETag": etag, "Cache-Control": "no-cache"}
    if request.headers.get("if-none-match") == etag:
        return Response(status_code=304, headers=headers)
    return Response(body, media_type="text/html; charset=utf-8", headers=headers)
