"""The normal form: τ-closed nodes, transitions per visible event, minimal acceptances, divergence."""
from __future__ import annotations

import pytest

from fito_model.bounds import BoundReached, Bounds, Budget
from fito_model.checks.normal_form import normalise
from fito_model.checks.runner import Model
from fito_model.semantics.events import TICK
from fito_model.syntax import ast, load_text

TEXT = """channel a, b, c
EXT = a -> STOP [] b -> STOP
INT = a -> STOP |~| b -> STOP
SPLIT = a -> b -> STOP [] a -> c -> STOP
LOOP = (a -> LOOP) \\ {a}
MIX = (a -> MIX [] b -> STOP) \\ {a}
TERM = a -> STOP [] SKIP
COUNT = a -> b -> c -> COUNT
"""


@pytest.fixture(scope="module")
def model():
    return Model(load_text(TEXT))


def nf(model, name, bounds=Bounds()):
    return normalise(model.network(ast.Var(name), Budget(bounds)), Budget(bounds))


def ids(model, *names):
    return frozenset(model.evaluator.events.names.index(n) for n in names)


def test_external_choice_accepts_both(model):
    n = nf(model, "EXT")
    assert n.n_nodes == 2
    assert set(n.transitions[0]) == ids(model, "a", "b")
    assert n.acceptances[0] == (ids(model, "a", "b"),)
    assert n.acceptances[1] == (frozenset(),)
    assert not n.divergent.any()


def test_internal_choice_has_two_minimal_acceptances(model):
    n = nf(model, "INT")
    assert set(n.transitions[0]) == ids(model, "a", "b")
    assert n.acceptances[0] == (ids(model, "a"), ids(model, "b"))


def test_subset_construction_merges_equal_traces(model):
    n = nf(model, "SPLIT")
    after_a = n.transitions[0][model.evaluator.events.names.index("a")]
    assert set(n.transitions[after_a]) == ids(model, "b", "c")
    assert n.acceptances[after_a] == (ids(model, "b"), ids(model, "c"))
    assert n.trace_to(after_a) == [model.evaluator.events.names.index("a")]


def test_divergence_is_marked_and_has_no_acceptance(model):
    loop = nf(model, "LOOP")
    assert loop.divergent.tolist() == [True] and loop.acceptances == ((),)
    mix = nf(model, "MIX")
    assert mix.divergent[0] and set(mix.transitions[0]) == ids(model, "b")


def test_a_state_that_can_terminate_accepts_only_tick(model):
    n = nf(model, "TERM")
    assert n.acceptances[0] == (frozenset({TICK}),)
    assert TICK in n.transitions[0]


def test_nodes_are_numbered_in_bfs_order_deterministically(model):
    first, second = nf(model, "COUNT"), nf(model, "COUNT")
    assert first.n_nodes == 3
    assert first.transitions == second.transitions
    assert [len(first.trace_to(i)) for i in range(first.n_nodes)] == [0, 1, 2]


def test_the_number_of_nodes_is_bounded(model):
    with pytest.raises(BoundReached) as e:
        nf(model, "COUNT", Bounds(max_states=2))
    assert e.value.bound == "max-states"
