"""Runtime values of the expression language, all hashable.

int, bool and str are Python's; a CSPm tuple is a Python tuple, a set a
frozenset, a sequence a `Seq`, and a dotted value (an event such as `c.1.true`
or a datatype value such as `Data.0`) a `Dot`. Sets iterate in `sort_key`
order wherever order is visible, so every run is deterministic.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Seq:
    items: tuple

    def __iter__(self):
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)


REST = ""  # the head of a headless dotted value: the fields `?x` took from the end of an event


@dataclass(frozen=True)
class Dot:
    """A channel or constructor applied to fields. `arity` is how many it takes."""

    head: str
    fields: tuple
    arity: int

    @property
    def complete(self) -> bool:
        return len(self.fields) == self.arity and all(
            not isinstance(f, Dot) or f.complete for f in self.fields)

    def extend(self, value) -> "Dot":
        """Append one more dotted field, filling an incomplete last field first (c.Data.0)."""
        if isinstance(value, Dot) and value.head == REST:
            out = self
            for f in value.fields:
                out = out.extend(f)
            return out
        if self.fields and isinstance(self.fields[-1], Dot) and not self.fields[-1].complete:
            return Dot(self.head, self.fields[:-1] + (self.fields[-1].extend(value),), self.arity)
        if len(self.fields) >= self.arity:
            raise ValueError(f"{show(self)} has no field left for {show(value)}")
        return Dot(self.head, self.fields + (value,), self.arity)


def sort_key(v):
    """A total order over values of mixed kinds (type rank first)."""
    if isinstance(v, bool):
        return (0, int(v))
    if isinstance(v, int):
        return (1, v)
    if isinstance(v, str):
        return (2, v)
    if isinstance(v, tuple):
        return (3, len(v), tuple(sort_key(x) for x in v))
    if isinstance(v, Seq):
        return (4, len(v.items), tuple(sort_key(x) for x in v.items))
    if isinstance(v, frozenset):
        return (5, len(v), tuple(sorted(sort_key(x) for x in v)))
    if isinstance(v, Dot):
        return (6, v.head, tuple(sort_key(x) for x in v.fields))
    return (9, repr(v))


def sorted_values(values) -> list:
    return sorted(values, key=sort_key)


def show(v) -> str:
    """CSPm syntax for a value, as traces and counterexamples print it."""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, str):
        return '"' + v + '"'
    if isinstance(v, tuple):
        return "(" + ", ".join(show(x) for x in v) + ")"
    if isinstance(v, Seq):
        return "<" + ", ".join(show(x) for x in v.items) + ">"
    if isinstance(v, frozenset):
        return "{" + ", ".join(show(x) for x in sorted_values(v)) + "}"
    if isinstance(v, Dot):
        return ".".join(([v.head] if v.head != REST else []) + [show(f) for f in v.fields])
    return str(v)
