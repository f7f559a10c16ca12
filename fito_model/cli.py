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
from .bounds import Bounds
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
        found = sorted(path.rglob("*.fito")) if path.is_dir() else []
        if found:
            out.extend(str(f) for f in found)
        else:  # a file, or a folder with no .fito files (loading it reports that)
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
    from .syntax.loader import display_source

    for d in err.diagnostics:
        if d.span and d.span.path not in sources:
            src = display_source(d.span.path)
            if src is not None:
                sources[d.span.path] = src


def _bounds(args) -> Bounds:
    return Bounds(max_states=args.max_states, max_depth=args.max_depth, timeout=args.timeout,
                  max_memory=int(args.max_memory * 1024**2))


def cmd_check(args) -> int:
    from .api import check

    paths = expand_paths(args.files)
    if not paths:
        print("fito: error[FITO401]: no .fito files found", file=sys.stderr)
        return EXIT_INPUT
    result = check(paths, _bounds(args), strict=args.strict)
    if args.format == "json":
        from .report.json_report import render
        print(render(result))
    else:
        from .report.text import render
        print(render(result, color=sys.stdout.isatty()), end="")
    return result.exit_code


def _process_network(args):
    """Load a file and compile the process expression given by --process."""
    from .api import load_checked
    from .bounds import Budget
    from .checks.runner import Model
    from .semantics.evaluate import EvalError
    from .syntax import parse_expr

    program = load_checked(args.file)
    expr = parse_expr(args.process, "--process")
    model = Model(program)
    try:
        return model, model.network(expr, Budget(_bounds(args)))
    except EvalError as e:
        raise FitoError(e.diagnostic()) from None


def cmd_lts(args) -> int:
    from .lts.export import export

    _, network = _process_network(args)
    print(export(network, args.format, _bounds(args)))
    return EXIT_OK


def cmd_run(args) -> int:
    from .explore.simulate import random_walk

    model, network = _process_network(args)
    path = random_walk(network, args.seed, args.steps)
    print(f"seed {args.seed}: {len(path) - 1} steps of {args.process}")
    for i, step in enumerate(model.describer(network).steps(path), start=1):
        who = ", ".join(str(g) for g in step.origins)
        print(f"{i:>4}. {step.event:<28} {who}")
    if len(path) - 1 < args.steps:
        print("(no event possible after the last step)")
    return EXIT_OK


def _add_bounds(p) -> None:
    g = p.add_argument_group("bounds (a search they stop reports status 'incomplete')")
    g.add_argument("--max-states", type=int, default=20_000_000, metavar="N")
    g.add_argument("--max-depth", type=int, default=None, metavar="N")
    g.add_argument("--timeout", type=float, default=300.0, metavar="SECONDS")
    g.add_argument("--max-memory", type=float, default=8192, metavar="MiB")


def build_parser() -> argparse.ArgumentParser:
    p = _Parser(prog="fito", description=__doc__.splitlines()[0])
    p.add_argument("--version", action="version", version=f"fito {__version__}")
    sub = p.add_subparsers(dest="command", required=True, parser_class=_Parser)
    parse = sub.add_parser("parse", help="parse, resolve and type-check .fito files")
    parse.add_argument("files", nargs="+")
    parse.add_argument("--format", choices=["text", "json"], default="text")
    parse.set_defaults(run=cmd_parse)

    chk = sub.add_parser("check", help="check every assertion of .fito files (folders: every .fito below)")
    chk.add_argument("files", nargs="+")
    chk.add_argument("--format", choices=["text", "json"], default="text")
    chk.add_argument("--strict", action="store_true", help="an incomplete check exits 1")
    _add_bounds(chk)
    chk.set_defaults(run=cmd_check)

    lts = sub.add_parser("lts", help="print the transition system of a process")
    lts.add_argument("file")
    lts.add_argument("--process", required=True, help="a process expression, e.g. SYSTEM or P(1)")
    lts.add_argument("--format", choices=["dot", "aut", "json"], default="dot")
    _add_bounds(lts)
    lts.set_defaults(run=cmd_lts)

    run = sub.add_parser("run", help="a random walk through a process, reproducible with --seed")
    run.add_argument("file")
    run.add_argument("--process", required=True)
    run.add_argument("--seed", type=int, default=0)
    run.add_argument("--steps", type=int, default=20)
    _add_bounds(run)
    run.set_defaults(run=cmd_run)
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
    except BrokenPipeError:  # the reader (e.g. `head`) went away: not an error of ours
        sys.stderr.close()
        return EXIT_OK
    except Exception:  # an internal error is a bug in fito: say so, with the trace for the report
        print("fito: internal error (a bug in fito, please report it):", file=sys.stderr)
        traceback.print_exc()
        return EXIT_INTERNAL
