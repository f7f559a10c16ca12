"""The public pipeline: load -> resolve/typecheck -> check -> one result object.

The CLI, the notebooks and the tests all go through these functions.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from .bounds import Bounds
from .checks.outcome import Outcome
from .checks.runner import Model, check_assertion
from .diagnostics import Diagnostic, FitoError
from .semantics.resolve import check_program
from .source import SourceFile
from .syntax import ast, load
from .syntax.loader import Program


@dataclass(frozen=True)
class AssertionResult:
    path: str
    line: int
    column: int
    text: str
    kind: str
    outcome: Outcome


@dataclass(frozen=True)
class FileResult:
    path: str
    assertions: tuple[AssertionResult, ...]
    diagnostics: tuple[Diagnostic, ...]
    sources: dict[str, SourceFile]


@dataclass(frozen=True)
class CheckResult:
    files: tuple[FileResult, ...]
    strict: bool = False

    @property
    def exit_code(self) -> int:
        statuses = [a.outcome.status for f in self.files for a in f.assertions]
        if any(f.diagnostics for f in self.files) or "error" in statuses:
            return 2
        if "violated" in statuses or (self.strict and "incomplete" in statuses):
            return 1
        return 0


def assertion_kind(a: ast.Assertion) -> str:
    if isinstance(a, ast.Refinement):
        return f"refinement [{a.model}="
    if isinstance(a, ast.HasTrace):
        return "has trace"
    p = a.property
    return p.kind + (f" [{p.model}]" if p.model else "")


def assertion_text(a: ast.Assertion, sources: dict[str, SourceFile]) -> str:
    """The assertion as written (its lines, comments dropped), for reports."""
    s = a.span
    src = sources.get(s.path)
    if src is None:
        return assertion_kind(a)
    lines = src.text.splitlines()[s.line - 1:s.end_line]
    lines[0] = lines[0][s.column - 1:]
    return " ".join(re.sub(r"--.*$", "", line).strip() for line in lines).strip()


def load_checked(path: str) -> Program:
    """Load and resolve one file; raises FitoError with every diagnostic."""
    program = load(path)
    check_program(program)
    return program


def check_file(path: str, bounds: Bounds = Bounds()) -> FileResult:
    try:
        program = load_checked(path)
    except FitoError as err:
        return FileResult(path, (), tuple(err.diagnostics), _sources_for(err))
    model = Model(program)
    results = []
    for a in program.decls:
        if isinstance(a, ast.Assertion):
            outcome = check_assertion(model, a, bounds)
            results.append(AssertionResult(a.span.path, a.span.line, a.span.column,
                                           assertion_text(a, program.sources), assertion_kind(a), outcome))
    return FileResult(path, tuple(results), (), program.sources)


def check(paths: list[str], bounds: Bounds = Bounds(), strict: bool = False) -> CheckResult:
    return CheckResult(tuple(check_file(p, bounds) for p in paths), strict)


def _sources_for(err: FitoError) -> dict[str, SourceFile]:
    from .syntax.loader import display_source

    out: dict[str, SourceFile] = {}
    for d in err.diagnostics:
        if d.span and d.span.path not in out:
            src = display_source(d.span.path)
            if src is not None:
                out[d.span.path] = src
    return out
