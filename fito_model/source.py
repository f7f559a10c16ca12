"""Source files and spans: every diagnostic and every AST node points back here."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Span:
    """A 1-based, end-inclusive region of one source file."""

    path: str
    line: int
    column: int
    end_line: int
    end_column: int

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.column}"


@dataclass(frozen=True)
class SourceFile:
    path: str
    text: str

    def line_text(self, line: int) -> str:
        # Lines end at "\n" only, as the parser counts them (str.splitlines would
        # also split at form feeds, U+2028, ... and shift every later line).
        lines = self.text.split("\n")
        return lines[line - 1].removesuffix("\r") if 0 < line <= len(lines) else ""
