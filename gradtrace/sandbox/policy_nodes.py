"""The decision for every AST node type: allowed (``None``) or forbidden (with the reason).

Node types missing from :data:`NODE_RULES` are forbidden too, so a future Python that adds
syntax cannot widen the language by accident; ``tests/sandbox/test_policy.py`` checks that
every node type of the running Python has an explicit entry here.
"""

from __future__ import annotations

import ast

__all__ = ["NODE_RULES", "forbidden_reason"]

_ALLOWED: tuple[str, ...] = (
    # Structure and simple statements.
    "Module", "Expr", "Pass", "Break", "Continue", "Return", "Assign", "AugAssign", "AnnAssign",
    "Delete", "If", "For", "While", "With", "withitem", "Raise", "Try", "ExceptHandler",
    "Assert", "Import", "ImportFrom", "alias",
    # Functions and classes (names, decorators, defaults and bases are checked as expressions).
    "FunctionDef", "ClassDef", "Lambda", "arguments", "arg", "keyword",
    # global/nonlocal only rebind names of the program's own fresh namespace; underscore names
    # (``__builtins__``) are refused by the name rule.
    "Global", "Nonlocal",
    # Generators: tutorials write them and nn.Module.parameters() returns one anyway; their
    # frame attributes (gi_frame, ...) are refused by the attribute rule.
    "Yield", "YieldFrom",
    # Expressions.
    "BoolOp", "NamedExpr", "BinOp", "UnaryOp", "IfExp", "Dict", "Set", "ListComp", "SetComp",
    "DictComp", "GeneratorExp", "comprehension", "Compare", "Call", "FormattedValue",
    "JoinedStr", "Constant", "Attribute", "Subscript", "Starred", "Name", "List", "Tuple",
    "Slice",
    # match/case: class patterns read attributes by keyword (``case object(os=o)``); those
    # keywords go through the same attribute rule as ``x.os``.
    "Match", "match_case", "MatchValue", "MatchSingleton", "MatchSequence", "MatchMapping",
    "MatchClass", "MatchStar", "MatchAs", "MatchOr",
    # Contexts and operators.
    "Load", "Store", "Del", "And", "Or", "Add", "Sub", "Mult", "MatMult", "Div", "Mod", "Pow",
    "LShift", "RShift", "BitOr", "BitXor", "BitAnd", "FloorDiv", "Invert", "Not", "UAdd",
    "USub", "Eq", "NotEq", "Lt", "LtE", "Gt", "GtE", "Is", "IsNot", "In", "NotIn",
)

_ASYNC = "async code is not supported: the playground runs plain synchronous PyTorch"
_NEVER = "this node type is never produced by ast.parse of a program"

_FORBIDDEN: dict[str, str] = {
    "AsyncFunctionDef": _ASYNC,
    "AsyncFor": _ASYNC,
    "AsyncWith": _ASYNC,
    "Await": _ASYNC,
    "TryStar": "except* (exception groups) is not supported; use a plain try/except",
    "Interactive": _NEVER,
    "Expression": _NEVER,
    "FunctionType": _NEVER,
    "TypeIgnore": _NEVER,
    # Deprecated aliases kept by the ast module; the parser no longer produces them.
    "AugLoad": _NEVER,
    "AugStore": _NEVER,
    "Param": _NEVER,
    "Suite": _NEVER,
    "Index": _NEVER,
    "ExtSlice": _NEVER,
    "Num": _NEVER,
    "Str": _NEVER,
    "Bytes": _NEVER,
    "NameConstant": _NEVER,
    "Ellipsis": _NEVER,
    # Python 3.12+ type-parameter syntax: not part of the playground language.
    "TypeAlias": "type aliases are not supported",
    "TypeVar": "type parameters are not supported",
    "ParamSpec": "type parameters are not supported",
    "TypeVarTuple": "type parameters are not supported",
}


def _build() -> dict[type[ast.AST], str | None]:
    rules: dict[type[ast.AST], str | None] = {}
    for name in _ALLOWED:
        rules[getattr(ast, name)] = None
    for name, reason in _FORBIDDEN.items():
        node_type = getattr(ast, name, None)
        if isinstance(node_type, type) and issubclass(node_type, ast.AST):
            rules.setdefault(node_type, reason)
    return rules


NODE_RULES: dict[type[ast.AST], str | None] = _build()


def forbidden_reason(node: ast.AST) -> str | None:
    """Return why ``node``'s type is forbidden, or ``None`` when it is allowed."""
    try:
        return NODE_RULES[type(node)]
    except KeyError:
        return f"{type(node).__name__} is not part of the playground's Python subset"
