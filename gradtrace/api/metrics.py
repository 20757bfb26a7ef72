"""Prometheus metrics at ``/metrics``: what the traces did and how loaded the workers are.

Each app owns a private :class:`~prometheus_client.CollectorRegistry`, so that several apps
in one process (tests) never clash over metric names. Request outcomes arrive from the
request log (one record per request, see :mod:`gradtrace.api.request_log`); the pool's live
counters are read at scrape time through callbacks, so the pool knows nothing of Prometheus
and the numbers can never drift from the pool's own.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Protocol

from fastapi import APIRouter, Request
from fastapi.responses import Response
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
)
from prometheus_client.core import CounterMetricFamily
from prometheus_client.metrics_core import Metric
from prometheus_client.registry import Collector

from gradtrace.api.request_log import RequestRecord

__all__ = ["TRACE_PATH", "Metrics", "PoolCounters", "router"]

TRACE_PATH = "/api/v1/trace"
_BUCKETS = (0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)


class PoolCounters(Protocol):
    """The live counters of the worker pool (:class:`gradtrace.sandbox.pool.WorkerPool`)."""

    busy: int
    waiting: int
    restarts: int


class _Restarts(Collector):
    """``gradtrace_worker_restarts_total``, read from the pool when Prometheus scrapes."""

    def __init__(self, pool: PoolCounters) -> None:
        self.pool = pool

    def _family(self, value: float) -> CounterMetricFamily:
        return CounterMetricFamily(
            "gradtrace_worker_restarts",
            "Workers killed and replaced because they crashed, ran out of time or memory.",
            value=value,
        )

    def describe(self) -> Iterator[Metric]:
        yield self._family(0)

    def collect(self) -> Iterator[Metric]:
        yield self._family(self.pool.restarts)


class Metrics:
    """The service's metrics in a registry of their own."""

    def __init__(self, pool: PoolCounters, workers: int, queue: int) -> None:
        self.registry = CollectorRegistry()
        self.traces = Counter(
            "gradtrace_traces", "Trace requests by outcome (error.kind, ok, or why refused).",
            ["outcome"], registry=self.registry,
        )
        self.seconds = Histogram(
            "gradtrace_trace_seconds",
            "Seconds per trace request that returned a trace (ran, or refused by the policy).",
            buckets=_BUCKETS, registry=self.registry,
        )
        busy = Gauge("gradtrace_workers_busy", "Workers running a program now.",
                     registry=self.registry)
        busy.set_function(lambda: pool.busy)
        waiting = Gauge("gradtrace_queue_length", "Programs waiting for a free worker.",
                        registry=self.registry)
        waiting.set_function(lambda: pool.waiting)
        Gauge("gradtrace_workers", "Configured worker slots.",
              registry=self.registry).set(workers)
        Gauge("gradtrace_queue_capacity", "Programs that may wait before requests get 503.",
              registry=self.registry).set(queue)
        self.registry.register(_Restarts(pool))

    def observe(self, record: RequestRecord) -> None:
        """Count one finished request (a request-log listener)."""
        if record.path != TRACE_PATH or record.method != "POST":
            return
        self.traces.labels(outcome=record.outcome).inc()
        if record.nodes is not None:  # the program reached the sandbox
            self.seconds.observe(record.duration_ms / 1000.0)

    def exposition(self) -> bytes:
        """The text format Prometheus scrapes."""
        return generate_latest(self.registry)


router = APIRouter(tags=["operations"])


@router.get("/metrics", summary="Prometheus metrics", include_in_schema=False)
async def metrics(request: Request) -> Response:
    """Scraped by Prometheus; never rate limited."""
    registry: Metrics = request.app.state.metrics
    return Response(registry.exposition(), media_type=CONTENT_TYPE_LATEST)
