"""Graph questions over an explored state space (scipy.sparse): paths, cycles, components."""
from __future__ import annotations

import numpy as np
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import breadth_first_order, connected_components

from ..explore.result import StateGraph


def _matrix(graph: StateGraph, edge_mask: np.ndarray | None = None) -> csr_matrix:
    src, dst = graph.src, graph.dst
    if edge_mask is not None:
        src, dst = src[edge_mask], dst[edge_mask]
    n = graph.n_states
    return csr_matrix((np.ones(len(src), dtype=np.int8), (src, dst)), shape=(n, n))


def cyclic_states(graph: StateGraph, edge_mask: np.ndarray) -> np.ndarray:
    """Mask of states on a cycle made only of the selected edges (nontrivial SCC or self-loop)."""
    m = _matrix(graph, edge_mask)
    _, labels = connected_components(m, directed=True, connection="strong")
    sizes = np.bincount(labels)
    on_cycle = sizes[labels] > 1
    loops = graph.src[edge_mask][graph.src[edge_mask] == graph.dst[edge_mask]]
    on_cycle[loops] = True
    return on_cycle


def shortest_path_to(graph: StateGraph, targets: np.ndarray, edge_mask: np.ndarray | None = None,
                     start: int = 0) -> list[int] | None:
    """Edge indices of a shortest path from `start` to the first-reached target state."""
    order, pred = breadth_first_order(_matrix(graph, edge_mask), start, directed=True, return_predecessors=True)
    reached = order[targets[order]]
    if not len(reached):
        return None
    return _edges_along(graph, pred, start, int(reached[0]), edge_mask)


def cycle_through(graph: StateGraph, state: int, edge_mask: np.ndarray) -> list[int]:
    """Edge indices of a shortest cycle of selected edges from `state` back to itself."""
    sel = np.flatnonzero(edge_mask)
    out_edges = sel[graph.src[sel] == state]
    self_loop = out_edges[graph.dst[out_edges] == state]
    if len(self_loop):
        return [int(self_loop[0])]
    best = None
    for e in out_edges:
        path = shortest_path_to(graph, _only(graph.n_states, state), edge_mask, start=int(graph.dst[e]))
        if path is not None and (best is None or len(path) + 1 < len(best)):
            best = [int(e)] + path
    return best or []


def _only(n: int, i: int) -> np.ndarray:
    m = np.zeros(n, dtype=bool)
    m[i] = True
    return m


def _edges_along(graph, pred, start, target, edge_mask) -> list[int]:
    nodes = [target]
    while nodes[-1] != start:
        nodes.append(int(pred[nodes[-1]]))
    nodes.reverse()
    sel = np.flatnonzero(edge_mask) if edge_mask is not None else None
    out = []
    for a, b in zip(nodes, nodes[1:]):
        cand = np.flatnonzero((graph.src == a) & (graph.dst == b)) if sel is None else \
            sel[(graph.src[sel] == a) & (graph.dst[sel] == b)]
        out.append(int(cand[0]))
    return out


def path_of_edges(graph: StateGraph, edges: list[int], start: int = 0) -> list[tuple[int, tuple[int, ...]]]:
    """The [(rule, state)] path format of Exploration.path for a list of edges."""
    path = [(-1, graph.state(start))]
    for e in edges:
        path.append((int(graph.rule[e]), graph.state(int(graph.dst[e]))))
    return path
