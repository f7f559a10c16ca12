"""Convergence (◇□) under fairness: hand-checked systems, lasso counterexamples."""
from __future__ import annotations

from test_fito_monitors import run

HEADER = """
channel step : {0, 1}.{0..2}
channel retry, ok, fail, idle, spin
observe { advance = step }
DONE = idle -> DONE
"""

# ok is continuously enabled on the spin loop: weak fairness forces it.
SPINNER = """
Q = ok -> step.0.1 -> step.1.1 -> DONE [] spin -> Q
"""

# ok is enabled only after a retry: weak fairness does not force it, strong does.
RETRIER = """
P = retry -> (ok -> step.0.1 -> step.1.1 -> DONE [] fail -> P)
"""


def test_converges_without_fairness_fails_with_lasso(tmp_path):
    o = run(tmp_path, SPINNER + "assert Q :[converges to 1]\n", HEADER)["assert Q :[converges to 1]"]
    assert o.status == "violated"
    assert o.loop_start == 0 and [s.event for s in o.trace] == ["spin"]


def test_weak_fairness_makes_it_converge(tmp_path):
    body = SPINNER + "assert Q :[converges to 1 under weak {| ok |}]\n"
    assert run(tmp_path, body, HEADER)["assert Q :[converges to 1 under weak {| ok |}]"].status == "holds"


def test_weak_is_not_enough_when_enabledness_flickers(tmp_path):
    body = RETRIER + "assert P :[converges to 1 under weak {| ok |}]\n" \
                     "assert P :[converges to 1 under strong {| ok |}]\n"
    out = run(tmp_path, body, HEADER)
    weak = out["assert P :[converges to 1 under weak {| ok |}]"]
    assert weak.status == "violated"
    loop = [s.event for s in weak.trace[weak.loop_start:]]
    assert sorted(loop) == ["fail", "retry"]
    assert out["assert P :[converges to 1 under strong {| ok |}]"].status == "holds"


def test_stopping_short_is_a_violation(tmp_path):
    body = "S = step.0.1 -> STOP\nassert S :[converges to 1]\n"
    o = run(tmp_path, body, HEADER)["assert S :[converges to 1]"]
    assert o.status == "violated" and o.loop_start is None
    assert "stops" in o.message


def test_reaches_gives_a_witness(tmp_path):
    body = RETRIER + "property AllOne = snap(1)\nassert P :[reaches AllOne]\n"
    o = run(tmp_path, body, HEADER)["assert P :[reaches AllOne]"]
    assert o.status == "holds"
    assert [s.event for s in o.trace] == ["retry", "ok", "step.0.1", "step.1.1"]


def test_satisfies_conv_property(tmp_path):
    body = SPINNER + "property Done = conv(1)\nassert Q :[satisfies Done under weak {| ok |}]\n"
    assert run(tmp_path, body, HEADER)["assert Q :[satisfies Done under weak {| ok |}]"].status == "holds"
