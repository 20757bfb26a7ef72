"""The trace format's one definition (``gradtrace.tracing.schema``) and the checks built on it.

The JSON Schema file must be what the models generate, the API must serve it, and the
session-wide check in ``tests/conftest.py`` must really fail on a trace the schema does not
describe, whether the tracer built it in this process or a server sent it.
"""

from __future__ import annotations

import asyncio
import copy
import importlib
import json
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import orjson
import pytest

import gradtrace
from gradtrace.main import create_app
from gradtrace.tracing import result as result_module
from gradtrace.tracing import trace_source
from gradtrace.tracing.schema import Trace, json_schema, schema_text
from gradtrace.tracing.wire import dumps
from tests.conftest import check_trace

SCHEMA_FILE = Path(__file__).resolve().parents[2] / "docs" / "trace.schema.json"
REGENERATE = "python -m gradtrace.tracing.schema > docs/trace.schema.json"

HOOKS = """import torch
x = torch.tensor([1.0, -2.0, 3.0], requires_grad=True)
lin = torch.nn.Linear(3, 2)
lin.register_forward_hook(lambda m, i, o: None)
def double(g):
    return g * 2
y = x * 2
y.register_hook(double)
def pre(grads):
    return None
z = (lin(y) ** 2).sum()
z.grad_fn.register_prehook(pre)
with torch.autograd.graph.saved_tensors_hooks(lambda t: t, lambda t: t):
    w = (x * x).sum()
z.backward()
w.backward()
x.grad.zero_()
"""


@pytest.fixture(scope="module")
def hooks_trace() -> dict[str, Any]:
    """A real trace with every event kind, as JSON would carry it."""
    trace: dict[str, Any] = orjson.loads(dumps(trace_source(HOOKS)))
    return trace


def test_the_schema_file_is_what_the_models_generate() -> None:
    assert SCHEMA_FILE.read_text(encoding="utf-8") == schema_text(), (
        f"docs/trace.schema.json is out of date: run `{REGENERATE}`")


def test_the_api_serves_the_schema_and_documents_the_route() -> None:
    async def get(*paths: str) -> list[Any]:
        transport = httpx.ASGITransport(app=create_app())
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
            return [(await client.get(path)).json() for path in paths]

    served, spec = asyncio.run(get("/api/v1/schema", "/openapi.json"))
    assert served == json_schema()
    assert "/api/v1/schema" in spec["paths"]
    response = spec["components"]["schemas"]["TraceResponse"]
    assert response["additionalProperties"] is False
    assert set(response["properties"]) == set(json_schema()["properties"])


def _described(schema: dict[str, Any]) -> Iterator[tuple[str, str]]:
    """(model, field) for every field of every model in the schema without a description."""
    models = {"Trace": schema, **schema["$defs"]}
    for model, definition in models.items():
        for field, spec in definition.get("properties", {}).items():
            ref = spec.get("$ref", "").rsplit("/", 1)[-1]
            if "description" not in spec and "description" not in models.get(ref, {}):
                yield model, field


def test_every_model_is_closed_and_every_field_described() -> None:
    schema = json_schema()
    objects = {"Trace": schema, **{k: v for k, v in schema["$defs"].items()
                                   if v.get("type") == "object"}}
    assert all(v["additionalProperties"] is False for v in objects.values())
    assert list(_described(schema)) == []


def test_each_event_kind_is_read_as_its_own_model(hooks_trace: dict[str, Any]) -> None:
    kinds = {type(event).__name__ for event in Trace.model_validate(hooks_trace).events}
    assert kinds == {"int", "BackwardEvent", "HookEvent", "ModuleHookEvent", "NodeHookEvent",
                     "SavedHookEvent", "GradWriteEvent"}


def _event(trace: dict[str, Any], key: str) -> dict[str, Any]:
    return next(e for e in trace["events"] if isinstance(e, dict) and key in e)


BREAKAGES: dict[str, Callable[[dict[str, Any]], None]] = {
    "unknown top-level field": lambda t: t.update(extra=1),
    "unknown node field": lambda t: t["graph"]["nodes"][0].update(colour="red"),
    "file 0 written out": lambda t: t["graph"]["nodes"][0].update(file=0),
    "two kinds in one event": lambda t: _event(t, "hook").update(grad_write=0),
    "four stats": lambda t: t["tensors"][0].update(stats=[0.0, 1.0, 0.5, 0.1]),
    "a number as a string": lambda t: t["tensors"][0].update(values=["1.5"]),
    "an unknown error kind": lambda t: t.update(ok=False, error={
        "kind": "oops", "type": "E", "message": "m", "line": None, "hint": None}),
    "ok with an error": lambda t: t.update(error={
        "kind": "runtime", "type": "E", "message": "m", "line": None, "hint": None}),
    "a forward run of 0": lambda t: t["events"].insert(0, 0),
    "a module hook of an unknown kind": lambda t: _event(t, "module_hook").update(kind="x"),
    "format 4": lambda t: t.update(format=4),
}


@pytest.mark.parametrize("breakage", BREAKAGES)
def test_the_check_fails_on_a_wrong_trace(hooks_trace: dict[str, Any], breakage: str) -> None:
    check_trace(hooks_trace)
    broken = copy.deepcopy(hooks_trace)
    BREAKAGES[breakage](broken)
    with pytest.raises(AssertionError, match=r"does not match gradtrace\.tracing\.schema"):
        check_trace(broken)


def test_every_trace_built_in_a_test_is_checked(monkeypatch: pytest.MonkeyPatch) -> None:
    """The tracer's own builders are wrapped, wherever they were imported from."""
    monkeypatch.setattr(result_module, "FORMAT", 6)
    with pytest.raises(AssertionError, match="format"):
        trace_source("import torch\nx = torch.ones(1, requires_grad=True)\n")
    with pytest.raises(AssertionError, match="format"):
        result_module.failure_result({"kind": "crash", "type": "E", "message": "m",
                                      "line": None, "hint": None})


def _server(body: bytes) -> httpx.MockTransport:
    return httpx.MockTransport(lambda request: httpx.Response(200, content=body))


def test_every_trace_response_is_checked(hooks_trace: dict[str, Any]) -> None:
    """An API answer is checked as it reaches the test (sync and async clients)."""
    good, bad = orjson.dumps(hooks_trace), orjson.dumps({**hooks_trace, "format": 6})
    with httpx.Client(transport=_server(good), base_url="http://t") as client:
        assert client.post("/api/v1/trace", json={"code": ""}).json() == hooks_trace
    with httpx.Client(transport=_server(bad), base_url="http://t") as client:
        assert client.get("/api/v1/trace").status_code == 200  # not a trace request
        with pytest.raises(AssertionError, match="format"):
            client.post("/api/v1/trace", json={"code": ""})

    async def post() -> None:
        async with httpx.AsyncClient(transport=_server(bad), base_url="http://t") as client:
            await client.post("/api/v1/trace", json={"code": ""})

    with pytest.raises(AssertionError, match="format"):
        asyncio.run(post())


def test_a_trace_of_your_own_files_names_them(tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """``files`` and ``file``: a node made in another file of the user's than the first."""
    (tmp_path / "helper_mod_for_schema.py").write_text(
        "def square(t):\n    return t * t\n", encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    helper = importlib.import_module("helper_mod_for_schema")
    try:
        import torch

        with gradtrace.trace() as traced:
            x = torch.ones(2, requires_grad=True)
            helper.square(x).sum().backward()
    finally:
        sys.modules.pop("helper_mod_for_schema", None)
    data = traced.to_dict()
    check_trace(data)
    assert [f["path"].endswith(name) for f, name in zip(
        data["files"], ("test_schema.py", "helper_mod_for_schema.py"), strict=True)] == [True] * 2
    assert {node.get("file") for node in data["graph"]["nodes"]} == {None, 1}
    assert json.loads(json.dumps(data)) == data
