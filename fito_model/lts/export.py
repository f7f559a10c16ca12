"""Export a process's reachable transition system as DOT, Aldebaran (.aut) or JSON.

The reachable global graph comes from the BFS; networkx holds it for export.
"""
from __future__ import annotations

import json

import networkx as nx

from ..bounds import Bounds, Budget
from ..explore.bfs import Visitor, bfs
from .network import Network


class _Edges(Visitor):
    record_edges = True


def reachable_graph(network: Network, bounds: Bounds) -> nx.MultiDiGraph:
    ex = bfs(network, Budget(bounds), _Edges())
    g = nx.MultiDiGraph(complete=ex.status == "complete")
    graph = ex.graph
    for i in range(graph.n_states):
        g.add_node(i, state=list(graph.state(i)))
    for s, d, r in zip(graph.src.tolist(), graph.dst.tolist(), graph.rule.tolist()):
        g.add_edge(s, d, label=network.event_name(network.rules[r].result))
    return g


def export(network: Network, fmt: str, bounds: Bounds) -> str:
    g = reachable_graph(network, bounds)
    edges = sorted(g.edges(data="label"), key=lambda e: (e[0], e[1], e[2]))
    if fmt == "aut":
        lines = [f"des (0, {len(edges)}, {g.number_of_nodes()})"]
        lines += [f'({s}, "{lab}", {d})' for s, d, lab in edges]
        return "\n".join(lines)
    if fmt == "json":
        return json.dumps({"initial": 0, "complete": g.graph["complete"],
                           "states": [{"id": n, "components": g.nodes[n]["state"]} for n in sorted(g.nodes)],
                           "transitions": [{"source": s, "event": lab, "target": d} for s, d, lab in edges]},
                          indent=2, ensure_ascii=False)
    lines = ["digraph lts {", "  rankdir=LR;", '  node [shape=circle, label=""];', "  0 [shape=doublecircle];"]
    lines += [f'  {s} -> {d} [label="{lab}"];' for s, d, lab in edges]
    return "\n".join(lines + ["}"])
