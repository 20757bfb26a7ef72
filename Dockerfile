# Gradtrace: `docker build -t gradtrace . && docker run -p 8000:8000 gradtrace`
# The install steps are the README's, so CI (which has no Docker engine) exercises them.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    GRADTRACE_HOST=0.0.0.0

RUN useradd --create-home --uid 10001 gradtrace
WORKDIR /srv/gradtrace
COPY --chown=gradtrace:gradtrace . .

# CPU-only torch first (the default wheel on PyPI is the multi-GB CUDA build), then the app.
ARG TORCH_INDEX_URL=https://download.pytorch.org/whl/cpu
RUN python -m venv .venv \
    && .venv/bin/pip install --index-url "$TORCH_INDEX_URL" torch==2.13.0 \
    && .venv/bin/pip install -e .

USER gradtrace
EXPOSE 8000
HEALTHCHECK --interval=15s --timeout=3s --start-period=30s \
    CMD .venv/bin/python -c "import urllib.request,sys; sys.exit(urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=2).status != 200)"
CMD [".venv/bin/gradtrace", "serve", "--host", "0.0.0.0", "--port", "8000"]
