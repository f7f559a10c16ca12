"""An explicit labelled transition system: integer states, flat transition arrays."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True, eq=False)
class LTS:
    """Transitions of state s are events[offsets[s]:offsets[s+1]] -> targets[...], sorted by event.

    `omega` is the state reached by ✓ (-1 if the process never terminates);
    `terms` keeps the process term of each state, for traces and exports.
    """

    initial: int
    offsets: np.ndarray
    events: np.ndarray
    targets: np.ndarray
    omega: int
    terms: tuple

    @property
    def n_states(self) -> int:
        return len(self.offsets) - 1

    @property
    def n_transitions(self) -> int:
        return len(self.events)

    def out(self, s: int) -> list[tuple[int, int]]:
        a, b = self.offsets[s], self.offsets[s + 1]
        return list(zip(self.events[a:b].tolist(), self.targets[a:b].tolist()))

    def alphabet(self) -> set[int]:
        return set(np.unique(self.events).tolist())

    @staticmethod
    def from_edges(initial: int, n: int, edges: list[tuple[int, int, int]], omega: int, terms: tuple) -> "LTS":
        edges = sorted(set(edges))
        src = np.fromiter((e[0] for e in edges), dtype=np.int64, count=len(edges))
        offsets = np.zeros(n + 1, dtype=np.int64)
        np.add.at(offsets, src + 1, 1)
        return LTS(initial, np.cumsum(offsets), np.array([e[1] for e in edges], dtype=np.int32),
                   np.array([e[2] for e in edges], dtype=np.int32), omega, terms)
