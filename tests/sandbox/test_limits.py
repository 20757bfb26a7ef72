"""What ``harden()`` takes away: files, processes, sockets, the environment, raw syscalls.

Each scenario runs in a child forked from a warmed-up parent (see :mod:`tests.sandbox.hardened`)
and hardens itself before trying something a traced program must not do; the tests check that
it was refused with the expected errno and that nothing outside the child changed. The
memory and CPU limits, and the work hardening must leave intact (gradients, traces), are in
``test_limits_resources.py``.
"""

from __future__ import annotations

import ctypes
import errno
import os
import resource
import socket
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import torch

from gradtrace.sandbox.limits import ProcessLimits, harden
from tests.sandbox.child import returned
from tests.sandbox.hardened import Runner

pytestmark = pytest.mark.timeout(120)


# --------------------------------------------------------------------------- child scenarios


def sc_exec(limits: ProcessLimits, arg: Any) -> Any:
    harden(limits)
    try:
        os.execv("/bin/true", ["/bin/true"])
    except OSError as exc:
        return exc.errno
    return "executed"


def sc_sockets(limits: ProcessLimits, arg: Any) -> Any:
    left, right = socket.socketpair()  # opened before hardening, like the result channel
    harden(limits)
    left.sendall(b"still works")
    echoed = right.recv(64)
    refused: dict[str, int | None] = {}
    for name, make in (
        ("inet", lambda: socket.socket(socket.AF_INET, socket.SOCK_STREAM)),
        ("unix", lambda: socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)),
        ("socketpair", socket.socketpair),
    ):
        try:
            make()
            refused[name] = None
        except OSError as exc:
            refused[name] = exc.errno
    return {"echoed": echoed, "refused": refused}


def sc_fork_and_threads(limits: ProcessLimits, arg: Any) -> Any:
    harden(limits)
    try:
        os.fork()  # a child of ours would also return here: it must never exist
        fork: Any = "forked"
    except OSError as exc:
        fork = exc.errno
    box: list[float] = []
    worker = threading.Thread(target=lambda: box.append(float(torch.ones(3).sum())))
    worker.start()
    worker.join()
    a = torch.randn(512, 512)
    product = float((a @ a).sum())
    return {
        "fork": fork,
        "thread": box,
        "torch_threads": torch.get_num_threads(),
        "matmul_finite": product == product,
    }


def sc_write(limits: ProcessLimits, arg: Any) -> Any:
    harden(limits)
    outcome: dict[str, Any] = {}
    for mode in ("w", "a", "x", "r+"):
        try:
            with open(arg, mode) as handle:
                handle.write("pwned")
            outcome[mode] = "written"
        except OSError as exc:
            outcome[mode] = exc.errno
    return outcome


def sc_write_preopened(limits: ProcessLimits, arg: Any) -> Any:
    fd = os.open(arg, os.O_WRONLY)  # a regular file opened before hardening
    harden(limits)
    try:
        os.write(fd, b"pwned")
    except OSError as exc:
        return exc.errno
    return "written"


def sc_read(limits: ProcessLimits, arg: Any) -> Any:
    harden(limits)
    try:
        with open(arg) as handle:
            return handle.read()
    except OSError as exc:
        return exc.errno


def sc_environment(limits: ProcessLimits, arg: Any) -> Any:
    harden(limits)
    try:
        cwd: Any = os.getcwd()
    except OSError as exc:
        cwd = exc.errno
    try:
        with open("relative.txt", "w") as handle:
            handle.write("x")
        relative: Any = "written"
    except OSError as exc:
        relative = exc.errno
    return {"environ": dict(os.environ), "cwd": cwd, "relative": relative}


def sc_raise_limits(limits: ProcessLimits, arg: Any) -> Any:
    harden(limits)
    try:
        resource.setrlimit(resource.RLIMIT_AS, (resource.RLIM_INFINITY, resource.RLIM_INFINITY))
    except (OSError, ValueError) as exc:
        return type(exc).__name__
    return "raised"


def sc_libc(limits: ProcessLimits, arg: Any) -> Any:
    """Call dangerous libc functions and raw syscalls directly, as a C-level escape would."""
    victim, victim_dir, new_path = (p.encode() for p in arg)
    libc = ctypes.CDLL(None, use_errno=True)
    calls: dict[str, Callable[[], int]] = {
        "ptrace": lambda: libc.ptrace(0, 0, 0, 0),
        "unshare": lambda: libc.unshare(0x10000000),
        "mount": lambda: libc.mount(b"none", victim_dir, b"tmpfs", 0, None),
        "chroot": lambda: libc.chroot(victim_dir),
        "personality": lambda: libc.personality(0x0040000),
        "symlink": lambda: libc.symlink(victim, new_path),
        "link": lambda: libc.link(victim, new_path),
        "unlink": lambda: libc.unlink(victim),
        "rename": lambda: libc.rename(victim, new_path),
        "mkdir": lambda: libc.mkdir(new_path, 0o777),
        "rmdir": lambda: libc.rmdir(victim_dir),
        "chmod": lambda: libc.chmod(victim, 0o777),
        "chown": lambda: libc.chown(victim, 1, 1),
        "truncate": lambda: libc.truncate(victim, 0),
        "kill_init": lambda: libc.kill(1, 0),
        "setuid": lambda: libc.setuid(0),
        "vfork_like_clone": lambda: libc.syscall(56, 0x00004000 | 0x100 | 17, 0, 0, 0, 0),
    }
    for name, number in (
        ("bpf", 321),
        ("perf_event_open", 298),
        ("keyctl", 250),
        ("kexec_load", 246),
        ("process_vm_readv", 310),
        ("setns", 308),
        ("io_uring_setup", 425),
        ("userfaultfd", 323),
        ("memfd_create", 319),
    ):
        calls[name] = _raw_syscall(libc, number)
    harden(limits)
    results = {}
    for name, call in calls.items():
        ctypes.set_errno(0)
        results[name] = (call(), ctypes.get_errno())
    ctypes.set_errno(0)
    results["clone3"] = (libc.syscall(435, 0, 0), ctypes.get_errno())
    return results


def _raw_syscall(libc: ctypes.CDLL, number: int) -> Callable[[], int]:
    def call() -> int:
        result: int = libc.syscall(number, 0, 0, 0, 0, 0, 0)
        return result

    return call


# --------------------------------------------------------------------------- tests


def test_execve_is_refused(run: Runner) -> None:
    assert returned(run(sc_exec)) == errno.EPERM


def test_new_sockets_are_refused_but_existing_ones_work(run: Runner) -> None:
    value = returned(run(sc_sockets))
    assert value["echoed"] == b"still works"
    assert value["refused"] == {"inet": errno.EPERM, "unix": errno.EPERM, "socketpair": errno.EPERM}


def test_fork_is_refused_but_threads_work(run: Runner) -> None:
    value = returned(run(sc_fork_and_threads, ProcessLimits(max_threads=2)))
    assert value["fork"] == errno.EPERM
    assert value["thread"] == [3.0]
    assert value["torch_threads"] == 2 and value["matmul_finite"]


def test_writing_a_new_file_fails_and_creates_nothing(run: Runner, tmp_path: Path) -> None:
    target = tmp_path / "written-by-sandbox.txt"
    value = returned(run(sc_write, arg=str(target)))
    assert value == {"w": errno.EPERM, "a": errno.EPERM, "x": errno.EPERM, "r+": errno.EPERM}
    assert not target.exists()


def test_even_read_write_opens_are_refused_with_read_opens_allowed(
    run: Runner, tmp_path: Path
) -> None:
    target = tmp_path / "written-by-sandbox.txt"
    value = returned(run(sc_write, ProcessLimits(allow_read_opens=True), str(target)))
    assert set(value.values()) == {errno.EPERM}
    assert not target.exists()


def test_zero_file_size_limit_stops_writes_to_preopened_files(run: Runner, tmp_path: Path) -> None:
    target = tmp_path / "preopened.txt"
    target.write_text("")
    assert returned(run(sc_write_preopened, arg=str(target))) == errno.EFBIG
    assert target.read_text() == ""


def test_reading_a_canary_file_fails(run: Runner, tmp_path: Path) -> None:
    canary = tmp_path / "canary.txt"
    token = os.urandom(16).hex()
    canary.write_text(token)
    value = returned(run(sc_read, arg=str(canary)))
    assert value == errno.EPERM
    assert token not in repr(value)


def test_read_opens_work_only_when_allowed(run: Runner, tmp_path: Path) -> None:
    canary = tmp_path / "readable.txt"
    canary.write_text("readable")
    value = returned(run(sc_read, ProcessLimits(allow_read_opens=True), str(canary)))
    assert value == "readable"


def test_environment_is_empty_and_cwd_is_gone(run: Runner) -> None:
    value = returned(run(sc_environment))
    assert value == {"environ": {}, "cwd": errno.ENOENT, "relative": errno.EPERM}


def test_limits_cannot_be_raised_again_even_as_root(run: Runner) -> None:
    assert returned(run(sc_raise_limits)) in ("PermissionError", "ValueError")


def test_dangerous_syscalls_are_refused(run: Runner, tmp_path: Path) -> None:
    victim, victim_dir, new_path = tmp_path / "victim", tmp_path / "dir", tmp_path / "new"
    victim.write_text("intact")
    victim_dir.mkdir()
    value = returned(run(sc_libc, arg=(str(victim), str(victim_dir), str(new_path))))
    clone3 = value.pop("clone3")
    assert clone3 == (-1, errno.ENOSYS)
    assert value == {name: (-1, errno.EPERM) for name in value}
    assert victim.read_text() == "intact" and victim_dir.is_dir()
    assert not new_path.exists() and not new_path.is_symlink()
