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

    def __str__(self) -> str:
        return f"{self.process} (line {self.line})" if self.line else self.process


@dataclass(frozen=True)
class Step:
    event: str                      # "τ" for an internal step, "✓" for termination
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
