"""The JSON report (--format json): the schema documented in docs/output.md."""
from __future__ import annotations

import json

from .. import __version__
from ..api import CheckResult
from ..checks.outcome import Outcome


def outcome_json(o: Outcome) -> dict:
    out: dict = {"status": o.status, "message": o.message, "trace": None}  # trace: always present
    if o.trace is not None:
        out["trace"] = [
            {"step": i + 1, "event": s.event, "channel": s.channel, "args": list(s.args),
             "processes": [{"process": g.process, "bindings": g.bindings, "path": g.path, "line": g.line}
                           for g in s.origins],
             **({"observed": dict(s.observed)} if s.observed else {})}
            for i, s in enumerate(o.trace)]
        if o.loop_start is not None:
            out["loop_start"] = o.loop_start + 1
    if o.details:
        out["details"] = dict(o.details)
    if o.bound:
        out["bound"] = o.bound
    out["stats"] = o.stats.to_json() if o.stats else None
    return out


def render(result: CheckResult) -> str:
    files = []
    for f in result.files:
        files.append({
            "path": f.path,
            "diagnostics": [d.to_json() for d in f.diagnostics],
            "assertions": [{"line": a.line, "column": a.column, "text": a.text, "kind": a.kind,
                            **outcome_json(a.outcome)} for a in f.assertions],
        })
    return json.dumps({"tool": "fito", "version": __version__, "exit_code": result.exit_code, "files": files},
                      indent=2, ensure_ascii=False)
