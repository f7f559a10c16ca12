"""Snapshot tests of the report emitters: a fixed spec -> the exact text and JSON reports.

Timing and memory numbers are zeroed in the result object before rendering, so the
snapshots pin every other byte of the emitters. After an intended change of format,
regenerate them with

    FITO_UPDATE_SNAPSHOTS=1 .venv/bin/python -m pytest tests/report

and review the diff of tests/report/snapshots/ like any other change.
"""
from __future__ import annotations

import dataclasses
import os
import shutil
from pathlib import Path

import pytest

from fito_model.api import CheckResult, check
from fito_model.bounds import Bounds
from fito_model.report import json_report, text
from fito_model.report.diagnostics import render_json as diagnostics_json
from fito_model.report.diagnostics import render_text as diagnostics_text

HERE = Path(__file__).parent
SNAPSHOTS = HERE / "snapshots"
UPDATE = os.environ.get("FITO_UPDATE_SNAPSHOTS") == "1"
FILES = ["report.fito", "broken.fito"]


def normalised(result: CheckResult) -> CheckResult:
    """Zero the fields that vary run to run (time, memory)."""
    def fix(a):
        st = a.outcome.stats
        if st is None:
            return a
        st = dataclasses.replace(st, seconds=0.0, peak_memory_bytes=0, bytes_per_state=0.0)
        return dataclasses.replace(a, outcome=dataclasses.replace(a.outcome, stats=st))

    files = tuple(dataclasses.replace(f, assertions=tuple(fix(a) for a in f.assertions)) for f in result.files)
    return dataclasses.replace(result, files=files)


@pytest.fixture(scope="module")
def result(tmp_path_factory) -> CheckResult:
    """Checked from a scratch folder under relative paths, so no machine path gets in."""
    work = tmp_path_factory.mktemp("report")
    for name in FILES:
        shutil.copy(HERE / "specs" / name, work / name)
    old = os.getcwd()
    os.chdir(work)
    try:
        return normalised(check(FILES, Bounds(max_states=50)))
    finally:
        os.chdir(old)


def compare(name: str, actual: str) -> None:
    path = SNAPSHOTS / name
    if UPDATE:
        path.write_text(actual, encoding="utf-8")
        return
    assert path.exists(), f"no snapshot {path}; run with FITO_UPDATE_SNAPSHOTS=1 to create it"
    expected = path.read_text(encoding="utf-8")
    assert actual == expected, f"{name} differs from its snapshot (FITO_UPDATE_SNAPSHOTS=1 regenerates it)"


def test_statuses_of_the_snapshot_spec(result):
    """The spec covers every status, so the snapshots show every kind of block."""
    assert [a.outcome.status for a in result.files[0].assertions] == \
        ["holds", "violated", "holds", "violated", "incomplete", "error"]
    assert [d.code for d in result.files[1].diagnostics] == ["FITO201"]
    assert result.exit_code == 2


def test_text_report(result):
    compare("report.txt", text.render(result, color=False))


def test_json_report(result):
    compare("report.json", json_report.render(result) + "\n")


def test_diagnostics_text_and_json(result):
    broken = result.files[1]
    compare("diagnostics.txt", diagnostics_text(list(broken.diagnostics), broken.sources) + "\n")
    compare("diagnostics.json", diagnostics_json(list(broken.diagnostics)) + "\n")


def test_colour_is_only_styling(result):
    """With colour on, the report is the same text plus ANSI escapes."""
    import re

    coloured = text.render(result, color=True)
    assert "\x1b[" in coloured
    assert re.sub(r"\x1b\[[0-9;]*m", "", coloured) == text.render(result, color=False)
