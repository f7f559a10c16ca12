"""Roscoe's operational semantics of CSP over process terms: term -> [(event id, term)].

Departures from FDR, all documented in docs/semantics.md: ✓ of a parallel
composition synchronises every side (FDR lets each side do τ to Ω first; the
traces and the stable failures are the same).
"""
from __future__ import annotations

from ..syntax import ast
from . import process as P
from .evaluate import EvalError, Evaluator, _hide, external_choice
from .events import TAU, TICK
from .values import REST, Dot, show


class Semantics:
    """Transitions of terms, memoised; the only place that knows the operators' rules."""

    def __init__(self, evaluator: Evaluator):
        self.ev = evaluator
        self._memo: dict[P.Term, list[tuple[int, P.Term]]] = {}

    def transitions(self, t: P.Term) -> list[tuple[int, P.Term]]:
        out = self._memo.get(t)
        if out is None:
            out = self._memo[t] = self._transitions(t)
        return out

    def _transitions(self, t: P.Term) -> list[tuple[int, P.Term]]:
        tr = self.transitions
        match t:
            case P.Stop() | P.Omega():
                return []
            case P.Skip():
                return [(TICK, P.OMEGA)]
            case P.Div():
                return [(TAU, P.DIV)]
            case P.PrefixT():
                return self.prefix(t)
            case P.Delayed():   # a process passed as an argument, started when it is first run
                return self.transitions(self.ev.force(t))
            case P.ExtChoice(items=items):
                out = []
                for i, item in enumerate(items):
                    for e, s in tr(item):
                        if e == TAU:
                            out.append((TAU, external_choice(list(items[:i]) + [s] + list(items[i + 1:]))))
                        else:
                            out.append((e, s))
                return out
            case P.IntChoice(items=items):
                return [(TAU, item) for item in items]
            case P.SeqComp(left=l, right=r):
                return [(TAU, self.ev.force(r)) if e == TICK else (e, P.SeqComp(s, r)) for e, s in tr(l)]
            case P.Par():
                return self.parallel(t)
            case P.Hide(process=p, hidden=h):
                return [(TICK, P.OMEGA) if e == TICK else (TAU if e in h else e, _hide(s, h)) for e, s in tr(p)]
            case P.Rename(process=p, mapping=m):
                images = self._images(m)
                out = []
                for e, s in tr(p):
                    if e == TICK:
                        out.append((TICK, P.OMEGA))
                        continue
                    for e2 in images.get(e, (e,)):
                        out.append((e2, P.Rename(s, m)))
                return out
            case P.Interrupt(left=l, right=r):
                out = [(TICK, P.OMEGA) if e == TICK else (e, P.Interrupt(s, r)) for e, s in tr(l)]
                out += [(TAU, P.Interrupt(l, s)) if e == TAU else (e, s) for e, s in tr(r)]
                return out
            case P.Timeout(left=l, right=r):
                out = [(TAU, P.Timeout(s, r)) if e == TAU else (e, s) for e, s in tr(l)]
                return out + [(TAU, r)]
            case P.Run(events=a):
                return [(e, t) for e in sorted(a)]
            case P.Chaos(events=a):
                return [(TAU, P.STOP), (TAU, P.ChaosOffer(a))]
            case P.ChaosOffer(events=a):
                return [(e, P.Chaos(a)) for e in sorted(a)]
        raise EvalError(f"no semantics for {type(t).__name__}")

    def _images(self, mapping: tuple) -> dict[int, tuple[int, ...]]:
        out: dict[int, list[int]] = {}
        for old, new in mapping:
            out.setdefault(old, []).append(new)
        return {k: tuple(v) for k, v in out.items()}

    def parallel(self, t: P.Par) -> list[tuple[int, P.Term]]:
        left, right = self.transitions(t.left), self.transitions(t.right)
        la, ra, sync = t.left_alpha, t.right_alpha, t.sync

        def rebuild(l, r):
            return P.Par(l, r, sync, la, ra)

        out = []
        for e, s in left:
            if e == TAU:
                out.append((TAU, rebuild(s, t.right)))
            elif e != TICK and e not in sync and (la is None or e in la):
                out.append((e, rebuild(s, t.right)))
        for e, s in right:
            if e == TAU:
                out.append((TAU, rebuild(t.left, s)))
            elif e != TICK and e not in sync and (ra is None or e in ra):
                out.append((e, rebuild(t.left, s)))
        by_event: dict[int, list[P.Term]] = {}
        for e, s in right:
            if e == TICK or e in sync:
                by_event.setdefault(e, []).append(s)
        for e, s in left:
            if e == TICK or e in sync:
                for s2 in by_event.get(e, ()):
                    out.append((TICK, P.OMEGA) if e == TICK else (e, rebuild(s, s2)))
        return list(dict.fromkeys(out))

    # ----- prefixes: enumerate the events a prefix offers --------------------------------
    def prefix(self, t: P.PrefixT) -> list[tuple[int, P.Term]]:
        node: ast.Prefix = t.code.node
        env = dict(t.env)
        base = self.ev.eval(node.base, env)
        out = []
        for event, bound in self._fields(base, node.fields, env, node):
            if not isinstance(event, Dot) or event.head not in self.ev.channels or not event.complete:
                raise EvalError(f"{show(event)} is not a complete event "
                                "(a field is missing, or this is not a channel)", node.base.span)
            body = self.ev.proc(node.body, bound)
            out.append((self.ev.event_id(event, node.base.span), body))
        return out

    def _fields(self, value, fields, env, node):
        if not fields:
            yield value, env
            return
        f, rest = fields[0], fields[1:]
        if isinstance(f, ast.Output):  # `c!x.y` is `c.x.y`: each dotted part is one more field
            v = value
            for part in (f.value.parts if isinstance(f.value, ast.Dotted) else (f.value,)):
                v = self.ev.dot(v, self.ev.eval(part, env), part.span)
            yield from self._fields(v, rest, env, node)
            return
        if not isinstance(value, Dot):
            raise EvalError(f"input after {show(value)}, which is not a channel", f.span)
        parts = self._input_parts(f.pattern)
        yield from self._inputs(value, parts, f, rest, env, node)

    def _input_parts(self, pattern):
        """`?x.y` reads two fields; `?Data.y` reads one field of a datatype."""
        if isinstance(pattern, ast.PDotted):
            head = pattern.parts[0]
            if not (isinstance(head, ast.PVar) and (head.name in self.ev.ctors or head.name in self.ev.channels)):
                return list(pattern.parts)
        return [pattern]

    def _inputs(self, value, parts, f, rest, env, node):
        if not parts:
            yield from self._fields(value, rest, env, node)
            return
        p = parts[0]
        binds_all = isinstance(p, ast.PWild) or (isinstance(p, ast.PVar) and p.name not in self.ev.ctors
                                                 and p.name not in self.ev.channels)
        if not rest and len(parts) == 1 and f.restriction is None and binds_all:
            left = value.arity - len(value.fields)
            if left > 1 and not (value.fields and isinstance(value.fields[-1], Dot) and not value.fields[-1].complete):
                # the last `?x` of a prefix takes every remaining field, as FDR does: x = a.b
                for full in self.ev.completions(value):
                    tail = full.fields[len(value.fields):]
                    bound = self.ev.match(parts[0], Dot(REST, tail, len(tail)), env)
                    yield from self._fields(full, rest, bound, node)
                return
        try:
            candidates = self.ev.next_field_values(value)
        except (IndexError, KeyError):
            raise EvalError(f"{show(value)} has no field left for this input", f.span) from None
        if f.restriction is not None:
            allowed = self.ev.eval(f.restriction, env)
            candidates = [c for c in candidates if c in allowed]
        for c in candidates:
            bound = self.ev.match(parts[0], c, env)
            if bound is not None:
                yield from self._inputs(value.extend(c), parts[1:], f, rest, bound, node)

