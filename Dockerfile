# syntax=docker/dockerfile:1
# Gradtrace: `docker build -t gradtrace . && docker run --init -p 8000:8000 gradtrace`
#
# With the build arguments at their defaults, the install step is the README's run command,
# word for word (tests/api/test_deploy_files.py checks it), so what the tests install is what
# this image runs. The arguments are for hosts that reach neither Docker Hub nor PyTorch's index
# (scripts/image-check.sh builds and checks the image that way):
#   BASE_IMAGE   any Debian bookworm with python3.11, its venv module and useradd
#   TORCH_INDEX  pip's extra index for torch; empty means PyPI only (give pip a torch wheel
#                some other way, e.g. a find-links folder in a mounted /etc/pip.conf)
ARG BASE_IMAGE=python:3.11-slim-bookworm
FROM ${BASE_IMAGE}
ARG TORCH_INDEX=https://download.pytorch.org/whl/cpu

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PATH=/srv/gradtrace/.venv/bin:$PATH

# libseccomp2 backs the workers' syscall filter (Debian's apt already pulls it in; being
# explicit keeps the sandbox from depending on that).
RUN apt-get update \
    && apt-get install -y --no-install-recommends libseccomp2 \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --create-home --uid 10001 --shell /usr/sbin/nologin gradtrace

WORKDIR /srv/gradtrace
# Code and venv stay owned by root: the service user can read them, never change them.
# PyTorch's CPU index makes pip pick torch==2.13.0+cpu (a local version, which sorts above
# PyPI's 2.13.0) instead of the multi-GB CUDA build.
COPY . .
RUN --mount=type=cache,target=/root/.cache/pip \
    python3.11 -m venv .venv && .venv/bin/pip install ${TORCH_INDEX:+--extra-index-url $TORCH_INDEX} -e .

USER gradtrace
EXPOSE 8000
HEALTHCHECK --interval=15s --timeout=3s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import os, sys, urllib.request; port = os.environ.get('GRADTRACE_PORT', '8000'); sys.exit(urllib.request.urlopen(f'http://127.0.0.1:{port}/healthz', timeout=2).status != 200)"]
CMD ["gradtrace", "serve", "--host", "0.0.0.0"]
