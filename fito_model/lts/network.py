"""The core data structure: component LTSs plus synchronisation rules.

A global state is a tuple of local states, one per component. A rule fires
when every participant can do its local event; the global event is the
rule's result (τ for hidden events). Both engines read this structure.
"""
from __future__ import annotations

import itertools
from dataclasses import dataclass

from ..semantics.events import TAU, TICK, EventTable
from .lts import LTS


@dataclass(frozen=True)
class Rule:
    """`result` is the global event (τ once hidden); `label` the event before hiding, for monitors."""

    participants: tuple[tuple[int, int], ...]  # (component, local event)
    result: int
    label: int | None = None

    @property
    def observed(self) -> int:
        """What a monitor sees: the event even when it is hidden."""
        return self.result if self.label is None else self.label


@dataclass(frozen=True, eq=False)
class Network:
    components: tuple[LTS, ...]
    rules: tuple[Rule, ...]
    events: EventTable

    @property
    def initial(self) -> tuple[int, ...]:
        return tuple(c.initial for c in self.components)

    def terminated(self, state: tuple[int, ...]) -> bool:
        """Every component has done ✓: the process ended successfully (not a deadlock)."""
        return all(c.omega >= 0 and s == c.omega for c, s in zip(self.components, state))

    def successors(self, state: tuple[int, ...]) -> list[tuple[int, int, tuple[int, ...]]]:
        """(rule index, event, next state) for every transition, in rule order (the reference engine)."""
        out = []
        for ri, rule in enumerate(self.rules):
            choices = []
            for c, e in rule.participants:
                targets = [t for ev, t in self.components[c].out(state[c]) if ev == e]
                if not targets:
                    break
                choices.append(targets)
            else:
                for combo in itertools.product(*choices):
                    nxt = list(state)
                    for (c, _), t in zip(rule.participants, combo):
                        nxt[c] = t
                    out.append((ri, rule.result, tuple(nxt)))
        return out

    def visible_events(self) -> list[int]:
        return sorted({r.result for r in self.rules if r.result not in (TAU,)})

    def event_name(self, e: int) -> str:
        return self.events.name(e)


__all__ = ["Network", "Rule", "LTS", "TAU", "TICK"]
