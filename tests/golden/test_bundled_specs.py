"""Every bundled spec in specs/ checks to the verdicts its own comments promise.

Each assertion's first line ends with `-- expect: holds` or `-- expect: violated`, and
each spec opens with a header naming the system, its commit point and the
real incident or design it mirrors.
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from fito_model.api import check_file
from fito_model.bounds import Bounds

SPECS = sorted(Path(__file__).resolve().parents[2].joinpath("specs").rglob("*.fito"))
EXPECT = re.compile(r"--\s*expect:\s*(holds|violated|incomplete)")


def expectations(path: Path) -> dict[int, str]:
    out = {}
    for n, line in enumerate(path.read_text().splitlines(), start=1):
        m = EXPECT.search(line)
        if m:
            out[n] = m.group(1)
    return out


@pytest.mark.parametrize("spec", SPECS, ids=[p.stem for p in SPECS])
def test_spec_verdicts(spec: Path):
    result = check_file(str(spec), Bounds(max_states=2_000_000, timeout=120))
    assert not result.diagnostics, [d.message for d in result.diagnostics]
    expected = expectations(spec)
    got = {a.line: a.outcome.status for a in result.assertions}
    assert got == expected, {n: (got.get(n), expected.get(n)) for n in set(got) | set(expected)
                             if got.get(n) != expected.get(n)}


@pytest.mark.parametrize("spec", SPECS, ids=[p.stem for p in SPECS])
def test_spec_header(spec: Path):
    head = spec.read_text().split("\n\n", 1)[0]
    for field in ("System:", "Commit point:", "Mirrors:"):
        assert field in head, f"{spec.name}: header lacks {field!r}"


def test_there_are_real_specs():
    assert len(SPECS) >= 15
