"""FDR's normalisation: the subset construction over τ-closures (the pre-normal form).

A node is a set of states of the fully explored process, closed under τ. It has
one successor per visible event (✓ included), the minimal acceptance sets of its
states (what the stable-failures model observes) and a divergence flag: some
state of the node lies on a τ-cycle (nodes are τ-closed, so this is "some state
can diverge"). Nodes are numbered in BFS order with events ascending, so the
output is deterministic and a node's BFS parent chain is a shortest trace to it.

✓ follows Roscoe's "Understanding Concurrent Systems", which FDR implements: the
environment cannot refuse ✓, so a state that can terminate can refuse every
other event, and its acceptance is {✓} whether or not it is stable.
"""
from __future__ import annotations

from collections import deque
from dataclasses import dataclass

import numpy as np

from ..bounds import BoundReached, Budget
from ..explore.bfs import bfs
from ..explore.result import StateGraph, Stats
from ..lts.network import Network
from ..semantics.events import TAU, TICK
from .divergence import RecordEdges
from .graphs import cyclic_states

NO_ACCEPTANCE = -1


def _gather(offsets: np.ndarray, states: np.ndarray) -> np.ndarray:
    """Positions offsets[s]..offsets[s+1]-1 for every s in `states`, concatenated."""
    starts, ends = offsets[states], offsets[states + 1]
    counts = ends - starts
    total = int(counts.sum())
    if total == 0:
        return np.zeros(0, dtype=np.int64)
    group = np.repeat(np.arange(len(states)), counts)
    return np.repeat(starts, counts) + (np.arange(total) - (np.cumsum(counts) - counts)[group])


class Explored:
    """A process explored to the end, with its transitions grouped by source state."""

    def __init__(self, network: Network, graph: StateGraph, results: np.ndarray, stats: Stats):
        self.network, self.graph, self.stats = network, graph, stats
        n = graph.n_states
        event = results[graph.rule].astype(np.int64)
        order = np.lexsort((graph.dst, event, graph.src))
        self.edge = order                                   # edge ids sorted by (source, event, target)
        self.src, self.event, self.dst = graph.src[order], event[order], graph.dst[order].astype(np.int64)
        self.offsets = np.searchsorted(self.src, np.arange(n + 1))
        self.tau_edge = event == TAU                        # in the graph's edge order
        tau = self.event == TAU
        self._tau_dst = self.dst[tau]
        self._tau_offsets = np.searchsorted(self.src[tau], np.arange(n + 1))
        self._vis = np.flatnonzero(~tau)
        self._vis_offsets = np.searchsorted(self.src[~tau], np.arange(n + 1))
        self.stable = np.diff(self._tau_offsets) == 0
        self.can_tick = np.zeros(n, dtype=bool)
        self.can_tick[self.src[self.event == TICK]] = True
        self.on_tau_cycle = cyclic_states(graph, self.tau_edge) if tau.any() else np.zeros(n, dtype=bool)
        self.acceptance = np.full(n, NO_ACCEPTANCE, dtype=np.int64)
        ids: dict[frozenset[int], int] = {}
        for s in np.flatnonzero(self.stable | self.can_tick).tolist():
            if self.can_tick[s]:
                acc = frozenset((TICK,))
            else:
                acc = frozenset(self.event[self._vis[self._vis_offsets[s]:self._vis_offsets[s + 1]]].tolist())
            self.acceptance[s] = ids.setdefault(acc, len(ids))
        self.acceptance_sets: list[frozenset[int]] = list(ids)   # indexed by `acceptance`
        self._mark = np.zeros(n, dtype=bool)

    @staticmethod
    def of(network: Network, budget: Budget, what: str) -> "Explored":
        ex = bfs(network, budget, RecordEdges())
        if ex.status == "incomplete":
            raise BoundReached(ex.bound, f"after {ex.stats.states:,} states while exploring {what}")
        return Explored(network, ex.graph, ex.compiled.results, ex.stats)

    def index_of(self, state: tuple[int, ...]) -> int:
        layout = self.graph.layout
        key = layout.keys(layout.pack(state))[0]
        return int(np.flatnonzero(layout.keys(self.graph.rows) == key)[0])

    def closure(self, seeds: np.ndarray) -> np.ndarray:
        """The sorted set of states reachable from the distinct `seeds` by τ."""
        mark = self._mark
        mark[seeds] = True
        parts, frontier = [seeds], seeds
        while len(frontier):
            nxt = self._tau_dst[_gather(self._tau_offsets, frontier)]
            nxt = np.unique(nxt[~mark[nxt]])
            mark[nxt] = True
            parts.append(nxt)
            frontier = nxt
        out = np.sort(np.concatenate(parts))
        mark[out] = False
        return out

    def visible_out(self, states: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(events, targets) of the visible transitions of `states`, sorted by event then target."""
        pos = self._vis[_gather(self._vis_offsets, states)]
        ev, dst = self.event[pos], self.dst[pos]
        order = np.lexsort((dst, ev))
        return ev[order], dst[order]

    def minimal_acceptances(self, states: np.ndarray) -> tuple[frozenset[int], ...]:
        ids = np.unique(self.acceptance[states])
        sets = [self.acceptance_sets[i] for i in ids.tolist() if i != NO_ACCEPTANCE]
        minimal = [a for a in sets if not any(b < a for b in sets)]
        return tuple(sorted(minimal, key=lambda a: (len(a), sorted(a))))

    def out_edges(self, s: int) -> range:
        return range(int(self.offsets[s]), int(self.offsets[s + 1]))

    def run(self, trace: list[int], target: int) -> list[int]:
        """Graph edge ids of a shortest run from the initial state that performs the visible `trace`
        (τ anywhere) and ends in `target`; [] if there is none (callers ask only for runs that exist)."""
        start = (0, 0)
        parent: dict[tuple[int, int], tuple[tuple[int, int], int] | None] = {start: None}
        queue = deque([start])
        while queue:
            here = queue.popleft()
            s, i = here
            if s == target and i == len(trace):
                edges = []
                while parent[here] is not None:
                    here, e = parent[here]
                    edges.append(e)
                return edges[::-1]
            for k in self.out_edges(s):
                ev = int(self.event[k])
                if ev == TAU:
                    nxt = (int(self.dst[k]), i)
                elif i < len(trace) and ev == trace[i]:
                    nxt = (int(self.dst[k]), i + 1)
                else:
                    continue
                if nxt not in parent:
                    parent[nxt] = (here, int(self.edge[k]))
                    queue.append(nxt)
        return []


@dataclass(frozen=True, eq=False)
class NormalForm:
    """Node i: members[i] (sorted state ids of `explored`), transitions[i] (event -> node, ascending),
    acceptances[i] (minimal acceptance sets), divergent[i]; parents[i] = (node, event) it was found from."""

    explored: Explored
    members: tuple[np.ndarray, ...]
    transitions: tuple[dict[int, int], ...]
    acceptances: tuple[tuple[frozenset[int], ...], ...]
    divergent: np.ndarray
    parents: tuple[tuple[int, int] | None, ...]

    @property
    def n_nodes(self) -> int:
        return len(self.members)

    def trace_to(self, node: int) -> list[int]:
        """The shortest visible trace (event ids) leading to `node`."""
        out = []
        while self.parents[node] is not None:
            node, e = self.parents[node]
            out.append(e)
        return out[::-1]


def normalise(network: Network, budget: Budget, what: str = "the specification") -> NormalForm:
    x = Explored.of(network, budget, what)
    root = x.closure(np.zeros(1, dtype=np.int64))
    index = {root.tobytes(): 0}
    members, parents, transitions = [root], [None], []
    i = 0
    while i < len(members):
        out: dict[int, int] = {}
        ev, dst = x.visible_out(members[i])
        cuts = np.flatnonzero(np.diff(ev)) + 1
        for e_part, d_part in zip(np.split(ev, cuts), np.split(dst, cuts)):
            if not len(e_part):
                continue
            node = x.closure(np.unique(d_part))
            e = int(e_part[0])
            j = index.setdefault(node.tobytes(), len(members))
            if j == len(members):
                members.append(node)
                parents.append((i, e))
                if len(members) > budget.bounds.max_states:
                    raise BoundReached("max-states", f"after {len(members) - 1:,} normal-form nodes of {what}")
            out[e] = j
        transitions.append(out)
        i += 1
        if i % 256 == 0 and (bound := budget.exceeded()):
            raise BoundReached(bound, f"after {i:,} normal-form nodes of {what}")
    return NormalForm(x, tuple(members), tuple(transitions),
                      tuple(x.minimal_acceptances(m) for m in members),
                      np.array([bool(x.on_tau_cycle[m].any()) for m in members], dtype=bool),
                      tuple(parents))
