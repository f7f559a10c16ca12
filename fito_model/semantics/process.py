"""Process terms: the states of the operational semantics, hashable and canonical.

A term is what a process is at one moment. Prefixes keep their AST node and
only the local variables their body uses, so equal states are equal terms.
Event sets are frozensets of interned event ids.
"""
from __future__ import annotations

from dataclasses import dataclass, field


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


def term(cls):
    """A frozen dataclass that caches its hash: terms can nest thousands deep (a recursion
    under `;` deepens at every step), and hashing them recursively at every memo lookup
    would cost time in the depth and, eventually, Python's stack."""
    own = dict(cls.__dict__.get("__annotations__", {}))
    own["_hash"] = "int | None"
    cls.__annotations__ = own
    cls._hash = field(default=None, init=False, compare=False, repr=False)
    cls = dataclass(frozen=True, slots=True)(cls)
    structural = cls.__hash__

    def __hash__(self) -> int:
        h = self._hash
        if h is None:
            h = structural(self)
            object.__setattr__(self, "_hash", h)
        return h

    cls.__hash__ = __hash__
    return cls


@term
class Stop(Term):
    pass


@term
class Skip(Term):
    pass


@term
class Omega(Term):
    """Successful termination has happened."""


@term
class Div(Term):
    pass


@term
class PrefixT(Term):
    code: Code
    env: tuple  # ((name, value), ...) restricted to the prefix's free locals


@term
class Delayed(Term):
    """An expression not yet started (the right side of `;`)."""

    code: Code
    env: tuple


@term
class ExtChoice(Term):
    items: tuple


@term
class IntChoice(Term):
    items: tuple


@term
class SeqComp(Term):
    left: Term
    right: Term


@term
class Par(Term):
    """`[| sync |]`; with alphabets (`[A || B]`) each side is also confined to its own."""

    left: Term
    right: Term
    sync: frozenset
    left_alpha: frozenset | None = None
    right_alpha: frozenset | None = None


@term
class Hide(Term):
    process: Term
    hidden: frozenset


@term
class Rename(Term):
    process: Term
    mapping: tuple  # sorted ((old_id, new_id), ...)


@term
class Interrupt(Term):
    left: Term
    right: Term


@term
class Timeout(Term):
    left: Term
    right: Term


@term
class Run(Term):
    events: frozenset


@term
class Chaos(Term):
    events: frozenset


@term
class ChaosOffer(Term):
    """CHAOS(A) after it chose to offer A (it may still refuse nothing of A)."""

    events: frozenset


STOP, SKIP, OMEGA, DIV = Stop(), Skip(), Omega(), Div()
