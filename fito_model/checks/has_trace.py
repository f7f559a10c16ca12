"""`P :[has trace]: <e1, ..., en>`: can P perform these visible events in this order (τ anywhere)?

A breadth-first walk of the Network over (state, events done so far), so only
the part of the process the trace leads into is explored, and the run reported
(a witness, or the longest prefix that can be done) is a shortest one.
"""
from __future__ import annotations

from collections import deque

from ..bounds import BoundReached, Budget
from ..semantics.evaluate import EvalError
from ..semantics.events import TAU
from ..semantics.values import Dot, Seq, show
from ..syntax import ast
from .outcome import Outcome
from .runner import Model


def has_trace(model: Model, expr: ast.Expr, trace_expr: ast.Expr, budget: Budget) -> Outcome:
    net = model.network(expr, budget)
    trace = _events(model, trace_expr)
    start = (net.initial, 0)
    parent: dict = {start: None}
    queue = deque([start])
    best = start
    while queue:
        here = queue.popleft()
        state, i = here
        if i > best[1]:
            best = here
        if i == len(trace):
            break
        for rule, e, nxt_state in net.successors(state):
            if e == TAU:
                nxt = (nxt_state, i)
            elif e == trace[i]:
                nxt = (nxt_state, i + 1)
            else:
                continue
            if nxt not in parent:
                parent[nxt] = (here, rule)
                queue.append(nxt)
        if len(parent) >= budget.bounds.max_states:
            raise BoundReached("max-states", f"after {len(parent):,} states while following the trace")
        if len(parent) % 4096 == 0 and (bound := budget.exceeded()):
            raise BoundReached(bound, "while following the trace")
    path = []   # [(rule, state)] back from `best`
    node = best
    while parent[node] is not None:
        path.append((parent[node][1], node[0]))
        node = parent[node][0]
    steps = tuple(model.describer(net).steps([(-1, start[0])] + path[::-1]))
    shown = "<" + ", ".join(net.event_name(e) for e in trace) + ">"
    if best[1] == len(trace):
        return Outcome("holds", f"the process can perform the trace {shown}; this run does", trace=steps)
    done = "<" + ", ".join(net.event_name(e) for e in trace[:best[1]]) + ">"
    nxt = net.event_name(trace[best[1]])
    return Outcome("violated", f"the process cannot perform the trace {shown}: after {done} it can never "
                   f"perform {nxt}", trace=steps, details=(("cannot perform", nxt), ("after", done)))


def _events(model: Model, trace_expr: ast.Expr) -> list[int]:
    ev = model.evaluator
    value = ev.eval(trace_expr, {})
    if not isinstance(value, Seq):
        raise EvalError(f"has trace needs a sequence of events, not {show(value)}", trace_expr.span)
    out = []
    for e in value.items:
        if not isinstance(e, Dot) or e.head not in ev.channels or not e.complete:
            raise EvalError(f"{show(e)} in the trace is not an event", trace_expr.span)
        out.append(ev.events.intern(e))
    return out
