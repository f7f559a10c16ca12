"""Source files and spans: every diagnostic and every AST node points back here."""
from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple


class Span(NamedTuple):
    """A 1-based, end-inclusive region of one source file.

    A named tuple rather than a frozen dataclass: the parser makes one per AST
    node, and a tuple is several times cheaper to build (`new_span`).
    """

    path: str
    line: int
    column: int
    end_line: int
    end_column: int

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.column}"


def new_span(path: str, line: int, column: int, end_line: int, end_column: int) -> Span:
    """`Span(...)` without the keyword handling of a named tuple's constructor (the parser's hot path)."""
    return _tuple_new(Span, (path, line, column, end_line, end_column))


_tuple_new = tuple.__new__


@dataclass(frozen=True)
class SourceFile:
    path: str
    text: str

    def line_text(self, line: int) -> str:
        # Lines end at "\n" only, as the parser counts them (str.splitlines would
        # also split at form feeds, U+2028, ... and shift every later line).
        lines = self.text.split("\n")
        return lines[line - 1].removesuffix("\r") if 0 < line <= len(lines) else ""
