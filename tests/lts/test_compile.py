"""Compilation: leaves to LTSs (exact counts), the top of a process to Network rules, and the
agreement of the compiled Network with the term-level semantics of the whole process.
"""
from __future__ import annotations

from collections import deque

import pytest

from fito_model.bounds import BoundReached, Bounds, Budget
from fito_model.lts.compile import compile_leaf, compile_network
from fito_model.lts.network import Network
from fito_model.semantics import process as P
from fito_model.semantics.evaluate import Evaluator
from fito_model.semantics.events import TAU, TICK
from fito_model.semantics.operational import Semantics
from fito_model.syntax import load_text, parse_expr

PROGRAM = """
channel a, b, c, d
channel left, right : {0..2}
channel mid : {0..1}
channel pick, drop : {0..2}.{0..2}
P = a -> b -> P
COPY = left?x -> right!x -> COPY
BUF = left?x:{0..1} -> mid!x -> BUF
OUT = mid?x -> right!x -> OUT
PIPE = (BUF [| {| mid |} |] OUT) \\ {| mid |}
PHIL(i) = pick.i.i -> pick.i.((i + 1) % 3) -> drop.i.i -> drop.i.((i + 1) % 3) -> PHIL(i)
FORK(i) = pick.i.i -> drop.i.i -> FORK(i) [] pick.((i + 2) % 3).i -> drop.((i + 2) % 3).i -> FORK(i)
PHILS = ||| i : {0..2} @ PHIL(i)
FORKS = ||| i : {0..2} @ FORK(i)
DINING = PHILS [| {| pick, drop |} |] FORKS
COUNT(n) = a -> COUNT(n + 1)
GROW = a -> (GROW ; b -> SKIP)
"""


class Fx:
    def __init__(self, src: str = PROGRAM, bounds: Bounds = Bounds()):
        self.ev = Evaluator(load_text(src, "net.fito"))
        self.sem = Semantics(self.ev)
        self.bounds = bounds

    def term(self, text: str) -> P.Term:
        return self.ev.proc(parse_expr(text), {})

    def leaf(self, text: str):
        return compile_leaf(self.sem, self.term(text), Budget(self.bounds))

    def net(self, text: str) -> Network:
        return compile_network(self.sem, self.term(text), Budget(self.bounds))

    def name(self, e: int) -> str:
        return self.ev.events.name(e)

    def rules(self, net: Network) -> list[tuple[tuple[tuple[int, str], ...], str]]:
        return [(tuple((c, self.name(e)) for c, e in r.participants), self.name(r.result)) for r in net.rules]


@pytest.fixture(scope="module")
def fx() -> Fx:
    return Fx()


# ----- leaves -------------------------------------------------------------------------------

@pytest.mark.parametrize("text, states, transitions", [
    ("STOP", 1, 0),
    ("SKIP", 2, 1),                 # SKIP --✓--> Ω
    ("P", 2, 2),
    ("COPY", 4, 6),                 # COPY and right!x -> COPY for each x
    ("BUF", 3, 4),
    ("a -> SKIP", 3, 2),
    ("(a -> SKIP) ; P", 4, 4),      # the ✓ of the left side is a τ into P
    ("CHAOS({a, b})", 3, 4),        # CHAOS, STOP, the offer
    ("RUN({a, b})", 1, 2),
    ("DIV", 1, 1),
    ("(a -> STOP) |~| (b -> STOP)", 4, 4),
    ("PHIL(0)", 4, 4),
    ("FORK(1)", 3, 4),
])
def test_leaf_counts(fx, text, states, transitions):
    lts = fx.leaf(text)
    assert (lts.n_states, lts.n_transitions) == (states, transitions)
    assert lts.initial == 0


def test_leaf_transitions_are_grouped_and_sorted_by_event(fx):
    lts = fx.leaf("COPY")
    for s in range(lts.n_states):
        evs = [e for e, _ in lts.out(s)]
        assert evs == sorted(evs)
    assert [fx.name(e) for e, _ in lts.out(0)] == ["left.0", "left.1", "left.2"]


def test_leaf_omega(fx):
    lts = fx.leaf("a -> SKIP")
    assert lts.omega == 2 and lts.terms[lts.omega] == P.OMEGA
    assert lts.out(1) == [(TICK, 2)]
    assert fx.leaf("P").omega == -1  # never terminates


def test_leaf_alphabet(fx):
    assert {fx.name(e) for e in fx.leaf("(a -> SKIP) ; P").alphabet()} == {"τ", "a", "b"}


def test_leaf_bounds_use_max_states(fx):
    """An infinite leaf stops at --max-states (not only at max_leaf_states), quickly."""
    small = Fx(bounds=Bounds(max_states=500))
    with pytest.raises(BoundReached) as info:
        small.leaf("COUNT(0)")
    assert info.value.bound == "max-states" and info.value.states == 501


def test_leaf_whose_term_deepens_at_every_step_is_bounded_like_any_infinite_leaf():
    """`GROW = a -> (GROW ; b -> SKIP)` nests one `;` deeper per step: infinitely many states,
    stopped by the state bound (terms cache their hashes, so depth costs nothing per step)."""
    small = Fx(bounds=Bounds(max_states=3000))
    with pytest.raises(BoundReached) as info:
        small.leaf("GROW")
    assert info.value.bound == "max-states"


# ----- networks: components and rules -----------------------------------------------------------

def test_a_leaf_alone_is_one_component(fx):
    net = fx.net("P")
    assert len(net.components) == 1
    assert fx.rules(net) == [(((0, "a"),), "a"), (((0, "b"),), "b")]


def test_interleaving_rules(fx):
    net = fx.net("P ||| (a -> SKIP)")
    assert fx.rules(net) == [
        (((0, "a"),), "a"), (((0, "b"),), "b"),
        (((1, "a"),), "a"),
        # ✓ needs every side: P never terminates, so there is no ✓ rule
    ]
    net = fx.net("(a -> SKIP) ||| (b -> SKIP)")
    assert fx.rules(net) == [(((0, "a"),), "a"), (((1, "b"),), "b"), (((0, "✓"), (1, "✓")), "✓")]


def test_generalised_parallel_rules(fx):
    net = fx.net("P [| {a} |] (a -> c -> STOP)")
    assert fx.rules(net) == [(((0, "b"),), "b"), (((1, "c"),), "c"), (((0, "a"), (1, "a")), "a")]


def test_alphabetised_parallel_rules(fx):
    net = fx.net("P [ {a, b} || {a, c} ] (a -> c -> b -> STOP)")
    # b is only in the left alphabet: the right's b is blocked, so no rule has it
    assert fx.rules(net) == [(((0, "b"),), "b"), (((1, "c"),), "c"), (((0, "a"), (1, "a")), "a")]


def test_hiding_rules(fx):
    net = fx.net("(P [| {a} |] (a -> c -> STOP)) \\ {a}")
    assert fx.rules(net) == [(((0, "b"),), "b"), (((1, "c"),), "c"), (((0, "a"), (1, "a")), "τ")]
    assert [fx.name(r.label) for r in net.rules] == ["b", "c", "a"]  # the event before hiding


def test_renaming_rules(fx):
    net = fx.net("((a -> STOP) ||| (b -> STOP)) [[a <- c, a <- d]]")
    assert fx.rules(net) == [(((0, "a"),), "c"), (((0, "a"),), "d"), (((1, "b"),), "b")]


def test_nested_network(fx):
    """Three components; sync on a between the first two, then hiding b over all."""
    net = fx.net("((P [| {a} |] (a -> STOP)) ||| P) \\ {b}")
    assert len(net.components) == 3
    assert fx.rules(net) == [(((0, "b"),), "τ"), (((0, "a"), (1, "a")), "a"),
                             (((2, "a"),), "a"), (((2, "b"),), "τ")]


def test_tau_of_a_component_is_a_local_rule(fx):
    net = fx.net("((a -> SKIP) ; P) ||| STOP")
    assert (((0, "τ"),), "τ") in fx.rules(net)


def test_dining_philosophers_components(fx):
    net = fx.net("DINING")
    assert [c.n_states for c in net.components] == [4, 4, 4, 3, 3, 3]
    assert len(net.rules) == 12   # every pick and drop needs its philosopher and its fork
    assert all(len(r.participants) == 2 for r in net.rules)


# ----- the Network agrees with the terms -------------------------------------------------------------

def term_graph(sem: Semantics, root: P.Term, limit: int = 100_000):
    """Reachable terms of the whole process by its operational semantics (no compilation)."""
    seen = {root: 0}
    queue = deque([root])
    edges = 0
    while queue:
        t = queue.popleft()
        for _, s in sem.transitions(t):
            edges += 1
            if s not in seen:
                seen[s] = len(seen)
                queue.append(s)
                assert len(seen) < limit
    return seen, edges


def net_graph(net: Network):
    seen = {net.initial: 0}
    queue = deque([net.initial])
    while queue:
        s = queue.popleft()
        for _, _, t in net.successors(s):
            if t not in seen:
                seen[t] = len(seen)
                queue.append(t)
    return seen


def traces(step, start, k: int) -> set[tuple[int, ...]]:
    """Every sequence of at most k labels (τ and ✓ included) from `start`."""
    out = {()}
    frontier = {((), start)}
    for _ in range(k):
        nxt = set()
        for tr, s in frontier:
            for e, t in step(s):
                nxt.add((tr + (e,), t))
        out |= {tr for tr, _ in nxt}
        frontier = nxt
    return out


AGREEMENT = [
    "P", "COPY", "P ||| P", "P [| {a} |] (a -> c -> STOP)", "(P [| {a} |] (a -> c -> STOP)) \\ {a}",
    "PIPE", "BUF [| {| mid |} |] OUT", "((a -> SKIP) ||| (b -> SKIP)) ; P",
    "(a -> SKIP) ||| (b -> SKIP)", "((P [| {a} |] (a -> STOP)) ||| P) \\ {b}",
    "P [ {a, b} || {a, c} ] (a -> c -> b -> STOP)", "(P ||| (c -> STOP)) [[a <- c, a <- d, c <- a]]",
    "((a -> SKIP) [| {a} |] (a -> SKIP)) \\ {a}", "DINING", "(COPY [| {| right |} |] (right?x -> STOP))",
    "(CHAOS({a}) ||| RUN({b})) \\ {b}", "(DIV ||| (a -> SKIP))",
]


@pytest.mark.parametrize("text", AGREEMENT)
def test_network_and_terms_have_the_same_behaviour(text):
    """Same reachable state count and same labelled traces (τ, ✓ included) up to depth 6."""
    fx = Fx()
    root = fx.term(text)
    net = fx.net(text)
    terms, _ = term_graph(fx.sem, root)
    states = net_graph(net)
    assert len(states) == len(terms)
    by_net = traces(lambda s: [(e, t) for _, e, t in net.successors(s)], net.initial, 6)
    by_term = traces(fx.sem.transitions, root, 6)
    assert by_net == by_term


def test_terminated_network_state(fx):
    net = fx.net("(a -> SKIP) ||| (b -> SKIP)")
    end = (net.components[0].omega, net.components[1].omega)
    assert net.terminated(end) and not net.terminated(net.initial)
    assert net.successors(end) == []


def test_dining_philosophers_state_count(fx):
    """3 philosophers, each left fork then right: 26 reachable states, 1 deadlocked.

    A philosopher is thinking, holds its left fork, holds both, or holds only its right
    one (4 states); the forks follow from them. Of the 4^3 tuples, 27 never give a fork
    to two philosophers; all holding only their right fork is unreachable (each would
    have needed its neighbour to finish first, around the table), leaving 26. The one
    deadlock is all holding their left fork.
    """
    net = fx.net("DINING")
    states = net_graph(net)
    assert len(states) == 26
    dead = [s for s in states if not net.successors(s)]
    assert len(dead) == 1
    assert dead[0][:3] == (1, 1, 1)


def test_successors_enumerate_nondeterministic_local_choices(fx):
    net = fx.net("((a -> b -> STOP) [] (a -> c -> STOP)) [| {a} |] (a -> STOP)")
    succ = net.successors(net.initial)
    assert [(fx.name(e)) for _, e, _ in succ] == ["a", "a"]
    assert len({t for _, _, t in succ}) == 2
    assert TAU == 0
