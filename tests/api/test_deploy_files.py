"""The deployment files and the README agree with the code (issue 6).

No Docker engine or cluster runs here, so these checks are what keeps the Dockerfile, the
compose file, the Kubernetes manifest and the README's configuration table honest: valid
YAML, the same port everywhere, probes on routes that exist, and only environment variables
that name a real setting, with values the settings accept.
"""

from __future__ import annotations

import asyncio
import re
import subprocess
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import httpx
import pytest
import yaml
from pydantic import ValidationError

from gradtrace.main import create_app
from gradtrace.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text()
DOCKERFILE = (ROOT / "Dockerfile").read_text()
COMPOSE = yaml.safe_load((ROOT / "deploy" / "compose.yaml").read_text())
KUBE = list(yaml.safe_load_all((ROOT / "deploy" / "kubernetes.yaml").read_text()))
NGINX = (ROOT / "deploy" / "nginx.conf").read_text()
PORT = Settings().port


def _answers(path: str) -> bool:
    """The app serves ``path`` (no lifespan, so /readyz says 503 "starting": still served)."""
    async def get() -> int:
        transport = httpx.ASGITransport(app=create_app(Settings()))
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
            return (await client.get(path)).status_code

    return asyncio.run(get()) in (200, 503)


def _cell(value: Any) -> str:
    if isinstance(value, bool):
        return f"`{str(value).lower()}`"
    return f"`{value}`"


def configuration_table() -> str:
    """The README's Configuration table, generated from the Settings class."""
    rows = ["| environment variable | `gradtrace serve` flag | default | meaning |",
            "| --- | --- | --- | --- |"]
    for name, field in Settings.model_fields.items():
        flag = "--" + name.replace("_", "-")
        if field.annotation is bool:
            flag = f"{flag}` / `--no-{name.replace('_', '-')}"
        rows.append(f"| `GRADTRACE_{name.upper()}` | `{flag}` | {_cell(field.default)} | "
                    f"{field.description} |")
    return "\n".join(rows) + "\n"


def _kube(kind: str, name: str) -> dict[str, Any]:
    found = [d for d in KUBE if d["kind"] == kind and d["metadata"]["name"] == name]
    assert len(found) == 1, (kind, name)
    return found[0]


def _check_env(env: dict[str, str]) -> None:
    """Every variable names a setting and the settings accept every value."""
    fields = {}
    for key, value in env.items():
        assert key.startswith("GRADTRACE_"), key
        name = key.removeprefix("GRADTRACE_").lower()
        assert name in Settings.model_fields, f"{key} is not a setting"
        fields[name] = value
    try:
        Settings.model_validate(fields)
    except ValidationError as exc:  # pragma: no cover - the message is the point
        pytest.fail(f"invalid settings in a deploy file: {exc}")


def test_readme_configuration_table_lists_every_setting() -> None:
    table = configuration_table()
    assert table in README, "README's Configuration table is out of date; it should be:\n" + table
    for name, field in Settings.model_fields.items():
        assert field.description, f"Settings.{name} needs a description for the README"


def _dockerfile_install(**build_args: str) -> str:
    """The image's install command as the build's shell runs it, with these build arguments.

    Every ``ARG`` not given keeps its Dockerfile default. ``/bin/sh`` itself expands the line
    (in a here-document: parameters only, nothing runs), as it does in the image's RUN step.
    """
    args = dict(re.findall(r"^ARG (\w+)=(\S*)$", DOCKERFILE, re.MULTILINE)) | build_args
    line = re.search(r"^\s*(python3\.11 -m venv .*)$", DOCKERFILE, re.MULTILINE)
    assert line, "Dockerfile lost its install step"
    script = f"cat <<EOF\n{line.group(1)}\nEOF\n"
    done = subprocess.run(["/bin/sh", "-c", script], env=args, capture_output=True, text=True,
                          check=True)
    return done.stdout.strip()


def test_dockerfile_installs_like_the_readme_and_runs_hardened() -> None:
    run_line = re.search(r"^python3\.11 -m venv .*$", README, re.MULTILINE)
    assert run_line, "README lost its run command"
    install = run_line.group(0).split(" && .venv/bin/gradtrace serve")[0]
    # At its defaults (a user's `docker build .`) the image installs exactly as the README does;
    # an empty TORCH_INDEX (a host that cannot reach it) leaves pip on PyPI and its own config.
    assert _dockerfile_install() == install, "the image must install exactly as the README does"
    assert "--extra-index-url" not in _dockerfile_install(TORCH_INDEX="")
    froms = re.findall(r"^FROM (.*)$", DOCKERFILE, re.MULTILINE)
    assert froms == ["${BASE_IMAGE}"]
    assert re.search(r"^ARG BASE_IMAGE=python:3\.11-slim-bookworm$", DOCKERFILE, re.MULTILINE)
    assert "torch==2.13.0" in (ROOT / "pyproject.toml").read_text()
    # The CPU-only torch, asked for on the command line itself (not through the image's
    # environment or this machine's pip configuration), so a user's machine gets it too.
    assert " --extra-index-url https://download.pytorch.org/whl/cpu " in install
    assert "PIP_EXTRA_INDEX_URL" not in DOCKERFILE
    assert "CUDA build" in README.split("## Two commands", 1)[1].split("\n## ", 1)[0]
    user = re.findall(r"^USER (\S+)", DOCKERFILE, re.MULTILINE)
    assert user and user[-1] not in ("root", "0")
    assert re.findall(r"^EXPOSE (\d+)", DOCKERFILE, re.MULTILINE) == [str(PORT)]
    assert "HEALTHCHECK" in DOCKERFILE and "/healthz" in DOCKERFILE and _answers("/healthz")
    cmd = re.search(r"^CMD (\[.*\])$", DOCKERFILE, re.MULTILINE)
    assert cmd and yaml.safe_load(cmd.group(1)) == ["gradtrace", "serve", "--host", "0.0.0.0"]
    ignored = (ROOT / ".dockerignore").read_text().split()
    assert ".venv" in ignored and ".git" in ignored


def test_compose_runs_three_replicas_behind_a_proxy_sharing_redis() -> None:
    services = COMPOSE["services"]
    app = services["app"]
    assert app["deploy"]["replicas"] == 3
    assert app["expose"] == [str(PORT)]
    env = app["environment"]
    _check_env(env)
    storage = urlparse(env["GRADTRACE_RATE_LIMIT_STORAGE"])
    assert storage.scheme == "redis" and storage.hostname in services
    assert "redis-server" in services[storage.hostname]["command"]
    proxy = services["proxy"]
    mounted = {v.split(":")[0] for v in proxy["volumes"]}
    assert "./nginx.conf" in mounted and (ROOT / "deploy" / "nginx.conf").exists()
    assert f"server app:{PORT}" in NGINX
    listen = re.search(r"listen (\d+);", NGINX)
    assert listen and proxy["ports"] == [f"8000:{listen.group(1)}"]
    if env.get("GRADTRACE_TRUST_FORWARDED_FOR") == "true":  # the proxy must not pass spoofs
        assert "proxy_set_header X-Forwarded-For $remote_addr;" in NGINX
    assert "location = /metrics" in NGINX  # metrics stay inside


def test_kubernetes_deployment_probes_limits_service_and_hpa() -> None:
    deployment = _kube("Deployment", "gradtrace")
    pod = deployment["spec"]["template"]["spec"]
    (container,) = pod["containers"]
    ports = {p["name"]: p["containerPort"] for p in container["ports"]}
    assert ports == {"http": PORT}
    assert container["livenessProbe"]["httpGet"] == {"path": "/healthz", "port": "http"}
    assert container["readinessProbe"]["httpGet"] == {"path": "/readyz", "port": "http"}
    assert all(_answers(path) for path in ("/healthz", "/readyz", "/metrics"))
    assert not _answers("/no-such-path")
    assert set(container["resources"]["limits"]) == {"cpu", "memory"}
    assert container["securityContext"]["allowPrivilegeEscalation"] is False
    assert pod["securityContext"]["runAsNonRoot"] is True
    env = {e["name"]: e["value"] for e in container["env"]}
    _check_env(env)
    redis_host = urlparse(env["GRADTRACE_RATE_LIMIT_STORAGE"]).hostname
    _kube("Service", str(redis_host))
    service = _kube("Service", "gradtrace")
    assert service["spec"]["selector"] == deployment["spec"]["selector"]["matchLabels"]
    assert service["spec"]["ports"][0]["targetPort"] == "http"
    hpa = _kube("HorizontalPodAutoscaler", "gradtrace")
    assert hpa["spec"]["scaleTargetRef"]["name"] == "gradtrace"
    (target,) = hpa["spec"]["metrics"]
    assert target["resource"]["name"] == "cpu"
    assert hpa["spec"]["minReplicas"] <= deployment["spec"]["replicas"]
    grace = pod["terminationGracePeriodSeconds"]
    assert grace > Settings().time_limit * 2  # room to drain in-flight programs


def test_readme_documents_operations() -> None:
    operations = README.split("## Operations", 1)[1].split("\n## ", 1)[0]
    for word in ["/metrics", "gradtrace_traces_total", "gradtrace_trace_seconds",
                 "gradtrace_workers_busy", "gradtrace_worker_restarts_total",
                 "gradtrace_queue_length", "X-Request-ID", "Retry-After", "SIGTERM",
                 "deploy/compose.yaml", "deploy/kubernetes.yaml", "docker run"]:
        assert word in operations, word
    exposition = asyncio.run(_scrape())
    for name in set(re.findall(r"gradtrace_[a-z_]+", operations)):
        assert f"# TYPE {name.removesuffix('_bucket')} " in exposition, name


async def _scrape() -> str:
    transport = httpx.ASGITransport(app=create_app(Settings()))
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        return (await client.get("/metrics")).text
