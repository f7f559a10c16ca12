"""The frontier BFS on fixtures whose answers are known exactly (state counts, shortest
counterexamples), against the one-state-at-a-time DFS, under bounds, and edge for edge
against Network.successors.
"""
from __future__ import annotations

from collections import Counter
from math import comb

import numpy as np
import pytest

from fito_model.bounds import Bounds, Budget
from fito_model.checks.deadlock import DeadlockVisitor
from fito_model.explore.bfs import Visitor, bfs
from fito_model.explore.dfs import dfs
from fito_model.explore.simulate import random_walk
from fito_model.lts.compile import compile_network
from fito_model.lts.network import Network
from fito_model.semantics.evaluate import Evaluator
from fito_model.semantics.operational import Semantics
from fito_model.syntax import load_text, parse_expr

PROGRAM = """
channel a, b, c, d, tick
channel up, down : {0..69}
channel pass : {0..69}
channel pick, drop : {0..4}.{0..4}
P = a -> b -> P
CHAIN = a -> b -> c -> STOP
BIT(i) = up.i -> down.i -> BIT(i)
BITS(n) = ||| i : {0..n-1} @ BIT(i)
-- 70 two-state components: 70 bits, two words per state, but only 2 reachable states
T = tick -> T2
T2 = tick -> T
LOCKSTEP = [| {tick} |] i : {0..69} @ T
-- a token passed round a ring of 70: 70 reachable states of 70 components
HOLD(i) = pass.i -> WAIT(i)
WAIT(i) = pass.((i + 69) % 70) -> HOLD(i)
RING = || i : {0..69} @ [{pass.i, pass.((i + 69) % 70)}] (if i == 0 then HOLD(i) else WAIT(i))
N = 5
PHIL(i) = pick.i.i -> pick.i.((i + 1) % N) -> drop.i.i -> drop.i.((i + 1) % N) -> PHIL(i)
FORK(i) = pick.i.i -> drop.i.i -> FORK(i) [] pick.((i + N - 1) % N).i -> drop.((i + N - 1) % N).i -> FORK(i)
DINING = (||| i : {0..N-1} @ PHIL(i)) [| {| pick, drop |} |] (||| i : {0..N-1} @ FORK(i))
LATE = (a -> b -> c -> STOP) ||| (d -> STOP)
ENDS = (a -> SKIP) ||| (b -> SKIP)
"""


class Fx:
    def __init__(self):
        self.ev = Evaluator(load_text(PROGRAM, "bfs.fito"))
        self.sem = Semantics(self.ev)
        self._nets: dict[str, Network] = {}

    def net(self, text: str) -> Network:
        if text not in self._nets:
            term = self.ev.proc(parse_expr(text), {})
            self._nets[text] = compile_network(self.sem, term, Budget(Bounds()))
        return self._nets[text]


@pytest.fixture(scope="module")
def fx() -> Fx:
    return Fx()


def explore(net, visitor=None, **bounds):
    return bfs(net, Budget(Bounds(**bounds)), visitor)


# ----- exact state and transition counts -----------------------------------------------------

@pytest.mark.parametrize("text, states, transitions, depth", [
    ("P", 2, 2, 1),
    ("P ||| P", 4, 8, 2),
    ("BITS(10)", 2**10, 10 * 2**10, 10),     # each bit up or down; every state has 10 moves
    ("LOCKSTEP", 2, 2, 1),
    ("RING", 70, 70, 69),
    ("ENDS", 5, 5, 3),                       # a, b in either order, then one ✓
    ("CHAIN", 4, 3, 3),
])
def test_exact_counts(fx, text, states, transitions, depth):
    ex = explore(fx.net(text))
    assert ex.status == "complete" and ex.bound is None
    assert (ex.stats.states, ex.stats.transitions, ex.stats.depth) == (states, transitions, depth)


def test_multi_word_fixtures_really_use_two_words(fx):
    assert explore(fx.net("LOCKSTEP")).compiled.layout.n_words == 2
    assert explore(fx.net("RING")).compiled.layout.n_words == 2


def test_dining_philosophers_five(fx):
    """Five philosophers: exactly the tuples with no fork held twice, minus the one cyclic
    'everyone holds only the right fork' tuple that cannot be reached (see test_compile)."""
    A, B = {2, 3}, {1, 2}
    import itertools
    allowed = sum(all(not (p[i] in A and p[(i + 1) % 5] in B) for i in range(5))
                  for p in itertools.product(range(4), repeat=5))
    ex = explore(fx.net("DINING"))
    assert ex.stats.states == allowed - 1 == 242


# ----- shortest counterexamples ---------------------------------------------------------------------

@pytest.mark.parametrize("text, length", [
    ("CHAIN", 3),
    ("DINING", 5),     # every philosopher picks up its left fork
    ("LATE", 4),       # both sides must have stopped
    ("STOP", 0),
])
def test_shortest_deadlock(fx, text, length):
    ex = explore(fx.net(text), DeadlockVisitor())
    assert ex.status == "violation"
    assert len(ex.path) - 1 == length
    net = fx.net(text)
    # the path is a real path: each step is a successor of the previous state
    for (_, before), (rule, after) in zip(ex.path, ex.path[1:]):
        assert (rule, net.rules[rule].result, after) in net.successors(before)
    assert net.successors(ex.path[-1][1]) == []


def test_dining_deadlock_trace_is_all_left_forks(fx):
    net = fx.net("DINING")
    ex = explore(net, DeadlockVisitor())
    names = sorted(net.event_name(net.rules[r].result) for r, _ in ex.path[1:])
    assert names == [f"pick.{i}.{i}" for i in range(5)]


@pytest.mark.parametrize("text", ["P", "ENDS", "RING", "LOCKSTEP", "BITS(6)"])
def test_no_deadlock(fx, text):
    """Termination (✓ by every component) is not a deadlock."""
    assert explore(fx.net(text), DeadlockVisitor()).status == "complete"


# ----- BFS agrees with DFS --------------------------------------------------------------------

@pytest.mark.parametrize("text", ["P ||| P", "BITS(6)", "RING", "LOCKSTEP", "ENDS", "LATE", "DINING"])
def test_bfs_and_dfs_reach_the_same_states(fx, text):
    net = fx.net(text)
    status, stats, _ = dfs(net, Budget(Bounds()))
    ex = explore(net)
    assert status == ex.status == "complete"
    assert (stats.states, stats.transitions) == (ex.stats.states, ex.stats.transitions)


def test_dfs_finds_a_deadlock_no_shorter_than_bfs(fx):
    net = fx.net("LATE")
    status, _, path = dfs(net, Budget(Bounds()), lambda s, succ: not succ)
    assert status == "violation" and len(path) - 1 >= 4
    assert net.successors(path[-1][1]) == []


# ----- bounds ------------------------------------------------------------------------------------

@pytest.mark.parametrize("max_depth", [0, 1, 2, 3, 9])
def test_max_depth_keeps_exactly_the_states_within_it(fx, max_depth):
    """BITS(10) has C(10, k) states at depth k; --max-depth d keeps depths 0..d."""
    ex = explore(fx.net("BITS(10)"), max_depth=max_depth)
    assert ex.status == "incomplete" and ex.bound == "max-depth"
    assert ex.stats.states == sum(comb(10, k) for k in range(max_depth + 1))
    assert ex.stats.depth == max_depth


def test_max_depth_at_the_diameter_is_complete(fx):
    ex = explore(fx.net("BITS(10)"), max_depth=10)
    assert ex.status == "complete" and ex.stats.states == 1024


def test_a_violation_exactly_at_max_depth_is_found(fx):
    ex = explore(fx.net("CHAIN"), DeadlockVisitor(), max_depth=3)
    assert ex.status == "violation" and len(ex.path) - 1 == 3
    assert explore(fx.net("CHAIN"), DeadlockVisitor(), max_depth=2).status == "incomplete"


def test_max_states_stops_after_the_level_that_reaches_it(fx):
    ex = explore(fx.net("BITS(10)"), max_states=50)
    assert ex.status == "incomplete" and ex.bound == "max-states"
    assert ex.stats.states == 1 + 10 + 45          # level 2 takes the count past 50
    assert ex.stats.transitions == 56 * 10          # every kept state was expanded


def test_max_states_equal_to_the_state_count_is_complete(fx):
    ex = explore(fx.net("BITS(4)"), max_states=16)
    assert ex.status == "complete" and ex.stats.states == 16


def test_timeout_is_a_bound(fx):
    ex = explore(fx.net("BITS(10)"), timeout=-1.0)
    assert ex.status == "incomplete" and ex.bound == "timeout"
    assert ex.stats.states == 1


# ----- the recorded graph is Network.successors, edge for edge ----------------------------------------

class Edges(Visitor):
    record_edges = True


@pytest.mark.parametrize("text", ["P ||| P", "BITS(5)", "RING", "ENDS", "DINING", "LATE",
                                  "((a -> b -> STOP) [] (a -> c -> STOP)) [| {a} |] (a -> STOP)"])
def test_recorded_graph_matches_successors(fx, text):
    net = fx.net(text)
    ex = explore(net, Edges())
    g = ex.graph
    states = [g.state(i) for i in range(g.n_states)]
    assert len(set(states)) == len(states) == ex.stats.states
    assert states[0] == net.initial
    recorded = Counter((states[s], int(r), states[d])
                       for s, d, r in zip(g.src.tolist(), g.dst.tolist(), g.rule.tolist()))
    expected = Counter((s, r, t) for s in states for r, _, t in net.successors(s))
    assert recorded == expected


def test_recorded_graph_of_a_bounded_search_has_no_dangling_edges(fx):
    ex = explore(fx.net("BITS(6)"), Edges(), max_depth=2)
    g = ex.graph
    assert ex.status == "incomplete" and g.n_states == 1 + 6 + 15
    assert g.dst.max() < g.n_states and g.src.max() < g.n_states
    # every edge among the kept states is there: depth-2 states lead back to depth 1
    assert len(g.src) == 6 + 6 * 6 + 15 * 2


# ----- random walks ------------------------------------------------------------------------------------

def test_random_walk_is_reproducible_and_follows_successors(fx):
    net = fx.net("DINING")
    w1, w2 = random_walk(net, 42, 30), random_walk(net, 42, 30)
    assert w1 == w2
    for (_, before), (rule, after) in zip(w1, w1[1:]):
        assert (rule, net.rules[rule].result, after) in net.successors(before)
    assert random_walk(net, 1, 30) != w1 or random_walk(net, 2, 30) != w1


class Levels(Visitor):
    """Keeps what level_done is given; stops after `stop_after` levels when set."""

    record_edges = follows_levels = True

    def __init__(self, stop_after=None):
        self.calls, self.stop_after = [], stop_after

    def level_done(self, sources, src, dst, rule):
        self.calls.append((sources, src, dst, rule))
        return self.stop_after is not None and len(self.calls) >= self.stop_after


@pytest.mark.parametrize("text", ["DINING", "BITS(4)", "ENDS", "CHAIN"])
def test_level_done_sees_each_level_once_with_the_graph_edges_in_order(fx, text):
    v = Levels()
    ex = explore(fx.net(text), v)
    assert ex.status == "complete"
    assert len(v.calls) == ex.stats.depth + 1 and all(len(c[0]) for c in v.calls)
    assert v.calls[0][0].start == 0 and v.calls[-1][0].stop == ex.stats.states
    assert all(a[0].stop == b[0].start for a, b in zip(v.calls, v.calls[1:]))  # the levels tile the states
    for i in range(3):
        assert (np.concatenate([c[1 + i] for c in v.calls]) == (ex.graph.src, ex.graph.dst, ex.graph.rule)[i]).all()
    for sources, src, _, _ in v.calls:
        assert ((src >= sources.start) & (src < sources.stop)).all()


def test_level_done_returning_true_stops_with_the_graph_so_far(fx):
    v = Levels(stop_after=2)
    ex = explore(fx.net("BITS(4)"), v)
    assert ex.status == "stopped" and ex.stats.depth == 2
    assert ex.graph.n_states == 1 + 4 + 6 and len(ex.graph.src) == 4 + 16
