"""The human report: a result table, then each counterexample as numbered steps."""
from __future__ import annotations

import io

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from ..api import CheckResult
from ..checks.outcome import Outcome
from .diagnostics import render_text

STYLE = {"holds": "green", "violated": "bold red", "incomplete": "yellow", "error": "bold magenta"}


def render(result: CheckResult, color: bool = False, width: int = 110) -> str:
    buf = io.StringIO()
    console = Console(file=buf, width=width, color_system="standard" if color else None,
                      force_terminal=color, highlight=False, soft_wrap=True)
    table = Table(title="fito check", show_lines=False)
    for col, justify in (("file:line", "left"), ("assertion", "left"), ("result", "left"),
                         ("states", "right"), ("seconds", "right")):
        table.add_column(col, justify=justify, overflow="fold")
    for f in result.files:
        for a in f.assertions:
            st = a.outcome.stats
            table.add_row(escape(f"{a.path}:{a.line}"), escape(a.text), f"[{STYLE[a.outcome.status]}]{a.outcome.status}[/]",
                          f"{st.states:,}" if st else "-", f"{st.seconds:.2f}" if st else "-")
    if table.row_count:
        console.print(table)
    printed = table.row_count > 0
    for f in result.files:
        if f.diagnostics:
            if printed:  # a blank line between blocks, as before each assertion's block
                console.print()
            console.print(render_text(list(f.diagnostics), f.sources), markup=False)
            printed = True
        for a in f.assertions:
            if a.outcome.status != "holds" or a.outcome.trace or a.outcome.details:
                printed = True
                console.print()
                console.print(f"{a.path}:{a.line}: {a.text}", markup=False, style="bold")
                console.print(f"  {a.outcome.status}: {a.outcome.message}", markup=False)
                _trace(console, a.outcome)
    counts = {}
    for f in result.files:
        for a in f.assertions:
            counts[a.outcome.status] = counts.get(a.outcome.status, 0) + 1
    summary = ", ".join(f"{n} {s}" for s, n in sorted(counts.items())) or "no assertions"
    n_diag = sum(len(f.diagnostics) for f in result.files)
    errors = f", {n_diag} input error{'s' if n_diag != 1 else ''}" if n_diag else ""
    console.print(f"\n{summary}{errors}", markup=False)
    return buf.getvalue()


def _trace(console: Console, o: Outcome) -> None:
    for key, value in o.details:
        console.print(f"  {key}: {value}", markup=False)
    if not o.trace:
        return
    console.print("  trace:", markup=False)
    for i, step in enumerate(o.trace, start=1):
        if o.loop_start is not None and i - 1 == o.loop_start:
            console.print("     -- loop: the steps below repeat forever --", markup=False)
        who = ", ".join(str(g) for g in step.origins)
        console.print(f"  {i:>4}. {step.event:<28} {who}", markup=False)
        for key, value in step.observed:
            console.print(f"        {key} = {value}", markup=False)
