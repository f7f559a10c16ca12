"""Golden specs: each assertion line ends with `-- expect: holds|violated`, the verdict FDR gives.

Every assertion of every spec is checked against it, and every counterexample
(or witness) is replayed step by step, τ included, through the Network of the
process it is a run of.
"""
from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import pytest

from fito_model.bounds import Bounds, Budget
from fito_model.checks.outcome import Step
from fito_model.checks.replay import ReplayError, replay, replay_outcome
from fito_model.checks.runner import Model, check_assertion
from fito_model.syntax import ast, load, load_text

SPECS = sorted((Path(__file__).parent / "specs").glob("*.fito"))
EXPECT = re.compile(r"--\s*expect:\s*(holds|violated)\s*$")


@cache
def _model(path: Path) -> Model:
    return Model(load(str(path)))


def _assertions(path: Path) -> list[ast.Assertion]:
    return [d for d in _model(path).program.decls if isinstance(d, ast.Assertion)]


def _run_of(a: ast.Assertion) -> ast.Expr:
    """The process a counterexample is a run of: Impl for a refinement, else the asserted process."""
    return a.impl if isinstance(a, ast.Refinement) else a.process


CASES = [pytest.param(p, a.span.line, id=f"{p.stem}:{a.span.line}") for p in SPECS for a in _assertions(p)]


@pytest.mark.parametrize("path,line", CASES)
def test_verdict_and_replay(path: Path, line: int):
    model = _model(path)
    expected = EXPECT.search(path.read_text().splitlines()[line - 1])
    assert expected, f"{path.name}:{line}: no `-- expect: holds|violated` comment"
    a = next(a for a in _assertions(path) if a.span.line == line)
    outcome = check_assertion(model, a, Bounds(timeout=60))
    assert outcome.status == expected.group(1), f"{path.name}:{line}: {outcome.status}: {outcome.message}"
    if outcome.trace is not None:
        replay_outcome(model.network(_run_of(a), Budget(Bounds())), outcome)


def test_every_assert_line_has_an_expectation():
    assert SPECS
    for path in SPECS:
        for n, text in enumerate(path.read_text().splitlines(), 1):
            if re.match(r"\s*assert\b", text):
                assert EXPECT.search(text), f"{path.name}:{n}: assertion without an expected verdict"


def test_replay_rejects_impossible_steps():
    model = Model(load_text("channel a, b\nP = a -> P\nQ = (a -> Q) \\ {a}\n"))
    p = model.network(ast.Var("P"), Budget(Bounds()))
    replay(p, [Step("a"), Step("a")])
    with pytest.raises(ReplayError) as e:
        replay(p, [Step("a"), Step("b")])
    assert e.value.index == 1
    with pytest.raises(ReplayError):
        replay(p, [Step("τ")])
    q = model.network(ast.Var("Q"), Budget(Bounds()))
    tau = Step("τ (a)")                   # hidden at the top, a step prints what it was; inside a leaf, just τ
    replay(q, [tau, Step("τ")], loop_start=1)              # τ into the loop, then τ forever
    with pytest.raises(ReplayError):
        replay(q, [tau], loop_start=0)                     # the first τ does not come back
    with pytest.raises(ReplayError):
        replay(q, [tau], loop_start=1)                     # an empty loop
