"""The expression evaluator: values for value expressions, terms for processes.

One Evaluator per program. Local bindings live in a dict `env`; global names
are looked up in the program's declarations and memoised. Everything it
returns is hashable, so process terms can be states of an LTS.
"""
from __future__ import annotations

import itertools
import sys
from dataclasses import dataclass
from functools import reduce

from ..diagnostics import Diagnostic
from ..source import Span
from ..syntax import ast
from ..syntax.loader import Program
from . import process as P
from .events import EventTable
from .freevars import free_vars
from .types import BUILTINS, COMPRESSIONS
from .values import Dot, Seq, show, sort_key, sorted_values

# Nesting of evaluation (AST depth plus function-call depth) before "recursed too deeply".
# One level costs about four Python frames; the interpreter's limit is raised to
# fit (but kept low enough that C-level recursion, e.g. hashing deep terms,
# stays well inside an 8 MiB stack).
MAX_CALL_DEPTH = 2000
RECURSION_LIMIT = 12_000


class EvalError(Exception):
    def __init__(self, message: str, span: Span | None = None):
        super().__init__(message)
        self.message, self.span = message, span

    def diagnostic(self) -> Diagnostic:
        return Diagnostic("FITO211", self.message, self.span)


@dataclass(frozen=True)
class Infinite:
    """An infinite set (Int, {n..}): membership works, enumeration is an error."""

    name: str
    lo: int | None = None

    def __contains__(self, v) -> bool:
        return isinstance(v, int) and not isinstance(v, bool) and (self.lo is None or v >= self.lo)


@dataclass(frozen=True)
class Builtin:
    name: str


@dataclass(frozen=True)
class GlobalFun:
    name: str


@dataclass(frozen=True)
class LambdaValue:
    code: P.Code
    env: tuple


@dataclass(frozen=True)
class LetRef:
    """A name bound by `let`: re-entered through its let node, so recursion stays finite."""

    code: P.Code  # the Let node
    env: tuple    # the environment outside the let
    name: str


BUILTIN_NAMES = {
    "union", "inter", "diff", "Union", "Inter", "member", "card", "empty", "set", "Set", "seq", "Seq",
    "head", "tail", "length", "null", "elem", "concat", "CHAOS", "RUN", "productions", "extensions",
    "mapFromList", "error",
}


class Evaluator:
    def __init__(self, program: Program):
        self.program = program
        self.events = EventTable()
        self.channels: dict[str, tuple[ast.Expr, ...]] = {}
        self.ctors: dict[str, tuple[ast.Expr, ...]] = {}
        self.datatypes: dict[str, tuple[str, ...]] = {}
        self.nametypes: dict[str, ast.Expr] = {}
        self.defs: dict[str, list[ast.Definition]] = {}
        for d in program.decls:
            if isinstance(d, ast.Channel):
                fields = () if d.type is None else (d.type.parts if isinstance(d.type, ast.Dotted) else (d.type,))
                for n in d.names:
                    self.channels[n] = fields
            elif isinstance(d, ast.Datatype):
                self.datatypes[d.name] = tuple(c.name for c in d.constructors)
                for c in d.constructors:
                    self.ctors[c.name] = c.fields
            elif isinstance(d, ast.Nametype):
                self.nametypes[d.name] = d.value
            elif isinstance(d, ast.Definition):
                self.defs.setdefault(d.name, []).append(d)
        self._globals: dict[str, object] = {}
        self._is_process: dict[str, bool] = {}
        self._in_progress: set[str] = set()
        self._field_sets: dict[tuple[str, int], tuple] = {}
        self._field_types: dict[tuple[str, int], object] = {}
        self._valid_events: set[int] = set()
        self._let_cache: dict[LetRef, object] = {}
        self._depth = 0
        if sys.getrecursionlimit() < RECURSION_LIMIT:
            sys.setrecursionlimit(RECURSION_LIMIT)

    # ----- names ---------------------------------------------------------------------
    def lookup(self, name: str, env: dict, span: Span | None):
        if name in env:
            v = env[name]
            return self._force_let(v) if isinstance(v, LetRef) else v
        return self.global_value(name, span)

    def global_value(self, name: str, span: Span | None = None):
        if name in self._globals:
            return self._globals[name]
        if name in self.channels:
            return Dot(name, (), len(self.channels[name]))
        if name in self.ctors:
            return Dot(name, (), len(self.ctors[name]))
        if name in self.datatypes:
            v = frozenset(itertools.chain.from_iterable(self.completions(Dot(c, (), len(self.ctors[c])))
                                                         for c in self.datatypes[name]))
        elif name in self.nametypes:
            v = self._guarded_global(name, lambda: self.type_value(self.nametypes[name], {}), span)
        elif name in self.defs:
            clauses = self.defs[name]
            if clauses[0].params is None:
                v = self._guarded_global(name, lambda: self.eval(clauses[0].body, {}), span)
            else:
                v = GlobalFun(name)
        else:
            v = self._builtin_constant(name, span)
        self._globals[name] = v
        return v

    def _guarded_global(self, name, thunk, span, key=None):
        key = name if key is None else key
        if key in self._in_progress:
            raise EvalError(f"{name} is defined in terms of itself with no event in between "
                            "(unguarded recursion)", span)
        self._in_progress.add(key)
        try:
            return thunk()
        finally:
            self._in_progress.discard(key)

    def _builtin_constant(self, name: str, span):
        match name:
            case "STOP":
                return P.STOP
            case "SKIP":
                return P.SKIP
            case "DIV":
                return P.DIV
            case "true":
                return True
            case "false":
                return False
            case "Bool":
                return frozenset({False, True})
            case "Int":
                return Infinite("Int")
            case "Events":
                return self.all_events()
        if name in BUILTIN_NAMES or name in COMPRESSIONS:
            return Builtin(name)
        if name in BUILTINS:
            raise EvalError(f"{name} is an FDR built-in that fito does not support", span)
        raise EvalError(f"undefined name {name!r}", span)

    def _force_let(self, ref: LetRef):
        if ref in self._let_cache:
            return self._let_cache[ref]
        let: ast.Let = ref.code.node
        env = self._let_env(let, dict(ref.env))
        clauses = [d for d in let.decls if isinstance(d, ast.Definition) and d.name == ref.name]
        if clauses and clauses[0].params is not None:
            v = LambdaValue(P.Code(clauses), tuple(sorted(env.items(), key=lambda kv: kv[0])))
        elif clauses:
            v = self._guarded_global(ref.name, lambda: self.eval(clauses[0].body, env), clauses[0].span,
                                     key=("let", ref))
        else:
            raise EvalError(f"undefined name {ref.name!r}", let.span)
        self._let_cache[ref] = v
        return v

    def _let_env(self, let: ast.Let, outer: dict) -> dict:
        env = dict(outer)
        frozen_outer = _restrict(outer, free_vars(let))
        for d in let.decls:
            if isinstance(d, ast.Definition):
                env[d.name] = LetRef(P.Code(let), frozen_outer, d.name)
        return env

    # ----- sets of field values and events ------------------------------------------------
    def field_set(self, head: str, index: int) -> tuple:
        key = (head, index)
        if key not in self._field_sets:
            exprs = self.channels.get(head) if head in self.channels else self.ctors[head]
            self._field_sets[key] = tuple(self.enumerate(self.field_type(head, index), exprs[index].span))
        return self._field_sets[key]

    def type_value(self, e: ast.Expr, env: dict):
        """A type expression's set of values: as `eval`, except that a tuple of sets such as
        `({0..1}, Bool)` is the set of tuples (their product), as in CSPm type positions."""
        if isinstance(e, ast.TupleExpr):
            parts = [self.enumerate(self.type_value(i, env), i.span) for i in e.items]
            return frozenset(itertools.product(*parts))
        return self.eval(e, env)

    def next_field_values(self, partial: Dot) -> tuple:
        if partial.fields and isinstance(partial.fields[-1], Dot) and not partial.fields[-1].complete:
            return self.next_field_values(partial.fields[-1])
        return self.field_set(partial.head, len(partial.fields))

    def completions(self, partial: Dot) -> list[Dot]:
        """Every complete value extending `partial` (c -> c.0, c.1, ...)."""
        if partial.complete:
            return [partial]
        out = []
        for v in self.next_field_values(partial):
            out.extend(self.completions(partial.extend(v)))
        return out

    def all_events(self) -> frozenset:
        return frozenset(itertools.chain.from_iterable(
            self.completions(Dot(c, (), len(f))) for c, f in self.channels.items()))

    def event_ids(self, events, span=None) -> frozenset:
        """A set of events (values) as a frozenset of interned ids."""
        return frozenset(self.event_id(e, span) for e in self.enumerate(events, span))

    def event_id(self, e, span=None, what: str = "is not an event") -> int:
        """Intern a complete event after checking each field is in its channel's declared type
        (FDR refuses `c.5` when `channel c : {0..2}`; so does fito)."""
        eid = self.events.id_of(e) if isinstance(e, Dot) else None
        if eid is not None and eid in self._valid_events:
            return eid
        if not isinstance(e, Dot) or e.head not in self.channels or not e.complete:
            raise EvalError(f"{show(e)} {what}", span)
        for i, f in enumerate(e.fields):
            allowed = self.field_type(e.head, i)
            if f not in allowed:
                raise EvalError(f"{show(e)} is not an event of channel {e.head}: field {i + 1} is {show(f)}, "
                                f"which is not in the channel's type {_show_set(allowed)}", span)
        eid = self.events.intern(e)
        self._valid_events.add(eid)
        return eid

    def field_type(self, head: str, index: int):
        """The declared set of values of one field of a channel or constructor (maybe infinite)."""
        key = (head, index)
        if key not in self._field_types:
            exprs = self.channels.get(head) if head in self.channels else self.ctors[head]
            self._field_types[key] = self.type_value(exprs[index], {})
        return self._field_types[key]

    def enumerate(self, s, span=None) -> list:
        if isinstance(s, Infinite):
            raise EvalError(f"cannot enumerate the infinite set {s.name}: the model checker needs a finite set here",
                            span)
        if isinstance(s, frozenset):
            return sorted_values(s)
        if isinstance(s, Seq):
            raise EvalError("a sequence is used where a set is needed", span)
        raise EvalError(f"{show(s)} is not a set", span)

    # ----- expressions --------------------------------------------------------------
    def eval(self, e: ast.Expr, env: dict):
        self._depth += 1
        try:
            if self._depth > MAX_CALL_DEPTH:
                raise EvalError("evaluation recursed too deeply (a function or process that never reaches "
                                "an event?)", e.span)
            return self._eval(e, env)
        except RecursionError:
            if self._depth > 1:
                raise
            raise EvalError("evaluation recursed too deeply (a function or process that never reaches "
                            "an event?)", e.span) from None
        finally:
            self._depth -= 1

    def _eval(self, e, env):
        match e:
            case ast.IntLit(value=v) | ast.BoolLit(value=v) | ast.StringLit(value=v):
                return v
            case ast.Var(name=n):
                return self.lookup(n, env, e.span)
            case ast.TupleExpr(items=items):
                return tuple(self.eval(i, env) for i in items)
            case ast.SetLit(items=items):
                return frozenset(self.eval(i, env) for i in items)
            case ast.SetRange(lo=lo, hi=None):
                return Infinite(f"{{{self.int(lo, env)}..}}", self.int(lo, env))
            case ast.SetRange(lo=lo, hi=hi):
                return frozenset(range(self.int(lo, env), self.int(hi, env) + 1))
            case ast.SetComp(elements=els, qualifiers=qs):
                return frozenset(self.eval(el, b) for b in self.qualify(qs, env) for el in els)
            case ast.EventsOf(items=items):
                return frozenset(self._closure(items, env))
            case ast.EventsComp(elements=els, qualifiers=qs):
                return frozenset(x for b in self.qualify(qs, env) for x in self._closure(els, b))
            case ast.SeqLit(items=items):
                return Seq(tuple(self.eval(i, env) for i in items))
            case ast.SeqRange(lo=lo, hi=hi):
                return Seq(tuple(range(self.int(lo, env), self.int(hi, env) + 1)))
            case ast.SeqComp(elements=els, qualifiers=qs):
                return Seq(tuple(self.eval(el, b) for b in self.qualify(qs, env) for el in els))
            case ast.BinOp(op=op, left=l, right=r):
                return self.binop(op, l, r, env, e.span)
            case ast.UnOp(op="-", operand=x):
                return -self.int(x, env)
            case ast.UnOp(op="not", operand=x):
                return not self.bool(x, env)
            case ast.UnOp(op="#", operand=x):
                return len(self.seq(x, env))
            case ast.Dotted(parts=parts):
                v = self.eval(parts[0], env)
                for p in parts[1:]:
                    v = self.dot(v, self.eval(p, env), p.span)
                return v
            case ast.Apply(function=f, args=args):
                return self.call(self.eval(f, env), [self.argument(a, env) for a in args], e.span)
            case ast.If(condition=c, then=t, orelse=o):
                return self.eval(t if self.bool(c, env) else o, env)
            case ast.Let(body=body):
                return self.eval(body, self._let_env(e, env))
            case ast.Lambda():
                return LambdaValue(P.Code(e), _restrict(env, free_vars(e)))
            case ast.Prefix():
                return P.PrefixT(P.Code(e), _restrict(env, free_vars(e)))
            case ast.Guard(condition=c, body=b):
                return self.proc(b, env) if self.bool(c, env) else P.STOP
            case ast.ProcOp(op=op, left=l, right=r):
                return self.procop(op, l, r, env)
            case ast.GenParallel(left=l, sync=s, right=r):
                return P.Par(self.proc(l, env), self.proc(r, env), self.event_ids(self.eval(s, env), s.span))
            case ast.AlphaParallel(left=l, left_alpha=a, right_alpha=b, right=r):
                la = self.event_ids(self.eval(a, env), a.span)
                ra = self.event_ids(self.eval(b, env), b.span)
                return P.Par(self.proc(l, env), self.proc(r, env), la & ra, la, ra)
            case ast.LinkParallel(left=l, links=links, right=r):
                return self.link_parallel(l, links, r, env)
            case ast.Hide(process=p, hidden=h):
                return _hide(self.proc(p, env), self.event_ids(self.eval(h, env), h.span))
            case ast.Rename():
                return self.rename(e, env)
            case ast.Replicated():
                return self.replicated(e, env)
        raise EvalError(f"cannot evaluate {type(e).__name__}", e.span)

    def qualify(self, qualifiers, env: dict):
        """Environments produced by generators (or replicated binders) and filters, left to right,
        in value order."""
        envs = [env]
        for q in qualifiers:
            nxt = []
            for b in envs:
                if isinstance(q, ast.Filter):
                    if self.bool(q.condition, b):
                        nxt.append(b)
                    continue
                src = self.eval(q.source, b)
                items = src.items if isinstance(src, Seq) else self.enumerate(src, q.source.span)
                for v in items:
                    m = self.match(q.pattern, v, b)
                    if m is not None:
                        nxt.append(m)
            envs = nxt
        return envs

    def binop(self, op, l, r, env, span):
        if op == "and":
            return self.bool(l, env) and self.bool(r, env)
        if op == "or":
            return self.bool(l, env) or self.bool(r, env)
        a, b = self.eval(l, env), self.eval(r, env)
        if op == "==":
            return a == b and type(a) is type(b)
        if op == "!=":
            return not (a == b and type(a) is type(b))
        if op == "^":
            if not isinstance(a, Seq) or not isinstance(b, Seq):
                raise EvalError("^ concatenates sequences", span)
            return Seq(a.items + b.items)
        if op in ("<", ">", "<=", ">="):
            if isinstance(a, frozenset) and isinstance(b, frozenset):
                return {"<": a < b, ">": a > b, "<=": a <= b, ">=": a >= b}[op]
            if isinstance(a, Seq) and isinstance(b, Seq):  # prefix order, as in CSPm
                pre = a.items == b.items[:len(a.items)]
                post = b.items == a.items[:len(b.items)]
                return {"<": pre and a != b, "<=": pre, ">": post and a != b, ">=": post}[op]
            a, b = _int(a, span), _int(b, span)
            return {"<": a < b, ">": a > b, "<=": a <= b, ">=": a >= b}[op]
        a, b = _int(a, span), _int(b, span)
        if op == "+":
            return a + b
        if op == "-":
            return a - b
        if op == "*":
            return a * b
        if b == 0:
            raise EvalError("division by zero", span)
        q = abs(a) // abs(b) * (1 if (a >= 0) == (b >= 0) else -1)  # truncate toward zero, like Haskell's quot
        return q if op == "/" else a - b * q

    def dot(self, v, x, span):
        if not isinstance(v, Dot):
            raise EvalError(f"cannot put a field .{show(x)} after {show(v)}: it is not a channel or constructor", span)
        try:
            return v.extend(x)
        except ValueError as exc:
            raise EvalError(str(exc), span) from None

    def argument(self, a: ast.Expr, env: dict):
        """Arguments are evaluated eagerly, except calls of process definitions: those are passed
        unstarted, as FDR's lazy evaluation does, so `Q = T(Q)` and `P(n) = T(P(n))` are fine."""
        head = a.function if isinstance(a, ast.Apply) else a
        if isinstance(head, ast.Var) and head.name not in env and self.defines_process(head.name):
            # a function passed by name stays a function; a call or a constant is a process
            if isinstance(a, ast.Apply) or self.defs[head.name][0].params is None:
                return P.Delayed(P.Code(a), _restrict(env, free_vars(a)))
        return self.eval(a, env)

    def defines_process(self, name: str, seen: frozenset = frozenset()) -> bool:
        """Does the user definition `name` produce a process? Decided from its syntax, memoised."""
        if name not in self._is_process:
            clauses = self.defs.get(name)
            self._is_process[name] = bool(clauses) and name not in seen and all(
                self._process_syntax(c.body, seen | {name}) for c in clauses)
        return self._is_process[name]

    def _process_syntax(self, e, seen) -> bool:
        match e:
            case ast.Prefix() | ast.Guard() | ast.ProcOp() | ast.GenParallel() | ast.AlphaParallel() | \
                 ast.LinkParallel() | ast.Hide() | ast.Rename() | ast.Replicated():
                return True
            case ast.Var(name=n):
                return n in ("STOP", "SKIP", "DIV") or (n in self.defs and n not in seen
                                                        and self.defines_process(n, seen))
            case ast.Apply(function=ast.Var(name=n)):
                return n in ("CHAOS", "RUN") or (n in self.defs and n not in seen and self.defines_process(n, seen))
            case ast.If(then=t, orelse=o):
                return self._process_syntax(t, seen) or self._process_syntax(o, seen)
            case ast.Let(body=b):
                return self._process_syntax(b, seen)
        return False

    def int(self, e, env) -> int:
        return _int(self.eval(e, env), e.span)

    def bool(self, e, env) -> bool:
        v = self.eval(e, env)
        if not isinstance(v, bool):
            raise EvalError(f"expected a boolean, got {show(v)}", e.span)
        return v

    def seq(self, e, env) -> tuple:
        v = self.eval(e, env)
        if not isinstance(v, Seq):
            raise EvalError(f"expected a sequence, got {show(v)}", e.span)
        return v.items

    def proc(self, e, env) -> P.Term:
        v = self.eval(e, env)
        if not isinstance(v, P.Term):
            raise EvalError(f"expected a process, got {show(v)}", e.span)
        return v

    # ----- functions -------------------------------------------------------------------
    def call(self, f, args: list, span):
        if isinstance(f, Builtin):
            return self.builtin(f.name, args, span)
        if isinstance(f, GlobalFun):
            return self.apply_clauses(f.name, self.defs[f.name], args, {}, span)
        if isinstance(f, LambdaValue):
            node = f.code.node
            env = dict(f.env)
            if isinstance(node, list):  # clauses of a let-bound function
                return self.apply_clauses(node[0].name, node, args, env, span)
            if len(node.params) != len(args):
                raise EvalError(f"this function takes {len(node.params)} arguments, not {len(args)}", span)
            for p, a in zip(node.params, args):
                env = self.match(p, a, env)
                if env is None:
                    raise EvalError(f"argument {show(a)} does not match the lambda's pattern", span)
            return self.eval(node.body, env)
        raise EvalError(f"{show(f)} is not a function", span)

    def apply_clauses(self, name, clauses, args, env, span):
        for c in clauses:
            if len(c.params) != len(args):
                raise EvalError(f"{name} takes {len(c.params)} arguments, not {len(args)}", span)
            bound = dict(env)
            for p, a in zip(c.params, args):
                bound = self.match(p, a, bound)
                if bound is None:
                    break
            if bound is not None:
                return self.eval(c.body, bound)
        raise EvalError(f"no clause of {name} matches the arguments ({', '.join(show(a) for a in args)})", span)

    def builtin(self, name, args, span):
        def arity(n):
            if len(args) != n:
                raise EvalError(f"{name} takes {n} argument{'s' if n != 1 else ''}, not {len(args)}", span)
            return args

        def one():
            return arity(1)[0]

        def a_set(v, what="a set"):
            if isinstance(v, Infinite):
                return v
            if not isinstance(v, frozenset):
                raise EvalError(f"{name} needs {what}, not {show(v)}", span)
            return v

        def finite_sets():
            return [self._finite_set(a_set(v), name, span) for v in arity(2)]

        def a_seq(v):
            if not isinstance(v, Seq):
                raise EvalError(f"{name} needs a sequence, not {show(v)}", span)
            return v

        match name:
            case "union":
                a, b = finite_sets()
                return a | b
            case "inter":
                a, b = finite_sets()
                return a & b
            case "diff":
                a, b = finite_sets()
                return a - b
            case "Union" | "Inter":
                parts = [self._finite_set(a_set(v, "a set of sets"), name, span)
                         for v in self.enumerate(one(), span)]
                if name == "Union":
                    return reduce(frozenset.union, parts, frozenset())
                if not parts:
                    raise EvalError("Inter of the empty set (the intersection of no sets is undefined)", span)
                return reduce(frozenset.intersection, parts)
            case "member":
                x, s = arity(2)
                if isinstance(s, Seq):
                    raise EvalError("member needs a set; use elem for sequences", span)
                return x in a_set(s)
            case "card":
                return len(self.enumerate(one(), span))
            case "empty":
                return len(self.enumerate(one(), span)) == 0
            case "set":
                s = one()
                if not isinstance(s, Seq):
                    raise EvalError("set converts a sequence to a set", span)
                return frozenset(s.items)
            case "Set":
                items = self.enumerate(one(), span)
                return frozenset(frozenset(c) for r in range(len(items) + 1)
                                 for c in itertools.combinations(items, r))
            case "seq":
                return Seq(tuple(self.enumerate(one(), span)))
            case "head" | "tail" | "length" | "null" | "concat":
                s = a_seq(one())
                if name in ("head", "tail") and not s.items:
                    raise EvalError(f"{name} of the empty sequence", span)
                if name == "concat":
                    return Seq(tuple(x for part in s.items for x in a_seq(part).items))
                return {"head": lambda: s.items[0], "tail": lambda: Seq(s.items[1:]),
                        "length": lambda: len(s.items), "null": lambda: not s.items}[name]()
            case "elem":
                x, s = arity(2)
                return x in a_seq(s).items
            case "RUN":
                return P.Run(self.event_ids(one(), span))
            case "CHAOS":
                return P.Chaos(self.event_ids(one(), span))
            case "productions":
                v = one()
                return frozenset(self.completions(v)) if isinstance(v, Dot) else frozenset({v})
            case "extensions":
                v = one()
                if not isinstance(v, Dot):
                    raise EvalError(f"extensions needs a channel or constructor value, not {show(v)}", span)
                out = set()
                for full in self.completions(v):
                    rest = _suffix(v, full)
                    if len(rest) != 1:
                        raise EvalError(f"extensions({show(v)}) would be dotted values of {len(rest)} fields, "
                                        "which fito cannot represent; use productions instead", span)
                    out.add(rest[0])
                return frozenset(out)
            case "error":
                raise EvalError(f"error: {show(one())}", span)
            case _ if name in COMPRESSIONS:  # they keep the semantics: the process itself
                p = one()
                if not isinstance(p, P.Term):
                    raise EvalError(f"{name} needs a process, not {show(p)}", span)
                return self.force(p)
        raise EvalError(f"{name} cannot be called here", span)

    def _finite_set(self, s, name, span) -> frozenset:
        if isinstance(s, Infinite):
            raise EvalError(f"{name} of the infinite set {s.name}: the model checker needs a finite set here",
                            span)
        return s

    # ----- patterns --------------------------------------------------------------------
    def match(self, p: ast.Pattern, v, env: dict) -> dict | None:
        """Bindings extending env if v matches p, else None."""
        match p:
            case ast.PWild():
                return env
            case ast.PVar(name=n):
                if n in self.ctors or n in self.channels:  # a constant constructor is a literal
                    return env if v == self.global_value(n) else None
                out = dict(env)
                out[n] = v
                return out
            case ast.PLit(value=x):
                return env if (v == x and type(v) is type(x)) else None
            case ast.PTuple(items=items):
                if not isinstance(v, tuple) or len(v) != len(items):
                    return None
                for pi, vi in zip(items, v):
                    env = self.match(pi, vi, env)
                    if env is None:
                        return None
                return env
            case ast.PDotted(parts=(ast.PVar(name=head), *rest)):
                if not isinstance(v, Dot) or v.head != head:
                    return None
                env, used = self._match_fields(rest, 0, v, env)
                return env if env is not None and used == len(rest) else None
            case ast.PSeq(items=items):
                if not isinstance(v, Seq) or len(v.items) != len(items):
                    return None
                for pi, vi in zip(items, v.items):
                    env = self.match(pi, vi, env)
                    if env is None:
                        return None
                return env
            case ast.PConcat(left=l, right=r):
                if not isinstance(v, Seq):
                    return None
                n = _fixed_length(l)
                if n is not None:
                    env = self.match(l, Seq(v.items[:n]), env) if n <= len(v.items) else None
                    return None if env is None else self.match(r, Seq(v.items[n:]), env)
                m = _fixed_length(r)
                if m is None or m > len(v.items):
                    return None
                cut = len(v.items) - m
                env = self.match(l, Seq(v.items[:cut]), env)
                return None if env is None else self.match(r, Seq(v.items[cut:]), env)
            case ast.PSet(items=items):
                if not isinstance(v, frozenset) or len(v) != len(items):
                    return None
                if not items:
                    return env
                if len(items) == 1:
                    return self.match(items[0], next(iter(v)), env)
                return None
        return None

    def _match_fields(self, parts, i: int, v: Dot, env: dict):
        """Match v's fields against parts[i:], read as values are built: in `Node.x.Leaf.y` the
        constructor Leaf takes the next parts as its own fields. Returns (env or None, next i)."""
        for field in v.fields:
            if i >= len(parts):
                return None, i
            p = parts[i]
            i += 1
            if isinstance(p, ast.PVar) and self._arity(p.name):
                if not isinstance(field, Dot) or field.head != p.name:
                    return None, i
                env, i = self._match_fields(parts, i, field, env)
            else:
                env = self.match(p, field, env)
            if env is None:
                return None, i
        return env, i

    def _arity(self, name: str) -> int:
        """Fields a constructor or channel takes (0 for anything else)."""
        if name in self.ctors:
            return len(self.ctors[name])
        return len(self.channels.get(name, ()))

    # ----- process operators -------------------------------------------------------------
    def procop(self, op, l, r, env) -> P.Term:
        if op == ";":
            return P.SeqComp(self.proc(l, env), P.Delayed(P.Code(r), _restrict(env, free_vars(r))))
        a, b = self.proc(l, env), self.proc(r, env)
        match op:
            case "[]":
                return external_choice([a, b])
            case "|~|":
                return P.IntChoice((a, b))
            case "|||":
                return P.Par(a, b, frozenset())
            case "/\\":
                return P.Interrupt(a, b)
            case "[>":
                return P.Timeout(a, b)
        raise EvalError(f"unknown operator {op}", l.span)

    def _closure(self, items, env) -> set:
        """`{| a, b.x |}`: every completion of its channels and events."""
        out = set()
        for i in items:
            v = self.eval(i, env)
            if not isinstance(v, Dot):
                raise EvalError(f"{{| |}} needs channels or events, not {show(v)}", i.span)
            out.update(self.completions(v))
        return out

    def force(self, t: P.Term) -> P.Term:
        """Start a delayed process."""
        if isinstance(t, P.Delayed):
            return self.proc(t.code.node, dict(t.env))
        return t

    def rename(self, e: ast.Rename, env) -> P.Term:
        pairs = set()
        for b in (self.qualify(e.qualifiers, env) if e.qualifiers else [env]):
            for pair in e.pairs:
                old, new = self.eval(pair.old, b), self.eval(pair.new, b)
                if not isinstance(old, Dot) or old.head not in self.channels:
                    raise EvalError(f"renaming {show(old)}: not a channel or event", pair.old.span)
                for o in self.completions(old):  # c <- d renames every c.x to d.x
                    n = new
                    for f in o.fields[len(old.fields):]:
                        n = self.dot(n, f, pair.new.span)
                    if not isinstance(n, Dot) or not n.complete:
                        raise EvalError(f"renaming {show(o)} to {show(n)}: not an event", pair.span)
                    pairs.add((self.event_id(o, pair.span), self.event_id(n, pair.span)))
        return P.Rename(self.proc(e.process, env), tuple(sorted(pairs)))

    def link_parallel(self, left: ast.Expr, links, right: ast.Expr, env) -> P.Term:
        """`P [a <-> b] Q` is `(P[[a <- l]] [| {|l|} |] Q[[b <- l]]) \\ {|l|}` for a fresh channel l.

        l is named `a<->b`, so a hidden link step shows as `τ (a<->b.x)` in traces."""
        left_pairs, right_pairs, joined = set(), set(), set()
        for k in links:
            a, b = self.eval(k.left, env), self.eval(k.right, env)
            for v, side in ((a, k.left), (b, k.right)):
                if not isinstance(v, Dot) or v.head not in self.channels:
                    raise EvalError(f"a link joins channels or events, not {show(v)}", side.span)
            for ea in self.completions(a):
                rest = ea.fields[len(a.fields):]
                eb = b
                for f in rest:
                    eb = self.dot(eb, f, k.right.span)
                if not eb.complete:
                    raise EvalError(f"linking {show(ea)} to {show(eb)}: not an event", k.span)
                fresh = self.events.intern(Dot(f"{show(a)}<->{show(b)}", rest, len(rest)))
                left_pairs.add((self.event_id(ea, k.left.span), fresh))
                right_pairs.add((self.event_id(eb, k.right.span), fresh))
                joined.add(fresh)
        joined = frozenset(joined)
        par = P.Par(P.Rename(self.proc(left, env), tuple(sorted(left_pairs))),
                    P.Rename(self.proc(right, env), tuple(sorted(right_pairs))), joined)
        return _hide(par, joined)

    def replicated(self, e: ast.Replicated, env) -> P.Term:
        envs = []
        for b in self.qualify(e.binders, env):
            envs.append(b)
        if e.op == ";":
            if not envs:
                return P.SKIP
            t = self.proc(e.body, envs[-1])
            for b in reversed(envs[:-1]):
                t = P.SeqComp(self.proc(e.body, b), t)
            return t
        if e.op == "[]":
            return external_choice([self.proc(e.body, b) for b in envs])
        if e.op == "|~|":
            if not envs:
                raise EvalError("replicated internal choice over the empty set", e.span)
            items = tuple(dict.fromkeys(self.proc(e.body, b) for b in envs))
            return items[0] if len(items) == 1 else P.IntChoice(items)
        if not envs:
            return P.SKIP
        if e.op == "|||":
            return reduce(lambda acc, t: P.Par(acc, t, frozenset()), (self.proc(e.body, b) for b in envs))
        if e.op == "[|A|]":
            sync = self.event_ids(self.eval(e.sync, env), e.sync.span)
            return reduce(lambda acc, t: P.Par(acc, t, sync), (self.proc(e.body, b) for b in envs))
        # || x : S @ [A(x)] P(x): alphabetised, each component confined to its alphabet
        parts = [(self.event_ids(self.eval(e.alpha, b), e.alpha.span), self.proc(e.body, b)) for b in envs]
        alpha, acc = parts[0]
        for a, t in parts[1:]:
            acc = P.Par(acc, t, alpha & a, alpha, a)
            alpha = alpha | a
        if len(parts) == 1:
            acc = P.Par(acc, P.SKIP, frozenset(), alpha, frozenset())
        return acc


def external_choice(items: list[P.Term]) -> P.Term:
    flat: list[P.Term] = []
    for t in items:
        flat.extend(t.items if isinstance(t, P.ExtChoice) else (t,))
    flat = [t for t in dict.fromkeys(flat) if not isinstance(t, P.Stop)]
    if not flat:
        return P.STOP
    return flat[0] if len(flat) == 1 else P.ExtChoice(tuple(flat))


def _hide(t: P.Term, hidden: frozenset) -> P.Term:
    if isinstance(t, P.Hide):
        return P.Hide(t.process, t.hidden | hidden)
    return P.Hide(t, hidden) if hidden else t


def _restrict(env: dict, names: frozenset) -> tuple:
    return tuple((k, env[k]) for k in sorted(names) if k in env)


def _int(v, span) -> int:
    if isinstance(v, bool) or not isinstance(v, int):
        raise EvalError(f"expected an integer, got {show(v)}", span)
    return v


def _show_set(s) -> str:
    if isinstance(s, Infinite):
        return s.name
    return show(s) if len(s) <= 8 else show(frozenset(sorted_values(s)[:8]))[:-1] + ", ...}"


def _suffix(partial: Dot, full: Dot) -> list:
    """The fields of `full` after those of its prefix `partial` (c.1 of c.1.true -> [true])."""
    n = len(partial.fields)
    if n and isinstance(partial.fields[-1], Dot) and not partial.fields[-1].complete:
        return _suffix(partial.fields[-1], full.fields[n - 1]) + list(full.fields[n:])
    return list(full.fields[n:])


def _fixed_length(p) -> int | None:
    if isinstance(p, ast.PSeq):
        return len(p.items)
    if isinstance(p, ast.PConcat):
        a, b = _fixed_length(p.left), _fixed_length(p.right)
        return None if a is None or b is None else a + b
    return None


__all__ = ["Evaluator", "EvalError", "external_choice", "sort_key"]
