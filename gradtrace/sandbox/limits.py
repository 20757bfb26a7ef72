"""In-process hardening of a worker, applied right before it runs an untrusted program.

The worker is a process forked from a parent that already imported torch and numpy and ran
:func:`warm_up`. It calls :func:`harden` once, then runs the program and writes the result to a
file descriptor it opened *before* hardening (a pipe or socketpair to the parent). After
:func:`harden` the process:

* cannot grow its address space past what it had plus ``memory_limit_mb`` (``RLIMIT_AS``:
  torch reserves gigabytes of virtual memory up front, so an absolute limit would be wrong);
* gets ``SIGXCPU`` after ``cpu_seconds`` more CPU time and ``SIGKILL`` one second later;
* cannot write a byte to a regular file (``RLIMIT_FSIZE`` 0; ``SIGXFSZ`` is ignored so a write
  fails with ``EFBIG`` instead of killing the worker), dump core or open many descriptors;
* runs with an empty ``os.environ`` in an empty directory that has already been deleted, so
  nothing can be created in it and there is nothing to clean up;
* uses ``max_threads`` intra-op threads (64 thread stacks alone exhaust the memory limit);
* is under the seccomp filter of :mod:`gradtrace.sandbox.seccomp_filter`: no exec, no sockets, no
  fork, no file opens, no ptrace, no namespace or mount calls, nothing not on its allow-list.

None of this is undoable, which is the point: a worker that ran a program is not reused for a
program from anyone else. What stays the parent's job: the wall-clock limit (``time.sleep``
uses no CPU time), noticing a dead worker and replacing it.
"""

from __future__ import annotations

import contextlib
import importlib
import io
import math
import os
import resource
import signal
import tempfile
import warnings
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import torch

from gradtrace.sandbox.seccomp_filter import CompiledFilter, compile_filter
from gradtrace.tracing.budget import DEFAULT_MAX_REPLY_BYTES, MIN_REPLY_BYTES

__all__ = ["PRELOAD_MODULES", "ProcessLimits", "current_vm_bytes", "harden", "warm_up"]

_MIB = 1024 * 1024

# Imported lazily by torch/numpy the first time a tutorial program needs them (measured by
# diffing sys.modules around such programs); after harden() no module file can be opened.
PRELOAD_MODULES: tuple[str, ...] = (
    "torch._dynamo",  # every optimizer.step() (pulls in sympy, ~800 modules)
    "torch._subclasses.schema_check_mode",  # first backward()
    "torch.autograd.functional",
    "torch.autograd.forward_ad",
    "torch.nn.utils",
    "torch.optim.lr_scheduler",
    "torch.linalg",
    "torch.special",
    "torch.fft",
    "numpy.random",
    "numpy.linalg",
    "numpy.fft",
    "traceback",
    "linecache",
)

# Runs once in the parent so that lazy C++ initialisation (cpuinfo, oneDNN kernels, optimizer
# paths, RNG engines, tensor printing) happens before any worker is forked and hardened.
_WARM_UP_PROGRAM = """
torch.manual_seed(0)
x = torch.ones(2, 2, requires_grad=True)
out = ((x + 2) * (x + 2) * 3).mean()
out.backward()
print(x.grad, repr(x), torch.zeros(2, dtype=torch.int64), torch.randn(200, 200).sum())
net = nn.Sequential(nn.Linear(8, 16), nn.ReLU(), nn.Linear(16, 3))
for make in (torch.optim.SGD, torch.optim.Adam, torch.optim.AdamW, torch.optim.RMSprop,
             torch.optim.Adagrad):
    opt = make(net.parameters(), lr=0.01)
    opt.zero_grad()
    F.cross_entropy(net(torch.randn(5, 8)), torch.tensor([0, 1, 2, 1, 0])).backward()
    opt.step()
sched = torch.optim.lr_scheduler.StepLR(opt, 1)
sched.step()
nn.utils.clip_grad_norm_(net.parameters(), 1.0)
conv = nn.Sequential(nn.Conv2d(1, 4, 3), nn.BatchNorm2d(4), nn.ReLU(), nn.MaxPool2d(2),
                     nn.Flatten(), nn.Linear(36, 10))
nn.CrossEntropyLoss()(conv(torch.randn(2, 1, 8, 8)), torch.tensor([1, 2])).backward()
layer = nn.TransformerEncoderLayer(16, 2, 32, dropout=0.0, batch_first=True)
enc = nn.TransformerEncoder(layer, num_layers=1, enable_nested_tensor=False)
h = torch.randn(2, 5, 16, requires_grad=True)
enc(h).sum().backward()
rnn_out, _ = nn.LSTM(4, 8, batch_first=True)(torch.randn(2, 3, 4))
(rnn_out.sum() + nn.Embedding(10, 4)(torch.tensor([1, 2])).sum()).backward()
a = torch.tensor(-2.0, requires_grad=True)
(g,) = torch.autograd.grad(2 * a ** 3, a, create_graph=True)
(g2,) = torch.autograd.grad(g, a, create_graph=True)
g2.backward()
torch.autograd.functional.hessian(lambda v: (v ** 3).sum(), torch.randn(3))
m = torch.randn(4, 4)
torch.linalg.inv(m @ m.T + torch.eye(4)), torch.linalg.svd(m), torch.det(m)
arr = np.random.default_rng().normal(size=(3, 3)) + np.random.rand(3)
torch.from_numpy(arr).float() @ torch.tensor(np.linalg.inv(arr + 3 * np.eye(3))).float()
F.mse_loss(h, torch.zeros_like(h)) + F.binary_cross_entropy(torch.sigmoid(h), torch.ones_like(h))
print(torch.topk(h.flatten(), 2), torch.sort(h.flatten()), f"{h.sum().item():.3f}", math.pi)
"""


@dataclass(frozen=True)
class ProcessLimits:
    """Resource limits for one worker; build it from :class:`gradtrace.settings.Settings`.

    Attributes:
        memory_limit_mb: Address space the program may add on top of what the warmed-up
            worker already maps (``GRADTRACE_MEMORY_LIMIT_MB``).
        cpu_seconds: CPU seconds the program may use before ``SIGXCPU``; set it at or a little
            above the wall-clock limit, since the parent's wall-clock kill is the primary one.
        max_threads: Intra-op threads torch may use (``torch.set_num_threads``).
        max_open_files: ``RLIMIT_NOFILE``; descriptors already open above it keep working.
        allow_read_opens: Let the seccomp filter pass read-only ``open`` calls. Off: a warmed-up
            worker needs none, and every one is then an attack.
        max_reply_bytes: The most bytes of JSON the worker sends back; a larger trace is cut
            (``GRADTRACE_MAX_REPLY_BYTES``, :mod:`gradtrace.tracing.budget`).
    """

    memory_limit_mb: int = 1024
    cpu_seconds: int = 10
    max_threads: int = 1
    max_open_files: int = 64
    allow_read_opens: bool = False
    max_reply_bytes: int = DEFAULT_MAX_REPLY_BYTES

    def __post_init__(self) -> None:
        """Refuse limits that would disable a layer (``0`` means "unlimited" to nobody here)."""
        for name in ("memory_limit_mb", "cpu_seconds", "max_threads", "max_open_files"):
            if getattr(self, name) < 1:
                raise ValueError(f"ProcessLimits.{name} must be at least 1")
        if self.max_reply_bytes < MIN_REPLY_BYTES:
            raise ValueError(f"ProcessLimits.max_reply_bytes must be at least {MIN_REPLY_BYTES}")


def current_vm_bytes() -> int:
    """Return this process's virtual memory size (``VmSize``), in bytes.

    One raw read of ``/proc/self/statm``: a fresh worker calls this while hardening, and a
    text-mode ``open`` of ``/proc/self/status`` cost it ~1 ms of copy-on-write faults.
    """
    fd = os.open("/proc/self/statm", os.O_RDONLY)
    try:
        pages = int(os.read(fd, 256).split()[0])
    finally:
        os.close(fd)
    return pages * os.sysconf("SC_PAGE_SIZE")


def _set(limit: int, value: int) -> None:
    """Set soft and hard limit to ``value`` (as root the hard limit could be raised again)."""
    resource.setrlimit(limit, (value, value))


def _apply_rlimits(limits: ProcessLimits) -> None:
    """Set the resource limits; the address-space one is relative to the current size."""
    _set(resource.RLIMIT_AS, current_vm_bytes() + limits.memory_limit_mb * _MIB)
    usage = resource.getrusage(resource.RUSAGE_SELF)
    spent = int(usage.ru_utime + usage.ru_stime) + 1
    resource.setrlimit(
        resource.RLIMIT_CPU, (spent + limits.cpu_seconds, spent + limits.cpu_seconds + 1)
    )
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    _set(resource.RLIMIT_FSIZE, 0)
    _set(resource.RLIMIT_CORE, 0)
    _set(resource.RLIMIT_NOFILE, limits.max_open_files)
    _set(resource.RLIMIT_MEMLOCK, 0)
    _set(resource.RLIMIT_MSGQUEUE, 0)
    if os.geteuid() != 0:
        # Counts every task of the uid and is ignored for root; seccomp is the real no-fork
        # layer, this one backs it up where the kernel honours it.
        _set(resource.RLIMIT_NPROC, _tasks_of_uid() + limits.max_threads + 8)


def _tasks_of_uid() -> int:
    """Count threads of all processes of this uid (what ``RLIMIT_NPROC`` compares against)."""
    uid, count = os.getuid(), 0
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            try:
                if entry.stat().st_uid == uid:
                    count += len(os.listdir(f"/proc/{entry.name}/task"))
            except OSError:
                continue  # the process exited while we looked
    return count


def _enter_deleted_directory() -> None:
    """Make the working directory a fresh empty directory, then delete it.

    The process keeps it as cwd, but the kernel refuses to create entries in a removed
    directory, so relative paths lead nowhere and the parent has nothing to clean up. The
    name comes straight from ``getrandom`` (``mkdtemp`` reseeds a Mersenne Twister in every
    new process first); :func:`warm_up` resolved the temporary directory once already.
    """
    while True:
        path = os.path.join(tempfile.gettempdir(), "gradtrace-" + os.urandom(8).hex())
        try:
            os.mkdir(path, 0o700)
            break
        except FileExistsError:  # pragma: no cover - 64 random bits
            continue
    os.chdir(path)
    os.rmdir(path)


def warm_up(extra_modules: Iterable[str] = ()) -> None:
    """Import and initialise, in the parent, everything a program may need after hardening.

    Call it once in the pre-warmed parent before forking workers. Programs that reach a part
    of torch not covered here fail after :func:`harden` with ``ModuleNotFoundError``; add those
    modules to ``extra_modules`` (or :data:`PRELOAD_MODULES`) rather than allowing opens.
    """
    torch.set_num_threads(1)
    tempfile.gettempdir()  # probes candidate directories by writing files: never in a worker
    for name in (*PRELOAD_MODULES, *extra_modules):
        importlib.import_module(name)
    namespace = {"torch": torch, "nn": torch.nn, "F": torch.nn.functional, "np": np, "math": math}
    with contextlib.redirect_stdout(io.StringIO()), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        exec(_WARM_UP_PROGRAM, namespace)


def harden(limits: ProcessLimits, seccomp: CompiledFilter | None = None) -> None:
    """Apply every in-process limit; irreversible, call once right before the user code.

    Call it in the forked worker after the result pipe is open and after anything that needs a
    file, a socket or a new process: all of those are refused afterwards. Writes to a standard
    stream that is a regular file (a log file) fail with ``EFBIG`` from then on; give workers
    pipes or ``/dev/null`` as stdout/stderr if their C-level output matters.

    Args:
        limits: What the program may use.
        seccomp: The filter compiled once by the zygote (:func:`compile_filter` with
            ``limits.allow_read_opens``); compiled here when not given.
    """
    if seccomp is None:  # before the descriptor limit: compiling needs a pipe
        seccomp = compile_filter(allow_read_opens=limits.allow_read_opens)
    torch.set_num_threads(limits.max_threads)
    os.environ.clear()
    _enter_deleted_directory()
    _apply_rlimits(limits)
    seccomp.load()
