"""The product search's monitor table: lazily filled, and stopped by the time and memory bounds as it fills."""
from __future__ import annotations

import numpy as np
import pytest

from fito_model.bounds import Bounds, Budget
from fito_model.checks.fito import SAFETY
from fito_model.checks.monitors import Monitor
from fito_model.checks.product import ProductSearch, _MonitorTable
from fito_model.checks.roles import roles_of
from fito_model.checks.runner import Model
from fito_model.explore.bfs import CHUNK, bfs
from fito_model.syntax import load_text, parse_expr


class Roles:
    def classify(self, event):
        return [("advance", (event,))]


class Counter(Monitor):
    """State n; an event e moves it to n + e (so every (state, event) pair gives a new state)."""

    def __init__(self):
        pass

    def initial(self):
        return 0

    def step(self, state, role, fields):
        return state + fields[0]


def table(classes: int) -> _MonitorTable:
    t = _MonitorTable(Counter(), Roles(), [-1] + list(range(1, classes + 1)), lambda m: False)
    t.intern(0)
    return t


def test_fill_computes_exactly_the_pairs_asked_for():
    t = table(3)
    assert t.fill(np.array([0, 0]), np.array([2, 3]), Budget(Bounds())) is None
    assert [t.states[i] for i in t.next[0, 1:].tolist() if i >= 0] == [2, 3]
    assert t.next[0, 1] == -1  # never asked for


def test_fill_stops_at_an_exceeded_bound_and_says_which():
    t = table(3000)
    m = np.zeros(3000, dtype=np.int64)
    c = np.arange(1, 3001)
    assert t.fill(m, c, Budget(Bounds(timeout=-1.0))) == "timeout"
    assert 0 < int((t.next[0, 1:] >= 0).sum()) < 3000
    assert t.fill(m, c, Budget(Bounds(max_memory=1))) == "max-memory"


SPEC = """
channel step, write, load : {0, 1, 2}.{0..2}
channel crash
observe { advance = step, persist = write, crash = crash, restore = load }
D(d, l, p) = (l < 2 & step.d.(l+1) -> D(d, l+1, p))
          [] (p != l & write.d.l -> D(d, l, l))
          [] crash -> load.d.p -> D(d, p, p)
SYS = [| {crash} |] d : {0, 1, 2} @ D(d, 0, 0)
"""


@pytest.mark.parametrize("kind, record", [("atomic snapshot", False), ("consistent recovery", False),
                                          ("consistent recovery", True)])
def test_chunked_expansion_finds_the_same_pairs_and_paths(kind, record):
    """Expanding a level in chunks of 5 pairs or all at once: the same pairs, numbering, target and edges
    (chunks stop at the violation, so the chunked search may have fewer pairs: the same first ones)."""
    model = Model(load_text(SPEC, "m.fito"))
    roles = roles_of(model.evaluator, SAFETY[kind].roles_needed, None)
    net = model.network(parse_expr("SYS"), Budget(Bounds()))
    seen = np.array([r.observed for r in net.rules], dtype=np.int64)
    runs = []
    for chunk in (5, CHUNK):
        search = ProductSearch(seen, roles, SAFETY[kind](roles), Budget(Bounds()), record_edges=record, chunk=chunk)
        bfs(net, Budget(Bounds()), search)
        runs.append(search.finish())
    a, b = runs
    assert len(a) > 100 and (a.target is not None) == (kind == "atomic snapshot")
    n = len(a)
    assert a.target == b.target and n <= len(b) and (n == len(b) or a.target is not None)
    assert (a.sys == b.sys[:n]).all() and (a.parent == b.parent[:n]).all() and (a.via == b.via[:n]).all()
    assert [a.mon(i) for i in range(n)] == [b.mon(i) for i in range(n)]
    if record:
        assert all((x == y).all() for x, y in zip(a.edges, b.edges))
