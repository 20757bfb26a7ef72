"""Real outcomes of ``harden()``: each scenario runs in a child forked from a warmed-up parent.

The parent is a freshly spawned interpreter that ran :func:`warm_up` (like the service's
pre-warmed worker parent); for every test it forks a child that hardens itself, runs one
scenario and sends back a plain-data result over a pipe opened before hardening. The parent
reports that result together with how the child ended (exit code or signal).
"""

from __future__ import annotations

import ctypes
import errno
import multiprocessing
import os
import pickle
import resource
import select
import signal
import socket
import threading
import time
from collections.abc import Callable, Iterator
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

import pytest
import torch

from app.sandbox.facade import build_globals
from app.sandbox.limits import ProcessLimits, harden, warm_up
from app.tracing import trace_source
from app.tracing.wire import dumps

pytestmark = pytest.mark.timeout(120)
GALLERY = sorted((Path(__file__).parents[2] / "app" / "examples" / "programs").glob("*.py"))

Scenario = Callable[[ProcessLimits, Any], Any]
Runner = Callable[..., dict[str, Any]]


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


def sc_memory(limits: ProcessLimits, arg: Any) -> Any:
    harden(limits)
    big: dict[str, str] = {}
    for name, make in (
        ("torch", lambda: torch.empty(1 << 30, dtype=torch.float32)),  # 4 GiB
        ("bytearray", lambda: bytearray(4 << 30)),
    ):
        try:
            make()
            big[name] = "allocated"
        except (MemoryError, RuntimeError) as exc:
            big[name] = type(exc).__name__
    small = float(torch.ones(25_000_000).sum())  # 100 MB
    return {"big": big, "small": small}


def sc_cpu_bomb(limits: ProcessLimits, arg: Any) -> Any:
    harden(limits)
    while True:
        pass


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


def sc_gradients(limits: ProcessLimits, arg: Any) -> Any:
    harden(limits)
    return _reference_gradients()


def sc_harden_cost(limits: ProcessLimits, arg: Any) -> Any:
    start = time.perf_counter()
    harden(limits)
    return time.perf_counter() - start


def sc_trace(limits: ProcessLimits, arg: Any) -> Any:
    harden(limits)
    return _trace_json(arg)


def _trace_json(source: str) -> str:
    return dumps(trace_source(source, globals_dict=build_globals())).decode()


def _reference_gradients() -> list[list[float]]:
    """Forward and backward of a small MLP and a TransformerEncoderLayer; every .grad."""
    torch.manual_seed(1234)
    mlp = torch.nn.Sequential(torch.nn.Linear(6, 12), torch.nn.Tanh(), torch.nn.Linear(12, 3))
    layer = torch.nn.TransformerEncoderLayer(8, 2, 16, dropout=0.0, batch_first=True)
    x = torch.randn(4, 6, requires_grad=True)
    seq = torch.randn(2, 5, 8, requires_grad=True)
    loss = torch.nn.functional.cross_entropy(mlp(x), torch.tensor([0, 2, 1, 0]))
    (loss + layer(seq).pow(2).mean()).backward()
    tensors = [x, seq, *mlp.parameters(), *layer.parameters()]
    return [t.grad.flatten().tolist() for t in tensors if t.grad is not None]


# --------------------------------------------------------------------------- warmed parent


def _fork_and_run(name: str, limits: ProcessLimits, arg: Any, timeout: float) -> dict[str, Any]:
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the worker: never returns
        os.close(read_end)
        try:
            outcome: tuple[str, Any] = ("returned", globals()[name](limits, arg))
        except BaseException as exc:
            outcome = ("raised", f"{type(exc).__name__}: {exc}")
        data = memoryview(pickle.dumps(outcome))
        while data:
            data = data[os.write(write_end, data) :]
        os._exit(0)
    os.close(write_end)
    chunks, deadline, timed_out = [], time.monotonic() + timeout, False
    while True:
        ready, _, _ = select.select([read_end], [], [], max(0.0, deadline - time.monotonic()))
        if not ready:
            timed_out = True
            os.kill(pid, signal.SIGKILL)
            break
        chunk = os.read(read_end, 1 << 20)
        if not chunk:
            break
        chunks.append(chunk)
    os.close(read_end)
    _, status = os.waitpid(pid, 0)
    payload = pickle.loads(b"".join(chunks)) if chunks else (None, None)
    return {
        "how": payload[0],
        "value": payload[1],
        "timed_out": timed_out,
        "signal": os.WTERMSIG(status) if os.WIFSIGNALED(status) else None,
        "exitcode": os.WEXITSTATUS(status) if os.WIFEXITED(status) else None,
    }


def _parent(conn: Connection) -> None:
    """Spawned pre-warmed parent: forks one hardened child per request.

    Like the service's worker parent: warm_up(), then one full trace through the facade so that
    the facade's and tracer's own lazy imports happen here, not after hardening.
    """
    warm_up()
    _trace_json(GALLERY[0].read_text())
    while (request := conn.recv()) is not None:
        conn.send(_fork_and_run(*request))


@pytest.fixture(scope="module")
def run() -> Iterator[Runner]:
    ctx = multiprocessing.get_context("spawn")
    ours, theirs = ctx.Pipe()
    parent = ctx.Process(target=_parent, args=(theirs,), daemon=True)
    parent.start()

    def call(
        scenario: Scenario,
        limits: ProcessLimits | None = None,
        arg: Any = None,
        timeout: float = 30.0,
    ) -> dict[str, Any]:
        ours.send((scenario.__name__, limits or ProcessLimits(), arg, timeout))
        assert ours.poll(timeout + 60), "warmed parent did not answer"
        result: dict[str, Any] = ours.recv()
        return result

    yield call
    ours.send(None)
    parent.join(10)
    if parent.is_alive():
        parent.kill()
        parent.join()


def _returned(result: dict[str, Any]) -> Any:
    assert result["how"] == "returned", result
    assert result["exitcode"] == 0, result
    return result["value"]


# --------------------------------------------------------------------------- tests


def test_execve_is_refused(run: Runner) -> None:
    assert _returned(run(sc_exec)) == errno.EPERM


def test_new_sockets_are_refused_but_existing_ones_work(run: Runner) -> None:
    value = _returned(run(sc_sockets))
    assert value["echoed"] == b"still works"
    assert value["refused"] == {"inet": errno.EPERM, "unix": errno.EPERM, "socketpair": errno.EPERM}


def test_fork_is_refused_but_threads_work(run: Runner) -> None:
    value = _returned(run(sc_fork_and_threads, ProcessLimits(max_threads=2)))
    assert value["fork"] == errno.EPERM
    assert value["thread"] == [3.0]
    assert value["torch_threads"] == 2 and value["matmul_finite"]


def test_writing_a_new_file_fails_and_creates_nothing(run: Runner, tmp_path: Path) -> None:
    target = tmp_path / "written-by-sandbox.txt"
    value = _returned(run(sc_write, arg=str(target)))
    assert value == {"w": errno.EPERM, "a": errno.EPERM, "x": errno.EPERM, "r+": errno.EPERM}
    assert not target.exists()


def test_even_read_write_opens_are_refused_with_read_opens_allowed(
    run: Runner, tmp_path: Path
) -> None:
    target = tmp_path / "written-by-sandbox.txt"
    value = _returned(run(sc_write, ProcessLimits(allow_read_opens=True), str(target)))
    assert set(value.values()) == {errno.EPERM}
    assert not target.exists()


def test_zero_file_size_limit_stops_writes_to_preopened_files(run: Runner, tmp_path: Path) -> None:
    target = tmp_path / "preopened.txt"
    target.write_text("")
    assert _returned(run(sc_write_preopened, arg=str(target))) == errno.EFBIG
    assert target.read_text() == ""


def test_reading_a_canary_file_fails(run: Runner, tmp_path: Path) -> None:
    canary = tmp_path / "canary.txt"
    token = os.urandom(16).hex()
    canary.write_text(token)
    value = _returned(run(sc_read, arg=str(canary)))
    assert value == errno.EPERM
    assert token not in repr(value)


def test_read_opens_work_only_when_allowed(run: Runner, tmp_path: Path) -> None:
    canary = tmp_path / "readable.txt"
    canary.write_text("readable")
    value = _returned(run(sc_read, ProcessLimits(allow_read_opens=True), str(canary)))
    assert value == "readable"


def test_memory_limit_refuses_4_gib_but_allows_100_mb(run: Runner) -> None:
    value = _returned(run(sc_memory, ProcessLimits(memory_limit_mb=1024)))
    assert value["big"] == {"torch": "RuntimeError", "bytearray": "MemoryError"}
    assert value["small"] == 25_000_000.0


def test_cpu_bomb_is_killed_by_sigxcpu(run: Runner) -> None:
    result = run(sc_cpu_bomb, ProcessLimits(cpu_seconds=1), timeout=30)
    assert not result["timed_out"]
    assert result["signal"] in (signal.SIGXCPU, signal.SIGKILL), result


def test_environment_is_empty_and_cwd_is_gone(run: Runner) -> None:
    value = _returned(run(sc_environment))
    assert value == {"environ": {}, "cwd": errno.ENOENT, "relative": errno.EPERM}


def test_limits_cannot_be_raised_again_even_as_root(run: Runner) -> None:
    assert _returned(run(sc_raise_limits)) in ("PermissionError", "ValueError")


def test_dangerous_syscalls_are_refused(run: Runner, tmp_path: Path) -> None:
    victim, victim_dir, new_path = tmp_path / "victim", tmp_path / "dir", tmp_path / "new"
    victim.write_text("intact")
    victim_dir.mkdir()
    value = _returned(run(sc_libc, arg=(str(victim), str(victim_dir), str(new_path))))
    clone3 = value.pop("clone3")
    assert clone3 == (-1, errno.ENOSYS)
    assert value == {name: (-1, errno.EPERM) for name in value}
    assert victim.read_text() == "intact" and victim_dir.is_dir()
    assert not new_path.exists() and not new_path.is_symlink()


def test_gradients_are_identical_after_hardening(run: Runner) -> None:
    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # the worker's default; the reduction order must match
    try:
        expected = _reference_gradients()
    finally:
        torch.set_num_threads(threads)
    assert _returned(run(sc_gradients)) == expected


def test_harden_is_cheap(run: Runner) -> None:
    seconds = _returned(run(sc_harden_cost))
    print(f"harden() took {seconds * 1000:.1f} ms")
    assert seconds < 0.25


@pytest.mark.parametrize("example", GALLERY, ids=[path.stem for path in GALLERY])
def test_gallery_traces_identically_after_hardening(run: Runner, example: Path) -> None:
    source = example.read_text()
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        expected = _trace_json(source)
    finally:
        torch.set_num_threads(threads)
    assert _returned(run(sc_trace, arg=source)) == expected
