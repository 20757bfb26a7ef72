"""Imported only by the fork server: warm it once, so that forked workers start ready.

The web server imports :mod:`gradtrace.sandbox.worker` too (to name the workers' entry point), but
must not pay for this or run torch itself, hence a module of its own.
"""

from gradtrace.sandbox.worker import warm_parent

__all__: list[str] = []

warm_parent()
