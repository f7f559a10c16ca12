"""Divergence freedom: no reachable state can do τ forever (a τ-cycle)."""
from __future__ import annotations

import numpy as np

from ..explore.bfs import Visitor
from ..explore.result import StateGraph
from ..semantics.events import TAU
from .graphs import cycle_through, cyclic_states, shortest_path_to


class RecordEdges(Visitor):
    record_edges = True


def divergent_lasso(graph: StateGraph, results: np.ndarray) -> tuple[list[int], list[int]] | None:
    """(edges to a τ-cycle, edges of the cycle), or None when no reachable τ-cycle exists."""
    tau = results[graph.rule] == TAU
    cyclic = cyclic_states(graph, tau)
    if not cyclic.any():
        return None
    prefix = shortest_path_to(graph, cyclic)
    end = int(graph.dst[prefix[-1]]) if prefix else 0
    return prefix, cycle_through(graph, end, tau)
