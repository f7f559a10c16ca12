"""Eventually-always properties under fairness: find a fair lasso that never settles.

◇□p fails iff some fair run visits ¬p forever: a reachable strongly connected
component that is fair and contains a ¬p state, or a ¬p state where the run
stops. Fairness is per event: weak (an event enabled in every state of the
loop must occur in it) or strong (an event enabled anywhere on the loop must
occur in it); strong fairness refines components (Emerson–Lei).
"""
from __future__ import annotations

from collections import deque
from dataclasses import dataclass

import numpy as np
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import connected_components


@dataclass(frozen=True)
class Lasso:
    prefix: list[int]   # product edge indices from the initial pair to the loop
    loop: list[int]     # product edge indices of the loop (empty: the run stops there)


def find_lasso(n: int, src: np.ndarray, dst: np.ndarray, edge_event: np.ndarray,
               good: np.ndarray, fair: frozenset, strong: bool) -> Lasso | None:
    """A lasso (edges src[i] -> dst[i] labelled edge_event[i]) whose loop is fair and visits
    a state where `good` is false, or None."""
    has_out = np.zeros(n, dtype=bool)
    has_out[src] = True
    stuck = np.flatnonzero(~has_out & ~good)
    enabled = {}
    for f in fair:
        enabled[f] = np.zeros(n, dtype=bool)
        enabled[f][src[edge_event == f]] = True

    found = _fair_component(np.ones(n, dtype=bool), src, dst, edge_event, enabled, good, strong)
    candidates = []
    if len(stuck):
        candidates.append((int(stuck[0]), None))
    if found is not None:
        candidates.append(found)
    best = None
    for target, comp in candidates:
        prefix = _shortest(n, src, dst, 0, lambda v, t=target: v == t, np.ones(len(src), dtype=bool))
        if prefix is not None and (best is None or len(prefix) < len(best[0])):
            best = (prefix, target, comp)
    if best is None:
        return None
    prefix, target, comp = best
    loop = [] if comp is None else _fair_loop(n, src, dst, edge_event, target, comp, enabled)
    return Lasso(prefix, loop)


def _fair_component(nodes, src, dst, edge_event, enabled, good, strong):
    inside = nodes[src] & nodes[dst]
    m = csr_matrix((np.ones(int(inside.sum()), dtype=np.int8), (src[inside], dst[inside])), shape=(len(nodes),) * 2)
    _, labels = connected_components(m, directed=True, connection="strong")
    internal = inside & (labels[src] == labels[dst])
    for label in sorted(set(labels[src[internal]].tolist())):
        comp = nodes & (labels == label)
        comp_edges = internal & (labels[src] == label)
        taken = set(edge_event[comp_edges].tolist())
        unfair = [f for f in enabled if f not in taken and
                  (enabled[f][comp].any() if strong else enabled[f][comp].all())]
        if not unfair:
            bad = np.flatnonzero(comp & ~good)
            if len(bad):
                return int(bad[0]), comp
            continue
        if strong:  # drop the states where a starved event is enabled, and look again inside
            keep = comp.copy()
            for f in unfair:
                keep &= ~enabled[f]
            if keep.any():
                found = _fair_component(keep, src, dst, edge_event, enabled, good, strong)
                if found is not None:
                    return found
    return None


def _fair_loop(n, src, dst, edge_event, start, comp, enabled) -> list[int]:
    """A cycle from `start` inside `comp` through one edge of every fair event taken in it,
    and through a state where each fair event it never takes is disabled."""
    allowed = comp[src] & comp[dst]
    waypoints: list = []
    for f in sorted(enabled):
        f_edges = np.flatnonzero(allowed & (np.array(edge_event) == f))
        if len(f_edges):
            waypoints.append(("edge", int(f_edges[0])))
        else:
            off = np.flatnonzero(comp & ~enabled[f])
            if len(off):
                waypoints.append(("state", int(off[0])))
    loop, here = [], start
    for kind, w in waypoints:
        if kind == "edge":
            loop += _shortest(n, src, dst, here, lambda v, t=int(src[w]): v == t, allowed) + [w]
            here = int(dst[w])
        else:
            loop += _shortest(n, src, dst, here, lambda v, t=w: v == t, allowed)
            here = w
    back = _shortest(n, src, dst, here, lambda v: v == start, allowed, nonempty=not loop)
    return loop + back


def _shortest(n, src, dst, start, is_goal, allowed, nonempty=False) -> list[int] | None:
    """Edge indices of a shortest path (BFS) from start to a goal vertex along allowed edges."""
    out: dict[int, list[int]] = {}
    for i in np.flatnonzero(allowed):
        out.setdefault(int(src[i]), []).append(int(i))
    if is_goal(start) and not nonempty:
        return []
    parent = {start: None}
    queue = deque([start])
    while queue:
        v = queue.popleft()
        for i in out.get(v, ()):
            w = int(dst[i])
            if is_goal(w):
                path, u = [i], v
                while parent[u] is not None:
                    path.append(parent[u])
                    u = int(src[parent[u]])
                return path[::-1]
            if w not in parent:
                parent[w] = i
                queue.append(w)
    return None
