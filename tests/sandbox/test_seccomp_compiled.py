"""The seccomp filter the zygote compiles once and every worker loads.

Workers no longer build their filter with libseccomp: they load a program compiled once by
the zygote, with their own pid written in. These tests check that the program is exactly
libseccomp's for that pid, and that a process which loads it refuses what the filter
refuses (each scenario in a forked child, so the test process stays unfiltered).
"""

from __future__ import annotations

import errno
import os
import socket
from collections.abc import Callable
from typing import Any

import pytest

from gradtrace.sandbox.seccomp_filter import (
    CompiledFilter,
    build_filter,
    compile_filter,
    export_program,
)
from tests.sandbox.child import in_child


def _errno_of(call: Callable[[], object]) -> int | None:
    try:
        call()
    except OSError as exc:
        return exc.errno
    return None


@pytest.mark.parametrize("allow_read_opens", [False, True])
@pytest.mark.parametrize("pid", [1, 2, 4242, 4_194_303, os.getpid()])
def test_compiled_program_is_libseccomps_own_for_that_pid(pid: int,
                                                          allow_read_opens: bool) -> None:
    compiled = compile_filter(allow_read_opens=allow_read_opens)
    expected = export_program(build_filter(allow_read_opens=allow_read_opens, pid=pid))
    assert compiled.for_pid(pid) == expected


def _refusals(compiled: CompiledFilter, canary: str) -> dict[str, Any]:
    parent = os.getppid()
    compiled.load()
    return {
        "socket": _errno_of(lambda: socket.socket(socket.AF_INET, socket.SOCK_STREAM)),
        "fork": _errno_of(os.fork),
        "exec": _errno_of(lambda: os.execv("/bin/true", ["/bin/true"])),
        "open": _errno_of(lambda: open(canary).read()),
        "kill_parent": _errno_of(lambda: os.kill(parent, 0)),
        "kill_self": _errno_of(lambda: os.kill(os.getpid(), 0)),
    }


def test_a_worker_loading_the_compiled_filter_refuses_what_it_refused(tmp_path: Any) -> None:
    canary = tmp_path / "canary.txt"
    canary.write_text("secret")
    compiled = compile_filter()  # in the "zygote", before the fork, as the service does
    refused = in_child(lambda: _refusals(compiled, str(canary)))
    assert refused == {"socket": errno.EPERM, "fork": errno.EPERM, "exec": errno.EPERM,
                       "open": errno.EPERM, "kill_parent": errno.EPERM, "kill_self": None}
