"""The seccomp filter a worker loads on itself before running a user program.

Default-deny: every system call not named here fails with ``EPERM``. The allow-list is what a
CPython process with torch and numpy already imported was measured to call while running
tutorial programs (strace of nn layers, optimizers, TransformerEncoder, autograd.grad with
create_graph, numpy random, printing tensors) plus what the worker needs to talk to its parent
over file descriptors it already holds. Refusing by default means a syscall nobody thought of
(``io_uring_setup``, ``userfaultfd``, a new namespace call) is refused too.

Arguments are filtered where a call is harmless in one form and dangerous in another:

* ``clone`` only with ``CLONE_THREAD`` and no namespace flag: threads yes, processes no.
  ``clone3`` passes its flags in memory seccomp cannot read, so it answers ``ENOSYS``; glibc
  then falls back to ``clone`` (answering ``EPERM`` instead breaks OpenMP's thread creation).
* ``open``/``openat`` refused outright, or (``allow_read_opens``) allowed only without any
  write/create flag. ``openat2`` answers ``ENOSYS`` so libc falls back to ``openat``.
* ``newfstatat`` only with ``AT_EMPTY_PATH`` (that is ``fstat(fd)``), so paths cannot be probed.
* ``kill``/``tgkill`` only to the worker's own pid (``abort()`` and Python's signals still work).
* ``prlimit64`` only to read limits: the worker often runs as root, which could raise its own
  hard limits back up.
* ``prctl`` only to name threads (torch and OpenMP do), nothing that changes privileges.
"""

from __future__ import annotations

import errno
import os

import pyseccomp as seccomp

__all__ = ["ALLOWED_SYSCALLS", "build_filter", "install_filter"]

# Harmless on their own, with any arguments: memory, threads, time, signals, existing fds.
# fmt: off
ALLOWED_SYSCALLS: tuple[str, ...] = (
    # reading, writing and polling file descriptors the worker already holds
    "read", "write", "readv", "writev", "pread64", "pwrite64", "lseek", "close", "fstat",
    "fcntl", "poll", "ppoll", "select", "pselect6", "dup", "dup3", "close_range",
    "sendmsg", "recvmsg", "sendto", "recvfrom", "shutdown", "getsockopt", "getsockname",
    # memory
    "brk", "mmap", "munmap", "mremap", "mprotect", "madvise", "mincore",
    # threads and synchronisation
    "futex", "futex_waitv", "set_robust_list", "get_robust_list", "rseq", "set_tid_address",
    "sched_yield", "sched_getaffinity", "sched_setaffinity", "sched_getparam",
    "sched_getscheduler", "sched_get_priority_max", "sched_get_priority_min", "membarrier",
    "arch_prctl", "exit", "exit_group", "restart_syscall",
    # identity and accounting (read-only)
    "getpid", "gettid", "getppid", "getuid", "geteuid", "getgid", "getegid", "getgroups",
    "getresuid", "getresgid", "getrusage", "getrlimit", "times", "uname", "sysinfo", "getcwd",
    "getcpu", "getpriority",
    # time and timers
    "clock_gettime", "clock_getres", "clock_nanosleep", "nanosleep", "gettimeofday", "time",
    "setitimer", "getitimer", "alarm",
    # signals
    "rt_sigaction", "rt_sigprocmask", "rt_sigreturn", "rt_sigpending", "rt_sigtimedwait",
    "rt_sigsuspend", "sigaltstack",
    # randomness (numpy's default_rng(), os.urandom)
    "getrandom",
)
# fmt: on

_CLONE_THREAD = 0x00010000
# CLONE_NEWNS | NEWCGROUP | NEWUTS | NEWIPC | NEWUSER | NEWPID | NEWNET | NEWTIME
_CLONE_NAMESPACES = 0x00020000 | 0x02000000 | 0x04000000 | 0x08000000 | 0x10000000 | 0x20000000
_CLONE_NAMESPACES |= 0x40000000 | 0x00000080
_OPEN_WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_TRUNC | os.O_APPEND
_OPEN_WRITE_FLAGS |= getattr(os, "O_TMPFILE", 0)
_AT_EMPTY_PATH = 0x1000
_PR_SET_NAME = 15
_PR_GET_NAME = 16
_DENY = seccomp.ERRNO(errno.EPERM)


def _eq(arg: int, value: int) -> seccomp.Arg:
    return seccomp.Arg(arg, seccomp.EQ, value)


def _masked(arg: int, mask: int, value: int) -> seccomp.Arg:
    return seccomp.Arg(arg, seccomp.MASKED_EQ, mask, value)


def _add_conditional_rules(flt: seccomp.SyscallFilter, allow_read_opens: bool) -> None:
    """Add the argument-filtered rules described in the module docstring."""
    allow = seccomp.ALLOW
    flt.add_rule(allow, "clone", _masked(0, _CLONE_THREAD | _CLONE_NAMESPACES, _CLONE_THREAD))
    flt.add_rule(seccomp.ERRNO(errno.ENOSYS), "clone3")
    flt.add_rule(seccomp.ERRNO(errno.ENOSYS), "openat2")
    if allow_read_opens:
        flt.add_rule(allow, "open", _masked(1, _OPEN_WRITE_FLAGS, 0))
        flt.add_rule(allow, "openat", _masked(2, _OPEN_WRITE_FLAGS, 0))
    flt.add_rule(allow, "newfstatat", _masked(3, _AT_EMPTY_PATH, _AT_EMPTY_PATH))
    pid = os.getpid()
    flt.add_rule(allow, "kill", _eq(0, pid))
    flt.add_rule(allow, "tgkill", _eq(0, pid))
    flt.add_rule(allow, "prlimit64", _eq(2, 0))
    flt.add_rule(allow, "prctl", _eq(0, _PR_SET_NAME))
    flt.add_rule(allow, "prctl", _eq(0, _PR_GET_NAME))
    flt.add_rule(allow, "ioctl", _eq(1, 0x5401))  # TCGETS: isatty()


def build_filter(*, allow_read_opens: bool = False) -> seccomp.SyscallFilter:
    """Build (but do not load) the worker's filter.

    Args:
        allow_read_opens: Let ``open``/``openat`` through when they carry no write or create
            flag. Off by default: a worker warmed up with :func:`app.sandbox.limits.warm_up`
            opens no file while running tutorial programs, so any open is an attack.
    """
    flt = seccomp.SyscallFilter(_DENY)
    flt.set_attr(seccomp.Attr.CTL_NNP, 1)  # no_new_privs: required without CAP_SYS_ADMIN
    flt.set_attr(seccomp.Attr.CTL_TSYNC, 1)  # apply to threads that already exist, too
    for name in ALLOWED_SYSCALLS:
        flt.add_rule(seccomp.ALLOW, name)
    _add_conditional_rules(flt, allow_read_opens)
    return flt


def install_filter(*, allow_read_opens: bool = False) -> None:
    """Load the filter into the calling process; it cannot be removed afterwards."""
    build_filter(allow_read_opens=allow_read_opens).load()
