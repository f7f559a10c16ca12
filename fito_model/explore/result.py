"""Typed results of an exploration: statistics, status, the path to a violation."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Stats:
    states: int
    transitions: int
    depth: int
    seconds: float
    peak_memory_bytes: int
    bytes_per_state: float
    collision_probability: float = 0.0

    @property
    def states_per_second(self) -> float:
        return self.states / self.seconds if self.seconds > 0 else float(self.states)

    def to_json(self) -> dict:
        return {"states": self.states, "transitions": self.transitions, "depth": self.depth,
                "seconds": round(self.seconds, 4), "states_per_second": round(self.states_per_second, 1),
                "peak_memory_bytes": self.peak_memory_bytes, "bytes_per_state": round(self.bytes_per_state, 2),
                "fingerprint_collision_probability": self.collision_probability}


@dataclass(frozen=True, eq=False)
class StateGraph:
    """Every reachable state (packed rows, by index) and every transition (src, dst, rule)."""

    rows: np.ndarray
    src: np.ndarray
    dst: np.ndarray
    rule: np.ndarray
    layout: object

    @property
    def n_states(self) -> int:
        return len(self.rows)

    def state(self, i: int) -> tuple[int, ...]:
        return self.layout.unpack(self.rows[i])


@dataclass(frozen=True, eq=False)
class Exploration:
    """status: complete (every reachable state seen), violation, incomplete (a bound stopped it), or
    stopped (the visitor ended the search: it found what it looked for)."""

    status: str
    stats: Stats
    bound: str | None
    path: list[tuple[int, tuple[int, ...]]] | None  # (rule index, state) from the initial state
    graph: StateGraph | None
    compiled: object
