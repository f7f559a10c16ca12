"""Run one assertion: compile its processes to Networks, pick the check, shape the Outcome."""
from __future__ import annotations

from ..bounds import BoundReached, Bounds, Budget, peak_memory
from ..explore.bfs import bfs
from ..explore.result import Exploration, Stats
from ..lts.compile import compile_network
from ..lts.network import Network
from ..semantics.evaluate import EvalError, Evaluator
from ..semantics.operational import Semantics
from ..syntax import ast
from ..syntax.loader import Program
from .deadlock import DeadlockVisitor
from .divergence import RecordEdges, divergent_lasso
from .graphs import path_of_edges
from .outcome import Outcome
from .traces import Describer


class Model:
    """A loaded program ready to check: one evaluator, one event table, Networks memoised."""

    def __init__(self, program: Program):
        self.program = program
        self.evaluator = Evaluator(program)
        self.semantics = Semantics(self.evaluator)
        self._networks: dict = {}

    def network(self, expr: ast.Expr, budget: Budget) -> Network:
        term = self.evaluator.proc(expr, {})
        if term not in self._networks:
            self._networks[term] = compile_network(self.semantics, term, budget)
        return self._networks[term]

    def describer(self, network: Network) -> Describer:
        return Describer(network, self.program.decls, self.semantics)


def check_assertion(model: Model, a: ast.Assertion, bounds: Bounds) -> Outcome:
    budget = Budget(bounds)
    try:
        outcome = _dispatch(model, a, budget)
    except BoundReached as b:
        stats = None
        if b.states is not None:  # how far compilation got before the bound
            stats = Stats(b.states, b.transitions or 0, 0, budget.elapsed(), peak_memory(), 0.0)
        outcome = Outcome("incomplete", f"stopped by --{b.bound}: {b.detail}; {HINT}", stats, bound=b.bound)
    except EvalError as e:
        where = f" (line {e.span.line})" if e.span else ""
        outcome = Outcome("error", f"{e.message}{where}")
    return outcome.negated() if a.negated else outcome


HINT = ("the state space was not fully explored: raise the bound, or make the model finite "
        "(a parameter that grows without limit, such as a counter that never wraps, has infinitely many states)")


def _dispatch(model: Model, a: ast.Assertion, budget: Budget) -> Outcome:
    if isinstance(a, ast.PropertyAssertion):
        kind = a.property.kind
        if kind == "deadlock free":
            outcome = deadlock_free(model, a.process, budget)
            # FDR's default model is FD: a process that can diverge is not deadlock free there
            if (a.property.model or "FD") == "FD" and outcome.status == "holds":
                div = divergence_free(model, a.process, budget)
                if div.status == "holds":
                    return Outcome("holds", "no reachable state deadlocks or diverges (model FD)", div.stats)
                return div
            return outcome
        if kind == "divergence free":
            return divergence_free(model, a.process, budget)
        if kind == "deterministic":
            from .determinism import deterministic
            return deterministic(model, a.process, a.property.model or "FD", budget)
        from . import fito
        if kind in fito.SAFETY:
            return fito.check_safety(model, a, budget)
        if kind == "reaches":
            return fito.check_reaches(model, a, budget)
        if kind in ("converges to", "satisfies"):
            return fito.check_converges(model, a, budget)
        return Outcome("error", f"the property :[{kind}] is not checked by this version of fito yet")
    if isinstance(a, ast.Refinement):
        from .refinement import refines
        return refines(model, a.spec, a.model, a.impl, budget)
    if isinstance(a, ast.HasTrace):
        from .has_trace import has_trace
        return has_trace(model, a.process, a.trace, budget)
    return Outcome("error", f"unknown assertion {type(a).__name__}")


def incomplete_outcome(ex: Exploration) -> Outcome:
    """The verdict of a search a bound stopped: the stats so far and how to go on."""
    return Outcome("incomplete", f"stopped by --{ex.bound} after {ex.stats.states:,} states; {HINT}",
                   ex.stats, bound=ex.bound)


def deadlock_free(model: Model, process: ast.Expr, budget: Budget) -> Outcome:
    net = model.network(process, budget)
    ex = bfs(net, budget, DeadlockVisitor())
    if ex.status == "violation":
        steps = model.describer(net).steps(ex.path)
        return Outcome("violated", "deadlock: after this trace no event is possible and the process has not "
                       "terminated", ex.stats, tuple(steps))
    if ex.status == "incomplete":
        return incomplete_outcome(ex)
    return Outcome("holds", "no reachable state deadlocks", ex.stats)


def divergence_free(model: Model, process: ast.Expr, budget: Budget) -> Outcome:
    net = model.network(process, budget)
    ex = bfs(net, budget, RecordEdges())
    if ex.status == "incomplete":
        return incomplete_outcome(ex)
    lasso = divergent_lasso(ex.graph, ex.compiled.results)
    if lasso is None:
        return Outcome("holds", "no reachable state can perform internal events forever", ex.stats)
    prefix, cycle = lasso
    steps = model.describer(net).steps(path_of_edges(ex.graph, prefix + cycle))
    return Outcome("violated", "divergence: after the first part of this trace the process can repeat the "
                   "internal (τ) loop forever", ex.stats, tuple(steps), loop_start=len(prefix))
