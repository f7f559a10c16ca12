"""The command line: each command chains typed stages and picks a renderer.

Exit codes: 0 all assertions hold / input is clean, 1 a violation was found,
2 the input is wrong (syntax, names, types) or bad usage, 3 internal error.
"""
from __future__ import annotations

import argparse
import sys
import traceback
from pathlib import Path

from . import __version__
from .diagnostics import Diagnostic, FitoError
from .report.diagnostics import render_json, render_text
from .source import SourceFile

EXIT_OK, EXIT_VIOLATION, EXIT_INPUT, EXIT_INTERNAL = 0, 1, 2, 3


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # usage errors are exit 2, like every input error
        self.print_usage(sys.stderr)
        print(f"fito: error[FITO401]: {message}", file=sys.stderr)
        raise SystemExit(EXIT_INPUT)


def expand_paths(paths: list[str]) -> list[str]:
    """Folders stand for the .fito files below them, sorted for determinism."""
    out: list[str] = []
    for p in paths:
        path = Path(p)
        if path.is_dir():
            out.extend(str(f) for f in sorted(path.rglob("*.fito")))
        else:
            out.append(p)
    return out


def cmd_parse(args) -> int:
    from .semantics.resolve import check_program
    from .syntax import load

    diags: list[Diagnostic] = []
    sources: dict[str, SourceFile] = {}
    for path in expand_paths(args.files):
        try:
            program = load(path)
            sources.update(program.sources)
            check_program(program)
        except FitoError as err:
            diags.extend(err.diagnostics)
            _remember_sources(err, sources)
    if args.format == "json":
        print(render_json(diags))
    elif diags:
        print(render_text(diags, sources), file=sys.stderr)
    return EXIT_INPUT if diags else EXIT_OK


def _remember_sources(err: FitoError, sources: dict[str, SourceFile]) -> None:
    """Load the text of files named by diagnostics so carets can be drawn."""
    from .syntax.loader import read_source

    for d in err.diagnostics:
        if d.span and d.span.path not in sources:
            try:
                sources[d.span.path] = read_source(d.span.path)
            except FitoError:
                pass


def build_parser() -> argparse.ArgumentParser:
    p = _Parser(prog="fito", description=__doc__.splitlines()[0])
    p.add_argument("--version", action="version", version=f"fito {__version__}")
    sub = p.add_subparsers(dest="command", required=True, parser_class=_Parser)
    parse = sub.add_parser("parse", help="parse, resolve and type-check .fito files")
    parse.add_argument("files", nargs="+")
    parse.add_argument("--format", choices=["text", "json"], default="text")
    parse.set_defaults(run=cmd_parse)
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.run(args)
    except FitoError as err:
        print(render_text(err.diagnostics, {}), file=sys.stderr)
        return EXIT_INPUT
    except RecursionError:
        print("fito: error[FITO105]: the input is nested too deeply to analyse", file=sys.stderr)
        return EXIT_INPUT
    except KeyboardInterrupt:
        return EXIT_INTERNAL
    except Exception:  # an internal error is a bug in fito: say so, with the trace for the report
        print("fito: internal error (a bug in fito, please report it):", file=sys.stderr)
        traceback.print_exc()
        return EXIT_INTERNAL
