"""Layer 1 of the sandbox: a static check of the parsed program before anything runs.

The check is on the AST, never on the source text: the parser NFKC-normalises identifiers
(``open`` spelled in fullwidth letters is ``open``), so only the tree shows what will run.
It is fast and points at the offending line and column, which is what a learner needs; it is not the
security boundary on its own (the facade and the worker process are the next layers).
"""

from __future__ import annotations

import ast
import builtins

from gradtrace.sandbox.allow_owned import is_private, owned_private, private_reserved
from gradtrace.sandbox.allow_private import readable_private
from gradtrace.sandbox.allow_py import BUILTIN_NAMES
from gradtrace.sandbox.allow_torch import CUDNN_FLAGS
from gradtrace.sandbox.allowlist import (
    DEFINABLE_DUNDERS,
    MODULES,
    known_attribute,
    reserved_attribute_names,
    writable_attribute,
)
from gradtrace.sandbox.errors import PolicyError
from gradtrace.sandbox.policy_hints import (
    attribute_refusal,
    builtin_refusal,
    import_refusal,
    member_refusal,
    underscore_refusal,
)
from gradtrace.sandbox.policy_modules import ModuleAliases
from gradtrace.sandbox.policy_nodes import forbidden_reason
from gradtrace.sandbox.policy_parse import parse
from gradtrace.sandbox.policy_scan import ProgramNames, scan_names, simple_format

__all__ = ["MAX_DEPTH", "check"]

MAX_DEPTH = 200
"""Deepest AST nesting accepted; deeper trees can exhaust the compiler's C stack."""

_UNAVAILABLE = frozenset(dir(builtins)) - BUILTIN_NAMES - {"__name__"}
# ``torch.__version__`` (a version string; the facades serve it) is how tutorials start.
_READABLE_DUNDERS = frozenset({"__init__", "__name__", "__qualname__", "__version__"})
_SELF_NAMES = frozenset({"self", "ctx", "cls"})
_TOP_MODULES = ", ".join(sorted({path.split(".")[0] for path in MODULES}))


def check(source: str, max_chars: int) -> ast.Module:
    """Parse ``source`` and refuse anything outside the playground's Python subset.

    Args:
        source: The user's program.
        max_chars: Largest accepted program; checked before parsing because parsing itself is
            slow on huge inputs (a 10 MB source takes about a minute).

    Returns:
        The parsed module, ready to ``compile``.

    Raises:
        PolicyError: ``kind="syntax"`` when the program cannot be parsed (or is too deeply
            nested), ``kind="forbidden"`` when it is too long or uses something not allowed.
    """
    tree = parse(source, max_chars)
    names = scan_names(tree)
    _Checker(names, ModuleAliases(tree, names)).run(tree)
    return tree


def _position(node: ast.AST, fallback: tuple[int, int]) -> tuple[int, int]:
    line = getattr(node, "lineno", None)
    col = getattr(node, "col_offset", None)
    if isinstance(line, int) and isinstance(col, int):
        return line, col
    return fallback


class _Checker:
    """Walks the tree iteratively (no recursion) and raises on the first offence."""

    def __init__(self, names: ProgramNames, modules: ModuleAliases) -> None:
        self.names = names
        self.modules = modules
        self.pos = (1, 0)
        # ``x.__class__`` nodes that are read only for their name (``.__class__.__name__``)
        self.class_for_name: set[int] = set()

    def forbid(self, message: str, hint: str | None = None) -> PolicyError:
        return PolicyError("forbidden", message, self.pos[0], self.pos[1], hint)

    def run(self, tree: ast.Module) -> None:
        stack: list[tuple[ast.AST, int, bool, tuple[int, int]]] = [(tree, 0, False, (1, 0))]
        while stack:
            node, depth, in_class, parent_pos = stack.pop()
            self.pos = _position(node, parent_pos)
            if depth > MAX_DEPTH:
                raise PolicyError(
                    "syntax", f"The program is nested more than {MAX_DEPTH} levels deep.",
                    *self.pos,
                )
            reason = forbidden_reason(node)
            if reason is not None:
                raise self.forbid(f"{type(node).__name__} is not allowed: {reason}.")
            self.visit(node, in_class)
            body = node.body if isinstance(node, ast.ClassDef) else ()
            for child in reversed(list(ast.iter_child_nodes(node))):
                stack.append((child, depth + 1, any(child is s for s in body), self.pos))

    def visit(self, node: ast.AST, in_class: bool) -> None:
        if isinstance(node, ast.Name):
            self.name(node.id, load=isinstance(node.ctx, ast.Load))
        elif isinstance(node, ast.Attribute):
            self.attribute(node)
        elif isinstance(node, ast.Call):
            self.call(node)
        elif isinstance(node, ast.FunctionDef | ast.ClassDef):
            self.definition(node, in_class)
        elif isinstance(node, ast.Import | ast.ImportFrom):
            self.import_(node)
        elif isinstance(node, ast.ExceptHandler):
            self.handler(node)
        elif isinstance(node, ast.MatchClass):
            for attr in node.kwd_attrs:
                self.attribute_name(attr, store=False, receiver=None)
        else:
            self.other_names(node)

    def other_names(self, node: ast.AST) -> None:
        """Names that are bound without an ast.Name node."""
        if isinstance(node, ast.arg | ast.keyword) and node.arg is not None:
            self.name(node.arg, load=False, own=isinstance(node, ast.arg))
        elif isinstance(node, ast.Global | ast.Nonlocal):
            for name in node.names:
                self.name(name, load=False)
        elif isinstance(node, ast.MatchAs | ast.MatchStar) and node.name is not None:
            self.name(node.name, load=False)
        elif isinstance(node, ast.MatchMapping) and node.rest is not None:
            self.name(node.rest, load=False)

    def name(self, name: str, *, load: bool, own: bool = True) -> None:
        """A variable name; ``own=False`` for names that reach past the program (keyword
        arguments, import aliases, handler names), where ``_x`` stays refused."""
        if (own and is_private(name)) or (load and name == "__name__"):
            pass  # the program's own ``_x`` (allow_owned): its globals hold only dunders
        elif name.startswith("_") and name != "_":
            raise self.forbid(
                f"The name `{name}` is not allowed: names starting with an underscore are "
                "Python internals.",
                hint="Rename it without the leading underscore.",
            )
        if load and name in _UNAVAILABLE and name not in self.names.bound:
            message, hint = builtin_refusal(name, _TOP_MODULES)
            raise self.forbid(message, hint)

    def attribute(self, node: ast.Attribute) -> None:
        store = not isinstance(node.ctx, ast.Load)
        if node.end_lineno is not None and node.end_col_offset is not None:
            self.pos = (node.end_lineno, max(node.end_col_offset - len(node.attr), 0))
        if node.attr == "format" and not store:
            self.format_call(node.value)
            return
        if id(node) in self.class_for_name:
            return
        if node.attr in ("__name__", "__qualname__") and not store:
            self.class_name_read(node.value)
        module = self.modules.path_of(node.value)
        if module is not None and not node.attr.startswith("_"):
            self.module_member(module, node.attr, store)
        elif module is not None and node.attr not in _READABLE_DUNDERS:
            raise self.forbid(*underscore_refusal(node.attr))  # torch._C, whatever is owned
        self.attribute_name(node.attr, store=store, receiver=node.value)

    def class_name_read(self, receiver: ast.expr) -> None:
        """``x.__class__.__name__`` (how hooks print which layer fired) reads a string.

        ``.__class__`` is allowed there and only there: directly followed by ``.__name__`` or
        ``.__qualname__``, the class object is never bound to anything a program can use.
        """
        if isinstance(receiver, ast.Attribute) and receiver.attr == "__class__":
            self.class_for_name.add(id(receiver))

    def module_member(self, module: str, name: str, store: bool) -> None:
        if store or name in MODULES[module]:
            return
        message, hint = member_refusal(module, name)
        raise self.forbid(message, hint)

    def attribute_name(self, attr: str, *, store: bool, receiver: ast.expr | None) -> None:
        if not store and (attr in _READABLE_DUNDERS or readable_private(attr)):
            return  # super().__init__(...), type(x).__name__, t._version, node._saved_self
        if attr.startswith("_"):
            if owned_private(attr, self.names.owned):
                return  # self._prev, self._scale: the program's own (allow_owned)
            raise self.forbid(*underscore_refusal(attr))
        if store:
            self.attribute_store(attr, receiver)
        elif not known_attribute(attr) and not self.own_attribute(attr):
            message, hint = attribute_refusal(attr, attr in reserved_attribute_names())
            raise self.forbid(message, hint)

    def own_attribute(self, attr: str) -> bool:
        """A program-defined attribute name that no library object uses."""
        defined = attr in self.names.defined or self.names.defines_numbered(attr)
        return defined and attr not in reserved_attribute_names()

    def attribute_store(self, attr: str, receiver: ast.expr | None) -> None:
        root = receiver
        while isinstance(root, ast.Attribute | ast.Subscript | ast.Call):
            root = root.func if isinstance(root, ast.Call) else root.value
        if self.cudnn_switch(attr, receiver):
            return  # torch.backends.cudnn.deterministic = True (facade_backends)
        if isinstance(root, ast.Name) and root.id in self.names.imported:
            raise self.forbid(
                f"Assigning `.{attr}` on the imported module `{root.id}` is not allowed: "
                "library modules and classes are shared and read-only."
            )
        if known_attribute(attr):
            if writable_attribute(attr) or (
                isinstance(receiver, ast.Name) and receiver.id in _SELF_NAMES
            ):
                return
            raise self.forbid(
                f"Assigning `.{attr}` is not allowed here: it would replace a PyTorch or "
                "Python method.",
                hint="Give your attribute another name, or assign it on self.",
            )
        if attr in reserved_attribute_names():
            raise self.forbid(
                f"The attribute name `.{attr}` is reserved: PyTorch, numpy or Python uses it "
                "for something the playground does not allow.",
                hint="Pick another name for your attribute.",
            )

    def cudnn_switch(self, attr: str, receiver: ast.expr | None) -> bool:
        """``torch.backends.cudnn.<switch> = ...``: the stand-in checks and forwards it."""
        return (attr in CUDNN_FLAGS and isinstance(receiver, ast.Attribute)
                and receiver.attr == "cudnn"
                and self.modules.path_of(receiver.value) == "torch.backends")

    def format_call(self, receiver: ast.expr) -> None:
        """``.format`` may only fill simple fields of a string literal."""
        ok = isinstance(receiver, ast.Constant) and isinstance(receiver.value, str)
        if ok and isinstance(receiver, ast.Constant):
            ok = simple_format(str(receiver.value))
        if not ok:
            raise self.forbid(
                "`.format()` is only allowed on a string literal with plain fields such as "
                "{}, {0} or {name:.3f}: field lookups like {0.attr} or {0[key]} can reach "
                "interpreter internals.",
                hint='Use an f-string instead: f"{x.shape}".',
            )

    def call(self, node: ast.Call) -> None:
        is_type = isinstance(node.func, ast.Name) and node.func.id == "type"
        if is_type and (len(node.args) != 1 or node.keywords):
            raise self.forbid(
                "`type()` is only allowed with one argument (to ask for a type); "
                "use a class statement to create classes."
            )

    def definition(self, node: ast.FunctionDef | ast.ClassDef, in_class: bool) -> None:
        if isinstance(node, ast.ClassDef) and node.keywords:
            raise self.forbid(
                "Class keywords such as metaclass=... are not supported; write "
                "`class Name(Base):`."
            )
        dunder = node.name in DEFINABLE_DUNDERS and isinstance(node, ast.FunctionDef)
        own = is_private(node.name) and not (in_class and node.name in private_reserved())
        if node.name.startswith("_") and node.name != "_" and not (dunder and in_class) and not own:
            raise self.forbid(
                f"Defining `{node.name}` is not allowed: names starting with an underscore are "
                "Python internals.",
                hint="Methods may be __init__, forward/backward or one of "
                + ", ".join(sorted(DEFINABLE_DUNDERS - {"__init__"})),
            )

    def import_(self, node: ast.Import | ast.ImportFrom) -> None:
        if isinstance(node, ast.ImportFrom):
            self.import_from(node)
            return
        for alias in node.names:
            self.module(alias.name)
            if alias.asname is not None:
                self.name(alias.asname, load=False, own=False)

    def import_from(self, node: ast.ImportFrom) -> None:
        if node.level:
            raise self.forbid("Relative imports are not allowed.")
        module = node.module or ""
        self.module(module)
        for alias in node.names:
            if alias.name == "*":
                raise self.forbid(
                    f"`from {module} import *` is not allowed.",
                    hint=f"Import the names you use: from {module} import name",
                )
            if alias.name not in MODULES[module]:
                message, hint = member_refusal(module, alias.name)
                raise self.forbid(message, hint)
            self.name(alias.asname or alias.name, load=False, own=False)

    def module(self, name: str) -> None:
        if name not in MODULES:
            message, hint = import_refusal(name)
            raise self.forbid(message, hint)

    def handler(self, node: ast.ExceptHandler) -> None:
        if node.type is None:
            raise self.forbid(
                "A bare `except:` is not allowed: it would also catch the playground's time "
                "and output limits.",
                hint="Write `except Exception:` or name the error you expect.",
            )
        if node.name is not None:
            self.name(node.name, load=False, own=False)

