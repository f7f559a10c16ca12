"""Text -> AST. The grammar is loaded once; every lark error becomes a Diagnostic.

After a syntax error the parser restarts at the next line that begins in
column 1 (where CSPm declarations begin), so one run reports several
independent errors.
"""
from __future__ import annotations

import re
from functools import lru_cache
from importlib.resources import files

from lark import Lark, Token
from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedInput, UnexpectedToken, VisitError

from ..diagnostics import Diagnostic, FitoError
from ..source import Span
from . import ast
from .transformer import ToAst

MAX_ERRORS = 20
MAX_NESTING = 200

_TOKEN_NAMES = {
    "NAME": "a name", "INT": "an integer", "STRING": "a string", "REFINES": "[T=, [F= or [FD=",
    "$END": "end of file", "ASSERT_NOT": "assert not", "HAS_TRACE": "has trace",
}


@lru_cache(maxsize=1)
def grammar() -> Lark:
    text = files(__package__).joinpath("fito.lark").read_text()
    return Lark(text, parser="lalr", lexer="contextual", propagate_positions=True,
                maybe_placeholders=True, cache=False)


def parse_text(text: str, path: str = "<string>") -> ast.Module:
    """Parse one file's text; raise FitoError with every syntax error found."""
    _check_nesting(text, path)
    decls, errors = [], []
    blanked = text
    while True:
        try:
            tree = grammar().parse(blanked)
        except UnexpectedInput as err:
            errors.append(_diagnose(err, blanked, path))
            restart = _restart_line(text, err)
            if restart is None or len(errors) >= MAX_ERRORS:
                break
            lines = text.split("\n")
            blanked = "\n" * (restart - 1) + "\n".join(lines[restart - 1:])
            continue
        if not errors:
            try:
                decls = ToAst(path).transform(tree)
            except VisitError as err:
                if isinstance(err.orig_exc, FitoError):
                    raise err.orig_exc from None
                raise
        break
    if errors:
        raise FitoError(errors)
    return ast.Module(path, tuple(decls), span=Span(path, 1, 1, 1, 1))


def parse_expr(text: str, path: str = "<expr>") -> ast.Expr:
    """Parse a single expression (used by the CLI's --process and by tests)."""
    module = parse_text(f"__fito_expr__ = {text}", path)
    (decl,) = module.decls
    assert isinstance(decl, ast.Definition)
    return decl.body


def _restart_line(text: str, err: UnexpectedInput) -> int | None:
    line = getattr(err, "line", None)
    if not isinstance(line, int) or line < 1:
        return None
    for i, row in enumerate(text.split("\n")[line:], start=line + 1):
        if row and not row[0].isspace() and not row.startswith("--"):
            return i
    return None


def _describe_expected(expected) -> str:
    names = sorted({_TOKEN_NAMES.get(t, _literal(t)) for t in expected})
    if len(names) > 8:
        names = names[:8] + ["..."]
    return ", ".join(names)


def _literal(term: str) -> str:
    try:
        pattern = grammar().get_terminal(term).pattern
    except KeyError:
        return term
    if pattern.type == "str":
        return f"'{pattern.value}'"
    return term.lower().replace("_", " ")


def _diagnose(err: UnexpectedInput, text: str, path: str) -> Diagnostic:
    line, col = max(getattr(err, "line", 1), 1), max(getattr(err, "column", 1), 1)
    if isinstance(err, UnexpectedToken) and err.token.type != "$END":
        tok: Token = err.token
        span = Span(path, line, col, tok.end_line or line, max((tok.end_column or col + 1) - 1, col))
        return Diagnostic("FITO101", f"unexpected {tok.value!r}; expected {_describe_expected(err.expected)}", span)
    if isinstance(err, (UnexpectedEOF, UnexpectedToken)):
        end = text.rstrip()
        eline = end.count("\n") + 1
        ecol = len(end) - (end.rfind("\n") + 1) + 1
        expected = getattr(err, "expected", None) or ()
        return Diagnostic("FITO103", f"unexpected end of file; expected {_describe_expected(expected)}",
                          Span(path, eline, ecol, eline, ecol))
    assert isinstance(err, UnexpectedCharacters)
    char = text[err.pos_in_stream] if err.pos_in_stream < len(text) else ""
    span = Span(path, line, col, line, col)
    if text.startswith("{-", err.pos_in_stream):
        return Diagnostic("FITO104", "unterminated block comment: '{-' has no matching '-}'", span)
    if char == '"':
        return Diagnostic("FITO104", "unterminated string: '\"' has no matching '\"' on this line", span)
    allowed = getattr(err, "allowed", None)
    hint = f"; expected {_describe_expected(allowed)}" if allowed else ""
    return Diagnostic("FITO102", f"unexpected character {char!r}{hint}", span)


def _check_nesting(text: str, path: str) -> None:
    """Refuse absurd bracket nesting up front: later stages recurse over the AST."""
    depth = 0
    for m in re.finditer(r"[(\[{]|[)\]}]", text):
        depth += 1 if m.group() in "([{" else -1
        if depth > MAX_NESTING:
            line = text.count("\n", 0, m.start()) + 1
            col = m.start() - (text.rfind("\n", 0, m.start()) + 1) + 1
            raise FitoError(Diagnostic("FITO105", f"brackets nested more than {MAX_NESTING} deep",
                                       Span(path, line, col, line, col)))
