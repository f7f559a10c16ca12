"""Diagnostics as text (path:line:col: error[CODE]: message + caret) or JSON."""
from __future__ import annotations

import json

from ..diagnostics import Diagnostic
from ..source import SourceFile


def render_text(diags: list[Diagnostic], sources: dict[str, SourceFile]) -> str:
    return "\n".join(_one(d, sources) for d in diags)


def _one(d: Diagnostic, sources: dict[str, SourceFile]) -> str:
    if d.span is None:
        return f"{d.severity}[{d.code}]: {d.message}"
    s = d.span
    out = [f"{s.path}:{s.line}:{s.column}: {d.severity}[{d.code}]: {d.message}"]
    src = sources.get(s.path)
    if src is not None:
        line = src.line_text(s.line)
        if line:
            shown = line.expandtabs(1)
            end = s.end_column if s.end_line == s.line and s.end_column >= s.column else len(shown)
            width = max(1, min(end, len(shown)) - s.column + 1)
            gutter = " " * len(str(s.line))
            out.append(f"{s.line} | {shown}")
            out.append(f"{gutter} | {' ' * (s.column - 1)}{'^' * width}")
    for n in d.notes:
        where = f"{n.span.path}:{n.span.line}:{n.span.column}: " if n.span else ""
        out.append(f"  note: {where}{n.message}")
    return "\n".join(out)


def render_json(diags: list[Diagnostic]) -> str:
    return json.dumps({"tool": "fito", "diagnostics": [d.to_json() for d in diags]}, indent=2)
