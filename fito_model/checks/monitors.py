"""FITO monitors: observer automata over the role events of a run.

A monitor never blocks the system: it reads each event's (role, fields) and
moves to a new state, or to a `Bad` state that carries what the user must
see. States are hashable tuples; epochs are held as indices into
`Roles.epochs` so they order correctly whatever their values are.
"""
from __future__ import annotations

from dataclasses import dataclass

from ..semantics.values import show
from .roles import Roles


@dataclass(frozen=True)
class Bad:
    message: str
    details: tuple[tuple[str, str], ...] = ()


class Monitor:
    """initial() -> state; step(state, role, fields) -> state | Bad; observed(state) -> [(name, value)]."""

    roles_needed: tuple[str, ...] = ()

    def __init__(self, roles: Roles):
        self.roles = roles
        self.k = len(roles.domains)

    def initial(self):
        raise NotImplementedError

    def step(self, state, role: str, fields: tuple):
        raise NotImplementedError

    def observed(self, state) -> tuple[tuple[str, str], ...]:
        return ()

    def judged(self, before, after) -> bool:
        """Did this step complete something the property judges (a recovery)? For vacuity reports."""
        return False

    # helpers shared by the epoch monitors
    def dom(self, v) -> int | None:
        try:
            return self.roles.domains.index(v)
        except ValueError:
            return None

    def ep(self, v) -> int:
        return self.roles.epochs.index(v)

    def vec(self, idx: tuple) -> str:
        return self.roles.vector(tuple(None if i is None else self.roles.epochs[i] for i in idx))


def _set(t: tuple, i: int, v) -> tuple:
    return t[:i] + (v,) + t[i + 1:]


def _record(msgs: tuple, key: tuple, value) -> tuple:
    """The latest value recorded for each message key, as a canonical sorted tuple."""
    return tuple(sorted({**dict(msgs), key: value}.items(), key=repr))


class LiveVector(Monitor):
    """The live epoch vector L: the last advance or restore of each domain; a crash loses it
    (unknown until the domain is restored or advances again, and never converged meanwhile)."""

    roles_needed = ("advance",)

    def initial(self):
        return (0,) * self.k

    def step(self, state, role, fields):
        if role in ("advance", "restore") and (d := self.dom(fields[0])) is not None:
            return _set(state, d, self.ep(fields[1]))
        if role == "crash":
            return (None,) * self.k
        return state

    def observed(self, state):
        return (("live", self.vec(state)),)


class UniformRecovery(Monitor):
    """Every recovery restores one epoch in every domain. State: (live, recovered-so-far or None)."""

    roles_needed = ("crash", "restore")

    def initial(self):
        return ((0,) * self.k, None)

    def step(self, state, role, fields):
        live, rec = state
        if role == "advance" and (d := self.dom(fields[0])) is not None:
            return (_set(live, d, self.ep(fields[1])), rec)
        if role == "crash":
            return (live, (None,) * self.k)
        if role == "restore" and (d := self.dom(fields[0])) is not None:
            rec = _set(rec or (None,) * self.k, d, self.ep(fields[1]))
            live = _set(live, d, rec[d])
            if None in rec:
                return (live, rec)
            if len(set(rec)) > 1:
                return Bad("recovery restored a mixed-epoch state: the domains came back at different epochs",
                           (("recovered", self.vec(rec)),))
            return (live, None)
        return state

    def judged(self, before, after):
        return before[1] is not None and not isinstance(after, Bad) and after[1] is None

    def observed(self, state):
        live, rec = state
        return (("live", self.vec(live)),) + ((("recovered", self.vec(rec)),) if rec else ())


class AtomicSnapshot(Monitor):
    """Every recovered vector equals the live vector of one instant since the previous recovery.

    State: (live L, the set H of live vectors seen since the last recovery, recovered R or None).
    A recovery runs from a crash to the last domain's restore; a domain restored
    early that advances meanwhile starts the next interval from where it got to.
    """

    roles_needed = ("advance", "crash", "restore")

    def initial(self):
        live = (0,) * self.k
        return (live, frozenset({live}), None)

    def step(self, state, role, fields):
        live, seen, rec = state
        if role == "advance" and (d := self.dom(fields[0])) is not None:
            if rec is not None and rec[d] is None:   # live state lost in the crash, not yet restored
                return state
            live = _set(live, d, self.ep(fields[1]))
            return (live, seen if rec is not None else seen | {live}, rec)
        if role == "crash":
            return (live, seen, (None,) * self.k)
        if role == "restore" and (d := self.dom(fields[0])) is not None:
            rec = _set(rec or (None,) * self.k, d, self.ep(fields[1]))
            live = _set(live, d, rec[d])
            if None in rec:
                return (live, seen, rec)
            if rec not in seen:
                instants = ", ".join(self.vec(v) for v in sorted(seen))
                return Bad("no atomic snapshot: the recovered vector is not the live vector of any instant "
                           "since the previous recovery",
                           (("recovered", self.vec(rec)), ("live vectors of the instants compared", instants)))
            return (live, frozenset({live}), None)
        return state

    def judged(self, before, after):
        return before[2] is not None and not isinstance(after, Bad) and after[2] is None

    def observed(self, state):
        live, _, rec = state
        return (("live", self.vec(live)),) + ((("recovered", self.vec(rec)),) if rec else ())


class ConsistentRecovery(Monitor):
    """The recovered vector is a consistent cut: left-closed under program order and send -> recv.

    Each domain d keeps K[d], the latest epoch of every domain it causally knows
    of; entered[d][e] is K[d] when d first entered epoch e in the current
    interval. R is consistent iff every d entered R[d] knowing of no domain i
    beyond R[i] (exact while at most one message with the same sender,
    receiver and payload is in flight). During a recovery, `entered` of the
    interval being judged is kept apart from `nxt`, the next interval's.
    """

    roles_needed = ("advance", "crash", "restore")

    def initial(self):
        know = tuple((0,) * self.k for _ in range(self.k))
        return (know, tuple(((0, know[d]),) for d in range(self.k)), (), None, None)

    def step(self, state, role, fields):
        know, entered, msgs, rec, nxt = state
        if role == "advance" and (d := self.dom(fields[0])) is not None:
            if rec is not None and rec[d] is None:
                return state
            e = self.ep(fields[1])
            know = _set(know, d, _set(know[d], d, e))
            if rec is None:
                entered = _enter(entered, d, e, know[d])
            else:
                nxt = _enter(nxt, d, e, know[d])
            return (know, entered, msgs, rec, nxt)
        if role == "send" and (i := self.dom(fields[0])) is not None:
            return (know, entered, _record(msgs, tuple(fields), know[i]), rec, nxt)
        if role == "recv" and (j := self.dom(fields[1])) is not None:
            carried = dict(msgs).get(tuple(fields))
            if carried is not None:
                merged = tuple(max(a, b) for a, b in zip(know[j], carried))
                know = _set(know, j, _set(merged, j, know[j][j]))
            return (know, entered, msgs, rec, nxt)
        if role == "crash":
            return (know, entered, (), (None,) * self.k, ((),) * self.k)
        if role == "restore" and (d := self.dom(fields[0])) is not None:
            e = self.ep(fields[1])
            rec = _set(rec or (None,) * self.k, d, e)
            know = _set(know, d, _set((0,) * self.k, d, e))   # a restored domain knows only itself
            nxt = _set(nxt or ((),) * self.k, d, ((e, know[d]),))
            if None in rec:
                return (know, entered, msgs, rec, nxt)
            bad = self._judge(entered, rec)
            return bad if bad is not None else (know, nxt, msgs, None, None)
        return state

    def _judge(self, entered, rec) -> Bad | None:
        doms, eps = self.roles.domains, self.roles.epochs
        for d in range(self.k):
            at = dict(entered[d]).get(rec[d])
            if at is None:
                return Bad(f"no consistent cut: domain {show(doms[d])} was never at the recovered epoch "
                           f"{show(eps[rec[d]])} since the previous recovery", (("recovered", self.vec(rec)),))
            for i in range(self.k):
                if at[i] > rec[i]:
                    return Bad(f"no consistent cut: when domain {show(doms[d])} reached epoch {show(eps[rec[d]])} "
                               f"it had already heard (through messages) that domain {show(doms[i])} was at epoch "
                               f"{show(eps[at[i]])}, later than the recovered {show(eps[rec[i]])}",
                               (("recovered", self.vec(rec)), (f"known to {show(doms[d])}", self.vec(at))))
        return None

    def judged(self, before, after):
        return before[3] is not None and not isinstance(after, Bad) and after[3] is None

    def observed(self, state):
        know, _, _, rec, _ = state
        live = tuple(know[d][d] for d in range(self.k))
        return (("live", self.vec(live)),) + ((("recovered", self.vec(rec)),) if rec else ())


def _enter(entered: tuple, d: int, e: int, know: tuple) -> tuple:
    """Record the knowledge of d when it first enters epoch e in this interval."""
    return entered if e in dict(entered[d]) else _set(entered, d, entered[d] + ((e, know),))


class Agreement(Monitor):
    """No two decide events with different values. State: the first (node, value) or None."""

    roles_needed = ("decide",)

    def initial(self):
        return None

    def step(self, state, role, fields):
        if role != "decide":
            return state
        node, value = fields[0], fields[1]
        if state is None:
            return (node, value)
        if state[1] != value:
            return Bad("disagreement: two nodes decided different values",
                       (("first", f"{show(state[0])} decided {show(state[1])}"),
                        ("then", f"{show(node)} decided {show(value)}")))
        return state

    def observed(self, state):
        return (("decided", f"{show(state[0])}={show(state[1])}"),) if state else ()


class NeverMixed(Monitor):
    """No message crosses between nodes at different versions (decide.i.v switches node i to v)."""

    roles_needed = ("decide", "send", "recv")

    def initial(self):
        return ((0,) * self.k, ())

    def step(self, state, role, fields):
        versions, msgs = state
        if role == "decide" and (i := self.dom(fields[0])) is not None:
            return (_set(versions, i, self.ep(fields[1])), msgs)
        if role == "send" and (i := self.dom(fields[0])) is not None:
            return (versions, _record(msgs, tuple(fields), versions[i]))
        if role == "recv" and (i := self.dom(fields[0])) is not None and (j := self.dom(fields[1])) is not None:
            sent = dict(msgs).get(tuple(fields), versions[i])
            if sent != versions[j]:
                v = self.roles.epochs
                return Bad("mixed versions interacted: a message crossed between nodes running different versions",
                           (("sender", f"{show(fields[0])} at version {show(v[sent])}"),
                            ("receiver", f"{show(fields[1])} at version {show(v[versions[j]])}"),
                            ("message", ".".join(show(f) for f in fields[2:]) or "-")))
        return state

    def observed(self, state):
        return (("versions", self.vec(state[0])),)
