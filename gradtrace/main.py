"""Wire the application: settings, sandbox, routers, static files. Nothing else lives here."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.middleware.gzip import GZipMiddleware
from fastapi.staticfiles import StaticFiles

from gradtrace.api import (
    RateLimitMiddleware,
    RequestLogMiddleware,
    body_limit,
    docs,
    export,
    health,
    install_error_handlers,
    metrics,
    pages,
    routes,
)
from gradtrace.assets import STATIC_DIR
from gradtrace.sandbox import Sandbox
from gradtrace.settings import Settings, get_settings
from gradtrace.version import __version__

__all__ = ["create_app"]

_GZIP_MIN_BYTES = 4096
# Level 1 (nginx's default): a 24-layer encoder's 660 kB trace compresses in 3 ms to 120 kB;
# Starlette's default level 9 took 39 ms for 95 kB (measured), longer than the trace's send.
_GZIP_LEVEL = 1


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the FastAPI app; workers start in the lifespan, not at import."""
    settings = settings or get_settings()
    sandbox = Sandbox(settings)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        await sandbox.start()
        app.state.ready = True
        try:
            yield
        finally:
            app.state.ready = False
            sandbox.close()

    # docs_url/redoc_url None: /docs is served from vendored files (api/docs.py), never a CDN
    app = FastAPI(title="Gradtrace", version=__version__, lifespan=lifespan,
                  description="See PyTorch autograd: graphs, values and gradients.",
                  docs_url=None, redoc_url=None)
    app.state.sandbox = sandbox
    app.state.settings = settings
    app.state.ready = False
    install_error_handlers(app)
    # A tutorial-sized trace (a few KB) goes out plain: compressing it and decompressing it
    # costs both ends more CPU than the bytes save on any link; big graphs are compressed.
    app.add_middleware(GZipMiddleware, minimum_size=_GZIP_MIN_BYTES, compresslevel=_GZIP_LEVEL)
    app.add_middleware(RateLimitMiddleware, limit=settings.rate_limit,
                       storage_url=settings.rate_limit_storage,
                       trust_forwarded_for=settings.trust_forwarded_for)
    body_limit.install(app, settings)  # outside the rate limiter: oversized bodies cost nothing
    app.state.metrics = metrics.Metrics(sandbox.pool, settings.workers, settings.queue)
    app.add_middleware(RequestLogMiddleware, level=settings.log_level,
                       trust_forwarded_for=settings.trust_forwarded_for,
                       listeners=[app.state.metrics.observe])
    if settings.metrics_enabled:
        app.include_router(metrics.router)
    app.include_router(health.router)
    app.include_router(routes.router)
    app.include_router(pages.router)
    app.include_router(export.router)
    app.include_router(docs.router)
    app.mount("/static", StaticFiles(directory=str(STATIC_DIR), check_dir=False), name="static")
    return app
