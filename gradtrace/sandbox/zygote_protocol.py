"""The bytes the server, the zygote and a worker say to each other: written once, here.

Two channels. The zygote's control socket (a Unix socketpair with the server): once warm, the
zygote sends :data:`ZYGOTE_READY`; then for each worker the server sends :data:`FORK` with
one end of a fresh socketpair attached (SCM_RIGHTS), and the zygote answers with the child's
pid packed as :data:`PID`. A worker's own socket (``multiprocessing.connection`` framing):
the worker sends :data:`WORKER_READY` once hardened; the server may send :data:`REHEARSE`
(trace a fixed warm-up program now), then sends the job as JSON; the worker answers with the
reply's header and body, and exits.

Both sides import this module and nothing of each other, so the server never loads the code
that runs inside the zygote and the zygote never loads the server's handle on it.
"""

from __future__ import annotations

import struct

__all__ = ["FORK", "PID", "REHEARSE", "WORKER_READY", "ZYGOTE_MODULE", "ZYGOTE_READY"]

ZYGOTE_MODULE = "gradtrace.sandbox.zygote"  # run as ``python -m`` by the server's handle
ZYGOTE_READY = b"R"  # zygote -> server, once: torch imported and the warm-up trace done
FORK = b"F"  # server -> zygote: fork a worker for the socket sent with this byte
PID = struct.Struct("!i")  # zygote -> server: the new worker's pid
WORKER_READY = b"ready"  # worker -> server: hardened, waiting for its one job
REHEARSE = b"rehearse"  # server -> worker: trace the rehearsal program before the job
