"""HTTP layer: parse a request, call the sandbox or the tracer, return a schema.

``gradtrace.main`` wires these into the app; nothing else imports from here.
"""

from gradtrace.api import body_limit, docs, export, health, metrics, pages, routes
from gradtrace.api.errors import install_error_handlers
from gradtrace.api.ratelimit import RateLimitMiddleware
from gradtrace.api.request_log import RequestLogMiddleware

__all__ = [
    "RateLimitMiddleware",
    "RequestLogMiddleware",
    "body_limit",
    "docs",
    "export",
    "health",
    "install_error_handlers",
    "metrics",
    "pages",
    "routes",
]
