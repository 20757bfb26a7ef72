"""The HTTP and process side of scripts/image-check.sh: what a user and an operator check.

Each subcommand checks one thing against containers already running on 127.0.0.1, prints what
it measured and exits non-zero (through an AssertionError) when the image misbehaves. Expected
numbers are computed here, on the host, by Python and by the host's own PyTorch.
"""

from __future__ import annotations

import math
import os
import re
import shlex
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[1]
CHAIN = ("import torch\nx = torch.tensor(0.7, requires_grad=True)\n"
         "y = torch.sin(x * x) * 3\ny.backward()\nprint(x.grad.item())\n")
SMALL = "import torch\nx = torch.ones(3, requires_grad=True)\n(x * 3).sum().backward()\n"


def slow(iterations: int) -> str:
    """A program that keeps one worker busy (about 0.15 s per million iterations)."""
    return f"s = 0\nfor i in range({iterations}):\n    s += i\nprint(s)\n"


def url(port: str, path: str) -> str:
    return f"http://127.0.0.1:{port}{path}"


def trace(port: str, code: str, client: str = "", timeout: float = 60) -> dict[str, Any]:
    headers = {"X-Forwarded-For": client} if client else {}
    answer = httpx.post(url(port, "/api/v1/trace"), json={"code": code}, headers=headers,
                        timeout=timeout)
    assert answer.status_code == 200, (answer.status_code, answer.text[:300])
    body: dict[str, Any] = answer.json()
    return body


def ready(port: str, limit: str) -> None:
    """Poll /readyz until the workers are up; report how long the container took."""
    started = time.monotonic()
    while time.monotonic() - started < float(limit):
        try:
            if httpx.get(url(port, "/readyz"), timeout=2).status_code == 200:
                print(f"  :{port} ready after {time.monotonic() - started:.1f} s")
                return
        except httpx.TransportError:
            pass
        time.sleep(0.5)
    raise AssertionError(f":{port} not ready within {limit} s")


def user(port: str) -> None:
    """Health, the page, a static file, the chain rule's gradient, a refused program."""
    assert httpx.get(url(port, "/healthz"), timeout=5).status_code == 200
    assert httpx.get(url(port, "/readyz"), timeout=5).json() == {"status": "ready"}
    page = httpx.get(url(port, "/"), timeout=10)
    assert page.status_code == 200 and "text/html" in page.headers["content-type"]
    css = re.search(r'href="/static/([^"?]+\.css)', page.text)
    assert css, "the page links no stylesheet"
    served = httpx.get(url(port, f"/static/{css.group(1)}"), timeout=10)
    assert served.status_code == 200
    assert served.content == (ROOT / "gradtrace" / "static" / css.group(1)).read_bytes()
    print(f"  page {len(page.content)} B; /static/{css.group(1)} identical to the repo's")

    import torch  # the host's PyTorch, as an oracle beside the closed form

    x = torch.tensor(0.7, requires_grad=True)
    (x_grad,) = torch.autograd.grad(torch.sin(x * x) * 3, x)
    closed = 6 * 0.7 * math.cos(0.49)
    from gradtrace.tracing.wire import expand  # the reference reader of the compact form

    body = expand(trace(port, CHAIN))
    assert body["ok"] is True, body["error"]
    (leaf,) = [n for n in body["graph"]["nodes"] if n["kind"] == "leaf"]
    grad = leaf["grad"]["values"]
    printed = float(body["stdout"])
    for value in (grad, printed):
        assert math.isclose(value, closed, rel_tol=1e-6), (value, closed)
        assert math.isclose(value, float(x_grad), rel_tol=1e-6), (value, float(x_grad))
    ops = sorted(n["op"] for n in body["graph"]["nodes"])
    print(f"  chain rule: dy/dx = {grad} (6x cos x^2 = {closed:.7f}, host torch "
          f"{float(x_grad):.7f}); nodes {ops}")
    refused = trace(port, "import os\nos.system('id')\n")
    assert refused["ok"] is False and refused["error"]["kind"] == "forbidden", refused["error"]
    print(f"  'import os' refused: {refused['error']['message'][:70]}")


def family(root: int) -> list[int]:
    """``root`` and every process below it (host PIDs; the engine runs containers as ours)."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo.extend(children.get(pid, []))
    return found


def cpu_ticks(pid: int) -> int:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0
    return int(fields[11]) + int(fields[12])


def crash(port: str, root: str) -> None:
    """SIGKILL the worker running a program (as the OOM killer would): that request says
    ``crash``, the pool replaces the worker, the next trace works."""
    answer: dict[str, Any] = {}
    victim = threading.Thread(target=lambda: answer.update(trace(port, slow(30_000_000))))
    victim.start()
    busiest, deadline = 0, time.monotonic() + 10
    while not busiest and time.monotonic() < deadline:
        first = {pid: cpu_ticks(pid) for pid in family(int(root))}
        time.sleep(0.3)
        growth = {pid: cpu_ticks(pid) - ticks for pid, ticks in first.items()}
        pid, ticks = max(growth.items(), key=lambda item: item[1])
        busiest = pid if ticks >= 8 else 0  # idle processes take none
    assert busiest, "no busy worker found"
    os.kill(busiest, signal.SIGKILL)
    victim.join(60)
    assert answer["error"]["kind"] == "crash", answer["error"]
    again = trace(port, SMALL)
    assert again["ok"] is True, again["error"]
    print(f"  worker {busiest} killed mid-program: '{answer['error']['message'][:60]}'; "
          "the next trace is ok")


def ratelimit(limit: str, *ports: str) -> None:
    """One client's requests, spread over the replicas, meet one limit: Redis is shared."""
    client, other = f"203.0.113.{os.getpid() % 250}", "198.51.100.9"

    def get(port: str, who: str) -> httpx.Response:
        return httpx.get(url(port, "/api/v1/examples"), headers={"X-Forwarded-For": who},
                         timeout=10)

    codes = [get(ports[i % len(ports)], client).status_code for i in range(int(limit))]
    assert codes == [200] * int(limit), codes
    over = [get(port, client) for port in ports]
    assert [r.status_code for r in over] == [429] * len(ports), [r.status_code for r in over]
    assert all(r.headers.get("retry-after") for r in over)
    assert get(ports[0], other).status_code == 200  # per client, not a global cap
    print(f"  limit {limit}/minute: {int(limit) // len(ports)} requests per replica, then 429 "
          f"(Retry-After {over[0].headers['retry-after']} s) on all {len(ports)}; "
          "another client still 200")


def midstop(stop: str, *ports: str) -> None:
    """Load on every replica; stop the second mid-load: the others fail nothing."""
    results: dict[str, list[tuple[float, float, str]]] = {port: [] for port in ports}
    stopped: list[float] = []
    end = time.monotonic() + 12

    def load(port: str, n: int) -> None:
        i = 0
        while time.monotonic() < end:
            i += 1
            began = time.monotonic()
            try:
                body = trace(port, slow(3_000_000), client=f"10.{n}.{i % 250}.1", timeout=60)
                outcome = "ok" if body["ok"] else f"error:{body['error']['kind']}"
            except (httpx.TransportError, AssertionError) as exc:
                outcome = f"failed:{type(exc).__name__}"
                time.sleep(0.2)
            results[port].append((began, time.monotonic(), outcome))

    threads = [threading.Thread(target=load, args=(port, 10 * k + j))
               for k, port in enumerate(ports) for j in range(2)]
    for thread in threads:
        thread.start()
    time.sleep(4)
    stopped.append(time.monotonic())
    subprocess.run(shlex.split(stop), check=True, capture_output=True)
    stopped.append(time.monotonic())
    for thread in threads:
        thread.join()
    report(results, ports[1], stopped)


def report(results: dict[str, list[tuple[float, float, str]]], victim: str,
           stopped: list[float]) -> None:
    for port, runs in results.items():
        outcomes = [o for _, _, o in runs]
        print(f"  :{port} {len(runs)} requests: " + ", ".join(
            f"{o} x{outcomes.count(o)}" for o in sorted(set(outcomes))))
        if port != victim:
            assert outcomes and set(outcomes) == {"ok"}, (port, outcomes)
    mine = results[victim]
    before = [o for began, done, o in mine if done < stopped[0]]
    inflight = [o for began, done, o in mine if began < stopped[0] <= done]
    assert before and set(before) == {"ok"}, before
    assert any(o.startswith("failed") for _, _, o in mine), "the stopped replica still served"
    print(f"  stop of :{victim} took {stopped[1] - stopped[0]:.1f} s; its requests in flight "
          f"then: {inflight}; the other replicas failed none")


def main() -> None:
    command, args = sys.argv[1], sys.argv[2:]
    if command == "family":
        print(" ".join(str(pid) for pid in family(int(args[0]))))
        return
    checks: dict[str, Callable[..., None]] = {
        "ready": ready, "user": user, "crash": crash, "ratelimit": ratelimit, "midstop": midstop}
    checks[command](*args)


if __name__ == "__main__":
    main()
