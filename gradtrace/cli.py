"""The ``gradtrace`` command: ``serve`` the web app or ``trace`` a file locally."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from gradtrace.settings import Settings

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
    from gradtrace.sandbox.local import trace_file
    from gradtrace.tracing.wire import dumps

    source = args.file.read()
    result, dot = trace_file(source, want_dot=args.format == "dot")
    if args.format == "dot":
        sys.stdout.write(dot or "")
    else:
        sys.stdout.write(dumps(result, indent=True).decode() + "\n")
    return 0 if result["ok"] else 1


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
    trace = sub.add_parser("trace", help="trace a program file and print the result")
    trace.add_argument("file", type=argparse.FileType("r"))
    trace.add_argument("--format", choices=["json", "dot"], default="json")
    trace.set_defaults(run=_trace)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Console-script entry point."""
    args = _parser().parse_args(argv)
    code: int = args.run(args)
    return code


if __name__ == "__main__":
    raise SystemExit(main())
