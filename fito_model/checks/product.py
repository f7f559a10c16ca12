"""A monitor composed with the system: BFS over (system state, monitor state), on the fly.

The system's transitions come from the numpy BFS a level at a time; the
monitor runs beside it, a chunk of its frontier at a time. Monitor states are
interned to integers and their transitions fill a table lazily (only the
(monitor state, event) pairs that occur are ever computed in Python), so
expanding a frontier is array gathers, as in the system search. A violation
is a shortest path to a Bad monitor state (or, for reachability goals, to
the first pair the goal accepts).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..bounds import BoundReached, Budget
from ..explore.bfs import CHUNK, Visitor
from ..explore.visited import Distinct, VisitedSet
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


class _MonitorTable:
    """Monitor states interned to ids; next[id, event class] computed when first needed.

    Per id, numpy rows: the next id under each class (-1 until computed; class
    0 is "no role", which leaves the state as it is), whether the step judged
    something, whether the state is a target, whether it is Bad.
    """

    def __init__(self, monitor: Monitor, roles: Roles, class_event: list[int], is_target) -> None:
        self.monitor, self.roles, self.class_event, self.is_target = monitor, roles, class_event, is_target
        self.states: list = []
        self.ids: dict = {}
        self.next = np.full((64, len(class_event)), -1, dtype=np.int32)  # ids stay below 2**MONITOR_BITS
        self.judged = np.zeros((64, len(class_event)), dtype=bool)
        self.target = np.zeros(64, dtype=bool)
        self.bad = np.zeros(64, dtype=bool)

    def intern(self, m) -> int:
        i = self.ids.get(m)
        if i is None:
            i = self.ids[m] = len(self.states)
            if i >= 1 << MONITOR_BITS:
                raise BoundReached("max-states", f"the monitor has more than {1 << MONITOR_BITS:,} states", i)
            self.states.append(m)
            if i >= len(self.next):
                self.next = np.concatenate([self.next, np.full_like(self.next, -1)])
                self.judged, self.target, self.bad = (np.concatenate([x, np.zeros_like(x)])
                                                      for x in (self.judged, self.target, self.bad))
            self.next[i, 0] = i
            self.target[i] = bool(self.is_target(m))
            self.bad[i] = isinstance(m, Bad)
        return i

    def fill(self, m_ids: np.ndarray, classes: np.ndarray, budget: Budget) -> str | None:
        """Compute next[m, c] for these distinct pairs; returns the bound (time or memory) that stopped it.

        The bounds are tested as it goes: a monitor whose states are large (the
        atomic-snapshot sets) can spend most of a level's time and memory here."""
        for k, (m, c) in enumerate(zip(m_ids.tolist(), classes.tolist())):
            if k % 1024 == 1023 and (bound := budget.exceeded()):
                return bound
            before = self.states[m]
            after = before
            for role, fields in self.roles.classify(self.class_event[c]):
                if not isinstance(after, Bad):
                    after = self.monitor.step(after, role, fields)
            self.next[m, c] = self.intern(after)
            self.judged[m, c] = after is not before and self.monitor.judged(before, after)
        return None


class _Column:
    """An int64 array that grows at its end (amortised doubling): the product's copy of the system graph."""

    def __init__(self, first: tuple[int, ...] = ()) -> None:
        self.data = np.zeros(max(1024, len(first)), dtype=np.int64)
        self.n = len(first)
        self.data[:self.n] = first

    def extend(self, values: np.ndarray) -> None:
        end = self.n + len(values)
        if end > len(self.data):
            grown = np.zeros(max(end, 2 * len(self.data)), dtype=np.int64)
            grown[:self.n] = self.data[:self.n]
            self.data = grown
        self.data[self.n:end] = values
        self.n = end


class ProductSearch(Visitor):
    """BFS over (system state, monitor state) pairs, run beside the system's BFS, a level at a time.

    It rides on the system search as its Visitor: after the system expands its
    level d, every system state at depth <= d has its transitions, and a pair
    at product depth d holds a system state at depth <= d, so the product
    expands its level d then. The first violation therefore stops both
    searches, however large the rest of the system is; and the pairs, paths
    and counterexamples are the ones a search over the finished graph finds.
    `seen[rule]` is the event a monitor observes on a rule (the event before hiding).
    """

    record_edges = follows_levels = True

    def __init__(self, seen: np.ndarray, roles: Roles, monitor: Monitor, budget: Budget,
                 is_target=lambda m: isinstance(m, Bad), record_edges: bool = False, chunk: int = CHUNK) -> None:
        observed = [e for e in np.unique(seen).tolist() if roles.classify(e)]
        class_of = np.zeros(int(seen.max(initial=0)) + 1, dtype=np.int64)
        class_of[observed] = np.arange(1, len(observed) + 1)
        self.rule_class = class_of[seen]
        self.budget, self.keep_edges, self.chunk = budget, record_edges, chunk
        self.table = _MonitorTable(monitor, roles, [-1] + observed, is_target)
        m0 = self.table.intern(monitor.initial())
        # the system's transitions grouped by source state: those of state s are starts[s]:starts[s+1]
        self.starts, self.dst, self.cls, self.edge = _Column((0,)), _Column(), _Column(), _Column()
        self.n_edges = 0
        self.visited = VisitedSet(with_index=record_edges)
        self.visited.add(np.array([m0], dtype=np.uint64), 0)
        self.lv_sys, self.lv_mon = [np.zeros(1, dtype=np.int64)], [np.array([m0], dtype=np.int64)]
        self.lv_parent, self.lv_via = [np.full(1, -1, dtype=np.int64)], [np.full(1, -1, dtype=np.int64)]
        self.edges: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
        self.n, self.judged, self.transitions = 1, 0, 0
        self.target = 0 if self.table.target[m0] else None
        self.frontier = (self.lv_sys[0], self.lv_mon[0], np.zeros(1, dtype=np.int64))

    def level_done(self, sources: range, src: np.ndarray, dst: np.ndarray, rule: np.ndarray) -> bool:
        """Take the system's newest level of transitions, expand one product level; True once done."""
        assert sources.start == self.starts.n - 1, "levels arrive in order"
        order = np.argsort(src, kind="stable")
        self.starts.extend(self.dst.n + np.cumsum(np.bincount(src - sources.start, minlength=len(sources))))
        self.dst.extend(dst[order])
        self.cls.extend(self.rule_class[rule[order]])
        self.edge.extend(self.n_edges + order)
        self.n_edges += len(src)
        self.expand_level()
        return self.target is not None

    def finish(self) -> Product:
        """Expand what is left (the system graph is complete) and return the pairs found."""
        while self.target is None and len(self.frontier[0]):
            self.expand_level()
        edge_arrays = None
        if self.keep_edges:
            edge_arrays = (tuple(np.concatenate([x[i] for x in self.edges]) for i in range(3)) if self.edges
                           else (np.zeros(0, dtype=np.int64),) * 3)
        return Product(np.concatenate(self.lv_sys), np.concatenate(self.lv_mon), self.table.states,
                       np.concatenate(self.lv_parent), np.concatenate(self.lv_via), edge_arrays, self.target,
                       self.judged)

    def expand_level(self) -> None:
        """Expand the frontier a chunk at a time (the bounds are tested after each chunk)."""
        f_sys, f_mon, f_idx = self.frontier
        if self.target is not None or not len(f_sys):
            return
        parts: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
        for start in range(0, len(f_sys), self.chunk):
            end = start + self.chunk
            parts.append(self._expand(f_sys[start:end], f_mon[start:end], f_idx[start:end]))
            if self.target is not None:
                break
        self.frontier = tuple(np.concatenate([p[i] for p in parts]) for i in range(3))

    def _expand(self, f_sys: np.ndarray, f_mon: np.ndarray, f_idx: np.ndarray):
        """The successors of these pairs; returns the new pairs to expand next (system, monitor, index)."""
        table, starts = self.table, self.starts.data
        deg = starts[f_sys + 1] - starts[f_sys]
        total = int(deg.sum())
        self.transitions += total
        rep = np.repeat(np.arange(len(f_sys)), deg)
        pos = starts[f_sys][rep] + (np.arange(total) - (np.cumsum(deg) - deg)[rep])
        cls, cm, e = self.cls.data[pos], f_mon[rep], self.edge.data[pos]
        nm = table.next[cm, cls].astype(np.int64)
        unknown = nm < 0
        if unknown.any():
            width = table.next.shape[1]
            pairs = np.unique(cm[unknown] * width + cls[unknown])
            if (bound := table.fill(pairs // width, pairs % width, self.budget)):
                raise self._bound(bound)
            nm = table.next[cm, cls].astype(np.int64)
        self.judged += int(table.judged[cm, cls].sum())
        nsys = self.dst.data[pos]
        keys = (nsys.astype(np.uint64) << np.uint64(MONITOR_BITS)) | nm.astype(np.uint64)
        distinct = Distinct(keys)
        uniq = distinct.positions
        is_new, index = self.visited.add(keys[uniq], self.n)
        if self.keep_edges:
            self.edges.append((f_idx[rep], distinct.spread(index), e))
        new = uniq[is_new]
        self.lv_sys.append(nsys[new])
        self.lv_mon.append(nm[new])
        self.lv_parent.append(f_idx[rep[new]])
        self.lv_via.append(e[new])
        hits = np.flatnonzero(table.target[nm[new]])
        if len(hits):
            self.target = self.n + int(hits[0])
        live = ~table.bad[nm[new]]   # pairs in a Bad state are kept for paths, not expanded
        out = (nsys[new][live], nm[new][live], (self.n + np.arange(len(new)))[live])
        self.n += len(new)
        if self.n >= self.budget.bounds.max_states:
            raise self._bound("max-states")
        if (bound := self.budget.exceeded()):
            raise self._bound(bound)
        return out

    def _bound(self, bound: str) -> BoundReached:
        return BoundReached(bound, f"after {self.n:,} (state, monitor) pairs", self.n, self.transitions)
