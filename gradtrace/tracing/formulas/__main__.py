"""``python -m gradtrace.tracing.formulas --coverage``: the rule table's coverage report."""

from __future__ import annotations

import sys

from gradtrace.tracing.formulas.coverage import main

if __name__ == "__main__":
    if sys.argv[1:] not in ([], ["--coverage"]):
        sys.exit("usage: python -m gradtrace.tracing.formulas [--coverage]")
    sys.exit(main())
