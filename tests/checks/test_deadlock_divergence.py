"""What counts as a deadlock and as a divergence (docs/semantics.md §6), on tiny processes."""
from __future__ import annotations

import pytest

from fito_model.bounds import Bounds
from fito_model.checks.runner import Model, check_assertion
from fito_model.syntax import ast, load_text

PROGRAM = """
channel a, b
P = a -> P
"""


def verdict(assertion: str, bounds: Bounds = Bounds()) -> tuple[str, int | None]:
    """(status, counterexample length) of one assertion appended to the fixture."""
    model = Model(load_text(PROGRAM + assertion + "\n", "facts.fito"))
    [a] = [d for d in model.program.decls if isinstance(d, ast.Assertion)]
    out = check_assertion(model, a, bounds)
    return out.status, None if out.trace is None else len(out.trace)


@pytest.mark.parametrize("assertion, expected", [
    ("assert SKIP :[deadlock free]", ("holds", None)),                    # termination is not deadlock
    ("assert (a -> SKIP) ||| (b -> SKIP) :[deadlock free]", ("holds", None)),
    ("assert STOP :[deadlock free]", ("violated", 0)),
    ("assert a -> b -> STOP :[deadlock free]", ("violated", 2)),
    ("assert SKIP ||| STOP :[deadlock free]", ("violated", 0)),           # ✓ needs both sides
    ("assert SKIP [| {a} |] (a -> STOP) :[deadlock free]", ("violated", 0)),
    ("assert (a -> SKIP) [| {a} |] (a -> STOP) :[deadlock free]", ("violated", 1)),
    ("assert DIV :[deadlock free [F]]", ("holds", None)),                 # only τ: not stable, not dead
    ("assert DIV :[deadlock free]", ("violated", 1)),                     # default FD (as FDR): it diverges
    ("assert CHAOS({a}) :[deadlock free]", ("violated", 1)),              # τ to STOP
    ("assert (a -> P) \\ {a} :[deadlock free [F]]", ("holds", None)),
    ("assert (a -> P) \\ {a} :[deadlock free [FD]]", ("violated", 2)),    # [FD]: divergence fails too
    ("assert not STOP :[deadlock free]", ("holds", 0)),                   # the trace is now a witness
])
def test_deadlock(assertion, expected):
    assert verdict(assertion) == expected


@pytest.mark.parametrize("assertion, expected", [
    ("assert P :[divergence free]", ("holds", None)),
    ("assert P \\ {a} :[divergence free]", ("violated", 1)),              # the loop alone
    ("assert (b -> P) \\ {a} :[divergence free]", ("violated", 2)),       # b, then the loop
    ("assert DIV :[divergence free]", ("violated", 1)),
    ("assert CHAOS({a}) :[divergence free]", ("holds", None)),
    ("assert (a -> b -> STOP) \\ {a} :[divergence free]", ("holds", None)),
    ("assert (P ||| (b -> STOP)) \\ {a} :[divergence free]", ("violated", 1)),
    ("assert SKIP ; (P \\ {a}) :[divergence free]", ("violated", 2)),     # τ out of SKIP, then the loop
])
def test_divergence(assertion, expected):
    assert verdict(assertion) == expected


def test_divergence_lasso_marks_the_loop():
    model = Model(load_text(PROGRAM + "assert (b -> P) \\ {a} :[divergence free]\n", "facts.fito"))
    [a] = [d for d in model.program.decls if isinstance(d, ast.Assertion)]
    out = check_assertion(model, a, Bounds())
    assert [s.event for s in out.trace][0] == "b"
    assert out.loop_start == 1 and out.trace[1].event.startswith("τ")


def test_incomplete_never_holds():
    status, _ = verdict("COUNT(n) = a -> COUNT(n + 1)\nassert COUNT(0) :[deadlock free]", Bounds(max_states=100))
    assert status == "incomplete"
    assert verdict("assert a -> b -> STOP :[divergence free]", Bounds(max_depth=1))[0] == "incomplete"
    # P ||| P has a single state: at depth 0 nothing new is left, so the search is complete
    assert verdict("assert P ||| P :[divergence free]", Bounds(max_depth=0))[0] == "holds"
