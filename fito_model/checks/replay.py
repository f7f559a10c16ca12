"""Replay a counterexample through a Network: an independent check that a reported trace is real.

Walks `Network.successors` (the reference engine, not the BFS tables) from the
initial state, matching each step's event by name, τ included, keeping every
state the steps so far can lead to. For a lasso, some state where the loop
starts must come back to itself after the loop's steps.
"""
from __future__ import annotations

from .outcome import Outcome, Step
from .traces import step_label


class ReplayError(AssertionError):
    def __init__(self, index: int, message: str):
        super().__init__(f"step {index}: {message}")
        self.index = index


def replay(network, steps: tuple[Step, ...] | list[Step], loop_start: int | None = None) -> None:
    """Raise ReplayError at the first step the Network cannot take (or if the loop does not close)."""
    runs = {(None, network.initial)}   # (state where the loop starts, current state)
    for i, step in enumerate(steps):
        if i == loop_start:
            runs = {(s, s) for _, s in runs}
        runs = {(anchor, t) for anchor, s in runs for r, _e, t in network.successors(s)
                if step_label(network, network.rules[r]) == step.event}
        if not runs:
            raise ReplayError(i, f"no run of the process can perform {step.event} here")
    if loop_start is not None:
        if loop_start == len(steps):
            raise ReplayError(loop_start, "the loop is empty")
        if not any(anchor == s for anchor, s in runs):
            raise ReplayError(len(steps), "the loop does not return to the state where it started")


def replay_outcome(network, outcome: Outcome) -> None:
    if outcome.trace is not None:
        replay(network, outcome.trace, outcome.loop_start)
