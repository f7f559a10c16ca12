"""Refinement `Spec [X= Impl` (X = T, F, FD) as FDR checks it: normalise Spec, explore Spec × Impl.

Spec's normal form becomes one more component of Impl's Network: a deterministic
LTS over Impl's visible events whose extra state ERROR receives every event Spec
cannot do after the trace so far. The frontier BFS explores the product, and a
visitor flags, level by level (so the counterexample is a shortest one):
- trace violation: the product reached ERROR (the last event is the one Spec cannot do);
- failures violation (F, FD): a stable Impl state accepts none of the Spec node's
  minimal acceptances (so it refuses more than Spec may);
- divergence (FD): an Impl state on a τ-cycle while the Spec node cannot diverge.
Under FD a divergent Spec node allows anything afterwards: it has no transitions
and is never flagged. Counterexamples list Impl's steps, τ steps included.
"""
from __future__ import annotations

from dataclasses import replace

import numpy as np

from ..bounds import Budget
from ..explore.bfs import Visitor, bfs
from ..lts.lts import LTS
from ..lts.network import Network
from ..semantics.events import TAU, TICK
from ..syntax import ast
from .graphs import cycle_through, path_of_edges
from .normal_form import Explored, NormalForm, normalise
from .outcome import Outcome
from .runner import Model, incomplete_outcome
from .traces import event_label


def refines(model: Model, spec_expr: ast.Expr, model_name: str, impl_expr: ast.Expr, budget: Budget) -> Outcome:
    spec = normalise(model.network(spec_expr, budget), budget)
    impl = model.network(impl_expr, budget)
    can_diverge = model_name == "FD" and any(r.result == TAU for r in impl.rules)
    impl_x = Explored.of(impl, budget, "the implementation") if can_diverge else None
    product = _product(impl, spec, sink_divergent=model_name == "FD")
    visitor = RefinementVisitor(spec, model_name, impl, impl_x)
    ex = bfs(product, budget, visitor)
    if ex.status == "incomplete":
        return incomplete_outcome(ex)
    if ex.status == "violation":
        return _counterexample(model, impl, spec, impl_x, ex)
    what = {"T": "trace", "F": "trace and stable failure", "FD": "trace, stable failure and divergence"}[model_name]
    return Outcome("holds", f"every {what} of the implementation is allowed by the specification "
                   f"({spec.n_nodes:,} normal-form nodes)", ex.stats)


def _product(impl: Network, spec: NormalForm, sink_divergent: bool) -> Network:
    """Impl's Network plus Spec's normal form as a last component that follows every visible event."""
    c = len(impl.components)
    alphabet = np.array(impl.visible_events(), dtype=np.int64)
    column = {int(e): j for j, e in enumerate(alphabet)}
    n = spec.n_nodes
    table = np.full((n, len(alphabet)), n, dtype=np.int64)   # state n is ERROR
    for node, out in enumerate(spec.transitions):
        for e, target in out.items():
            if e in column:
                table[node, column[e]] = target
    live = ~spec.divergent if sink_divergent else np.ones(n, dtype=bool)
    counts = np.append(np.where(live, len(alphabet), 0), 0)
    offsets = np.concatenate(([0], np.cumsum(counts)))
    lts = LTS(0, offsets, np.tile(alphabet, int(live.sum())).astype(np.int32),
              table[live].ravel().astype(np.int32), -1, ())
    rules = tuple(r if r.result == TAU else replace(r, participants=r.participants + ((c, r.result),))
                  for r in impl.rules)
    return Network(impl.components + (lts,), rules, impl.events)


class RefinementVisitor(Visitor):
    def __init__(self, spec: NormalForm, model_name: str, impl: Network, impl_x: Explored | None):
        self.spec, self.model_name = spec, model_name
        self.needs_events = model_name in ("F", "FD")
        self.c = len(impl.components)
        self.error = spec.n_nodes
        self.quiet = np.zeros(spec.n_nodes + 1, dtype=bool)   # nodes after which anything is allowed
        if model_name == "FD":
            self.quiet[:spec.n_nodes] = spec.divergent
        self.divergent_keys = None
        if impl_x is not None and impl_x.on_tau_cycle.any():
            self.impl_layout = impl_x.graph.layout
            self.divergent_keys = np.sort(self.impl_layout.keys(impl_x.graph.rows[impl_x.on_tau_cycle]))

    def bind(self, compiled) -> None:
        super().bind(compiled)
        cols = compiled.event_columns
        self.tau_col, self.tick_col = cols.get(TAU), cols.get(TICK)
        rows, counts = [], []
        for accs in self.spec.acceptances:
            usable = [a for a in accs if all(e in cols for e in a)]   # others need an event Impl never does
            counts.append(len(usable))
            for a in usable:
                row = np.zeros(len(cols), dtype=bool)
                row[[cols[e] for e in a]] = True
                rows.append(row)
        counts.append(0)  # ERROR
        self.acc_matrix = np.array(rows, dtype=bool).reshape(len(rows), len(cols))
        self.acc_counts = np.array(counts, dtype=np.int64)
        self.acc_starts = np.cumsum(self.acc_counts) - self.acc_counts

    def impl_diverges(self, rows: np.ndarray) -> np.ndarray:
        if self.divergent_keys is None:
            return np.zeros(len(rows), dtype=bool)
        layout = self.compiled.layout
        impl_rows = rows.copy()
        layout.set(impl_rows, self.c, np.zeros(len(rows), dtype=np.int64))
        keys = self.impl_layout.keys(np.ascontiguousarray(impl_rows[:, :self.impl_layout.n_words]))
        pos = np.minimum(np.searchsorted(self.divergent_keys, keys), len(self.divergent_keys) - 1)
        return self.divergent_keys[pos] == keys

    def violations(self, rows, enabled, events):
        node = self.compiled.layout.get(rows, self.c)
        bad = node == self.error
        live = ~bad & ~self.quiet[node]
        if self.model_name == "FD":
            bad |= live & self.impl_diverges(rows)
        if events is not None:
            ticks = events[:, self.tick_col] if self.tick_col is not None else np.zeros(len(rows), dtype=bool)
            stable = ~events[:, self.tau_col] if self.tau_col is not None else np.ones(len(rows), dtype=bool)
            idx = np.flatnonzero(live & (stable | ticks))
            acc = events[idx]
            if self.tau_col is not None:
                acc[:, self.tau_col] = False
            t = ticks[idx]
            if t.any():   # a state that can terminate can refuse everything but ✓
                acc[t] = False
                acc[t, self.tick_col] = True
            bad[idx[~self._accepts(node[idx], acc)]] = True
        return bad

    def _accepts(self, nodes: np.ndarray, acc: np.ndarray) -> np.ndarray:
        """Per row: does `acc` include one of the node's minimal acceptances?"""
        counts = self.acc_counts[nodes]
        total = int(counts.sum())
        if total == 0:
            return np.zeros(len(nodes), dtype=bool)
        row = np.repeat(np.arange(len(nodes)), counts)
        k = np.repeat(self.acc_starts[nodes], counts) + (np.arange(total) - (np.cumsum(counts) - counts)[row])
        ok = ~(self.acc_matrix[k] & ~acc[row]).any(axis=1)
        return np.bincount(row[ok], minlength=len(nodes)) > 0


def _counterexample(model: Model, impl: Network, spec: NormalForm, impl_x: Explored | None, ex) -> Outcome:
    c = len(impl.components)
    path = [(rule, state[:c]) for rule, state in ex.path]   # product rule i is Impl's rule i
    node = ex.path[-1][1][c]
    describer = model.describer(impl)
    steps = describer.steps(path)
    last = path[-1][1]

    def names(events) -> str:
        return "{" + ", ".join(event_label(impl, e) for e in sorted(events)) + "}"

    if node == spec.n_nodes:
        event = steps[-1].event
        before = ex.path[-2][1][c]
        return Outcome("violated", f"trace violation: the implementation performs {event} (the last step), which "
                       "the specification cannot perform after the steps before it", ex.stats, tuple(steps),
                       details=(("specification cannot perform", event),
                                ("specification could perform", names(spec.transitions[before]))))
    if impl_x is not None and not spec.divergent[node]:
        state = impl_x.index_of(last)
        if impl_x.on_tau_cycle[state]:
            loop = describer.steps(path_of_edges(impl_x.graph, cycle_through(impl_x.graph, state, impl_x.tau_edge),
                                                 start=state))
            return Outcome("violated", "divergence: after the first part of this trace the implementation can "
                           "perform internal (τ) events forever, which the specification cannot",
                           ex.stats, tuple(steps) + tuple(loop), loop_start=len(steps))
    offered = {e for _, e, _ in impl.successors(last) if e != TAU}
    why = ("can terminate (✓), so it refuses every other event" if TICK in offered else
           f"offers only {names(offered)}" if offered else "offers no event at all (it is deadlocked)")
    needed = spec.acceptances[node]
    if not needed:
        return Outcome("violated", "failures violation: after this trace the implementation is stable, but the "
                       "specification has no stable state there (it can only perform internal events)",
                       ex.stats, tuple(steps), details=(("implementation", why),))
    acceptance = {TICK} if TICK in offered else offered
    refused = names(set().union(*needed) - acceptance)
    required = " or ".join(names(a) for a in needed)
    return Outcome("violated", f"failures violation: after this trace the implementation is stable and refuses "
                   f"{refused}, but the specification must accept one of {required}", ex.stats, tuple(steps),
                   details=(("implementation", why), ("refuses", refused),
                            ("specification must accept one of", required)))
