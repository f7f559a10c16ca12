"""Process terms -> a Network: leaves become explicit LTSs, the top becomes rules.

The parallel, hiding and renaming operators at the top of a process become
synchronisation rules over components (FDR's supercombinator); everything
below them is a leaf, compiled once by exploring its terms.
"""
from __future__ import annotations

from collections import deque

from ..bounds import BoundReached, Budget
from ..semantics import process as P
from ..semantics.evaluate import EvalError
from ..semantics.events import TAU, TICK
from ..semantics.operational import Semantics
from .lts import LTS
from .network import Network, Rule


GROWS = ("this process grows without bound: its term nests deeper at every step (recursion on the left "
         "of `;`, or a parallel operator inside a recursion); fito needs finite-state processes")


def compile_leaf(sem: Semantics, root: P.Term, budget: Budget) -> LTS:
    """Explore one sequential process's terms breadth-first into an LTS (state 0 is `root`).

    Bounded by the smaller of --max-states and max_leaf_states, and by time and memory;
    a term that nests deeper at every step (recursion on the left of `;`) is an EvalError.
    """
    limit = min(budget.bounds.max_leaf_states, budget.bounds.max_states)
    ids: dict[P.Term, int] = {root: 0}
    terms: list[P.Term] = [root]
    edges: list[tuple[int, int, int]] = []
    queue = deque([root])
    expanded = 0
    try:
        while queue:
            t = queue.popleft()
            src = ids[t]
            for e, s in sem.transitions(t):
                tid = ids.get(s)
                if tid is None:
                    tid = ids[s] = len(terms)
                    terms.append(s)
                    queue.append(s)
                    if len(terms) > limit:
                        raise BoundReached("max-states", f"a sequential process has more than {limit:,} "
                                           "states (a parameter that grows without limit?)", len(terms), len(edges))
                edges.append((src, e, tid))
            expanded += 1
            if expanded % 1024 == 0 and (bound := budget.exceeded()):
                raise BoundReached(bound, "while compiling a sequential process", len(terms), len(edges))
    except RecursionError:  # from the transitions or the hash of a term nested thousands deep
        raise EvalError(GROWS) from None
    omega = ids.get(P.OMEGA, -1)
    return LTS.from_edges(0, len(terms), edges, omega, tuple(terms))


def compile_network(sem: Semantics, root: P.Term, budget: Budget) -> Network:
    components: list[LTS] = []

    def rules_of(t: P.Term) -> list[tuple[tuple[tuple[int, int], ...], int, int]]:
        """(participants, result, label) triples; label is the event before hiding."""
        if isinstance(t, P.Par):
            left, right = rules_of(t.left), rules_of(t.right)
            return _parallel(left, right, t.sync, t.left_alpha, t.right_alpha)
        if isinstance(t, P.Hide):
            return [(parts, TAU if e in t.hidden else e, lab) for parts, e, lab in rules_of(t.process)]
        if isinstance(t, P.Rename):
            images: dict[int, list[int]] = {}
            for old, new in t.mapping:
                images.setdefault(old, []).append(new)
            return [(parts, e2, e2 if lab == e else lab) for parts, e, lab in rules_of(t.process)
                    for e2 in images.get(e, (e,))]
        c = len(components)
        components.append(compile_leaf(sem, t, budget))
        return [(((c, e),), e, e) for e in sorted(components[c].alphabet())]

    raw = rules_of(root)
    rules = tuple(Rule(parts, e, lab) for parts, e, lab in dict.fromkeys(raw))
    return Network(tuple(components), rules, sem.ev.events)


def _parallel(left, right, sync, la, ra):
    def free(e, alpha):
        return e == TAU or (e != TICK and e not in sync and (alpha is None or e in alpha))

    out = [r for r in left if free(r[1], la)] + [r for r in right if free(r[1], ra)]
    by_event: dict[int, list] = {}
    for parts, e, _ in right:
        if e == TICK or e in sync:
            by_event.setdefault(e, []).append(parts)
    for parts, e, lab in left:
        if e == TICK or e in sync:
            out.extend((parts + other, e, lab) for other in by_event.get(e, ()))
    return out
