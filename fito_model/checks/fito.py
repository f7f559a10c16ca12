"""The FITO assertions: each is a monitor run beside the explored system.

Safety properties (uniform recovery, atomic snapshot, consistent recovery,
agreement, never mixed) are a shortest path to a Bad monitor state;
`reaches P` a shortest path to an instant where the Snap property P holds;
`converges to e` / `satisfies P` a fair lasso on which the run never settles.
Monitors see role events even when the process hides them.
"""
from __future__ import annotations

import dataclasses
import time

import numpy as np

from ..bounds import Budget, peak_memory
from ..explore.bfs import bfs
from ..explore.result import Stats
from ..semantics.evaluate import EvalError
from ..semantics.sorts import property_decls
from ..syntax import ast
from . import product
from .runner import incomplete_outcome
from .liveness import find_lasso
from .monitors import (Agreement, AtomicSnapshot, Bad, ConsistentRecovery, LiveVector, Monitor, NeverMixed,
                       UniformRecovery)
from .outcome import Outcome, Step
from .roles import roles_of

SAFETY = {"uniform recovery": UniformRecovery, "atomic snapshot": AtomicSnapshot,
          "consistent recovery": ConsistentRecovery, "agreement": Agreement, "never mixed": NeverMixed}


class _Run:
    """The system, its roles and a monitor, explored together: shared by every FITO check."""

    def __init__(self, model, a: ast.PropertyAssertion, monitor_class, budget: Budget):
        self.model, self.budget, self.t0 = model, budget, time.monotonic()
        self.roles = roles_of(model.evaluator, monitor_class.roles_needed, a.property.span)
        self.monitor: Monitor = monitor_class(self.roles)
        self.network = model.network(a.process, budget)
        self.seen = np.array([r.observed for r in self.network.rules], dtype=np.int64)
        self.system = None

    def stats(self, prod: product.Product) -> Stats:
        n = len(prod)
        return Stats(n, len(prod.edges[0]) if prod.edges is not None else self.system.stats.transitions,
                     self.system.stats.depth, time.monotonic() - self.t0, peak_memory(),
                     self.system.stats.bytes_per_state)

    def explore(self, **kw) -> product.Product | None:
        """The product, searched beside the system; None when a bound stopped the system's search."""
        search = product.ProductSearch(self.seen, self.roles, self.monitor, self.budget, **kw)
        self.system = bfs(self.network, self.budget, search)
        return None if self.system.status == "incomplete" else search.finish()

    def steps(self, prod: product.Product, pairs_path: list[tuple[int, int]]) -> list[Step]:
        graph = self.system.graph
        path = [(-1 if e < 0 else int(graph.rule[e]), graph.state(prod.sys[i])) for e, i in pairs_path]
        steps = self.model.describer(self.network).steps(path)
        out = []
        for step, (e, i) in zip(steps, pairs_path[1:]):
            m = prod.mon(i)
            out.append(dataclasses.replace(step, observed=() if isinstance(m, Bad) else self.monitor.observed(m)))
        return out


def check_safety(model, a: ast.PropertyAssertion, budget: Budget) -> Outcome:
    run = _Run(model, a, SAFETY[a.property.kind], budget)
    prod = run.explore()
    if prod is None:
        return incomplete_outcome(run.system)
    if prod.target is None:
        judges = type(run.monitor).judged is not Monitor.judged
        if judges and prod.judged == 0:
            return Outcome("holds", f":[{a.property.kind}] holds vacuously: no reachable run completes a "
                           "recovery (a crash followed by a restore of every domain)", run.stats(prod),
                           details=(("recoveries judged", "0 (vacuous)"),))
        extra = f"; {prod.judged:,} recovery completions judged" if judges else ""
        return Outcome("holds", f"every reachable run satisfies :[{a.property.kind}] "
                       f"({run.system.stats.states:,} system states{extra})", run.stats(prod))
    bad: Bad = prod.mon(prod.target)
    steps = run.steps(prod, prod.path_to(prod.target))
    return Outcome("violated", bad.message, run.stats(prod), tuple(steps), details=bad.details)


def _goal(model, a: ast.PropertyAssertion, roles):
    """The state predicate over live vectors and the fairness of a reaches/converges/satisfies assertion."""
    ev, prop = model.evaluator, a.property
    props = property_decls(model.program.decls)
    if prop.kind == "converges to" and not (isinstance(prop.argument, ast.Var) and prop.argument.name in props):
        target = _epoch_index(ev, roles, prop.argument)
        return (lambda live: all(x == target for x in live)), f"every domain at epoch {_show(ev, prop.argument)}"
    name = prop.name if prop.kind != "converges to" else prop.argument.name
    return _predicate(ev, roles, props[name].value, props), name


def _predicate(ev, roles, e, props):
    match e:
        case ast.Apply(function=ast.Var(name="snap" | "conv"), args=(x,)):
            target = _epoch_index(ev, roles, x)
            return lambda live: all(v == target for v in live)
        case ast.Var(name=n):
            return _predicate(ev, roles, props[n].value, props)
        case ast.UnOp(op="not", operand=x):
            p = _predicate(ev, roles, x, props)
            return lambda live: not p(live)
        case ast.BinOp(op="and", left=l, right=r):
            p, q = _predicate(ev, roles, l, props), _predicate(ev, roles, r, props)
            return lambda live: p(live) and q(live)
        case ast.BinOp(op="or", left=l, right=r):
            p, q = _predicate(ev, roles, l, props), _predicate(ev, roles, r, props)
            return lambda live: p(live) or q(live)
    raise EvalError("not a property expression", e.span)


def _epoch_index(ev, roles, expr) -> int:
    value = ev.eval(expr, {})
    if value not in roles.epochs:
        raise EvalError(f"{_show(ev, expr)} is not an epoch of the advance channel", expr.span)
    return roles.epochs.index(value)


def _show(ev, expr) -> str:
    from ..semantics.values import show
    return show(ev.eval(expr, {}))


def check_reaches(model, a: ast.PropertyAssertion, budget: Budget) -> Outcome:
    run = _Run(model, a, LiveVector, budget)
    pred, name = _goal(model, a, run.roles)
    prod = run.explore(is_target=pred)
    if prod is None:
        return incomplete_outcome(run.system)
    if prod.target is None:
        return Outcome("violated", f"no reachable instant satisfies {name}", run.stats(prod))
    steps = run.steps(prod, prod.path_to(prod.target))
    return Outcome("holds", f"an instant satisfying {name} is reachable; the trace reaches it", run.stats(prod),
                   tuple(steps))


def check_converges(model, a: ast.PropertyAssertion, budget: Budget) -> Outcome:
    run = _Run(model, a, LiveVector, budget)
    pred, name = _goal(model, a, run.roles)
    prod = run.explore(is_target=lambda m: False, record_edges=True)
    if prod is None:
        return incomplete_outcome(run.system)
    good = np.array([pred(m) for m in prod.states], dtype=bool)[prod.mon_id]
    fairness = a.property.fairness
    fair = frozenset()
    if fairness is not None:
        fair = model.evaluator.event_ids(model.evaluator.eval(fairness.events, {}), fairness.events.span)
    src, dst, via = prod.edges
    edge_event = run.seen[run.system.graph.rule[via]]
    lasso = find_lasso(len(prod), src, dst, edge_event, good, fair, strong=bool(fairness and fairness.kind == "strong"))
    under = f" under {fairness.kind} fairness" if fairness else " (no fairness assumed)"
    if lasso is None:
        return Outcome("holds", f"every{' fair' if fairness else ''} run eventually stays at {name}{under}",
                       run.stats(prod))
    pairs = [(-1, 0)] + [(int(via[i]), int(dst[i])) for i in lasso.prefix + lasso.loop]
    steps = run.steps(prod, pairs)
    if lasso.loop:
        msg = f"a{' fair' if fairness else 'n'} infinite run never stays at {name}{under}: the loop repeats forever"
        return Outcome("violated", msg, run.stats(prod), tuple(steps), loop_start=len(lasso.prefix))
    return Outcome("violated", f"the run stops before it stays at {name}", run.stats(prod), tuple(steps))
