"""What a check returns: a verdict, the statistics, and a counterexample in the user's terms."""
from __future__ import annotations

from dataclasses import dataclass, field

from ..explore.result import Stats


@dataclass(frozen=True)
class Origin:
    """Which process, at which source line, took part in a step."""

    process: str
    path: str | None = None
    line: int | None = None
    bindings: str = ""   # the local values of the process, e.g. "i=2"

    def __str__(self) -> str:
        name = f"{self.process}[{self.bindings}]" if self.bindings else self.process
        return f"{name} (line {self.line})" if self.line else name


@dataclass(frozen=True)
class Step:
    event: str                      # "τ" for an internal step, "✓" for termination
    channel: str | None = None      # the event's channel and its fields, for machine readers
    args: tuple[str, ...] = ()
    origins: tuple[Origin, ...] = ()
    observed: tuple[tuple[str, str], ...] = ()   # monitor values after the step (epoch vectors, ...)


@dataclass(frozen=True)
class Outcome:
    """status: holds | violated | incomplete | error."""

    status: str
    message: str
    stats: Stats | None = None
    trace: tuple[Step, ...] | None = None
    loop_start: int | None = None    # for a lasso: index in trace where the repeating part starts
    bound: str | None = None
    details: tuple[tuple[str, str], ...] = field(default=())

    def negated(self) -> "Outcome":
        """The verdict of `assert not ...`: holds and violated swap; a trace becomes a witness."""
        flip = {"holds": "violated", "violated": "holds"}
        if self.status not in flip:
            return self
        msg = ("the negated property holds: " if self.status == "violated" else
               "the negated property fails, because: ") + self.message
        return Outcome(flip[self.status], msg, self.stats, self.trace, self.loop_start, self.bound, self.details)
