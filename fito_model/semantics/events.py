"""Events interned to small integers once; names are needed only to print traces."""
from __future__ import annotations

from .values import Dot, show

TAU, TICK = 0, 1


class EventTable:
    """Bijection between complete events and ids; 0 is tau, 1 is tick (✓)."""

    def __init__(self) -> None:
        self._ids: dict[Dot, int] = {}
        self.values: list[Dot | None] = [None, None]
        self.names: list[str] = ["τ", "✓"]

    def intern(self, event: Dot) -> int:
        eid = self._ids.get(event)
        if eid is None:
            eid = len(self.values)
            self._ids[event] = eid
            self.values.append(event)
            self.names.append(show(event))
        return eid

    def id_of(self, event: Dot) -> int | None:
        return self._ids.get(event)

    def name(self, eid: int) -> str:
        return self.names[eid]

    def __len__(self) -> int:
        return len(self.values)
