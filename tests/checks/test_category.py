"""The FITO category mistake is a static type error (FITO210) naming both spans."""
from __future__ import annotations

import subprocess
import sys

HEADER = """channel step : {0, 1}.{0..2}
observe { advance = step }
P = step.0.1 -> step.1.1 -> P
"""


def fito(tmp_path, body):
    p = tmp_path / "c.fito"
    p.write_text(HEADER + body)
    return subprocess.run([sys.executable, "-m", "fito_model", "check", str(p)], capture_output=True, text=True)


def test_snap_where_conv_is_required(tmp_path):
    r = fito(tmp_path, "property Uniform = snap(1)\nassert P :[satisfies Uniform]\n")
    assert r.returncode == 2
    assert "c.fito:5:" in r.stderr + r.stdout
    out = r.stderr + r.stdout
    assert "error[FITO210]" in out and "category mistake" in out
    assert "Uniform is declared Snap here" in out and "c.fito:4:" in out
    assert "Traceback" not in out


def test_conv_where_snap_is_required(tmp_path):
    r = fito(tmp_path, "property Settled = conv(1)\nassert P :[reaches Settled]\n")
    assert r.returncode == 2 and "FITO210" in r.stdout + r.stderr


def test_mixing_sorts_in_one_property(tmp_path):
    r = fito(tmp_path, "property Odd = conv(1) and snap(2)\n")
    out = r.stdout + r.stderr
    assert r.returncode == 2 and "FITO210" in out and "combines a Conv property" in out


def test_converges_to_a_snap_property(tmp_path):
    r = fito(tmp_path, "property Uniform = snap(1)\nassert P :[converges to Uniform]\n")
    assert r.returncode == 2 and "FITO210" in r.stdout + r.stderr


def test_well_sorted_properties_check(tmp_path):
    r = fito(tmp_path, "property U = snap(1)\nproperty D = conv(1)\nassert P :[reaches U]\n")
    assert r.returncode == 0, r.stdout + r.stderr
