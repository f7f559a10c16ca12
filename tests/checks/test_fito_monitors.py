"""Each FITO monitor on tiny hand-built systems whose answer is known by hand, both ways."""
from __future__ import annotations

import pytest

from fito_model.api import check_file
from fito_model.bounds import Bounds

HEADER = """
channel step, write, load : {0, 1}.{0..2}
channel crash
observe { advance = step, persist = write, crash = crash, restore = load }
"""


def run(tmp_path, body: str, header: str = HEADER):
    p = tmp_path / "m.fito"
    p.write_text(header + body)
    res = check_file(str(p), Bounds(max_states=200_000, timeout=60))
    assert not res.diagnostics, [d.message for d in res.diagnostics]
    return {a.text.split("--")[0].strip(): a.outcome for a in res.assertions}


# Each domain advances and persists on its own: recovery reads each domain's durable epoch.
INDEPENDENT = """
D(d, l, p) = (l < 2 & step.d.(l+1) -> D(d, l+1, p))
          [] (p != l & write.d.l -> D(d, l, l))
          [] crash -> load.d.p -> D(d, p, p)
SYS = [| {crash} |] d : {0, 1} @ D(d, 0, 0)
"""

# One commit record: both domains advance together and are persisted by one write.
COORDINATED = """
C(l, c) = (l < 2 & step.0.(l+1) -> step.1.(l+1) -> C(l+1, c))
       [] (c != l & write.0.l -> write.1.l -> C(l, l))
       [] crash -> load.0.c -> load.1.c -> C(c, c)
SYS = C(0, 0)
"""


@pytest.mark.parametrize("prop", ["uniform recovery", "atomic snapshot"])
def test_independent_persists_fail(tmp_path, prop):
    out = run(tmp_path, INDEPENDENT + f"assert SYS :[{prop}]\n")
    o = out[f"assert SYS :[{prop}]"]
    assert o.status == "violated"
    events = [s.event for s in o.trace]
    assert "crash" in events and events[-1].startswith("load.")
    assert dict(o.details)["recovered"] in ("(0=1, 1=0)", "(0=0, 1=1)")


@pytest.mark.parametrize("prop", ["uniform recovery", "atomic snapshot", "consistent recovery"])
def test_coordinated_commit_holds(tmp_path, prop):
    out = run(tmp_path, COORDINATED + f"assert SYS :[{prop}]\n")
    assert out[f"assert SYS :[{prop}]"].status == "holds"


def test_atomic_is_not_uniform(tmp_path):
    """(1, 0) was the live vector of an instant: atomic, though not uniform (claim E1's gap)."""
    body = """
P = step.0.1 -> write.0.1 -> crash -> load.0.1 -> load.1.0 -> STOP
assert P :[atomic snapshot]
assert P :[uniform recovery]
"""
    out = run(tmp_path, body)
    assert out["assert P :[atomic snapshot]"].status == "holds"
    assert out["assert P :[uniform recovery]"].status == "violated"


def test_uniform_is_not_atomic(tmp_path):
    """(1, 1) is uniform, but domain 0 was at 2 before domain 1 reached 1: no instant had (1, 1)."""
    body = """
P = step.0.1 -> step.0.2 -> step.1.1 -> crash -> load.0.1 -> load.1.1 -> STOP
assert P :[uniform recovery]
assert P :[atomic snapshot]
"""
    out = run(tmp_path, body)
    assert out["assert P :[uniform recovery]"].status == "holds"
    o = out["assert P :[atomic snapshot]"]
    assert o.status == "violated"
    assert dict(o.details)["live vectors of the instants compared"] == "(0=0, 1=0), (0=1, 1=0), (0=2, 1=0), (0=2, 1=1)"


def test_atomic_implies_consistent_but_not_conversely(tmp_path):
    """With no messages every per-domain choice is a consistent cut, but not an instant."""
    body = """
P = step.0.1 -> step.0.2 -> step.1.1 -> crash -> load.0.1 -> load.1.1 -> STOP
assert P :[consistent recovery]
"""
    assert run(tmp_path, body)["assert P :[consistent recovery]"].status == "holds"


MSG_HEADER = """
channel step, load : {0, 1}.{0..2}
channel send, recv : {0, 1}.{0, 1}
channel crash
observe { advance = step, crash = crash, restore = load, send = send, recv = recv }
"""


def test_message_from_the_future_is_inconsistent(tmp_path):
    """Domain 1 reaches 1 after hearing from domain 0 at epoch 1; restoring (0, 1) orphans that message."""
    body = """
P = step.0.1 -> send.0.1 -> recv.0.1 -> step.1.1 -> crash -> load.0.0 -> load.1.1 -> STOP
Q = step.0.1 -> send.0.1 -> recv.0.1 -> step.1.1 -> crash -> load.0.1 -> load.1.1 -> STOP
assert P :[consistent recovery]
assert Q :[consistent recovery]
"""
    out = run(tmp_path, body, MSG_HEADER)
    bad = out["assert P :[consistent recovery]"]
    assert bad.status == "violated"
    assert "heard (through messages) that domain 0 was at epoch 1" in bad.message
    assert out["assert Q :[consistent recovery]"].status == "holds"


DECIDE_HEADER = """
channel decide : {0, 1}.{0, 1}
channel send, recv : {0, 1}.{0, 1}.{0}
observe { decide = decide, send = send, recv = recv }
"""


def test_agreement_both_ways(tmp_path):
    body = """
SPLIT = decide.0.0 -> decide.1.1 -> STOP
SAME = decide.0.1 -> decide.1.1 -> STOP
assert SPLIT :[agreement]
assert SAME :[agreement]
"""
    out = run(tmp_path, body, DECIDE_HEADER)
    assert out["assert SPLIT :[agreement]"].status == "violated"
    assert out["assert SAME :[agreement]"].status == "holds"


def test_never_mixed_both_ways(tmp_path):
    body = """
MIXED = decide.0.1 -> send.0.1.0 -> recv.0.1.0 -> decide.1.1 -> STOP
GATED = decide.0.1 -> decide.1.1 -> send.0.1.0 -> recv.0.1.0 -> STOP
assert MIXED :[never mixed]
assert GATED :[never mixed]
"""
    out = run(tmp_path, body, DECIDE_HEADER)
    bad = out["assert MIXED :[never mixed]"]
    assert bad.status == "violated"
    assert dict(bad.details)["sender"] == "0 at version 1"
    assert dict(bad.details)["receiver"] == "1 at version 0"
    assert out["assert GATED :[never mixed]"].status == "holds"


def test_shortest_counterexample(tmp_path):
    """BFS: the violation is reported on the shortest path, not the first one written."""
    body = """
P = step.0.1 -> step.0.2 -> step.1.1 -> crash -> load.0.1 -> load.1.1 -> STOP
  [] step.1.1 -> crash -> load.0.1 -> load.1.0 -> STOP
assert P :[uniform recovery]
"""
    o = run(tmp_path, body)["assert P :[uniform recovery]"]
    assert [s.event for s in o.trace] == ["step.1.1", "crash", "load.0.1", "load.1.0"]


def test_hidden_role_events_are_still_observed(tmp_path):
    body = """
P = step.0.1 -> step.0.2 -> step.1.1 -> crash -> load.0.1 -> load.1.1 -> STOP
assert P \\ {| step |} :[atomic snapshot]
"""
    o = run(tmp_path, body)["assert P \\ {| step |} :[atomic snapshot]"]
    assert o.status == "violated"
    assert o.trace[0].event == "τ (step.0.1)"


def test_missing_role_is_an_error(tmp_path):
    body = "P = STOP\nassert P :[agreement]\n"
    o = run(tmp_path, body)["assert P :[agreement]"]
    assert o.status == "error" and "decide" in o.message


def test_vacuous_recovery_check_says_so(tmp_path):
    """A system that never completes a recovery holds, but the outcome says nothing was judged."""
    body = "P = step.0.1 -> step.1.1 -> P\nassert P :[atomic snapshot]\nassert SYS :[atomic snapshot]\n" + COORDINATED
    out = run(tmp_path, body)
    vacuous = out["assert P :[atomic snapshot]"]
    assert vacuous.status == "holds" and "vacuously" in vacuous.message
    assert dict(vacuous.details)["recoveries judged"].startswith("0")
    real = out["assert SYS :[atomic snapshot]"]
    assert real.status == "holds" and "recovery completions judged" in real.message


def test_trace_names_every_process_in_a_synchronised_step(tmp_path):
    """Under an interrupt the system is one leaf; the trace still names each synchronising process."""
    body = """
T = step.0.1 -> T
S(h) = step.0.1 -> S(h)
SYS2 = (T [| {| step |} |] ([| {| step |} |] h : {0, 1} @ S(h))) /\\ (crash -> STOP)
assert not SYS2 :[has trace]: <step.0.1>
"""
    o = run(tmp_path, body)["assert not SYS2 :[has trace]: <step.0.1>"]
    assert [str(g) for g in o.trace[0].origins] == ["T (line 6)", "S[h=0] (line 7)", "S[h=1] (line 7)"]


# INDEPENDENT beside eight interleaved counters: 10^8 times as many states as INDEPENDENT.
HUGE = INDEPENDENT.replace("SYS =", "CORE =") + """
channel tick : {0..7}
COUNT(i, n) = tick.i -> COUNT(i, (n + 1) % 10)
SYS = CORE ||| (||| i : {0..7} @ COUNT(i, 0))
"""


@pytest.mark.parametrize("prop", ["uniform recovery", "atomic snapshot"])
def test_a_shallow_violation_is_found_in_a_huge_system(tmp_path, prop):
    """The monitor runs beside the system's search: the violation stops it, the rest is never built."""
    out = run(tmp_path, HUGE + f"assert SYS :[{prop}]\n")
    o = out[f"assert SYS :[{prop}]"]
    assert o.status == "violated"
    assert [s.event for s in o.trace] == [s.event for s in run(tmp_path, INDEPENDENT + f"assert SYS :[{prop}]\n")
                                         [f"assert SYS :[{prop}]"].trace]  # the same shortest run
    assert o.stats.depth == len(o.trace)  # the system was searched no deeper than the counterexample


def test_a_huge_system_that_holds_is_incomplete(tmp_path):
    o = run(tmp_path, HUGE + "assert SYS :[consistent recovery]\n")["assert SYS :[consistent recovery]"]
    assert o.status == "incomplete" and o.bound == "max-states"


def test_the_pair_bound_stops_the_product_with_the_pairs_so_far(tmp_path):
    """The system (81 states) fits the bound; its product with the atomic-snapshot monitor (430 pairs to
    the violation) does not."""
    p = tmp_path / "m.fito"
    p.write_text(HEADER + INDEPENDENT + "assert SYS :[atomic snapshot]\n")
    (a,) = check_file(str(p), Bounds(max_states=200)).assertions
    assert a.outcome.status == "incomplete" and a.outcome.bound == "max-states"
    assert 200 <= a.outcome.stats.states < 430 and "pairs" in a.outcome.message
