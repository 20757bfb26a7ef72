"""Which expressions of a program name an allow-listed module (``torch``, ``nn``, ``F.``...).

The policy uses this to refuse ``torch.X`` for an ``X`` the playground does not offer at the
line it is written, saying that ``torch.X`` is not in the playground and why, instead of a
run-time ``AttributeError`` or a guess about the learner's own attributes.
"""

from __future__ import annotations

import ast

from gradtrace.sandbox.allowlist import MODULES
from gradtrace.sandbox.policy_scan import ProgramNames

__all__ = ["ModuleAliases"]


class ModuleAliases:
    """The program's names for modules, from its import statements.

    A name the program also assigns (``F = something``) is not treated as a module: the
    facade still answers at run time, so nothing is lost but an earlier message.
    """

    def __init__(self, tree: ast.AST, names: ProgramNames) -> None:
        self.aliases: dict[str, str] = {}
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.asname is not None:
                        self._bind(alias.asname, alias.name)
                    else:
                        self._bind(alias.name.split(".")[0], alias.name.split(".")[0])
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                for alias in node.names:
                    self._bind(alias.asname or alias.name, f"{node.module}.{alias.name}")
        for name in names.assigned:
            self.aliases.pop(name, None)

    def _bind(self, name: str, path: str) -> None:
        if path not in MODULES:
            return
        if self.aliases.get(name, path) != path:
            self.aliases[name] = ""  # bound to two different modules: not known
        else:
            self.aliases[name] = path

    def path_of(self, node: ast.expr) -> str | None:
        """The dotted module path ``node`` evaluates to, or None when it is not a module."""
        if isinstance(node, ast.Name):
            return self.aliases.get(node.id) or None
        if isinstance(node, ast.Attribute):
            parent = self.path_of(node.value)
            if parent is not None and f"{parent}.{node.attr}" in MODULES:
                return f"{parent}.{node.attr}"
        return None
