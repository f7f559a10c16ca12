"""Counterexamples of refinement, determinism and has-trace read like FDR's: shortest, with what was refused."""
from __future__ import annotations

import pytest

from fito_model.bounds import Bounds, Budget
from fito_model.checks.replay import replay_outcome
from fito_model.checks.runner import Model, check_assertion
from fito_model.syntax import ast, load_text

TEXT = """channel left, right : {0, 1}
channel a, b
COPY = left?x -> right!x -> COPY
B(s) = (#s < 2 & left?x -> B(s ^ <x>)) [] (#s > 0 & right!head(s) -> B(tail(s)))
BUFF2 = B(<>)
INT = a -> STOP |~| b -> STOP
EXT = a -> STOP [] b -> STOP
LOOP = (a -> LOOP) \\ {a}
assert BUFF2 [F= COPY
assert COPY [T= BUFF2
assert EXT [F= INT
assert STOP [FD= LOOP
assert INT :[deterministic [F]]
assert COPY :[has trace]: <left.1, right.0>
assert COPY :[has trace]: <left.1, right.1, left.0>
assert DIV [F= STOP
"""


def check_all(text: str) -> list:
    """Every assertion's outcome; every counterexample is replayed through the Network."""
    model = Model(load_text(text))
    out = []
    for a in model.program.decls:
        if isinstance(a, ast.Assertion):
            o = check_assertion(model, a, Bounds())
            run_of = a.impl if isinstance(a, ast.Refinement) else a.process
            if o.trace is not None:
                replay_outcome(model.network(run_of, Budget(Bounds())), o)
            out.append(o)
    return out


@pytest.fixture(scope="module")
def results():
    return check_all(TEXT)


def events(o):
    return [s.event for s in o.trace]


def test_failures_violation_reports_the_refusal(results):
    o = results[0]
    assert o.status == "violated" and events(o) == ["left.0"]
    assert dict(o.details)["refuses"] == "{left.0, left.1}"
    assert dict(o.details)["specification must accept one of"] == "{left.0, left.1, right.0}"


def test_trace_violation_ends_with_the_event_spec_cannot_do(results):
    o = results[1]
    assert events(o) == ["left.0", "left.0"]
    assert dict(o.details)["specification cannot perform"] == "left.0"


def test_internal_choice_shows_its_tau(results):
    o = results[2]
    assert events(o) == ["τ"] and dict(o.details)["refuses"] == "{b}"


def test_divergence_is_a_lasso(results):
    o = results[3]
    assert o.status == "violated" and o.loop_start is not None and o.loop_start < len(o.trace)
    assert all(e.startswith("τ") for e in events(o))


def test_determinism_names_the_event(results):
    o = results[4]
    assert o.status == "violated" and dict(o.details)["event"] == "b"


def test_has_trace(results):
    missing, present = results[5], results[6]
    assert missing.status == "violated" and events(missing) == ["left.1"]
    assert dict(missing.details)["cannot perform"] == "right.0"
    assert present.status == "holds" and events(present) == ["left.1", "right.1", "left.0"]


def test_a_spec_with_no_stable_state_has_no_failures(results):
    o = results[7]
    assert o.status == "violated" and "no stable state" in o.message


def test_fdr_compressions_leave_every_verdict_as_it_is():
    """`transparent` functions keep the semantics: checks on compressed processes answer as on the originals."""
    text = "transparent normal, sbisim, diamond\n" + TEXT.replace("assert ", "-- assert ") + """
assert normal(BUFF2) [F= sbisim(COPY)
assert COPY [T= diamond(BUFF2)
assert normal(STOP) [FD= LOOP
assert sbisim(INT) :[deterministic [F]]
"""
    plain, compressed = check_all(TEXT), check_all(text)
    originals = [plain[i] for i in (0, 1, 3, 4)]  # the same checks without the compressions
    assert [o.status for o in compressed] == [o.status for o in originals] == ["violated"] * 4
    assert [events(o) for o in compressed] == [events(o) for o in originals]


LINKED = """channel left, right : {0, 1}
COPY = left?x -> right!x -> COPY
B(s) = (#s < 2 & left?x -> B(s ^ <x>)) [] (#s > 0 & right!head(s) -> B(tail(s)))
LINK2 = COPY [right <-> left] COPY
LINK3 = LINK2 [right <-> left] COPY
assert B(<>) [FD= LINK2
assert LINK2 [FD= B(<>)
assert B(<>) [FD= LINK3
assert LINK3 :[has trace]: <left.0, left.1, left.0, right.0>
"""


def test_link_parallel_chains_buffers():
    """Roscoe's example: two one-place buffers linked are the two-place buffer; three are not."""
    outs = check_all(LINKED)
    assert [o.status for o in outs] == ["holds", "holds", "violated", "holds"]
    assert events(outs[2])[-1] == "left.0" and events(outs[2]).count("left.0") + events(outs[2]).count("left.1") == 3
    assert any(e.startswith("τ (right<->left.") for e in events(outs[3]))
