"""A monitor composed with an explored system: BFS over (system state, monitor state).

The system's reachable graph comes from the numpy BFS; the monitor runs
beside it, so a violation is a shortest path to a Bad monitor state (or, for
reachability goals, to the first state the goal accepts).
"""
from __future__ import annotations

from collections import deque
from dataclasses import dataclass

import numpy as np

from ..bounds import BoundReached, Budget
from ..explore.result import StateGraph
from .monitors import Bad, Monitor
from .roles import Roles


@dataclass
class Product:
    """Reachable pairs by index; parent edge of each; optionally every product edge."""

    sys: list[int]
    mon: list            # monitor state of each pair
    parent: list[tuple[int, int]]  # (parent pair, system edge) ; (-1, -1) for the initial pair
    edges: list[tuple[int, int, int]] | None  # (pair, pair, system edge)
    target: int | None   # the first pair the search stopped at, if any
    judged: int = 0      # transitions on which the monitor judged something (e.g. completed a recovery)

    def path_to(self, i: int) -> list[tuple[int, int]]:
        """[(system edge or -1, pair)] from the initial pair to pair i."""
        out = []
        while i >= 0:
            p, e = self.parent[i]
            out.append((e, i))
            i = p
        return out[::-1]


def explore(graph: StateGraph, results: np.ndarray, roles: Roles, monitor: Monitor, budget: Budget,
            is_target=lambda m: isinstance(m, Bad), record_edges: bool = False) -> Product:
    order = np.argsort(graph.src, kind="stable")
    starts = np.searchsorted(graph.src[order], np.arange(graph.n_states + 1))
    out_edges = [order[starts[s]:starts[s + 1]].tolist() for s in range(graph.n_states)]
    dst = graph.dst.tolist()
    events = results[graph.rule].tolist()
    memo: dict = {}

    def step(m, ev):
        key = (m, ev)
        if key not in memo:
            out = m
            for role, fields in roles.classify(ev):
                if not isinstance(out, Bad):
                    out = monitor.step(out, role, fields)
            memo[key] = out
        return memo[key]

    m0 = monitor.initial()
    prod = Product([0], [m0], [(-1, -1)], [] if record_edges else None, None)
    index = {(0, m0): 0}
    if is_target(m0):
        prod.target = 0
        return prod
    queue = deque([0])
    while queue:
        p = queue.popleft()
        s, m = prod.sys[p], prod.mon[p]
        for e in out_edges[s]:
            m2 = step(m, events[e])
            if m2 is not m and monitor.judged(m, m2):
                prod.judged += 1
            key = (dst[e], m2)
            q = index.get(key)
            if q is None:
                q = index[key] = len(prod.sys)
                prod.sys.append(dst[e])
                prod.mon.append(m2)
                prod.parent.append((p, e))
                if is_target(m2):
                    prod.target = q
                    return prod
                if not isinstance(m2, Bad):
                    queue.append(q)
                if len(prod.sys) >= budget.bounds.max_states:
                    raise BoundReached("max-states", f"after {len(prod.sys):,} (state, monitor) pairs")
                if len(prod.sys) % 8192 == 0 and (bound := budget.exceeded()):
                    raise BoundReached(bound, f"after {len(prod.sys):,} (state, monitor) pairs")
            if record_edges:
                prod.edges.append((p, q, e))
    return prod
