"""Measure the largest reply over the attack corpus, whole and as the worker sends it.

Not a test: ``.venv/bin/python -m tests.sandbox.measure_reply_sizes [attacks.json]`` runs
every program of ``../shared/attacks/public.json`` (or the file given) the way a worker does
(policy, hardening, the worker's own run and reply, :mod:`tests.sandbox.hardened`) and prints,
per program and overall, the bytes of the whole trace and of the reply within
``max_reply_bytes`` (gradtrace.tracing.budget), and what was cut.
"""

from __future__ import annotations

import dataclasses
import json
import sys
from pathlib import Path
from typing import Any

from gradtrace.sandbox import worker
from gradtrace.sandbox.errors import PolicyError
from gradtrace.sandbox.limits import ProcessLimits, harden
from gradtrace.sandbox.policy import check
from gradtrace.sandbox.service import policy_failure, trace_options
from gradtrace.settings import Settings
from gradtrace.tracing import dumps
from tests.sandbox.hardened import warmed_parent

CORPUS = Path(__file__).resolve().parents[3] / "shared" / "attacks" / "public.json"


def reply_sizes(limits: ProcessLimits, code: str) -> tuple[int, int, Any]:
    """A scenario for the warmed parent: (whole trace bytes, reply bytes, reply_cut)."""
    settings = Settings()
    try:
        check(code, settings.max_code_chars)
    except PolicyError as exc:
        size = len(dumps(policy_failure(exc)))
        return size, size, None
    harden(limits)
    job = {"code": code, "options": dataclasses.asdict(trace_options(settings)),
           "time_limit": settings.time_limit}
    result = worker._run(job, limits)
    whole = len(dumps(result))
    reply = worker._reply(result, limits.max_reply_bytes)
    return whole, len(reply.body), reply.result().get("reply_cut")


def main(path: Path) -> None:
    attacks = json.loads(path.read_text())
    settings = Settings()
    limits = ProcessLimits(memory_limit_mb=settings.memory_limit_mb,
                           cpu_seconds=int(settings.time_limit) + 2,
                           max_reply_bytes=settings.max_reply_bytes)
    sizes: list[tuple[int, int]] = []
    with warmed_parent() as run:
        for index, attack in enumerate(attacks):
            outcome = run(reply_sizes, limits, attack["code"], timeout=settings.time_limit + 10)
            if outcome["how"] != "returned":
                print(index, attack["category"], "no reply:", outcome["how"], outcome["signal"])
                continue
            whole, sent, cut = outcome["value"]
            sizes.append((whole, sent))
            print(index, attack["category"], whole, sent, cut or "", flush=True)
    cap = settings.max_reply_bytes
    print(f"{len(sizes)} replies; largest whole trace {max(w for w, _ in sizes):,} bytes "
          f"({sum(w > cap for w, _ in sizes)} over {cap:,}); largest reply "
          f"{max(s for _, s in sizes):,} bytes ({sum(s > cap for _, s in sizes)} over)")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else CORPUS)
