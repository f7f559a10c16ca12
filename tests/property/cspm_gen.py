"""Hypothesis strategies for small CSPm processes over the events a, b, c.

Definitions N0..Nk are sequential (prefix, [], |~|, ;, hiding) and recurse only
after a prefix, never on the left of `;`, under hiding or under a parallel
operator, so every leaf is finite (recursion through hiding nested in a choice
makes ever deeper terms, as it would for FDR); parallel composition, interleaving and hiding sit at
the top. That still yields divergence, deadlock, termination and nondeterminism.
"""
from __future__ import annotations

from hypothesis import strategies as st

EVENTS = ("a", "b", "c")
HEADER = "channel a, b, c\n"

event_sets = st.sets(st.sampled_from(EVENTS), min_size=1).map(lambda s: "{" + ", ".join(sorted(s)) + "}")


def sequential(n_defs: int, depth: int, calls: bool = True) -> st.SearchStrategy[str]:
    leaf = st.sampled_from(["STOP", "SKIP"])
    cont = [st.sampled_from([f"N{i}" for i in range(n_defs)])] if calls else []
    if depth == 0:
        prefix = st.tuples(st.sampled_from(EVENTS), st.one_of(*cont, leaf)).map(lambda t: f"({t[0]} -> {t[1]})")
        return st.one_of(leaf, prefix)
    sub = sequential(n_defs, depth - 1, calls)
    prefix = st.tuples(st.sampled_from(EVENTS), st.one_of(*cont, sub)).map(lambda t: f"({t[0]} -> {t[1]})")
    return st.one_of(
        leaf, prefix, prefix,
        st.tuples(sub, sub).map(lambda t: f"({t[0]} [] {t[1]})"),
        st.tuples(sub, sub).map(lambda t: f"({t[0]} |~| {t[1]})"),
        st.tuples(sequential(n_defs, depth - 1, calls=False), sub).map(lambda t: f"({t[0]} ; {t[1]})"),
        st.tuples(sequential(n_defs, depth - 1, calls=False), event_sets).map(lambda t: f"({t[0]} \\ {t[1]})"),
    )


def top(n_defs: int, depth: int) -> st.SearchStrategy[str]:
    base = st.one_of(sequential(n_defs, 1), st.sampled_from([f"N{i}" for i in range(n_defs)]))
    if depth == 0:
        return base
    sub = top(n_defs, depth - 1)
    sync = st.tuples(sub, event_sets, sub).map(lambda t: f"({t[0]} [| {t[1]} |] {t[2]})")
    return st.one_of(
        base,
        st.tuples(sub, sub).map(lambda t: f"({t[0]} ||| {t[1]})"),
        sync, sync,
        st.tuples(sub, event_sets).map(lambda t: f"({t[0]} \\ {t[1]})"),
    )


@st.composite
def scripts(draw, n_processes: int = 1) -> tuple[str, list[str]]:
    """(definitions N0..Nk as CSPm text, n_processes top-level process expressions over them)."""
    n_defs = draw(st.integers(1, 3))
    defs = "".join(f"N{i} = {draw(sequential(n_defs, 2))}\n" for i in range(n_defs))
    return HEADER + defs, [draw(top(n_defs, 2)) for _ in range(n_processes)]
