"""A monitor composed with an explored system: BFS over (system state, monitor state).

The system's reachable graph comes from the numpy BFS; the monitor runs
beside it, a frontier at a time: monitor states are interned to integers and
their transitions fill a table lazily (only the (monitor state, event) pairs
that occur are ever computed in Python), so expanding a frontier is array
gathers, as in the system search. A violation is a shortest path to a Bad
monitor state (or, for reachability goals, to the first pair the goal accepts).
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ..bounds import BoundReached, Budget
from ..explore.result import StateGraph
from ..explore.visited import VisitedSet
from .monitors import Bad, Monitor
from .roles import Roles

MONITOR_BITS = 24  # a pair's key is system state << 24 | monitor state


@dataclass
class Product:
    """Reachable pairs by index (system state, monitor state id), their parents, optionally every edge."""

    sys: np.ndarray
    mon_id: np.ndarray
    states: list               # monitor state of each monitor id
    parent: np.ndarray         # parent pair of each pair (-1 for the initial pair)
    via: np.ndarray            # the system edge from the parent (-1 for the initial pair)
    edges: tuple[np.ndarray, np.ndarray, np.ndarray] | None  # (pair, pair, system edge)
    target: int | None         # the first pair the search stopped at, if any
    judged: int = 0            # transitions on which the monitor judged something (a recovery)

    def __len__(self) -> int:
        return len(self.sys)

    def mon(self, i: int):
        return self.states[int(self.mon_id[i])]

    def path_to(self, i: int) -> list[tuple[int, int]]:
        """[(system edge or -1, pair)] from the initial pair to pair i."""
        out = []
        while i >= 0:
            out.append((int(self.via[i]), i))
            i = int(self.parent[i])
        return out[::-1]


@dataclass
class _MonitorTable:
    """Monitor states interned to ids; next[id, event class] computed when first needed."""

    monitor: Monitor
    roles: Roles
    class_event: list[int]
    is_target: object
    states: list = field(default_factory=list)
    ids: dict = field(default_factory=dict)
    next: np.ndarray = None
    judged: np.ndarray = None
    target: list = field(default_factory=list)
    bad: list = field(default_factory=list)

    def intern(self, m) -> int:
        i = self.ids.get(m)
        if i is None:
            i = self.ids[m] = len(self.states)
            self.states.append(m)
            self.target.append(bool(self.is_target(m)))
            self.bad.append(isinstance(m, Bad))
            if i >= len(self.next):
                grow = len(self.next)
                self.next = np.vstack([self.next, np.full((grow, self.next.shape[1]), -1, dtype=np.int64)])
                self.judged = np.vstack([self.judged, np.zeros((grow, self.judged.shape[1]), dtype=bool)])
            self.next[i, 0] = i
            if i >= 1 << MONITOR_BITS:
                raise BoundReached("max-states", f"the monitor has more than {1 << MONITOR_BITS:,} states", i)
        return i

    def fill(self, m_ids: np.ndarray, classes: np.ndarray) -> None:
        for m, c in set(zip(m_ids.tolist(), classes.tolist())):
            before = self.states[m]
            after = before
            for role, fields in self.roles.classify(self.class_event[c]):
                if not isinstance(after, Bad):
                    after = self.monitor.step(after, role, fields)
            self.next[m, c] = self.intern(after)
            self.judged[m, c] = after is not before and self.monitor.judged(before, after)


def explore(graph: StateGraph, seen: np.ndarray, roles: Roles, monitor: Monitor, budget: Budget,
            is_target=lambda m: isinstance(m, Bad), record_edges: bool = False) -> Product:
    """`seen[rule]` is the event a monitor observes on a rule (the event before hiding)."""
    order = np.argsort(graph.src, kind="stable")
    starts = np.searchsorted(graph.src[order], np.arange(graph.n_states + 1))
    edge_event = seen[graph.rule]
    observed = [e for e in np.unique(edge_event).tolist() if roles.classify(e)]
    class_of = np.zeros(int(edge_event.max(initial=0)) + 1, dtype=np.int64)
    class_of[observed] = np.arange(1, len(observed) + 1)
    edge_class = class_of[edge_event]

    table = _MonitorTable(monitor, roles, [-1] + observed, is_target,
                          next=np.full((64, len(observed) + 1), -1, dtype=np.int64),
                          judged=np.zeros((64, len(observed) + 1), dtype=bool))
    m0 = table.intern(monitor.initial())
    visited = VisitedSet(with_index=record_edges)
    key0 = np.array([m0], dtype=np.uint64)
    visited.add(key0, 0)
    lv_sys, lv_mon = [np.zeros(1, dtype=np.int64)], [np.array([m0], dtype=np.int64)]
    lv_parent, lv_via = [np.full(1, -1, dtype=np.int64)], [np.full(1, -1, dtype=np.int64)]
    edges: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
    n, judged, target = 1, 0, (0 if table.target[m0] else None)
    f_sys, f_mon, f_idx = lv_sys[0], lv_mon[0], np.zeros(1, dtype=np.int64)
    while target is None and len(f_sys):
        deg = starts[f_sys + 1] - starts[f_sys]
        total = int(deg.sum())
        rep = np.repeat(np.arange(len(f_sys)), deg)
        e = order[starts[f_sys][rep] + (np.arange(total) - (np.cumsum(deg) - deg)[rep])]
        cls, cm = edge_class[e], f_mon[rep]
        nm = table.next[cm, cls]
        if (nm < 0).any():
            unknown = nm < 0
            table.fill(cm[unknown], cls[unknown])
            nm = table.next[cm, cls]
        judged += int(table.judged[cm, cls].sum())
        nsys = graph.dst[e].astype(np.int64)
        keys = (nsys.astype(np.uint64) << np.uint64(MONITOR_BITS)) | nm.astype(np.uint64)
        srt = np.argsort(keys, kind="stable")
        sk = keys[srt]
        first = np.ones(len(sk), dtype=bool)
        first[1:] = sk[1:] != sk[:-1]
        rep_pos = srt[first]             # first occurrence of each distinct successor pair
        by_pos = np.argsort(rep_pos)
        uniq = rep_pos[by_pos]           # in generation order
        is_new, index = visited.add(keys[uniq], n)
        if record_edges:
            run_index = np.empty(len(uniq), dtype=np.int64)
            run_index[by_pos] = index
            dst = np.empty(len(keys), dtype=np.int64)
            dst[srt] = run_index[np.cumsum(first) - 1]
            edges.append((f_idx[rep], dst, e))
        new = uniq[is_new]
        if not len(new):
            break
        lv_sys.append(nsys[new])
        lv_mon.append(nm[new])
        lv_parent.append(f_idx[rep[new]])
        lv_via.append(e[new])
        hits = np.flatnonzero(np.array(table.target)[nm[new]])
        if len(hits):
            target = n + int(hits[0])
        live = ~np.array(table.bad)[nm[new]]   # pairs in a Bad state are kept for paths, not expanded
        f_sys, f_mon, f_idx = nsys[new][live], nm[new][live], (n + np.arange(len(new)))[live]
        n += len(new)
        if n >= budget.bounds.max_states:
            raise BoundReached("max-states", f"after {n:,} (state, monitor) pairs", n, total)
        if (bound := budget.exceeded()):
            raise BoundReached(bound, f"after {n:,} (state, monitor) pairs", n, total)
    edge_arrays = None
    if record_edges:
        if edges:
            edge_arrays = tuple(np.concatenate([x[i] for x in edges]) for i in range(3))
        else:
            edge_arrays = (np.zeros(0, dtype=np.int64),) * 3
    return Product(np.concatenate(lv_sys), np.concatenate(lv_mon), table.states, np.concatenate(lv_parent),
                   np.concatenate(lv_via), edge_arrays, target, judged)

