"""Measurement 4: how many bytes a trace costs, as JSON and on the wire.

The 24-layer encoder is traced over HTTP twice, interleaved: with the server's default
summaries (tensors over ``max_tensor_values`` elements sent as statistics) and, as the
baseline in the full run, with every value listed (``max_values`` = 100,000). The wire size
is read before decoding, with ``Accept-Encoding: gzip`` as a browser sends it.
"""

from __future__ import annotations

from typing import Any

import httpx
import orjson

from bench.common import Row
from bench.server import Server
from bench.sources import encoder

__all__ = ["measure"]


def _fetch(client: httpx.Client, body: dict[str, Any]) -> tuple[int, int, str, int]:
    """(wire bytes, JSON bytes, Content-Encoding, nodes) of one trace."""
    with client.stream("POST", "/api/v1/trace", json=body,
                       headers={"Accept-Encoding": "gzip"}) as response:
        response.raise_for_status()
        raw = response.read()
        wire = response.num_bytes_downloaded
        encoding = response.headers.get("content-encoding", "identity")
    trace = orjson.loads(raw)
    if not trace["ok"]:
        raise RuntimeError(f"trace failed: {trace['error']}")
    return wire, len(raw), encoding, len(trace["graph"]["nodes"])


def measure(server: Server, quick: bool) -> list[Row]:
    """JSON bytes per node (target <= 400) and the gzip actually used on the wire."""
    code = encoder(24)
    with httpx.Client(base_url=server.url, timeout=300) as client:
        wire, size, encoding, nodes = _fetch(client, {"code": code})
        full = None
        if not quick:
            full = _fetch(client, {"code": code, "options": {"max_values": 100_000}})
    per_node = size / nodes
    rows = [Row("payload.json", f"24-layer encoder: JSON bytes per node ({nodes} nodes)",
                per_node, "B/node", full[1] / full[3] if full else None,
                "every value listed (max_values=100000)", "<= 400 B/node", per_node <= 400,
                note=f"{size / 1e6:.2f} MB per trace", guard="figure"),
            Row("payload.wire", f"24-layer encoder: bytes on the wire per node ({encoding})",
                wire / nodes, "B/node", per_node, "uncompressed JSON", "gzip",
                encoding == "gzip", note=f"{wire / 1e6:.2f} MB on the wire", guard="met")]
    return rows
