"""Refinement on random small processes: a preorder, CSP's laws as equivalences, and agreement
with independent checks (a T counterexample is a trace of Impl and not of Spec)."""
from __future__ import annotations

import pytest
from cspm_gen import EVENTS, event_sets, scripts
from hypothesis import given, settings
from hypothesis import strategies as st

from fito_model.bounds import Bounds
from fito_model.checks.outcome import Outcome
from fito_model.checks.runner import Model, check_assertion
from fito_model.syntax import ast, load_text

MODELS = ("T", "F", "FD")


def _check(defs: str, procs: dict[str, str], claims: list[str]) -> list[Outcome]:
    text = defs + "".join(f"{k} = {v}\n" for k, v in procs.items()) + "".join(f"assert {c}\n" for c in claims)
    model = Model(load_text(text))
    out = [check_assertion(model, a, Bounds(timeout=30))
           for a in model.program.decls if isinstance(a, ast.Assertion)]
    assert all(o.status in ("holds", "violated") for o in out), [o.message for o in out]
    return out


def _equal(lhs: str, rhs: str) -> list[str]:
    return [f"{x} [{m}= {y}" for m in MODELS for x, y in ((lhs, rhs), (rhs, lhs))]


LAWS = {   # sides as format strings: {A} an event set, {e} an event
    "unit of []": ("P [] STOP", "P"),
    "[] commutes": ("P [] Q", "Q [] P"),
    "|~| idempotent": ("P |~| P", "P"),
    "[] associative": ("(P [] Q) [] R", "P [] (Q [] R)"),
    "[| A |] commutes": ("P [| {A} |] Q", "Q [| {A} |] P"),
    "hidden prefix": ("({e} -> P) \\ {{{e}}}", "P \\ {{{e}}}"),
}


@pytest.mark.parametrize("law", LAWS)
@settings(max_examples=50, deadline=None)
@given(script=scripts(3), sync=event_sets, event=st.sampled_from(EVENTS))
def test_laws_hold_in_every_model(law, script, sync, event):
    defs, (p, q, r) = script
    lhs, rhs = (side.format(A=sync, e=event) for side in LAWS[law])
    for claim, o in zip(_equal(lhs, rhs), _check(defs, {"P": p, "Q": q, "R": r}, _equal(lhs, rhs))):
        assert o.status == "holds", f"{claim}: {o.message}"


@settings(max_examples=50, deadline=None)
@given(scripts(1))
def test_refinement_is_reflexive(script):
    defs, (p,) = script
    assert all(o.status == "holds" for o in _check(defs, {"P": p}, [f"P [{m}= P" for m in MODELS]))


@settings(max_examples=60, deadline=None)
@given(scripts(3))
def test_refinement_is_transitive(script):
    defs, (p, q, r) = script
    for m in MODELS:
        pq, qr, pr = (o.status == "holds" for o in _check(defs, {"P": p, "Q": q, "R": r},
                                                           [f"P [{m}= Q", f"Q [{m}= R", f"P [{m}= R"]))
        assert not (pq and qr) or pr, m


@settings(max_examples=50, deadline=None)
@given(scripts(2))
def test_transitive_through_internal_choice(script):
    """P |~| Q is refined by P, which is refined by nothing coarser: a chain the random pairs rarely give."""
    defs, (p, q) = script
    claims = [f"(P |~| Q) |~| STOP [{m}= P |~| Q" for m in MODELS] + [f"P |~| Q [{m}= P" for m in MODELS] + \
             [f"(P |~| Q) |~| STOP [{m}= P" for m in MODELS]
    assert all(o.status == "holds" for o in _check(defs, {"P": p, "Q": q}, claims))


@settings(max_examples=100, deadline=None)
@given(scripts(2))
def test_models_are_ordered(script):
    """F-refinement implies T-refinement; FD-refinement by a divergence-free spec implies F-refinement."""
    defs, (p, q) = script
    t, f, fd, spec_div_free = (o.status == "holds" for o in _check(
        defs, {"P": p, "Q": q}, ["P [T= Q", "P [F= Q", "P [FD= Q", "P :[divergence free]"]))
    assert not f or t
    assert not (fd and spec_div_free) or f


@settings(max_examples=100, deadline=None)
@given(scripts(2))
def test_trace_counterexample_is_a_trace_of_impl_only(script):
    defs, (p, q) = script
    (o,) = _check(defs, {"P": p, "Q": q}, ["P [T= Q"])
    if o.status == "holds":
        return
    visible = ", ".join(s.event for s in o.trace if not s.event.startswith("τ"))
    if o.trace[-1].event == "✓":
        return   # ✓ cannot be written in a trace literal
    before = ", ".join(s.event for s in o.trace[:-1] if not s.event.startswith("τ"))
    checks = [f"Q :[has trace]: <{visible}>", f"P :[has trace]: <{visible}>", f"P :[has trace]: <{before}>"]
    assert [c.status for c in _check(defs, {"P": p, "Q": q}, checks)] == ["holds", "violated", "holds"]
