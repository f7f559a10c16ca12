"""The FITO roles: which channel plays advance, persist, crash, restore, send, recv, decide.

`observe { advance = step, ... }` maps roles onto ordinary channels; this
module turns that into a classifier from event ids to (role, fields), plus
the domains and epochs the monitors range over.
"""
from __future__ import annotations

from dataclasses import dataclass

from ..semantics.evaluate import EvalError, Evaluator
from ..semantics.values import Dot, show, sort_key, sorted_values
from ..syntax import ast

ROLE_ARITY = {"advance": 2, "persist": 2, "restore": 2, "decide": 2, "send": 2, "recv": 2, "crash": 0}


@dataclass
class Roles:
    channel_roles: dict[str, tuple[str, ...]]   # channel name -> the roles it plays
    domains: tuple                   # sorted domain values
    epochs: tuple                    # sorted epoch values; the first is every domain's initial epoch
    evaluator: Evaluator
    _cache: dict

    def classify(self, eid: int) -> tuple[tuple[str, tuple], ...]:
        """(role, fields) for each role the event plays (none for most events)."""
        if eid not in self._cache:
            value = self.evaluator.events.values[eid]
            roles = self.channel_roles.get(value.head, ()) if isinstance(value, Dot) else ()
            self._cache[eid] = tuple((r, value.fields) for r in roles)
        return self._cache[eid]

    def vector(self, values) -> str:
        """An epoch vector as users read it: (dom0=1, dom1=0)."""
        return "(" + ", ".join(f"{show(d)}={show(v) if v is not None else '?'}"
                               for d, v in zip(self.domains, values)) + ")"


def roles_of(ev: Evaluator, needed: tuple[str, ...], span) -> Roles:
    """Read `observe` and `domains`; every role in `needed` must be bound."""
    binding: dict[str, str] = {}
    domains_expr = None
    for d in ev.program.decls:
        if isinstance(d, ast.Observe):
            for b in d.bindings:
                binding[b.role] = b.channel
        elif isinstance(d, ast.Domains):
            domains_expr = d.value
    missing = [r for r in needed if r not in binding]
    if missing:
        raise EvalError(f"this property needs the role(s) {', '.join(missing)}: declare them in "
                        f"`observe {{ {missing[0]} = <channel> }}`", span)
    for role, channel in binding.items():
        if channel not in ev.channels:
            raise EvalError(f"role {role} is bound to {channel!r}, which is not a channel", span)
        arity = len(ev.channels[channel])
        if arity < ROLE_ARITY.get(role, 0):
            raise EvalError(f"role {role} needs a channel with at least {ROLE_ARITY[role]} fields "
                            f"({channel} has {arity})", span)
    key = binding.get("advance") or binding.get("decide") or binding.get("restore")
    if domains_expr is not None:
        domains = tuple(ev.enumerate(ev.eval(domains_expr, {}), domains_expr.span))
    elif key is not None:
        domains = ev.field_set(key, 0)
    else:
        domains = ()
    epochs = ev.field_set(key, 1) if key is not None and len(ev.channels[key]) >= 2 else ()
    channel_roles: dict[str, tuple[str, ...]] = {}
    for role, channel in binding.items():
        channel_roles[channel] = channel_roles.get(channel, ()) + (role,)
    return Roles(channel_roles, tuple(sorted_values(domains)), _declaration_order(ev, epochs), ev, {})


def _declaration_order(ev: Evaluator, values) -> tuple:
    """Epochs of a datatype (`Old | New`) are ordered as declared, not by name."""
    ctors = list(ev.ctors)
    return tuple(sorted(values, key=lambda v: (ctors.index(v.head), sort_key(v)) if isinstance(v, Dot)
                        and v.head in ev.ctors else (-1, sort_key(v))))
