"""The HTTP contract of issue 2 against a real server: shapes, gradients, refusals, isolation.

PyTorch is the oracle: gallery programs are run again with plain PyTorch in this process and
their leaf gradients, errors and values compared with what the server answered.
"""

from __future__ import annotations

import concurrent.futures
import socket
from typing import Any

import httpx
import pytest

from gradtrace.api.schemas import ExampleList, ProblemDetail, TraceResponse
from tests.api.live_server import LiveServer, benign_ok, client, running
from tests.long_form import long_json
from tests.tracing.oracle import run_plain
from tests.tracing.oracle_checks import assert_error, assert_view

TRACE = "/api/v1/trace"


def _examples(http: httpx.Client) -> list[dict[str, Any]]:
    response = http.get("/api/v1/examples")
    assert response.status_code == 200
    examples = ExampleList.model_validate(response.json()).examples
    assert len(examples) >= 20
    return [e.model_dump() for e in examples]


def test_every_gallery_example_matches_plain_pytorch(http: httpx.Client) -> None:
    """Each example: a valid TraceResponse, PyTorch's leaf grads and values, its error."""
    for example in _examples(http):
        response = http.post(TRACE, json={"code": example["code"]})
        assert response.status_code == 200, (example["id"], response.text[:300])
        TraceResponse.model_validate(response.json())
        body = long_json(response)
        plain = run_plain(example["code"])
        assert_error(body, plain)
        assert set(body["variables"]) == set(plain.variables), example["id"]
        for name, expected in plain.variables.items():
            got = body["variables"][name]
            where = f"{example['id']}: {name}"
            assert_view(got["value"], expected.value, f"{where}.value")
            if expected.is_leaf:
                assert_view(got["grad"], expected.grad, f"{where}.grad")
        assert body["stdout"] == plain.stdout, example["id"]


def test_code_over_the_limit_is_413_with_a_structured_body(
    live: LiveServer, http: httpx.Client
) -> None:
    limit = int(live.setting("max_code_chars"))
    at_limit = "x = 1\n" + "#" * (limit - 7) + "\n"
    assert len(at_limit) == limit
    assert http.post(TRACE, json={"code": at_limit}).json()["ok"] is True
    response = http.post(TRACE, json={"code": at_limit + "y"})
    assert response.status_code == 413
    problem = ProblemDetail.model_validate(response.json())
    assert problem.error == "code_too_large"
    assert str(limit) in problem.message


def _raw_exchange(live: LiveServer, head: bytes, chunks: list[bytes]) -> bytes:
    """Send a request by hand and read whatever the server answers (until it closes)."""
    host, port = live.url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=30) as sock:
        sock.sendall(head)
        for chunk in chunks:
            sock.sendall(chunk)
        answer = b""
        while b"\r\n\r\n" not in answer or not answer.rstrip().endswith(b"}"):
            data = sock.recv(65536)
            if not data:
                break
            answer += data
    return answer


def _status_and_body(answer: bytes) -> tuple[int, dict[str, Any]]:
    head, _, body = answer.partition(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1])
    return status, ProblemDetail.model_validate_json(body).model_dump()


def test_declared_oversized_body_is_refused_before_it_is_sent(live: LiveServer) -> None:
    """Content-Length of 1 GB: 413 at once, no body byte read (none is ever sent)."""
    head = (b"POST /api/v1/trace HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n"
            b"Content-Length: 1000000000\r\n\r\n")
    status, body = _status_and_body(_raw_exchange(live, head, []))
    assert status == 413
    assert body["error"] == "body_too_large"


def test_chunked_body_is_refused_while_streaming(live: LiveServer) -> None:
    """A chunked body past the cap gets 413 before its end (the terminator is never sent)."""
    head = (b"POST /api/v1/trace HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n"
            b"Transfer-Encoding: chunked\r\n\r\n")
    piece = b'{"code": "' + b"#" * 400_000 + b'"}'
    chunk = f"{len(piece):x}\r\n".encode() + piece + b"\r\n"
    status, body = _status_and_body(_raw_exchange(live, head, [chunk]))
    assert status == 413
    assert body["error"] == "body_too_large"


def test_small_chunked_body_still_works(live: LiveServer, http: httpx.Client) -> None:
    def pieces() -> Any:
        yield b'{"code": "import torch\\nx = torch.ones(2, requires_grad=True)\\n'
        yield b'(x * 5).sum().backward()\\n"}'

    response = http.post(TRACE, content=pieces(), headers={"Content-Type": "application/json"})
    assert response.status_code == 200, response.text
    assert long_json(response)["variables"]["x"]["grad"]["values"] == [5.0, 5.0]


@pytest.mark.parametrize(
    ("content", "loc_part"),
    [
        (b"{not json", "body"),
        (b'{"code": 123}', "code"),
        (b'{"code": "x = 1", "evil": true}', "evil"),
        (b'{"code": "x = 1", "options": {"seed": -1}}', "seed"),
        (b'{"code": "x = 1", "options": {"max_values": "many"}}', "max_values"),
        (b'{"code": "x = 1", "options": {"unknown": 1}}', "unknown"),
        (b"[]", "body"),
        (b"{}", "code"),
    ],
)
def test_invalid_requests_are_422_with_a_structured_body(
    http: httpx.Client, content: bytes, loc_part: str
) -> None:
    response = http.post(TRACE, content=content, headers={"Content-Type": "application/json"})
    assert response.status_code == 422, response.text
    problem = ProblemDetail.model_validate(response.json())
    assert problem.error == "invalid_request"
    assert any(loc_part in [str(p) for p in d["loc"]] for d in problem.detail), problem.detail


def test_docs_openapi_and_health(http: httpx.Client) -> None:
    docs = http.get("/docs")
    assert docs.status_code == 200 and "swagger" in docs.text.lower()
    spec = http.get("/openapi.json").json()
    assert "/api/v1/trace" in spec["paths"]
    assert "TraceResponse" in spec["components"]["schemas"]
    assert http.get("/healthz").json() == {"status": "ok"}
    ready = http.get("/readyz")
    assert ready.status_code == 200 and ready.json()["status"] == "ready"


def test_large_responses_are_gzipped(http: httpx.Client) -> None:
    code = "import torch\nx = torch.randn(30, 30, requires_grad=True)\n(x * x).sum().backward()\n"
    response = http.post(TRACE, json={"code": code, "options": {"max_values": 10000}},
                         headers={"Accept-Encoding": "gzip"})
    assert response.status_code == 200
    assert response.headers.get("content-encoding") == "gzip"
    assert len(response.content) > 9000  # httpx decompressed it
    TraceResponse.model_validate(response.json())


def _own_program(tag: int) -> str:
    return (
        "import torch\n"
        f"v{tag} = torch.full((3,), {tag}.0, requires_grad=True)\n"
        f"s = 0\nfor i in range(300000):\n    s += i\n"
        f"(v{tag} * v{tag}).sum().backward()\n"
        f"print('secret-{tag}')\n"
    )


def test_concurrent_requests_never_see_each_other(live: LiveServer) -> None:
    """Eight programs at once, each with its own names and markers: no trace of the others."""
    tags = list(range(1, 9))

    def post(tag: int) -> dict[str, Any]:
        with client(live.url) as http:
            response = http.post(TRACE, json={"code": _own_program(tag)})
        assert response.status_code == 200, response.text
        body = long_json(response)
        return body

    with concurrent.futures.ThreadPoolExecutor(len(tags)) as pool:
        bodies = list(pool.map(post, tags))
    for tag, body in zip(tags, bodies, strict=True):
        assert body["ok"], body["error"]
        assert set(body["variables"]) == {f"v{tag}"}
        assert body["variables"][f"v{tag}"]["grad"]["values"] == [2.0 * tag] * 3
        assert body["stdout"] == f"secret-{tag}\n"
        text = str(body)
        for other in tags:
            if other != tag:
                assert f"secret-{other}" not in text and f"'v{other}'" not in text


@pytest.mark.slow
def test_full_queue_answers_503_with_retry_after(benign_grad: list[float]) -> None:
    """One worker, no queue: of two slow programs sent at once, one is shed at once."""
    slow = "s = 0\nfor i in range(12000000):\n    s += i\nprint(s)\n"
    with running("--workers", "1", "--queue", "0", time_limit=20) as server:

        def post(_: int) -> httpx.Response:
            with client(server.url) as http:
                return http.post(TRACE, json={"code": slow})

        with concurrent.futures.ThreadPoolExecutor(2) as pool:
            responses = list(pool.map(post, range(2)))
        statuses = sorted(r.status_code for r in responses)
        assert statuses == [200, 503], [r.text[:200] for r in responses]
        shed = next(r for r in responses if r.status_code == 503)
        assert int(shed.headers["Retry-After"]) >= 1
        assert ProblemDetail.model_validate(shed.json()).error == "busy"
        done = next(r for r in responses if r.status_code == 200).json()
        assert done["ok"] and done["stdout"] == f"{sum(range(12000000))}\n"
        with client(server.url) as http:
            benign_ok(http, benign_grad)
