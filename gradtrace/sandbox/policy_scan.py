"""First pass of the static policy: which names a program defines, binds and imports.

The second pass needs these facts before it visits a use: ``x.hidden`` is acceptable when the
program assigns ``self.hidden`` somewhere (even later in the file), and ``input`` is a plain
variable when the program binds it (``input = torch.randn(3, 5)`` is common tutorial code).
"""

from __future__ import annotations

import ast
import re
import string
from dataclasses import dataclass, field

__all__ = ["ProgramNames", "scan_names", "simple_format"]

_SIMPLE_FIELD = re.compile(r"\d*|[A-Za-z]\w*")
_SEPARATORS = re.compile(r"[\s,]+")
_MAX_NAME_STRING = 200
_STEM = re.compile(r"(?<!\w)[A-Za-z][A-Za-z_]*$")
_OWNERS = frozenset({"self", "cls"})  # receivers whose stores define the program's own names


@dataclass
class ProgramNames:
    """Names collected from the whole tree.

    Attributes:
        defined: Attribute names the program creates: assigned attributes, methods and class
            attributes.
        bound: Every variable name the program binds anywhere.
        imported: Names bound by import statements (module and facade objects).
        assigned: Variable names bound other than by an import (an imported name that is
            also assigned may not be a module at every use).
        owned: Single-underscore attribute names the program's own classes define: assigned
            on ``self``/``cls`` or defined in a class body (``allow_owned``).
        numbered: Name stems the program numbers in f-strings: ``add_module(f"layer{i}", ...)``
            defines ``layer0``, ``layer1``... (``defines_numbered``).
    """

    defined: set[str] = field(default_factory=set)
    bound: set[str] = field(default_factory=set)
    imported: set[str] = field(default_factory=set)
    assigned: set[str] = field(default_factory=set)
    owned: set[str] = field(default_factory=set)
    numbered: set[str] = field(default_factory=set)

    def defines_numbered(self, attr: str) -> bool:
        """``attr`` is a stem the program numbers followed by digits (``layer0``)."""
        stem = attr.rstrip("0123456789")
        return stem != attr and stem in self.numbered


def scan_names(tree: ast.AST) -> ProgramNames:
    """Collect :class:`ProgramNames` (``ast.walk`` is iterative, so deep trees are safe)."""
    names = ProgramNames()
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and not isinstance(node.ctx, ast.Load):
            names.defined.add(node.attr)
            if isinstance(node.value, ast.Name) and node.value.id in _OWNERS:
                names.owned.add(node.attr)
        elif isinstance(node, ast.Name) and not isinstance(node.ctx, ast.Load):
            names.bound.add(node.id)
            names.assigned.add(node.id)
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            names.defined.update(_string_names(node.value))
        elif isinstance(node, ast.JoinedStr):
            names.numbered.update(_numbered_stems(node))
        elif isinstance(node, ast.FunctionDef | ast.ClassDef):
            names.defined.add(node.name)
            names.bound.add(node.name)
            if isinstance(node, ast.ClassDef):
                names.defined.update(_class_attributes(node))
                names.owned.update(_class_attributes(node))
                names.owned.update(
                    s.name for s in node.body if isinstance(s, ast.FunctionDef | ast.ClassDef)
                )
        elif isinstance(node, ast.arg):
            names.bound.add(node.arg)
            names.assigned.add(node.arg)
        elif isinstance(node, ast.Import | ast.ImportFrom):
            for alias in node.names:
                bound = alias.asname or alias.name.split(".")[0]
                names.bound.add(bound)
                names.imported.add(bound)
        elif isinstance(node, ast.ExceptHandler | ast.MatchAs | ast.MatchStar) and node.name:
            names.bound.add(node.name)
        elif isinstance(node, ast.Global | ast.Nonlocal):
            names.bound.update(node.names)
    return names


def _string_names(text: str) -> set[str]:
    """Identifiers in a short string literal: names the program creates from strings.

    ``nn.Sequential(OrderedDict([("hidden", ...)]))`` then ``model.hidden``,
    ``self.register_buffer("mask", ...)`` then ``self.mask``, ``namedtuple("P", "x y")`` then
    ``p.x``. Counting them as defined adds no reach: a program can define any name with
    ``self.name = ...`` anyway, and reserved (library) names stay refused either way.
    """
    if len(text) > _MAX_NAME_STRING:
        return set()
    return {part for part in _SEPARATORS.split(text) if part.isidentifier()}


def _numbered_stems(node: ast.JoinedStr) -> set[str]:
    """Identifier stems written right before a field of an f-string (``f"layer{i}"``).

    A program that registers ``f"layer{i}"`` reads ``model.layer0``; counting every
    ``layer<digits>`` as defined adds no reach, for the reason ``_string_names`` gives.
    """
    stems: set[str] = set()
    for text, field_ in zip(node.values, node.values[1:], strict=False):
        if isinstance(field_, ast.FormattedValue) and isinstance(text, ast.Constant):
            match = _STEM.search(str(text.value))
            if match is not None:
                stems.add(match.group())
    return stems


def _class_attributes(node: ast.ClassDef) -> set[str]:
    """Names assigned directly in a class body (class attributes)."""
    found: set[str] = set()
    for stmt in node.body:
        targets: list[ast.expr] = []
        if isinstance(stmt, ast.Assign):
            targets = list(stmt.targets)
        elif isinstance(stmt, ast.AnnAssign | ast.AugAssign):
            targets = [stmt.target]
        for target in targets:
            found.update(n.id for n in ast.walk(target) if isinstance(n, ast.Name))
    return found


def simple_format(template: str) -> bool:
    """True when every ``str.format`` field (and nested spec field) is a plain name or index.

    ``'{0.__class__}'.format(x)`` reads attributes with no Attribute node in the tree, and
    ``{0[key]}`` indexes; both are refused. ``{}``, ``{0}``, ``{name:.3f}`` and
    ``{:{width}}`` are fine.
    """
    try:
        parts = list(string.Formatter().parse(template))
    except ValueError:
        return False
    for _literal, name, spec, _conversion in parts:
        if name is None:
            continue
        if not _SIMPLE_FIELD.fullmatch(name):
            return False
        if spec and "{" in spec and not simple_format(spec):
            return False
    return True
