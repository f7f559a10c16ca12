"""Depth-first search, one state at a time: the reference engine the BFS is tested against.

Slower than the frontier BFS, independent of its tables and packing, and
finds a (not necessarily shortest) path to the first violating state.
"""
from __future__ import annotations

import time

from ..bounds import Budget, peak_memory
from ..lts.network import Network
from .result import Stats


def dfs(network: Network, budget: Budget, is_bad=None):
    """Returns (status, stats, path) with path as [(rule, state)] from the initial state, or None."""
    t0 = time.monotonic()
    init = network.initial
    parent: dict[tuple, tuple | None] = {init: None}
    stack = [init]
    n_trans, status, bad_state, depth = 0, "complete", None, 0
    while stack:
        s = stack.pop()
        succ = network.successors(s)
        if is_bad is not None and is_bad(s, succ):
            status, bad_state = "violation", s
            break
        for ri, _e, t in reversed(succ):
            n_trans += 1
            if t not in parent:
                parent[t] = (s, ri)
                stack.append(t)
        if len(parent) >= budget.bounds.max_states or (len(parent) % 4096 == 0 and budget.exceeded()):
            status = "incomplete"
            break
    path = None
    if bad_state is not None:
        path, s = [], bad_state
        while parent[s] is not None:
            prev, ri = parent[s]
            path.append((ri, s))
            s = prev
        path.append((-1, init))
        path.reverse()
        depth = len(path) - 1
    secs = time.monotonic() - t0
    return status, Stats(len(parent), n_trans, depth, secs, peak_memory(), 0.0), path
