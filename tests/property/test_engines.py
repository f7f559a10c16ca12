"""The frontier BFS and the reference DFS agree on random small processes."""
from __future__ import annotations

from cspm_gen import scripts
from hypothesis import given, settings

from fito_model.bounds import Bounds, Budget
from fito_model.checks.deadlock import DeadlockVisitor
from fito_model.checks.runner import Model
from fito_model.explore.bfs import bfs
from fito_model.explore.dfs import dfs
from fito_model.syntax import ast, load_text


def _network(script):
    defs, (process,) = script
    model = Model(load_text(defs + f"MAIN = {process}\n"))
    return model.network(ast.Var("MAIN"), Budget(Bounds()))


@settings(max_examples=100, deadline=None)
@given(scripts())
def test_bfs_and_dfs_reach_the_same_states(script):
    net = _network(script)
    ex = bfs(net, Budget(Bounds()))
    status, stats, _ = dfs(net, Budget(Bounds()))
    assert ex.status == status == "complete"
    assert (ex.stats.states, ex.stats.transitions) == (stats.states, stats.transitions)


@settings(max_examples=100, deadline=None)
@given(scripts())
def test_bfs_and_dfs_agree_on_deadlock(script):
    net = _network(script)
    ex = bfs(net, Budget(Bounds()), DeadlockVisitor())
    status, _, path = dfs(net, Budget(Bounds()),
                          lambda s, succ: not succ and not net.terminated(s))
    assert (ex.status == "violation") == (status == "violation")
    if path is not None:
        assert len(ex.path) <= len(path)   # BFS finds a shortest one
