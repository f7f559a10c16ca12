"""Determinism as FDR defines it, decided on the normal form.

F: there is no trace s and event a (✓ included) such that s^<a> is a trace and
(s, {a}) a stable failure; that is, every minimal acceptance of every normal-form
node contains all of the node's events. FD: additionally no node can diverge.
Nodes are visited in BFS order, so the witness trace is a shortest one.
"""
from __future__ import annotations

import numpy as np

from ..bounds import Budget
from ..semantics.events import TICK
from ..syntax import ast
from .graphs import cycle_through, path_of_edges
from .normal_form import NO_ACCEPTANCE, normalise
from .outcome import Outcome
from .runner import Model
from .traces import event_label


def deterministic(model: Model, expr: ast.Expr, model_name: str, budget: Budget) -> Outcome:
    net = model.network(expr, budget)
    nf = normalise(net, budget, "the process")
    x = nf.explored
    describer = model.describer(net)

    def names(events) -> str:
        return "{" + ", ".join(event_label(net, e) for e in sorted(events)) + "}"

    def visible(trace) -> str:
        return "<" + ", ".join(event_label(net, e) for e in trace) + ">"

    for node in range(nf.n_nodes):
        members = nf.members[node]
        trace = nf.trace_to(node)
        if model_name == "FD" and nf.divergent[node]:
            state = int(members[np.argmax(x.on_tau_cycle[members])])
            steps = describer.steps(path_of_edges(x.graph, x.run(trace, state)))
            loop = describer.steps(path_of_edges(x.graph, cycle_through(x.graph, state, x.tau_edge), start=state))
            return Outcome("violated", "not deterministic: after the first part of this trace the process can "
                           "perform internal (τ) events forever (divergence)", x.stats,
                           tuple(steps) + tuple(loop), loop_start=len(steps))
        for acc in nf.acceptances[node]:
            missing = sorted(set(nf.transitions[node]) - acc)
            if not missing:
                continue
            event = missing[0]
            refusing = next(s for s in members.tolist()
                            if x.acceptance[s] != NO_ACCEPTANCE and x.acceptance_sets[x.acceptance[s]] == acc)
            steps = describer.steps(path_of_edges(x.graph, x.run(trace, refusing)))
            how = ("can terminate (✓) instead" if acc == {TICK} else
                   f"is stable and offers only {names(acc)}" if acc else "is stable and offers no event at all")
            label = event_label(net, event)
            return Outcome("violated", f"not deterministic: after the visible trace {visible(trace)} the process can "
                           f"perform {label}, and it can also refuse {label}", x.stats, tuple(steps),
                           details=(("event", label),
                                    ("accepted", f"a run with the visible trace {visible(trace)} performs {label}"),
                                    ("refused", f"this run reaches a state that {how}")))
    never = " and it never diverges" if model_name == "FD" else ""
    return Outcome("holds", f"after every trace the process cannot refuse any event it can perform{never} "
                   f"({nf.n_nodes:,} normal-form nodes)", x.stats)
