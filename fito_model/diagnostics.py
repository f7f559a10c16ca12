"""Diagnostics with stable codes, and the one error type every stage raises.

Codes: FITO1xx input and syntax, FITO2xx names and types, FITO3xx results,
FITO4xx usage. The catalogue below is the list users can look codes up in.
"""
from __future__ import annotations

from dataclasses import dataclass

from .source import Span

CODES: dict[str, str] = {
    "FITO100": "the file cannot be read as UTF-8 text",
    "FITO101": "unexpected token",
    "FITO102": "unexpected character",
    "FITO103": "unexpected end of file",
    "FITO104": "unterminated comment or string",
    "FITO105": "nesting too deep",
    "FITO106": "file too large",
    "FITO107": "include file not found",
    "FITO108": "include cycle",
    "FITO109": "not a valid pattern",
    "FITO110": "malformed declaration",
    "FITO111": "the file cannot be read",
    "FITO201": "undefined name",
    "FITO202": "duplicate definition",
    "FITO203": "wrong number of arguments",
    "FITO204": "channel payload does not fit the channel's type",
    "FITO205": "pattern does not fit",
    "FITO206": "infinite type where a finite one is needed",
    "FITO207": "set used as a sequence, or a sequence as a set",
    "FITO208": "type mismatch",
    "FITO209": "unknown FITO role or property",
    "FITO210": "the FITO category mistake: a Snap property where a Conv property is required, or the reverse",
    "FITO211": "evaluation error",
    "FITO212": "unsupported construct",
    "FITO301": "a bound stopped the search",
    "FITO401": "bad command-line usage",
}


@dataclass(frozen=True)
class Note:
    message: str
    span: Span | None = None


@dataclass(frozen=True)
class Diagnostic:
    code: str
    message: str
    span: Span | None = None
    notes: tuple[Note, ...] = ()
    severity: str = "error"

    def __post_init__(self) -> None:
        assert self.code in CODES, self.code

    def to_json(self) -> dict:
        out: dict = {"code": self.code, "severity": self.severity, "message": self.message}
        if self.span is not None:
            out.update(path=self.span.path, line=self.span.line, column=self.span.column,
                       end_line=self.span.end_line, end_column=self.span.end_column)
        if self.notes:
            out["notes"] = [
                {"message": n.message, **({"line": n.span.line, "column": n.span.column, "path": n.span.path}
                                          if n.span else {})}
                for n in self.notes
            ]
        return out


class FitoError(Exception):
    """Raised by any stage; carries the diagnostics that explain why it stopped."""

    def __init__(self, diagnostics: list[Diagnostic] | Diagnostic):
        if isinstance(diagnostics, Diagnostic):
            diagnostics = [diagnostics]
        self.diagnostics: list[Diagnostic] = list(diagnostics)
        super().__init__("; ".join(d.message for d in self.diagnostics))
