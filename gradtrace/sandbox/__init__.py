"""Running untrusted programs: static policy, allow-listed API, hardened worker processes.

What other packages use, and only that (see ``__all__``). The names are loaded on first use:
the zygote imports modules of this package before it loads torch and asks to die with the
server, and must not pull the server-side service in with them.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__all__ = ["PolicyError", "QueueFull", "Sandbox", "TraceReply", "policy_failure", "trace_file"]

_WHERE = {
    "PolicyError": "errors", "QueueFull": "errors", "Sandbox": "service",
    "policy_failure": "service", "TraceReply": "reply", "trace_file": "local",
}

if TYPE_CHECKING:
    from gradtrace.sandbox.errors import PolicyError, QueueFull
    from gradtrace.sandbox.local import trace_file
    from gradtrace.sandbox.reply import TraceReply
    from gradtrace.sandbox.service import Sandbox, policy_failure


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module 'gradtrace.sandbox' has no attribute {name!r}")
    return getattr(importlib.import_module(f"gradtrace.sandbox.{module}"), name)
