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

import ctypes
import errno
import os
import struct

import pyseccomp as seccomp

__all__ = ["ALLOWED_SYSCALLS", "CompiledFilter", "build_filter", "compile_filter",
           "export_program", "install_filter"]

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

# Compiled programs carry this in place of the worker's pid: it is above any pid the kernel
# hands out (pid_max is at most 2**22), so it cannot be confused with a real one.
_PID_PLACEHOLDER = 0x3EADBEEF
_BPF_JEQ_K = 0x15  # BPF_JMP | BPF_JEQ | BPF_K: the only instruction that compares to the pid
_INSN = struct.Struct("=HBBI")  # struct sock_filter: code, jt, jf, k
_PR_SET_NO_NEW_PRIVS = 38
_SECCOMP_SET_MODE_FILTER = 1
_SECCOMP_FILTER_FLAG_TSYNC = 1
_LIBC = ctypes.CDLL(None, use_errno=True)


class _SockFprog(ctypes.Structure):
    _fields_ = (("len", ctypes.c_ushort), ("filter", ctypes.c_void_p))


def _eq(arg: int, value: int) -> seccomp.Arg:
    return seccomp.Arg(arg, seccomp.EQ, value)


def _masked(arg: int, mask: int, value: int) -> seccomp.Arg:
    return seccomp.Arg(arg, seccomp.MASKED_EQ, mask, value)


def _add_conditional_rules(flt: seccomp.SyscallFilter, allow_read_opens: bool, pid: int) -> None:
    """Add the argument-filtered rules described in the module docstring."""
    allow = seccomp.ALLOW
    flt.add_rule(allow, "clone", _masked(0, _CLONE_THREAD | _CLONE_NAMESPACES, _CLONE_THREAD))
    flt.add_rule(seccomp.ERRNO(errno.ENOSYS), "clone3")
    flt.add_rule(seccomp.ERRNO(errno.ENOSYS), "openat2")
    if allow_read_opens:
        flt.add_rule(allow, "open", _masked(1, _OPEN_WRITE_FLAGS, 0))
        flt.add_rule(allow, "openat", _masked(2, _OPEN_WRITE_FLAGS, 0))
    flt.add_rule(allow, "newfstatat", _masked(3, _AT_EMPTY_PATH, _AT_EMPTY_PATH))
    flt.add_rule(allow, "kill", _eq(0, pid))
    flt.add_rule(allow, "tgkill", _eq(0, pid))
    flt.add_rule(allow, "prlimit64", _eq(2, 0))
    flt.add_rule(allow, "prctl", _eq(0, _PR_SET_NAME))
    flt.add_rule(allow, "prctl", _eq(0, _PR_GET_NAME))
    flt.add_rule(allow, "ioctl", _eq(1, 0x5401))  # TCGETS: isatty()


def build_filter(*, allow_read_opens: bool = False, pid: int | None = None
                 ) -> seccomp.SyscallFilter:
    """Build (but do not load) the worker's filter.

    Args:
        allow_read_opens: Let ``open``/``openat`` through when they carry no write or create
            flag. Off by default: a worker warmed up with :func:`gradtrace.sandbox.limits.warm_up`
            opens no file while running tutorial programs, so any open is an attack.
        pid: The only process ``kill``/``tgkill`` may signal; the caller's own by default.
    """
    flt = seccomp.SyscallFilter(_DENY)
    flt.set_attr(seccomp.Attr.CTL_NNP, 1)  # no_new_privs: required without CAP_SYS_ADMIN
    flt.set_attr(seccomp.Attr.CTL_TSYNC, 1)  # apply to threads that already exist, too
    for name in ALLOWED_SYSCALLS:
        flt.add_rule(seccomp.ALLOW, name)
    _add_conditional_rules(flt, allow_read_opens, os.getpid() if pid is None else pid)
    return flt


class CompiledFilter:
    """The worker's filter as a BPF program, compiled once and loaded by every worker.

    Building the rules and compiling them with libseccomp costs a worker about 1.5 ms of CPU;
    the program only depends on the worker's pid (the ``kill``/``tgkill`` rules), so the
    zygote compiles it once with a placeholder and each worker writes its own pid in and
    loads it with one system call. The loaded program is exactly what libseccomp would build
    for that pid (``tests/sandbox/test_seccomp_compiled.py`` checks it byte for byte). The
    ctypes buffer and the libc functions are prepared here too, in the zygote, so that a
    worker touches (and copies on write) as little memory as possible.

    Args:
        program: ``struct sock_filter`` instructions with the placeholder pid.
        pid_offsets: Byte offsets of the ``k`` fields that hold the placeholder.
        syscall_nr: Number of ``seccomp(2)`` on this architecture.
    """

    def __init__(self, program: bytes, pid_offsets: tuple[int, ...], syscall_nr: int) -> None:
        self.program = program
        self.pid_offsets = pid_offsets
        self.syscall_nr = syscall_nr
        self._code = ctypes.create_string_buffer(program, len(program))
        self._fprog = _SockFprog(len(program) // _INSN.size, ctypes.addressof(self._code))
        self._prctl, self._syscall = _LIBC.prctl, _LIBC.syscall

    def for_pid(self, pid: int) -> bytes:
        """The program with ``pid`` as the only process the worker may signal."""
        patched = bytearray(self.program)
        for offset in self.pid_offsets:
            struct.pack_into("=I", patched, offset, pid)
        return bytes(patched)

    def load(self) -> None:
        """Load it into the calling process (and its threads); it cannot be removed again."""
        self._code.raw = self.for_pid(os.getpid())
        # no_new_privs first: required without CAP_SYS_ADMIN, and exec can't regain privileges
        if self._prctl(_PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "prctl(PR_SET_NO_NEW_PRIVS) failed")
        flags = _SECCOMP_FILTER_FLAG_TSYNC  # threads that already exist get it too
        if self._syscall(self.syscall_nr, _SECCOMP_SET_MODE_FILTER, flags,
                         ctypes.byref(self._fprog)) != 0:
            raise OSError(ctypes.get_errno(), "seccomp(SECCOMP_SET_MODE_FILTER) failed")


def export_program(flt: seccomp.SyscallFilter) -> bytes:
    """libseccomp's BPF for ``flt`` (at most 4096 instructions: fits in a pipe's buffer)."""
    read_end, write_end = os.pipe()
    with open(read_end, "rb") as source:
        with open(write_end, "wb") as sink:
            flt.export_bpf(sink)
        return source.read()


def compile_filter(*, allow_read_opens: bool = False) -> CompiledFilter:
    """Compile the worker's filter once, for any pid (see :class:`CompiledFilter`)."""
    program = export_program(build_filter(allow_read_opens=allow_read_opens,
                                          pid=_PID_PLACEHOLDER))
    offsets = tuple(
        index + 4
        for index in range(0, len(program), _INSN.size)
        if _INSN.unpack_from(program, index)[::3] == (_BPF_JEQ_K, _PID_PLACEHOLDER)
    )
    if not offsets:
        raise RuntimeError("the compiled seccomp filter does not compare the pid")
    nr = seccomp.resolve_syscall(seccomp.Arch.NATIVE, "seccomp")
    return CompiledFilter(program, offsets, int(nr))


def install_filter(*, allow_read_opens: bool = False) -> None:
    """Compile and load the filter into the calling process; it cannot be removed afterwards."""
    compile_filter(allow_read_opens=allow_read_opens).load()
