"""Deadlock freedom: no reachable state refuses every event, unless it has terminated (✓)."""
from __future__ import annotations

import numpy as np

from ..explore.bfs import Visitor


class DeadlockVisitor(Visitor):
    def bind(self, compiled) -> None:
        super().bind(compiled)
        self._omega = [(c, lts.omega) for c, lts in enumerate(compiled.network.components)]
        self._can_terminate = all(o >= 0 for _, o in self._omega)

    def violations(self, rows, enabled, events):
        dead = ~enabled
        if not dead.any() or not self._can_terminate:
            return dead
        layout = self.compiled.layout
        terminated = np.ones(len(rows), dtype=bool)
        for c, o in self._omega:
            terminated &= layout.get(rows, c) == o
        return dead & ~terminated
