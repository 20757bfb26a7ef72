"""Run the whole corpus and say, per program, whether it matches PyTorch and if not why.

``python -m tests.corpus.classify [substring ...]`` prints one line per program:
``pass``, ``refused`` (policy or facade, with the name), ``differs`` (the field that
disagrees) or ``crash`` (the comparison itself raised), then a count. It is how the
``KNOWN_GAPS`` list of ``test_corpus.py`` is kept up to date.
"""

from __future__ import annotations

import sys
import time

from tests.corpus.compare import PROGRAMS, compare, refusal, source_of, trace_sandboxed
from tests.corpus.plain import plain_run


def classify(name: str) -> tuple[str, str]:
    """(status, one-line reason) for one program."""
    source = source_of(name)
    try:
        result = trace_sandboxed(source)
        refused = refusal(result)
        if refused is not None:
            return "refused", refused.splitlines()[0][:160]
        compare(result, plain_run(source))
    except AssertionError as exc:
        return "differs", str(exc).splitlines()[0][:160]
    except Exception as exc:  # the comparison or the tracer itself broke
        return "crash", f"{type(exc).__name__}: {str(exc).splitlines()[0][:140]}"
    return "pass", ""


def main(patterns: list[str]) -> None:
    counts: dict[str, int] = {}
    for name in PROGRAMS:
        if patterns and not any(p in name for p in patterns):
            continue
        started = time.monotonic()
        status, why = classify(name)
        counts[status] = counts.get(status, 0) + 1
        print(f"{status:8} {name:42} {time.monotonic() - started:5.1f}s {why}", flush=True)
    print(counts)


if __name__ == "__main__":
    main(sys.argv[1:])
