"""The ``gradtrace`` command.

``serve`` starts the web app; ``trace FILE`` checks a program with the playground's policy and
runs it with its allow-listed API in this process (no worker: no time or memory limits; the
server is the place for code you do not trust); ``run script.py args...`` runs your own script
with your own rights, unsandboxed, under the tracer; ``view run.json`` opens a saved trace.
"""

from __future__ import annotations

import argparse
import sys
import traceback
import webbrowser
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from gradtrace.settings import Settings
from gradtrace.tracing import TraceOptions

__all__ = ["main"]


def _serve(args: argparse.Namespace) -> int:
    import uvicorn

    from gradtrace.main import create_app

    overrides = {k: v for k, v in vars(args).items()
                 if k in Settings.model_fields and v is not None}
    settings = Settings(**overrides)
    uvicorn.run(create_app(settings), host=settings.host, port=settings.port,
                log_level=settings.log_level, access_log=False)
    return 0


def _trace(args: argparse.Namespace) -> int:
    from gradtrace.sandbox import trace_file
    from gradtrace.tracing import dumps

    source = args.file.read()
    result, dot = trace_file(source, want_dot=args.format == "dot")
    if args.format == "dot":
        sys.stdout.write(dot or "")
    else:
        sys.stdout.write(dumps(result, indent=True).decode() + "\n")
    return 0 if result["ok"] else 1


def _run(args: argparse.Namespace) -> int:
    from gradtrace.library import run_script

    limits = {key: value for key in ("max_values", "max_nodes", "max_events")
              if (value := getattr(args, key)) is not None}
    run = run_script(args.script, args.args, steps=args.steps, **limits)
    if run.exception is not None and run.exit_code not in (0, 130) and not isinstance(
            run.exception, SystemExit):
        traceback.print_exception(run.exception)  # as Python would have
    trace = run.trace
    print(trace.summary(), file=sys.stderr)
    if args.json:
        print(f"gradtrace: wrote {trace.save(args.json)}", file=sys.stderr)
    html = args.html or (None if args.json else f"{Path(args.script).stem}.gradtrace.html")
    if html:
        print(f"gradtrace: wrote {trace.save_html(html)}", file=sys.stderr)
        if args.open:
            _open(Path(html))
    return run.exit_code


def _view(args: argparse.Namespace) -> int:
    from gradtrace.library import load

    html = Path(args.html or Path(args.file).with_suffix(".html"))
    try:
        load(args.file).save_html(html, title=f"Gradtrace: {Path(args.file).name}")
    except (OSError, ValueError, TypeError) as exc:  # not a trace, or of another format
        print(f"gradtrace view: {exc}", file=sys.stderr)
        return 2
    print(f"gradtrace: wrote {html}", file=sys.stderr)
    if args.open:
        _open(html)
    return 0


def _open(path: Path) -> None:
    if not webbrowser.open(path.resolve().as_uri()):
        print(f"gradtrace: no browser found; open {path} yourself", file=sys.stderr)


def _steps(text: str) -> Callable[[int], bool]:
    """``--steps 0,5,9`` or ``--steps 0:100:10`` (a range, as Python slices write one)."""
    chosen: set[int] = set()
    ranges: list[range] = []
    try:
        for part in text.split(","):
            if ":" not in part:
                chosen.add(int(part))
                continue
            bounds = [int(x) if x.strip() else None for x in part.split(":")]
            start, stop, step = [*bounds, None, None][:3]
            ranges.append(range(start or 0, sys.maxsize if stop is None else stop, step or 1))
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not steps: {text!r} (write 0,5,9 or 0:100:10)") from exc
    return lambda k: k in chosen or any(k in r for r in ranges)


def _local_commands(sub: Any) -> None:
    run = sub.add_parser(
        "run", help="run YOUR script with your own rights (no sandbox), traced",
        description="Run a script as `python script.py args...` would, under the tracer; "
                    "everything after the script is the script's own. No sandbox: use it "
                    "on code you trust. Writes script.gradtrace.html unless --json/--html.")
    run.add_argument("--html", help="write the self-contained viewer here")
    run.add_argument("--json", help="write the trace as JSON here")
    run.add_argument("--open", action="store_true", help="open the viewer in a browser")
    run.add_argument("--steps", type=_steps, help="steps to record: 0,5,9 or 0:100:10 (a step ends "
                                     "with each backward call); default all")
    for name in ("max_values", "max_nodes", "max_events"):
        run.add_argument("--" + name.replace("_", "-"), dest=name, type=int,
                         help=f"trace cap (default {getattr(TraceOptions(), name)})")
    run.add_argument("script")
    run.add_argument("args", nargs=argparse.REMAINDER)
    run.set_defaults(run=_run)
    view = sub.add_parser("view", help="open a saved trace (JSON) in the viewer")
    view.add_argument("file")
    view.add_argument("--html", help="where to write the viewer (default: FILE.html)")
    view.add_argument("--no-open", dest="open", action="store_false",
                      help="only write the HTML file")
    view.set_defaults(run=_view)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="gradtrace", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    serve = sub.add_parser("serve", help="start the web app")
    for name, field in Settings.model_fields.items():
        flag = "--" + name.replace("_", "-")
        kind = field.annotation if field.annotation in (int, float, str) else str
        if field.annotation is bool:
            serve.add_argument(flag, dest=name, action=argparse.BooleanOptionalAction,
                               default=None, help=field.description)
        else:
            serve.add_argument(flag, dest=name, type=kind, default=None,  # type: ignore[arg-type]
                               help=f"{field.description} (env GRADTRACE_{name.upper()}, "
                                    f"default {field.default})")
    serve.set_defaults(run=_serve)
    trace = sub.add_parser(
        "trace", help="trace a program with the playground's policy and API, in this process")
    trace.add_argument("file", type=argparse.FileType("r"))
    trace.add_argument("--format", choices=["json", "dot"], default="json")
    trace.set_defaults(run=_trace)
    _local_commands(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Console-script entry point."""
    args = _parser().parse_args(argv)
    code: int = args.run(args)
    return code


if __name__ == "__main__":
    raise SystemExit(main())
