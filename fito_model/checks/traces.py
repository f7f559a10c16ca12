"""Paths through a Network become traces the user reads: events, processes, lines."""
from __future__ import annotations

from ..lts.network import Network
from ..semantics import process as P
from ..semantics.events import TAU, TICK
from ..semantics.values import Dot, Seq, show
from ..syntax import ast
from .outcome import Origin, Step


class Describer:
    """Names the process and source line behind each step (definitions found by span)."""

    def __init__(self, network: Network, decls: tuple, semantics):
        self.network = network
        self.semantics = semantics
        self._defs = [(d.span, d.name) for d in decls if isinstance(d, ast.Definition) and d.span]

    def steps(self, path: list[tuple[int, tuple[int, ...]]]) -> list[Step]:
        out = []
        for (_, before), (rule_index, after) in zip(path, path[1:]):
            rule = self.network.rules[rule_index]
            origins = []
            for c, e in rule.participants:
                terms = self.network.components[c].terms
                for mover in self.movers(terms[before[c]], terms[after[c]], e):
                    for t in self._offering_all(mover, e) or [mover]:
                        origins.append(self.origin(t, e))
            value = self.network.events.values[rule.result]
            channel = value.head if value is not None else None
            args = tuple(show(f) for f in value.fields) if value is not None else ()
            out.append(Step(step_label(self.network, rule), channel, args, tuple(dict.fromkeys(origins))))
        return out

    def movers(self, before: P.Term, after: P.Term, event: int) -> list[P.Term]:
        """The sub-processes that took part in a step: where the term before and after differ."""
        found = _changed(before, after)
        return found or [before]

    def origin(self, term: P.Term, event: int) -> Origin:
        """The prefix inside `term` that offers `event` (else the term's first prefix)."""
        offering = self._offering(term, event)
        node = offering.code.node if offering is not None else _first_code(term)
        term = offering if offering is not None else term
        if node is None or node.span is None:
            return Origin(_describe(term))
        s = node.span
        name = next((n for sp, n in self._defs
                     if sp.path == s.path and (sp.line, sp.column) <= (s.line, s.column)
                     and (s.end_line, s.end_column) <= (sp.end_line, sp.end_column)), "?")
        env = term_env(term)
        return Origin(name, s.path, s.line, ", ".join(f"{k}={show(v)}" for k, v in env if _is_data(v)))

    def _offering_all(self, term: P.Term, event: int) -> list[P.Term]:
        """Every prefix that takes part in `event` inside `term`: both sides of a synchronisation."""
        if isinstance(term, P.PrefixT):
            return [term] if any(e == event for e, _ in self.semantics.transitions(term)) else []
        if isinstance(term, P.Par):
            left, right = self._offering_all(term.left, event), self._offering_all(term.right, event)
            if event == TICK or event in term.sync:
                return left + right if left and right else []
            return left or right
        for child in _children(term):
            found = self._offering_all(child, event)
            if found:
                return found
        return []

    def _offering(self, term: P.Term, event: int):
        if isinstance(term, P.PrefixT):
            return term if any(e == event for e, _ in self.semantics.transitions(term)) else None
        for child in _children(term):
            found = self._offering(child, event)
            if found is not None:
                return found
        return None


def _changed(before: P.Term, after: P.Term) -> list[P.Term]:
    """Maximal sub-terms of `before` that the step replaced, matching the structure of both terms."""
    if before == after:
        return []
    same_shape = type(before) is type(after) and isinstance(before, (P.Par, P.Hide, P.Rename, P.SeqComp,
                                                                          P.Interrupt, P.Timeout, P.ExtChoice))
    if same_shape and isinstance(before, P.ExtChoice):
        same_shape = len(before.items) == len(after.items)
    if not same_shape:
        return [before]
    if isinstance(before, (P.Hide, P.Rename)):
        return _changed(before.process, after.process) or [before]
    pairs = zip(before.items, after.items) if isinstance(before, P.ExtChoice) else \
        ((before.left, after.left), (before.right, after.right))
    out = [t for b, a in pairs for t in _changed(b, a)]
    return out or [before]


def _is_data(v) -> bool:
    """Values worth printing as a process's parameters (not processes or functions)."""
    return isinstance(v, (bool, int, str, tuple, frozenset, Seq, Dot))


def term_env(term: P.Term) -> tuple:
    if isinstance(term, (P.PrefixT, P.Delayed)):
        return term.env
    for child in _children(term):
        if isinstance(child, (P.PrefixT, P.Delayed)) or _children(child):
            return term_env(child)
    return ()


def _first_code(term: P.Term):
    if isinstance(term, (P.PrefixT, P.Delayed)):
        return term.code.node
    for child in _children(term):
        node = _first_code(child)
        if node is not None:
            return node
    return None


def _children(term):
    if isinstance(term, (P.ExtChoice, P.IntChoice)):
        return term.items
    if isinstance(term, (P.SeqComp, P.Par, P.Interrupt, P.Timeout)):
        return (term.left, term.right)
    if isinstance(term, (P.Hide, P.Rename)):
        return (term.process,)
    return ()


def _describe(term) -> str:
    return {P.Stop: "STOP", P.Skip: "SKIP", P.Omega: "Ω", P.Div: "DIV", P.Run: "RUN", P.Chaos: "CHAOS",
            P.ChaosOffer: "CHAOS"}.get(type(term), type(term).__name__)


def step_label(network: Network, rule) -> str:
    """How a step prints: its event; a hidden event as `τ (what it was)`."""
    if rule.observed != rule.result:
        return f"τ ({network.event_name(rule.observed)})"
    return event_label(network, rule.result)


def event_label(network: Network, e: int) -> str:
    return {TAU: "τ", TICK: "✓"}.get(e) or network.event_name(e)
