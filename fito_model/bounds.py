"""Search bounds shared by compilation and exploration; hitting one is never a crash."""
from __future__ import annotations

import resource
import time
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Bounds:
    max_states: int = 20_000_000
    max_depth: int | None = None
    timeout: float = 300.0
    max_memory: int = 8 * 1024**3  # bytes of resident memory for the whole process
    max_leaf_states: int = 1_000_000


@dataclass
class Budget:
    """Bounds plus a clock started when the check began."""

    bounds: Bounds
    started: float = field(default_factory=time.monotonic)

    def elapsed(self) -> float:
        return time.monotonic() - self.started

    def exceeded(self) -> str | None:
        """The name of the bound that stops the search now, if any (time and memory)."""
        if self.elapsed() > self.bounds.timeout:
            return "timeout"
        if current_memory() > self.bounds.max_memory:
            return "max-memory"
        return None


class BoundReached(Exception):
    """A bound stopped compilation; `states`/`transitions` say how far it got (None if unknown)."""

    def __init__(self, bound: str, detail: str, states: int | None = None, transitions: int | None = None):
        super().__init__(f"{bound}: {detail}")
        self.bound, self.detail = bound, detail
        self.states, self.transitions = states, transitions


def current_memory() -> int:
    """Resident set size now, in bytes: what --max-memory bounds (the peak never comes down,
    so one large check would stop every later one in the same run)."""
    try:
        with open("/proc/self/statm") as f:
            return int(f.read().split()[1]) * resource.getpagesize()
    except (OSError, ValueError, IndexError):
        return peak_memory()


def peak_memory() -> int:
    """Peak resident set size of this process, in bytes (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
