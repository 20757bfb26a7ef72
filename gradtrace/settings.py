"""Every knob of the service in one place.

Each field can be overridden by an environment variable with the ``GRADTRACE_`` prefix
(``GRADTRACE_TIME_LIMIT=10``) and, for ``gradtrace serve``, by a CLI flag of the same name.
Defaults are chosen so that ``gradtrace serve`` on a laptop needs no configuration at all.
"""

from __future__ import annotations

from functools import lru_cache

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

__all__ = ["Settings", "get_settings"]


class Settings(BaseSettings):
    """Service configuration, read from ``GRADTRACE_*`` environment variables."""

    model_config = SettingsConfigDict(env_prefix="GRADTRACE_", extra="ignore")

    host: str = Field("127.0.0.1", description="Address `gradtrace serve` binds to.")
    port: int = Field(8000, ge=0, le=65535, description="TCP port `gradtrace serve` uses.")
    workers: int = Field(2, ge=1, le=64, description="Sandboxed worker processes running programs.")
    queue: int = Field(16, ge=0, description="Programs that may wait for a worker; more get 503.")
    time_limit: float = Field(5.0, gt=0, description="Wall-clock seconds one program may run.")
    memory_limit_mb: int = Field(1024, ge=64, description="Memory a program may allocate, in MiB.")
    max_nodes: int = Field(20000, ge=10, description="Largest autograd graph a trace may hold.")
    max_events: int = Field(100000, ge=10, description="Most events in one trace.")
    max_code_chars: int = Field(20000, ge=100, description="Largest program, in characters.")
    max_stdout_bytes: int = Field(65536, ge=1024, description="Most bytes print() may write.")
    # the defaults of gradtrace.tracing.budget (not imported here: that would import torch)
    max_reply_bytes: int = Field(
        5_000_000, ge=16_384, description="Largest reply, in bytes; a bigger trace is cut, "
                                          "least valuable part first, and says what was cut.")
    max_tensor_values: int = Field(
        16, ge=1, description="Tensors with more elements are summarised instead of listed."
    )
    rate_limit: str = Field("60/minute", description="Requests per client, in `limits` syntax.")
    rate_limit_storage: str = Field(
        "memory://", description="Where rate-limit counters live; redis://... to share replicas."
    )
    trust_forwarded_for: bool = Field(
        False, description="Take the client address from X-Forwarded-For (behind a trusted proxy)."
    )
    log_level: str = Field("info", description="Log level of the JSON request log.")
    metrics_enabled: bool = Field(
        True, description="Serve Prometheus metrics at /metrics (scrape each replica directly)."
    )


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """Return the process-wide settings, read once from the environment."""
    return Settings()
