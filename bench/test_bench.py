"""Checks for the benchmark twins: run with `.venv/bin/python -m pytest bench/test_bench.py`.

Kept out of tests/ because the SPIN part needs `spin` and gcc (skipped without
them) and compiles 15 verifiers.
"""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import models  # noqa: E402
import parse_bench  # noqa: E402
import run  # noqa: E402

CASES = [(f, n) for f in models.FAMILIES for n in models.SIZES[f]]
HAVE_SPIN = shutil.which("spin") is not None and shutil.which("gcc") is not None


@pytest.mark.parametrize("family,size", CASES)
def test_checked_in_copies_are_current(family, size):
    pml, csp = models.generate(family, size)
    assert (HERE / "promela" / f"{family}_{size}.pml").read_text() == pml
    assert (HERE / "cspm" / f"{family}_{size}.csp").read_text() == csp


@pytest.mark.parametrize("family", models.FAMILIES)
def test_reference_counts_grow(family):
    counts = [models.reference_states(family, n) for n in models.SIZES[family][:3]]
    assert counts == sorted(set(counts))


@pytest.mark.parametrize("family,size", CASES)
def test_cspm_twin_parses(family, size):
    syntax = pytest.importorskip("fito_model.syntax")
    syntax.parse_text(models.generate(family, size)[1], f"{family}_{size}.csp")


def test_parse_bench_spec_is_large_and_parses():
    text = parse_bench.make_spec(5000)
    assert 5000 <= text.count("\n") < 5200
    syntax = pytest.importorskip("fito_model.syntax")
    module = syntax.parse_text(text, "parse_bench.csp")
    assert len(module.decls) > 1000


@pytest.mark.skipif(not HAVE_SPIN, reason="needs spin and gcc: apt-get install -y spin")
@pytest.mark.parametrize("family", models.FAMILIES)
def test_promela_twin_matches_reference(family, tmp_path):
    """Each Promela model compiles and SPIN stores exactly the CSP state count."""
    counts = []
    for size in models.SIZES[family]:
        pml = tmp_path / f"{size}" / "model.pml"
        pml.parent.mkdir()
        pml.write_text(models.generate(family, size)[0])
        try:
            res = run.bench_spin(pml, repeats=1)
        except subprocess.CalledProcessError as exc:
            pytest.fail(f"{family} {size}: {exc.cmd} failed: {exc.stderr}")
        assert res["states"] == models.reference_states(family, size), (family, size)
        counts.append(res["states"])
    assert counts == sorted(set(counts))


def _fito_has_check() -> bool:
    cmd = run.default_fito_command()
    return subprocess.run([*cmd, "check", "--help"], capture_output=True).returncode == 0


@pytest.mark.skipif(not _fito_has_check(), reason="fito check is not available yet")
@pytest.mark.parametrize("family", models.FAMILIES)
def test_fito_twin_matches_reference(family, tmp_path):
    """fito's full exploration of the CSPm twin finds the same state count."""
    for size in models.SIZES[family][:3]:
        path = tmp_path / f"{family}_{size}.csp"
        path.write_text(models.generate(family, size)[1])
        res = run.run_fito_once(run.default_fito_command(), path)
        assert res["status"] == "holds", (family, size, res)
        assert res["stats"]["states"] == models.reference_states(family, size), (family, size)
