"""What a refusal says: which name was refused, why, and what to write instead.

A refusal must never guess the learner's intent ("if it is your own attribute...") when the
name is in fact a library one. The reasons for the names the playground keeps out on purpose
live here, next to the lists of what can be used, which come from the allow-list itself.
"""

from __future__ import annotations

import difflib

from gradtrace.sandbox.allow_private import refusal_reason
from gradtrace.sandbox.allowlist import IMPORTABLE, MODULES

__all__ = [
    "IMPORT_LIST",
    "attribute_refusal",
    "builtin_refusal",
    "import_refusal",
    "member_refusal",
    "underscore_hint",
    "underscore_refusal",
]

IMPORT_LIST = ", ".join(IMPORTABLE)
_LISTED = 30  # modules with more names than this get the closest matches instead
_FILES = "it reads or writes files"
_CODE = "it loads or compiles code"
_PROCESS = "it starts processes or uses the network"
_MEMORY = "it hands out raw or uninitialised memory"
_GLOBAL = "it changes a process-wide setting that would outlive the program"

# Library names refused on purpose -> (why, what to write instead or None).
_REASONS: dict[str, tuple[str, str | None]] = {
    "save": (_FILES, "keep tensors in variables; print them to see them"),
    "load": (_FILES, "build the tensors in the program"),
    "from_file": (_FILES, "build the tensors in the program"),
    "tofile": (_FILES, "print the array"),
    "dump": (_FILES, "print the array"),
    "hub": (_FILES + " and uses the network", "define the model in the program"),
    "jit": (_CODE, "call the function directly"),
    "compile": (_CODE, "call the function directly"),
    "ops": (_CODE, "use the public torch functions"),
    "library": (_CODE, "use the public torch functions"),
    "classes": (_CODE, None),
    "cpp_extension": (_CODE, None),
    "multiprocessing": (_PROCESS, None),
    "distributed": (_PROCESS, None),
    "untyped_storage": (_MEMORY, "work with the tensor itself"),
    "storage": (_MEMORY, "work with the tensor itself"),
    "set_": (_MEMORY, "use copy_() or assign a new tensor"),
    "as_strided": (_MEMORY, "use view(), reshape(), unfold() or expand()"),
    "data_ptr": (_MEMORY, "compare tensors with torch.equal or `is`"),
    "resize_": (_MEMORY, "use reshape() or torch.zeros of the new size"),
    "new_empty": (_MEMORY, "use new_zeros()"),
    "empty_strided": (_MEMORY, "use torch.zeros()"),
    "sparse_coo_tensor": (_MEMORY + " (its indices are not checked)",
                          "build a dense tensor and call .to_sparse()"),
    "skip_init": (_MEMORY, "build the module normally"),
    "ctc_loss": ("its targets index memory without a bounds check", None),
    "CTCLoss": ("its targets index memory without a bounds check", None),
    "GradientEdge": ("torch trusts an edge's output number: a made-up one reads outside memory",
                     "pass the tensors themselves to autograd.grad"),
    "get_gradient_edge": ("the edge it returns can be rebuilt with a made-up output number, "
                          "which torch trusts", "pass the tensors themselves to autograd.grad"),
    "unpack_sequence": ("it pads the sequence without checking it",
                        "use pad_packed_sequence"),
    "set_default_dtype": (_GLOBAL, "pass dtype=torch.float64 to the tensors you create"),
    "set_default_tensor_type": (_GLOBAL, "pass dtype= to the tensors you create"),
    "set_num_threads": (_GLOBAL, None),
    "use_deterministic_algorithms": (_GLOBAL, None),
    "set_default_validate_args": (_GLOBAL, "pass validate_args= to the distribution"),
    "register_kl": (_GLOBAL, "compute the KL divergence in a function of your own"),
    "enter_dual_level": (_GLOBAL, "write `with forward_ad.dual_level():`"),
    "exit_dual_level": (_GLOBAL, "write `with forward_ad.dual_level():`"),
    "wraps": ("it writes __name__, __module__ and __wrapped__ onto the object it is given",
              "define the wrapper without functools.wraps"),
    "update_wrapper": ("it writes __name__, __module__ and __wrapped__ onto the object it is "
                       "given", "define the wrapper without it"),
    "make_dataclass": ("it takes field names as strings, so it could define special methods",
                       "write a @dataclass class"),
    "get_type_hints": ("it evaluates annotation strings as code", None),
    "ForwardRef": ("it evaluates annotation strings as code", None),
    "sleep": ("it only holds a worker for nothing", None),
    "share_memory_": ("it moves the tensor into memory shared between processes", None),
    "export_chrome_trace": (_FILES, "print prf.key_averages().table(sort_by=...) instead"),
    "export_stacks": (_FILES, "print prf.key_averages().table(sort_by=...) instead"),
    "export_memory_timeline": (_FILES, "print prf.key_averages().table(sort_by=...) instead"),
    "tensorboard_trace_handler": (_FILES, "print prf.key_averages().table() instead"),
    "linearize": (_CODE + " (it traces the function with make_fx and generates Python code "
                  "for its jvp)", "call torch.func.jvp(f, (x,), (tangent,)) for each tangent"),
    "kineto_results": ("it hands out the profiler's C++ result object",
                       "read prf.function_events or prf.key_averages()"),
    "get_state": ("it exposes the generator's raw state", "use torch.manual_seed(n)"),
    "attrgetter": ("it reads attributes named by a string, around the attribute rules",
                   "write a lambda: lambda x: x.weight"),
    "methodcaller": ("it calls methods named by a string, around the attribute rules",
                     "write a lambda: lambda x: x.sum()"),
    "set_state": ("it exposes the generator's raw state", "use torch.manual_seed(n)"),
}

_MODULE_REASONS: dict[str, str] = {
    "os": _FILES + " and starts processes", "sys": "it reaches the interpreter itself",
    "subprocess": _PROCESS, "socket": _PROCESS, "pickle": _CODE, "importlib": _CODE,
    "inspect": "it reaches the interpreter's frames and code", "io": _FILES,
    "pathlib": _FILES, "shutil": _FILES, "builtins": "it holds eval, exec and open",
    "torch.hub": _FILES + " and uses the network", "torch.jit": _CODE,
    "torch.utils.cpp_extension": _CODE, "torch.multiprocessing": _PROCESS,
    "torch.distributed": _PROCESS, "torch.serialization": _FILES,
    "torch.profiler": _FILES + " (its schedules and trace handlers write traces); "
    "torch.autograd.profiler.profile records the same operators in memory",
}


def _because(name: str) -> str:
    reason = _REASONS.get(name)
    if reason is None:
        return ""
    why, instead = reason
    return f": {why}" + (f"; {instead}" if instead else "")


def import_refusal(module: str) -> tuple[str, str]:
    """Message and hint for ``import module`` of a module outside the allow-list."""
    why = _MODULE_REASONS.get(module)
    message = f"Importing `{module}` is not allowed in the playground"
    message += f": {why}." if why else ": it is not one of the modules the playground offers."
    return message, f"Importable: {IMPORT_LIST}."


def member_refusal(module: str, name: str) -> tuple[str, str]:
    """Message and hint for ``module.name`` (or ``from module import name``) that is not offered."""
    because = _because(name)
    message = f"`{module}.{name}` is not part of the playground"
    message += because + "." if because else (
        ": the playground offers the parts of this module that autograd programs use."
    )
    return message, _available(module, name)


def _available(module: str, name: str) -> str:
    """The module's names when they are few, else the ones closest to what was written."""
    members = sorted(MODULES[module])
    if len(members) <= _LISTED:
        return f"Available in `{module}`: " + ", ".join(members) + "."
    close = difflib.get_close_matches(name, members, n=5, cutoff=0.6)
    if close:
        return f"Did you mean: {', '.join(f'{module}.{c}' for c in close)}?"
    return f"`{module}` offers {len(members)} names here; see the API list in the playground."


def attribute_refusal(attr: str, library_name: bool) -> tuple[str, str | None]:
    """Message and hint for ``x.attr`` whose name is not allow-listed.

    ``library_name`` says whether some object a program can reach (a tensor, a module, a
    Python value...) has an attribute of that name: then it is a PyTorch/numpy/Python name
    the playground does not offer; otherwise no object the playground knows has it and the
    program never assigns it.
    """
    because = _because(attr)
    if library_name:
        message = f"The attribute `.{attr}` is not offered by the playground"
        message += because + "." if because else (
            ": it is a PyTorch, numpy or Python attribute outside the API the playground "
            "allows (tensor math, autograd, nn, optim, distributions, data loading)."
        )
        return message, None
    return (
        f"The attribute `.{attr}` is unknown: no object of the playground's API has it, and "
        "the program never assigns it.",
        f"Check the spelling; an attribute of your own object works once the program sets it "
        f"(obj.{attr} = ...).",
    )


# Builtins the playground leaves out -> (why, what to write instead).
_BY_STRING = "it looks attributes up by a string, which would get around the attribute rules"
_CODE_STRING = "it runs a string as code"
_SCOPE = "it hands out the program's namespace, builtins included"
_BUILTINS: dict[str, tuple[str, str]] = {
    "getattr": (_BY_STRING, "write the attribute directly: obj.name"),
    "vars": ("it hands out an object's attribute dictionary",
             "read the attributes you need by name"),
    "input": ("a program has no keyboard here", "assign the value in the program"),
    "open": ("it reads and writes files",
             "build the data in the program (torch.tensor, torch.randn, ...)"),
    "eval": (_CODE_STRING, "write the expression itself"),
    "exec": (_CODE_STRING, "write the statements themselves"),
    "compile": (_CODE_STRING, "write the code itself"),
    "globals": (_SCOPE, "use the variable by name"),
    "locals": (_SCOPE, "use the variable by name"),
    "exit": ("it would stop the playground's worker", "let the program end, or raise"),
    "quit": ("it would stop the playground's worker", "let the program end, or raise"),
    "BaseException": ("catching it would also catch the playground's own time and output "
                      "limits", "catch Exception"),
    "memoryview": ("it exposes raw memory", "work with tensors or lists"),
    "breakpoint": ("there is no debugger here", "print the values you want to see"),
}


def builtin_refusal(name: str, top_modules: str) -> tuple[str, str]:
    """Message and hint for a builtin the playground leaves out."""
    why, instead = _BUILTINS.get(name, (
        "programs cannot read files, load code or inspect the interpreter",
        f"import what you need from: {top_modules}; the usual builtins (print, range, len, "
        "...) are there",
    ))
    return (f"`{name}` is not available in the playground: {why}.",
            instead[0].upper() + instead[1:] + ".")


_UNDERSCORE_INSTEAD: dict[str, str] = {
    "__class__": "use type(x), or x.__class__.__name__ for its name",
    "__dict__": "read the attributes you need by name",
}


def underscore_hint(attr: str) -> str:
    """What to write instead of reading ``.attr``, else which underscore names are allowed."""
    instead = _UNDERSCORE_INSTEAD.get(attr)
    allowed = ("Only `super().__init__()`, `.__name__`, `.__qualname__`, "
               "`x.__class__.__name__`, `._version`, a view's `._base`, "
               "a named tuple's `._fields`/`._asdict()` "
               "and a graph node's `._saved_<name>` may use one, to read it; and your own "
               "`self._name` attributes, when no PyTorch object uses that name.")
    return f"{instead[0].upper()}{instead[1:]}. {allowed}" if instead else allowed


def underscore_refusal(attr: str) -> tuple[str, str]:
    """Message and hint for reading or writing ``x._name``: why, and what to write instead."""
    reason = refusal_reason(attr)
    if reason is not None:
        why, instead = reason
        return (f"The attribute `.{attr}` is not allowed: {why}.",
                f"{instead[0].upper()}{instead[1:]}.")
    return (f"The attribute `.{attr}` is not allowed: attributes starting with an underscore "
            "are Python and PyTorch internals.", underscore_hint(attr))
