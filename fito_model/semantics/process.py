"""Process terms: the states of the operational semantics, hashable and canonical.

A term is what a process is at one moment. Prefixes keep their AST node and
only the local variables their body uses, so equal states are equal terms.
Event sets are frozensets of interned event ids.
"""
from __future__ import annotations

from dataclasses import dataclass


class Code:
    """An AST node compared by identity: cheap to hash inside terms."""

    __slots__ = ("node",)

    def __init__(self, node):
        self.node = node

    def __hash__(self) -> int:
        return id(self.node)

    def __eq__(self, other) -> bool:
        return isinstance(other, Code) and other.node is self.node

    def __repr__(self) -> str:
        return f"Code({type(self.node).__name__}@{getattr(self.node.span, 'line', '?')})"


class Term:
    __slots__ = ()


@dataclass(frozen=True, slots=True)
class Stop(Term):
    pass


@dataclass(frozen=True, slots=True)
class Skip(Term):
    pass


@dataclass(frozen=True, slots=True)
class Omega(Term):
    """Successful termination has happened."""


@dataclass(frozen=True, slots=True)
class Div(Term):
    pass


@dataclass(frozen=True, slots=True)
class PrefixT(Term):
    code: Code
    env: tuple  # ((name, value), ...) restricted to the prefix's free locals


@dataclass(frozen=True, slots=True)
class Delayed(Term):
    """An expression not yet started (the right side of `;`)."""

    code: Code
    env: tuple


@dataclass(frozen=True, slots=True)
class ExtChoice(Term):
    items: tuple


@dataclass(frozen=True, slots=True)
class IntChoice(Term):
    items: tuple


@dataclass(frozen=True, slots=True)
class SeqComp(Term):
    left: Term
    right: Term


@dataclass(frozen=True, slots=True)
class Par(Term):
    """`[| sync |]`; with alphabets (`[A || B]`) each side is also confined to its own."""

    left: Term
    right: Term
    sync: frozenset
    left_alpha: frozenset | None = None
    right_alpha: frozenset | None = None


@dataclass(frozen=True, slots=True)
class Hide(Term):
    process: Term
    hidden: frozenset


@dataclass(frozen=True, slots=True)
class Rename(Term):
    process: Term
    mapping: tuple  # sorted ((old_id, new_id), ...)


@dataclass(frozen=True, slots=True)
class Interrupt(Term):
    left: Term
    right: Term


@dataclass(frozen=True, slots=True)
class Timeout(Term):
    left: Term
    right: Term


@dataclass(frozen=True, slots=True)
class Run(Term):
    events: frozenset


@dataclass(frozen=True, slots=True)
class Chaos(Term):
    events: frozenset


@dataclass(frozen=True, slots=True)
class ChaosOffer(Term):
    """CHAOS(A) after it chose to offer A (it may still refuse nothing of A)."""

    events: frozenset


STOP, SKIP, OMEGA, DIV = Stop(), Skip(), Omega(), Div()
