"""Resolve names and check types: the stage between parsing and compiling.

`check_program(program)` walks every declaration once and returns a
`ProgramInfo` (the declarations indexed by name) or raises `FitoError` with
every name/type diagnostic it found, sorted by position.

Scoping follows CSPm: top-level declarations are mutually recursive; so are
the declarations of one `let`. Parameters, `?x` inputs (seen by later fields
and the body), comprehension generators and replicated binders (seen by later
qualifiers and the body) and lambda parameters open nested scopes. In patterns
a name that is a datatype constructor or a channel is matched, not bound.

Types are inferred bottom-up with `ANY` for what is not known (function
parameters, results of unknown functions): a check fires only on two types
known to differ, so valid CSPm is never rejected (see types.py).
"""
from __future__ import annotations

import difflib
import re
import sys
from contextlib import contextmanager
from dataclasses import dataclass, fields as dc_fields
from typing import Callable

from ..diagnostics import Diagnostic, FitoError, Note
from ..source import Span
from ..syntax import ast
from ..syntax.loader import Program
from . import types as T
from .sorts import check_sorts
from .types import ANY, BOOL, EVENT, INT, PROC, STRING, TDot, TDotted, TFun, TSeq, TSet, TTuple, describe

# ----- what later stages get -------------------------------------------------------


@dataclass(frozen=True)
class ChannelInfo:
    """`field_exprs` are the declared parts (`c : A.B` -> A, B); `field_types` are
    flattened through nametypes and None when not statically known."""

    name: str
    decl: ast.Channel
    field_exprs: tuple[ast.Expr, ...]
    field_types: tuple[T.Type, ...] | None


@dataclass(frozen=True)
class ConstructorInfo:
    name: str
    datatype: str
    decl: ast.Constructor
    field_types: tuple[T.Type, ...] | None


@dataclass(frozen=True)
class DatatypeInfo:
    name: str
    decl: ast.Datatype
    constructors: tuple[str, ...]


@dataclass(frozen=True)
class NametypeInfo:
    name: str
    decl: ast.Nametype
    field_types: tuple[T.Type, ...] | None


@dataclass(frozen=True)
class DefinitionInfo:
    """All clauses of one top-level name; `arity` None for `name = ...` without parameters."""

    name: str
    clauses: tuple[ast.Definition, ...]
    arity: int | None
    type: T.Type  # PROC for a process, TFun for a function, ANY when unknown


@dataclass(frozen=True)
class ProgramInfo:
    """The checked program, indexed. Dicts keep declaration order; treat them as read-only."""

    program: Program
    channels: dict[str, ChannelInfo]
    datatypes: dict[str, DatatypeInfo]
    constructors: dict[str, ConstructorInfo]
    nametypes: dict[str, NametypeInfo]
    definitions: dict[str, DefinitionInfo]
    roles: dict[str, ast.RoleBinding]  # role name -> binding (its `.channel` is a declared channel)
    domains: ast.Expr | None
    optimizers: dict[str, ast.Optimizer]
    properties: dict[str, ast.PropertyDecl]  # sorts: semantics.sorts.sort_of
    assertions: tuple[ast.Assertion, ...]
    prints: tuple[ast.Print, ...]


def check_program(program: Program) -> ProgramInfo:
    """Raise FitoError with every name/type diagnostic in the program, else index it."""
    with _recursion_headroom():
        checker = _Checker(program)
        info = checker.run()
    if checker.diagnostics:
        raise FitoError(sorted(checker.diagnostics, key=checker.position))
    return info


@contextmanager
def _recursion_headroom(limit: int = 10_000):
    """The walk recurses over the AST, which may be as deep as the parser allows."""
    old = sys.getrecursionlimit()
    sys.setrecursionlimit(max(old, limit))
    try:
        yield
    finally:
        sys.setrecursionlimit(old)


# ----- scopes ------------------------------------------------------------------------

BUILTIN, CHANNEL, DATATYPE, CONSTRUCTOR, NAMETYPE, FUNCTION, CONSTANT, LOCAL = (
    "built-in", "channel", "datatype", "constructor", "nametype", "function", "constant", "local")


class _Entry:
    """A name's meaning; the type of a declaration is computed on first use, once."""

    __slots__ = ("name", "kind", "span", "node", "scope", "_type", "_compute", "_fallback", "_busy")

    def __init__(self, name: str, kind: str, span: Span | None, type_: T.Type | None = None,
                 compute: Callable[[], T.Type] | None = None, fallback: T.Type = ANY, node=None,
                 scope: _Scope | None = None):
        self.name, self.kind, self.span, self.node, self.scope = name, kind, span, node, scope
        self._type, self._compute, self._fallback, self._busy = type_, compute, fallback, False

    def type(self) -> T.Type:
        if self._type is None:
            if self._busy:  # a recursive reference: what is known so far
                return self._fallback
            self._busy = True
            try:
                self._type = self._compute()
            finally:
                self._busy = False
        return self._type


class _Scope:
    __slots__ = ("parent", "names")

    def __init__(self, parent: _Scope | None = None, names: dict[str, _Entry] | None = None):
        self.parent = parent
        self.names: dict[str, _Entry] = {} if names is None else names

    def lookup(self, name: str) -> _Entry | None:
        s = self
        while s is not None:
            entry = s.names.get(name)
            if entry is not None:
                return entry
            s = s.parent
        return None

    def child(self, names: dict[str, _Entry] | None = None) -> _Scope:
        return _Scope(self, names)

    def visible(self) -> set[str]:
        out: set[str] = set()
        s = self
        while s is not None:
            out.update(s.names)
            s = s.parent
        return out


@dataclass
class _Group:
    """The consecutive clauses of one definition."""

    name: str
    arity: int | None
    clauses: list[ast.Definition]


_NAME_CHARS = r"A-Za-z0-9_'"


# ----- the checker ------------------------------------------------------------------


class _Checker:
    def __init__(self, program: Program):
        self.program = program
        self.diagnostics: list[Diagnostic] = []
        self._order = {p: i for i, p in enumerate(program.sources)}
        self._line_starts: dict[str, list[int]] = {}
        self.builtins = _Scope(None, {n: _Entry(n, BUILTIN, None, type_=t) for n, t in T.BUILTINS.items()})
        self.top = self.builtins.child()
        self._channel_fields: dict[int, tuple[T.Type, ...] | None] = {}
        self._fields_memo: dict[str, tuple[T.Type, ...] | None] = {}
        self._infinite_memo: dict[str, bool] = {}
        self._visiting: set[str] = set()
        self._duplicates: list[_Entry] = []
        self._overflow: dict[int, tuple[Span | None, str]] = {}
        self._dispatch = {
            ast.IntLit: lambda e, s: INT, ast.BoolLit: lambda e, s: BOOL, ast.StringLit: lambda e, s: STRING,
            ast.Var: self._var, ast.TupleExpr: self._tuple, ast.SetLit: self._set_lit,
            ast.SetRange: self._set_range, ast.SetComp: self._set_comp, ast.EventsOf: self._events_of,
            ast.EventsComp: self._events_comp, ast.SeqLit: self._seq_lit, ast.SeqRange: self._seq_range,
            ast.SeqComp: self._seq_comp, ast.BinOp: self._binop, ast.UnOp: self._unop,
            ast.Dotted: self._dotted, ast.Apply: self._apply, ast.If: self._if, ast.Let: self._let,
            ast.Lambda: self._lambda, ast.Prefix: self._prefix, ast.Guard: self._guard,
            ast.ProcOp: self._procop, ast.GenParallel: self._gen_parallel,
            ast.AlphaParallel: self._alpha_parallel, ast.LinkParallel: self._link_parallel,
            ast.Hide: self._hide, ast.Rename: self._rename, ast.Replicated: self._replicated,
        }

    # ----- diagnostics -------------------------------------------------------------
    def err(self, code: str, message: str, span: Span | None, *notes: Note) -> None:
        self.diagnostics.append(Diagnostic(code, message, span, tuple(notes)))

    def position(self, d: Diagnostic):
        s = d.span
        if s is None:
            return (len(self._order), 0, 0, d.code)
        return (self._order.get(s.path, len(self._order)), s.line, s.column, d.code)

    def _name_spans(self, span: Span | None, names, after: str) -> list[Span | None]:
        """Spans of `names`, found in order in the source after the keyword `after`."""
        text = self._text_of(span)
        if text is None:
            return [span] * len(names)
        base, chunk = text
        m = re.search(_word(after) if after[0].isalpha() else re.escape(after), chunk)
        pos = m.end() if m else 0
        out = []
        for name in names:
            m = re.compile(_word(name)).search(chunk, pos)
            if m is None:
                out.append(span)
                continue
            out.append(self._span_at(span.path, base + m.start(), len(name)))
            pos = m.end()
        return out

    def _word_span(self, span: Span | None, word: str, after: str) -> Span | None:
        return self._name_spans(span, [word], after)[0]

    def _text_of(self, span: Span | None) -> tuple[int, str] | None:
        src = self.program.sources.get(span.path) if span is not None else None
        if src is None:
            return None
        starts = self._starts(span.path)
        if span.end_line > len(starts):
            return None
        begin = starts[span.line - 1] + span.column - 1
        return begin, src.text[begin:starts[span.end_line - 1] + span.end_column]

    def _starts(self, path: str) -> list[int]:
        if path not in self._line_starts:
            text = self.program.sources[path].text
            self._line_starts[path] = [0] + [m.end() for m in re.finditer("\n", text)]
        return self._line_starts[path]

    def _span_at(self, path: str, offset: int, length: int) -> Span:
        starts = self._starts(path)
        lo, hi = 0, len(starts) - 1
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if starts[mid] <= offset:
                lo = mid
            else:
                hi = mid - 1
        col = offset - starts[lo] + 1
        return Span(path, lo + 1, col, lo + 1, col + length - 1)

    @staticmethod
    def _head_span(span: Span | None, name: str) -> Span | None:
        """A declaration that starts with its name: the span of that name."""
        if span is None:
            return None
        return Span(span.path, span.line, span.column, span.line, span.column + len(name) - 1)

    # ----- the program ---------------------------------------------------------------
    def run(self) -> ProgramInfo:
        decls = self.program.decls
        self._declare(decls, self.top, top_level=True)
        for entry in self._dependency_order():
            entry.type()
        while self._duplicates:
            self._duplicates.pop().type()
        observes = [d for d in decls if isinstance(d, ast.Observe)]
        optimizers = self._check_optimizers([d for d in decls if isinstance(d, ast.Optimizer)])
        roles = self._check_observe(observes)
        domains = self._check_domains([d for d in decls if isinstance(d, ast.Domains)])
        properties = self._check_properties([d for d in decls if isinstance(d, ast.PropertyDecl)])
        assertions = tuple(d for d in decls if isinstance(d, ast.Assertion))
        for a in assertions:
            self._check_assertion(a, optimizers, properties)
        prints = tuple(d for d in decls if isinstance(d, ast.Print))
        for p in prints:
            self.infer(p.value, self.top)
        for d in decls:
            if isinstance(d, ast.Transparent):
                self._check_transparent(d)
        return self._info(roles, domains, optimizers, properties, assertions, prints)

    def _check_transparent(self, decl: ast.Transparent) -> None:
        """Only FDR's compressions that keep the semantics can be transparent (fito runs them as the identity)."""
        for name, span in zip(decl.names, self._name_spans(decl.span, decl.names, "transparent")):
            if name not in T.COMPRESSIONS:
                known = ", ".join(sorted(T.COMPRESSIONS))
                self.err("FITO212", f"{name} is not a compression that keeps the semantics, so it cannot be "
                         f"transparent here; fito knows {known}", span)

    def _info(self, roles, domains, optimizers, properties, assertions, prints) -> ProgramInfo:
        channels, datatypes, constructors, nametypes, definitions = {}, {}, {}, {}, {}
        for name, entry in self.top.names.items():
            node = entry.node
            if entry.kind == CHANNEL:
                parts = () if node.type is None else (node.type.parts if isinstance(node.type, ast.Dotted)
                                                       else (node.type,))
                channels[name] = ChannelInfo(name, node, parts, self._channel_fields[id(node)])
            elif entry.kind == DATATYPE:
                datatypes[name] = DatatypeInfo(name, node, tuple(c.name for c in node.constructors))
            elif entry.kind == CONSTRUCTOR:
                ctor, dt = node
                t = entry.type()
                fields = (t.fields if isinstance(t, TDot) else ())
                constructors[name] = ConstructorInfo(name, dt.name, ctor, fields)
            elif entry.kind == NAMETYPE:
                nametypes[name] = NametypeInfo(name, node, self._fields_memo.get(name))
            elif entry.kind in (FUNCTION, CONSTANT):
                group = node
                definitions[name] = DefinitionInfo(name, tuple(group.clauses), group.arity, entry.type())
        return ProgramInfo(self.program, channels, datatypes, constructors, nametypes, definitions,
                           roles, domains, optimizers, properties, assertions, prints)

    def _dependency_order(self) -> list[_Entry]:
        """Top-level entries, each after the names it mentions (iterative DFS), so the
        lazy type computation never nests deeper than one cycle of recursion."""
        entries = [e for e in self.top.names.values() if e.node is not None]
        deps = {id(e): [self.top.names[n] for n in _mentioned(e.node) if n in self.top.names] for e in entries}
        done: set[int] = set()
        order: list[_Entry] = []
        for root in entries:
            stack = [(root, 0)]
            while stack:
                entry, i = stack.pop()
                if i == 0:
                    if id(entry) in done:
                        continue
                    done.add(id(entry))
                children = deps.get(id(entry), [])
                if i < len(children):
                    stack.append((entry, i + 1))
                    stack.append((children[i], 0))
                else:
                    order.append(entry)
        return order

    # ----- declarations ---------------------------------------------------------------
    def _declare(self, decls, scope: _Scope, top_level: bool) -> None:
        prev: _Group | None = None
        for decl in decls:
            if isinstance(decl, ast.Definition):
                prev = self._declare_definition(decl, scope, prev)
                continue
            prev = None
            if not top_level:
                self.err("FITO212", "only definitions (`name = ...`, `f(x) = ...`) may appear inside `let`; "
                         "declare this at the top level", decl.span)
            elif isinstance(decl, ast.Channel):
                self._declare_channel(decl, scope)
            elif isinstance(decl, ast.Datatype):
                self._declare_datatype(decl, scope)
            elif isinstance(decl, ast.Nametype):
                span = self._word_span(decl.span, decl.name, "nametype")
                self._add(scope, _Entry(decl.name, NAMETYPE, span, node=decl, scope=scope,
                                        compute=lambda d=decl: self._nametype_type(d, scope)))

    def _add(self, scope: _Scope, entry: _Entry) -> bool:
        """Register a name; a duplicate is reported, and its body still checked at the end."""
        prev = scope.names.get(entry.name)
        if prev is None:
            scope.names[entry.name] = entry
            return True
        self._duplicates.append(entry)
        if entry.kind == FUNCTION and prev.kind == FUNCTION:
            why = (f"the clauses of {entry.name} must be written together; another declaration "
                   "separates this clause from the earlier ones")
        else:
            why = f"{entry.name} is already defined as a {prev.kind}"
        self.err("FITO202", why, entry.span, Note("first defined here", prev.span))
        return False

    def _declare_definition(self, decl: ast.Definition, scope: _Scope, prev: _Group | None) -> _Group | None:
        arity = None if decl.params is None else len(decl.params)
        span = self._head_span(decl.span, decl.name)
        if prev is not None and prev.name == decl.name:
            first = Note("first defined here", self._head_span(prev.clauses[0].span, decl.name))
            if arity == prev.arity and arity is not None:
                prev.clauses.append(decl)
                return prev
            if arity is None or prev.arity is None:
                self.err("FITO202", f"{decl.name} is defined twice", span, first)
            else:
                self.err("FITO202", f"this clause of {decl.name} has {arity} parameter(s) but the first "
                         f"has {prev.arity}: all clauses of a function take the same number", span, first)
            rejected = _Group(decl.name, arity, [decl])  # still checked, for the errors inside it
            self._duplicates.append(_Entry(decl.name, LOCAL, span, compute=lambda: self._group_type(rejected, scope)))
            return prev
        group = _Group(decl.name, arity, [decl])
        kind = CONSTANT if arity is None else FUNCTION
        fallback = ANY if arity is None else TFun(arity, None, ANY)
        entry = _Entry(decl.name, kind, span, node=group, fallback=fallback, scope=scope,
                       compute=lambda: self._group_type(group, scope))
        self._add(scope, entry)
        return group

    def _declare_channel(self, decl: ast.Channel, scope: _Scope) -> None:
        def fields():
            key = id(decl)
            if key not in self._channel_fields:
                self._channel_fields[key] = self._channel_field_types(decl, scope)
            return self._channel_fields[key]

        for name, span in zip(decl.names, self._name_spans(decl.span, decl.names, "channel")):
            self._add(scope, _Entry(name, CHANNEL, span, node=decl, scope=scope,
                                    compute=lambda: T.dot(fields(), EVENT)))

    def _declare_datatype(self, decl: ast.Datatype, scope: _Scope) -> None:
        span = self._word_span(decl.span, decl.name, "datatype")
        self._add(scope, _Entry(decl.name, DATATYPE, span, type_=TSet(T.TData(decl.name)), node=decl,
                                scope=scope))
        for ctor in decl.constructors:
            self._add(scope, _Entry(ctor.name, CONSTRUCTOR, self._head_span(ctor.span, ctor.name), scope=scope,
                                    node=(ctor, decl), compute=lambda c=ctor: self._constructor_type(c, decl, scope)))

    def _group_type(self, group: _Group, scope: _Scope) -> T.Type:
        result: T.Type | None = None
        for clause in group.clauses:
            if clause.params is None:
                t = self.infer(clause.body, scope)
            else:
                binds: dict[str, _Entry] = {}
                for p in clause.params:
                    self.bind_pattern(p, ANY, binds, scope)
                t = self.infer(clause.body, scope.child(binds))
            if result is None:
                result = t
            else:
                merged = T.join(result, t)
                if merged is None:
                    self.err("FITO208", f"this clause of {group.name} gives {describe(t)}, but an earlier "
                             f"clause gives {describe(result)}", clause.body.span)
                result = merged or result
        if group.arity is None:
            return result
        return TFun(group.arity, None, result)

    def _channel_field_types(self, decl: ast.Channel, scope: _Scope) -> tuple[T.Type, ...] | None:
        if decl.type is None:
            return ()
        fields = self._fields_of(decl.type, scope)
        parts = decl.type.parts if isinstance(decl.type, ast.Dotted) else (decl.type,)
        for part in parts:
            if self.is_infinite(part, scope):
                names = ", ".join(decl.names)
                self.err("FITO206", f"channel {names} would carry an infinite set of values: the model "
                         "checker needs finite alphabets (use a range such as {0..N})", part.span)
        return fields

    def _constructor_type(self, ctor: ast.Constructor, decl: ast.Datatype, scope: _Scope) -> T.Type:
        fields: list[T.Type] | None = []
        for f in ctor.fields:
            got = self._fields_of(f, scope)
            fields = None if got is None or fields is None else fields + list(got)
        return T.dot(fields, T.TData(decl.name))

    def _nametype_type(self, decl: ast.Nametype, scope: _Scope) -> T.Type:
        fields = self._fields_of(decl.value, scope)
        self._fields_memo[decl.name] = fields
        return TSet(ANY if fields is None else T.dotted(fields))

    def _fields_of(self, e: ast.Expr, scope: _Scope) -> tuple[T.Type, ...] | None:
        """The field types a type expression describes (`{0..3}.Bool` -> Int, Bool).

        In declarations `.` is the product of sets and `(A, B)` the set of tuples.
        """
        if isinstance(e, ast.Dotted):
            out: list[T.Type] = []
            for p in e.parts:
                got = self._fields_of(p, scope)
                if got is None:
                    return None
                out.extend(got)
            return tuple(out)
        if isinstance(e, ast.TupleExpr):
            items = []
            for i in e.items:
                got = self._fields_of(i, scope)
                items.append(ANY if got is None else T.dotted(got))
            return (TTuple(tuple(items)),)
        t = self.infer(e, scope)
        if isinstance(t, TSet):
            return _set_fields((t,))
        if isinstance(t, TDotted) and all(isinstance(p, TSet) for p in t.parts):  # `S = A.B` used as a type
            return _set_fields(t.parts)
        if t is not ANY:
            self.err(T.mismatch_code(TSet(ANY), t), f"a type in a declaration must be a set of values, "
                     f"but this is {describe(t)}", e.span)
        return None

    # ----- finiteness ---------------------------------------------------------------
    def is_infinite(self, e: ast.Expr, scope: _Scope) -> bool:
        """True only when the set `e` denotes is certainly infinite."""
        if isinstance(e, ast.SetRange):
            return e.hi is None
        if isinstance(e, (ast.Dotted, ast.TupleExpr)):
            return any(self.is_infinite(p, scope) for p in (e.parts if isinstance(e, ast.Dotted) else e.items))
        if isinstance(e, ast.Var):
            return self._name_infinite(e.name, scope)
        if isinstance(e, ast.Apply) and isinstance(e.function, ast.Var):
            entry = scope.lookup(e.function.name)
            if entry is None or entry.kind != BUILTIN:
                return False
            args = [self.is_infinite(a, scope) for a in e.args]
            name = e.function.name
            if name == "Seq":
                return not (len(e.args) == 1 and isinstance(e.args[0], ast.SetLit) and not e.args[0].items)
            if name in ("union", "Set"):
                return any(args)
            if name == "inter":
                return bool(args) and all(args)
            if name == "diff" and len(args) == 2:
                return args[0] and not args[1]
        return False

    def _name_infinite(self, name: str, scope: _Scope) -> bool:
        entry = scope.lookup(name)
        if entry is None:
            return False
        if entry.kind == BUILTIN:
            return name in T.INFINITE_BUILTINS
        if entry.kind not in (NAMETYPE, DATATYPE, CONSTANT):
            return False
        if name in self._visiting:  # a datatype that contains itself is infinite
            return entry.kind == DATATYPE
        if name in self._infinite_memo and entry.scope is self.top:
            return self._infinite_memo[name]
        self._visiting.add(name)
        try:
            if entry.kind == NAMETYPE:
                result = self.is_infinite(entry.node.value, entry.scope)
            elif entry.kind == DATATYPE:
                result = any(self.is_infinite(f, entry.scope) for c in entry.node.constructors for f in c.fields)
            else:
                group = entry.node
                result = len(group.clauses) == 1 and self.is_infinite(group.clauses[0].body, entry.scope)
        finally:
            self._visiting.discard(name)
        if not self._visiting and entry.scope is self.top:  # a value found inside a cycle may be partial
            self._infinite_memo[name] = result
        return result

    def _finite(self, e: ast.Expr, scope: _Scope, what: str) -> bool:
        """Report an infinite set where one must be enumerated; False if it was reported."""
        if not self.is_infinite(e, scope):
            return True
        self.err("FITO206", f"{what} ranges over an infinite set: the model checker needs a finite one "
                 "(use a range such as {0..N})", e.span)
        return False

    # ----- expressions ---------------------------------------------------------------
    def infer(self, e: ast.Expr, scope: _Scope) -> T.Type:
        return self._dispatch[type(e)](e, scope)

    def _var(self, e: ast.Var, scope: _Scope) -> T.Type:
        entry = scope.lookup(e.name)
        if entry is None:
            self._undefined(e.name, e.span, scope)
            return ANY
        return entry.type()

    def _undefined(self, name: str, span: Span | None, scope: _Scope) -> None:
        close = difflib.get_close_matches(name, sorted(scope.visible()), n=1)
        hint = f"; did you mean {close[0]}?" if close else ""
        self.err("FITO201", f"{name} is not defined{hint}", span)

    def _tuple(self, e: ast.TupleExpr, scope: _Scope) -> T.Type:
        return TTuple(tuple(self.infer(i, scope) for i in e.items))

    def _elements(self, items, scope: _Scope, what: str) -> T.Type:
        """The common type of literal elements; a stray element is a mismatch."""
        acc: T.Type = ANY
        for item in items:
            t = self.infer(item, scope)
            merged = T.join(acc, t)
            if merged is None:
                self.err("FITO208", f"the elements of {what} must have one type: this one is {describe(t)}, "
                         f"the ones before are {describe(acc)}", item.span)
            else:
                acc = merged
        return acc

    def _set_lit(self, e: ast.SetLit, scope: _Scope) -> T.Type:
        return TSet(self._elements(e.items, scope, "a set"))

    def _seq_lit(self, e: ast.SeqLit, scope: _Scope) -> T.Type:
        return TSeq(self._elements(e.items, scope, "a sequence"))

    def _set_range(self, e: ast.SetRange, scope: _Scope) -> T.Type:
        self.expect_int(e.lo, scope, "a range bound")
        if e.hi is not None:
            self.expect_int(e.hi, scope, "a range bound")
        return TSet(INT)

    def _seq_range(self, e: ast.SeqRange, scope: _Scope) -> T.Type:
        self.expect_int(e.lo, scope, "a range bound")
        self.expect_int(e.hi, scope, "a range bound")
        return TSeq(INT)

    def _set_comp(self, e: ast.SetComp, scope: _Scope) -> T.Type:
        return TSet(self._elements(e.elements, self.qualifiers(e.qualifiers, scope, seq=False), "a set"))

    def _seq_comp(self, e: ast.SeqComp, scope: _Scope) -> T.Type:
        return TSeq(self._elements(e.elements, self.qualifiers(e.qualifiers, scope, seq=True), "a sequence"))

    def _events_of(self, e: ast.EventsOf, scope: _Scope) -> T.Type:
        return self._closure(e.items, scope)

    def _events_comp(self, e: ast.EventsComp, scope: _Scope) -> T.Type:
        return self._closure(e.elements, self.qualifiers(e.qualifiers, scope, seq=False))

    def _closure(self, items, scope: _Scope) -> T.Type:
        """`{| a, b.x |}`: the set of every completion of its items."""
        acc: T.Type | None = None
        for item in items:
            t = self.infer(item, scope)
            acc = self._closure_item(ANY if self._overflowed(item) else t, item.span, acc)
        return TSet(acc or ANY)

    def _closure_item(self, t: T.Type, span: Span | None, acc: T.Type | None) -> T.Type:
        """`{| x |}`: every completion of a channel, event or constructor prefix."""
        if isinstance(t, TDot):
            got = t.result
        elif t == EVENT or t is ANY or isinstance(t, T.TData):
            got = t
        else:
            self.err("FITO208", f"{{| |}} takes channels, events or datatype constructors, but this is "
                     f"{describe(t)}", span)
            got = ANY
        if acc is None:
            return got
        return T.join(acc, got) or ANY

    def _binop(self, e: ast.BinOp, scope: _Scope) -> T.Type:
        op = e.op
        if op in ("+", "-", "*", "/", "%"):
            self.expect_int(e.left, scope, f"an operand of {op}")
            self.expect_int(e.right, scope, f"an operand of {op}")
            return INT
        if op in ("and", "or"):
            self.expect_bool(e.left, scope, f"an operand of {op}")
            self.expect_bool(e.right, scope, f"an operand of {op}")
            return BOOL
        if op == "^":
            left = self.expect_seq(e.left, scope, "an operand of ^ (sequence concatenation)")
            right = self.expect_seq(e.right, scope, "an operand of ^ (sequence concatenation)")
            merged = T.join(left, right)
            if merged is None:
                self.err("FITO208", f"^ joins two sequences of one type, not {describe(left)} and "
                         f"{describe(right)}", e.right.span)
            return merged or ANY
        left, right = self.infer(e.left, scope), self.infer(e.right, scope)
        if not T.compatible(left, right):
            self.err("FITO208", f"{op} compares values of one type, not {describe(left)} and {describe(right)}",
                     e.span)
        return BOOL

    def _unop(self, e: ast.UnOp, scope: _Scope) -> T.Type:
        if e.op == "-":
            self.expect_int(e.operand, scope, "the operand of unary -")
            return INT
        if e.op == "not":
            self.expect_bool(e.operand, scope, "the operand of not")
            return BOOL
        self.expect_seq(e.operand, scope, "the operand of # (sequence length; use card for a set)")
        return INT

    def _dotted(self, e: ast.Dotted, scope: _Scope) -> T.Type:
        head = self.infer(e.parts[0], scope)
        tail = [(self.infer(p, scope), p) for p in e.parts[1:]]
        if not isinstance(head, TDot):
            if head == EVENT:
                self._overflow[id(e)] = (tail[0][1].span, self._owner(e.parts[0], scope))
            return ANY if head is ANY else T.dotted([head, *(t for t, _ in tail)])
        owner = self._owner(e.parts[0], scope)
        rest = None if head.fields is None else list(head.fields)
        for i, (t, part) in enumerate(tail):
            if rest == []:  # a complete value dotted further: legal as a value, not as an event
                if head.result == EVENT:
                    self._overflow[id(e)] = (part.span, owner)
                return T.dotted([head.result, *(t for t, _ in tail[i:])])
            rest = self._consume(rest, t, part.span, owner)
        return T.dot(rest, head.result)

    def _overflowed(self, e: ast.Expr) -> bool:
        """Where an event is needed, report a complete event that was dotted with more fields."""
        found = self._overflow.pop(id(e), None)
        if found is not None:
            self.err("FITO204", f"too many fields: {found[1]}", found[0])
        return found is not None

    def _owner(self, e: ast.Expr, scope: _Scope) -> str:
        """Who expects the fields being checked, with what it carries (for messages)."""
        entry = scope.lookup(e.name) if isinstance(e, ast.Var) else None
        if entry is None or entry.kind not in (CHANNEL, CONSTRUCTOR):
            return "the event is already complete"
        t = entry.type()
        fields = t.fields if isinstance(t, TDot) else ()
        carries = ("values of unknown type" if fields is None
                   else ".".join(map(str, fields)) if fields else "no values")
        return f"{entry.kind} {entry.name} {'carries' if entry.kind == CHANNEL else 'takes'} {carries}"

    def _consume(self, rest: list[T.Type] | None, t: T.Type, span: Span | None, owner: str,
                 code: str = "FITO204") -> list[T.Type] | None:
        """Feed one dotted part of type `t` to the fields still expected; None once unknown."""
        if rest is None or t is ANY:
            return None
        if isinstance(t, TDotted):
            for p in t.parts:
                rest = self._consume(rest, p, span, owner, code)
            return rest
        if not rest:
            self.err(code, f"too many fields: {owner}", span)
            return None
        want = rest[0]
        got = t.result if isinstance(t, TDot) else t
        if not T.compatible(want, got):
            self.err(code, f"{owner}; this field is {describe(t)}, not {describe(want)}", span)
            return None
        if isinstance(t, TDot):
            return None if t.fields is None else [*t.fields, *rest[1:]]
        return rest[1:]

    def _apply(self, e: ast.Apply, scope: _Scope) -> T.Type:
        ft = self.infer(e.function, scope)
        args = [self.infer(a, scope) for a in e.args]
        fname = e.function.name if isinstance(e.function, ast.Var) else "this function"
        entry = scope.lookup(fname) if isinstance(e.function, ast.Var) else None
        if ft is ANY:
            return ANY
        if not isinstance(ft, TFun):
            if entry is not None and entry.kind in (CONSTANT, FUNCTION):
                self.err("FITO203", f"{fname} is defined without parameters, so it takes no arguments "
                         f"(it is {describe(ft)})", e.span)
            else:
                self.err("FITO208", f"{fname} is {describe(ft)}, not a function", e.span)
            return ANY
        if ft.arity is not None and ft.arity != len(args):
            self.err("FITO203", f"{fname} takes {_count(ft.arity)} but is given {len(args)}", e.span)
            return ft.result if ft.params is None else ANY
        if ft.params is None:
            return ft.result
        if entry is not None and entry.kind == BUILTIN and fname in ("CHAOS", "RUN"):
            if self._finite(e.args[0], scope, fname):
                self._check_event_set(args[0], e.args[0].span, f"the argument of {fname}")
            return PROC
        subst: dict[str, T.Type] = {}
        for i, (param, t, arg) in enumerate(zip(ft.params, args, e.args)):
            if not T.unify(param, t, subst):
                want = T.substitute(param, subst) if not isinstance(param, T.TVar) else subst.get(param.name, ANY)
                self.err(T.mismatch_code(param, t), f"argument {i + 1} of {fname} must be {describe(want)}, "
                         f"but this is {describe(t)}", arg.span)
        return T.substitute(ft.result, subst)

    def _if(self, e: ast.If, scope: _Scope) -> T.Type:
        self.expect_bool(e.condition, scope, "the condition of if")
        then, orelse = self.infer(e.then, scope), self.infer(e.orelse, scope)
        merged = T.join(then, orelse)
        if merged is None:
            self.err("FITO208", f"the branches of if must have one type: then gives {describe(then)}, "
                     f"else gives {describe(orelse)}", e.orelse.span)
        return merged or ANY

    def _let(self, e: ast.Let, scope: _Scope) -> T.Type:
        inner = scope.child()
        self._declare(e.decls, inner, top_level=False)
        t = self.infer(e.body, inner)
        for entry in list(inner.names.values()):  # check local definitions even if unused
            entry.type()
        while self._duplicates:
            self._duplicates.pop().type()
        return t

    def _lambda(self, e: ast.Lambda, scope: _Scope) -> T.Type:
        binds: dict[str, _Entry] = {}
        for p in e.params:
            self.bind_pattern(p, ANY, binds, scope)
        return TFun(len(e.params), None, self.infer(e.body, scope.child(binds)))

    # ----- processes ---------------------------------------------------------------
    def _prefix(self, e: ast.Prefix, scope: _Scope) -> T.Type:
        base = self.infer(e.base, scope)
        head = e.base.parts[0] if isinstance(e.base, ast.Dotted) else e.base
        owner = self._owner(head, scope)
        if self._overflowed(e.base):
            rest = None
        elif isinstance(base, TDot) and base.result == EVENT:
            rest = None if base.fields is None else list(base.fields)
        elif base == EVENT:
            rest = []
        else:
            if base is not ANY:
                self.err("FITO208", f"a prefix needs an event before ->, but this is {describe(base)}", e.base.span)
            rest = None
        binds: dict[str, _Entry] = {}
        inner = scope.child(binds)
        for i, f in enumerate(e.fields):
            if isinstance(f, ast.Output):
                rest = self._consume(rest, self.infer(f.value, inner), f.value.span, owner)
            else:
                rest = self._input(f, rest, i == len(e.fields) - 1, inner, binds, owner)
        if rest:
            end = e.fields[-1].span if e.fields else e.base.span
            missing = ".".join(map(str, rest))
            self.err("FITO204", f"incomplete event: {owner}, and {missing} {'is' if len(rest) == 1 else 'are'} "
                     "still missing", _cover(e.base.span, end))
        self.expect_proc(e.body, inner, "the process after ->")
        return PROC

    def _input(self, f: ast.Input, rest, last: bool, scope: _Scope, binds: dict[str, _Entry], owner: str):
        """`?p` takes one field, or every remaining field when it is the last; `?p:S` takes an element of S."""
        if f.restriction is not None:
            st = self.infer(f.restriction, scope)
            elem = self._collection(st, f.restriction.span, "the set after : in an input", seq=False)
            self._finite(f.restriction, scope, "this input")
            self.bind_pattern(f.pattern, elem, binds, scope)
            return self._consume(rest, elem, f.restriction.span, owner)
        parts = f.pattern.parts if isinstance(f.pattern, ast.PDotted) else (f.pattern,)
        return self._match_fields(parts, rest, last, binds, scope, owner, "FITO204")

    def _match_fields(self, parts, rest: list[T.Type] | None, last_takes_rest: bool, binds: dict[str, _Entry],
                      scope: _Scope, owner: str, code: str) -> list[T.Type] | None:
        """Match dotted pattern parts against expected fields: a constructor or channel name
        adds its own fields, a binder takes one field (the last one: all that remain)."""
        for j, part in enumerate(parts):
            literal = self._literal(part, scope)
            if literal is not None:
                rest = self._consume(rest, literal.type(), part.span, owner, code)
                continue
            if rest is not None and not rest:
                self.err(code, f"too many fields: {owner}", part.span)
                rest = None
            if rest is None:
                self.bind_pattern(part, ANY, binds, scope)
            elif last_takes_rest and j == len(parts) - 1:
                self.bind_pattern(part, T.dotted(rest), binds, scope)
                rest = []
            else:
                self.bind_pattern(part, rest[0], binds, scope)
                rest = rest[1:]
        return rest

    def _guard(self, e: ast.Guard, scope: _Scope) -> T.Type:
        self.expect_bool(e.condition, scope, "a guard")
        self.expect_proc(e.body, scope, "the process after &")
        return PROC

    def _procop(self, e: ast.ProcOp, scope: _Scope) -> T.Type:
        self.expect_proc(e.left, scope, f"an operand of {e.op}")
        self.expect_proc(e.right, scope, f"an operand of {e.op}")
        return PROC

    def _gen_parallel(self, e: ast.GenParallel, scope: _Scope) -> T.Type:
        self.expect_proc(e.left, scope, "an operand of [| |]")
        self.expect_events(e.sync, scope, "the synchronisation set of [| |]")
        self.expect_proc(e.right, scope, "an operand of [| |]")
        return PROC

    def _alpha_parallel(self, e: ast.AlphaParallel, scope: _Scope) -> T.Type:
        self.expect_proc(e.left, scope, "an operand of [ || ]")
        self.expect_events(e.left_alpha, scope, "an alphabet of [ || ]")
        self.expect_events(e.right_alpha, scope, "an alphabet of [ || ]")
        self.expect_proc(e.right, scope, "an operand of [ || ]")
        return PROC

    def _link_parallel(self, e: ast.LinkParallel, scope: _Scope) -> T.Type:
        self.expect_proc(e.left, scope, "an operand of [ <-> ]")
        for k in e.links:
            self._channel_pair(k.left, k.right, scope, k.span, "a link", "<->")
        self.expect_proc(e.right, scope, "an operand of [ <-> ]")
        return PROC

    def _hide(self, e: ast.Hide, scope: _Scope) -> T.Type:
        self.expect_proc(e.process, scope, "the process before \\")
        self.expect_events(e.hidden, scope, "the hidden set")
        return PROC

    def _rename(self, e: ast.Rename, scope: _Scope) -> T.Type:
        self.expect_proc(e.process, scope, "the renamed process")
        inner = self.qualifiers(e.qualifiers, scope, seq=False)
        for pair in e.pairs:
            self._channel_pair(pair.old, pair.new, inner, pair.span, "renaming", "<-")
        return PROC

    def _channel_pair(self, a: ast.Expr, b: ast.Expr, scope: _Scope, span: Span | None, what: str, arrow: str):
        """A renaming `a <- b` or a link `a <-> b`: channels or events with one payload type."""
        ta, tb = self.infer(a, scope), self.infer(b, scope)
        for t, side in ((ta, a), (tb, b)):
            if self._overflowed(side):
                continue
            if not (t is ANY or t == EVENT or (isinstance(t, TDot) and t.result == EVENT)):
                self.err("FITO208", f"{what} maps channels or events, but this is {describe(t)}", side.span)
        if not T.compatible(ta, tb):
            self.err("FITO208", f"{what} must keep the payload type: {describe(ta)} {arrow} {describe(tb)}", span)

    def _replicated(self, e: ast.Replicated, scope: _Scope) -> T.Type:
        what = f"replicated {e.op}"
        if e.sync is not None:
            self.expect_events(e.sync, scope, f"the synchronisation set of {what}")
        inner = scope
        seen: dict[str, _Entry] = {}
        for b in e.binders:
            st = self.infer(b.source, inner)
            elem = self._collection(st, b.source.span, f"the range of {what}", seq=e.op == ";")
            self._finite(b.source, inner, what)
            inner = inner.child(self._bind_once(b.pattern, elem, seen, inner))
        if e.alpha is not None:
            self.expect_events(e.alpha, inner, f"the alphabet of {what}")
        self.expect_proc(e.body, inner, f"the body of {what}")
        return PROC

    def qualifiers(self, quals, scope: _Scope, seq: bool) -> _Scope:
        """Generators bind left to right; filters see what is bound before them."""
        seen: dict[str, _Entry] = {}
        for q in quals:
            if isinstance(q, ast.Filter):
                self.expect_bool(q.condition, scope, "a comprehension filter")
                continue
            st = self.infer(q.source, scope)
            elem = self._collection(st, q.source.span, f"a generator of a {'sequence' if seq else 'set'} "
                                    "comprehension", seq=seq)
            self._finite(q.source, scope, "this generator")
            scope = scope.child(self._bind_once(q.pattern, elem, seen, scope))
        return scope

    def _bind_once(self, p: ast.Pattern, t: T.Type, seen: dict[str, _Entry], scope: _Scope) -> dict[str, _Entry]:
        """Bind a generator or binder; one name bound twice in the same list is a duplicate (as in FDR)."""
        binds: dict[str, _Entry] = {}
        self.bind_pattern(p, t, binds, scope)
        for name, entry in binds.items():
            if name in seen:
                self.err("FITO202", f"{name} is bound twice here", entry.span,
                         Note("first bound here", seen[name].span))
            seen[name] = entry
        return binds

    # ----- expectations -------------------------------------------------------------
    def _mismatch(self, want: T.Type, got: T.Type, span: Span | None, what: str) -> bool:
        if T.compatible(want, got):
            return False
        self.err(T.mismatch_code(want, got), f"{what} must be {describe(want)}, but this is {describe(got)}", span)
        return True

    def expect_int(self, e: ast.Expr, scope: _Scope, what: str) -> None:
        self._mismatch(INT, self.infer(e, scope), e.span, what)

    def expect_bool(self, e: ast.Expr, scope: _Scope, what: str) -> None:
        self._mismatch(BOOL, self.infer(e, scope), e.span, what)

    def expect_seq(self, e: ast.Expr, scope: _Scope, what: str) -> T.Type:
        t = self.infer(e, scope)
        return ANY if self._mismatch(TSeq(ANY), t, e.span, what) else t

    def expect_proc(self, e: ast.Expr, scope: _Scope, what: str) -> None:
        t = self.infer(e, scope)
        if isinstance(t, TFun):
            n = _count(t.arity) if t.arity is not None else "arguments"
            self.err("FITO203", f"{what} must be a process, but this is a function that takes {n}: "
                     "call it with its arguments", e.span)
        elif t == EVENT or (isinstance(t, TDot) and t.result == EVENT):
            self.err("FITO208", f"{what} must be a process, but this is an event (did you mean `... -> P`?)",
                     e.span)
        else:
            self._mismatch(PROC, t, e.span, what)

    def expect_events(self, e: ast.Expr, scope: _Scope, what: str) -> None:
        self._check_event_set(self.infer(e, scope), e.span, what)

    def _check_event_set(self, t: T.Type, span: Span | None, what: str) -> None:
        if t is ANY or isinstance(t, TDotted):
            return
        if isinstance(t, TSet):
            el = t.elem
            if isinstance(el, TDot) and el.result == EVENT and el.fields is not None:
                self.err("FITO208", f"{what} must be a set of events, but this set holds channels that still "
                         "need fields; write {| c |} for all the events of channel c", span)
            elif not T.compatible(EVENT, el):
                self.err("FITO208", f"{what} must be a set of events, but this is {describe(t)}", span)
        elif t == EVENT or isinstance(t, TDot):
            self.err("FITO208", f"{what} must be a set of events, but this is a single event or channel; "
                     "write {| c |} or {e}", span)
        else:
            self._mismatch(TSet(EVENT), t, span, what)

    def _collection(self, t: T.Type, span: Span | None, what: str, seq: bool) -> T.Type:
        """The element type of a set (or sequence) that is iterated over."""
        want = TSeq(ANY) if seq else TSet(ANY)
        if isinstance(t, type(want)):
            return t.elem
        if t is not ANY and not isinstance(t, TDotted):
            self._mismatch(want, t, span, what)
        return ANY

    # ----- patterns -------------------------------------------------------------------
    def _literal(self, p: ast.Pattern, scope: _Scope) -> _Entry | None:
        """A name in a pattern that is a constructor or channel matches that value."""
        if isinstance(p, ast.PVar):
            entry = scope.lookup(p.name)
            if entry is not None and entry.kind in (CONSTRUCTOR, CHANNEL):
                return entry
        return None

    def bind_pattern(self, p: ast.Pattern, t: T.Type, binds: dict[str, _Entry], scope: _Scope) -> None:
        """Bind the names of `p` matched against a value of type `t` into `binds`."""
        if isinstance(p, ast.PWild):
            return
        if isinstance(p, ast.PVar):
            literal = self._literal(p, scope)
            if literal is not None:
                self._pattern_fits(literal.type(), t, p)
            elif p.name in binds:
                self.err("FITO202", f"{p.name} is bound twice here", p.span,
                         Note("first bound here", binds[p.name].span))
            else:
                binds[p.name] = _Entry(p.name, LOCAL, p.span, type_=t)
            return
        if isinstance(p, ast.PLit):
            lit = BOOL if isinstance(p.value, bool) else INT if isinstance(p.value, int) else STRING
            self._pattern_fits(lit, t, p)
            return
        if isinstance(p, ast.PTuple):
            fits = isinstance(t, TTuple) and len(t.items) == len(p.items)
            if not fits:
                self._pattern_fits(TTuple((ANY,) * len(p.items)), t, p)
            for i, item in enumerate(p.items):
                self.bind_pattern(item, t.items[i] if fits else ANY, binds, scope)
            return
        if isinstance(p, (ast.PSeq, ast.PSet)):
            kind = TSeq if isinstance(p, ast.PSeq) else TSet
            elem = t.elem if isinstance(t, kind) else ANY
            self._pattern_fits(kind(ANY), t, p)
            for item in p.items:
                self.bind_pattern(item, elem, binds, scope)
            return
        if isinstance(p, ast.PConcat):
            whole = t if isinstance(t, TSeq) else ANY
            self._pattern_fits(TSeq(ANY), t, p)
            self.bind_pattern(p.left, whole, binds, scope)
            self.bind_pattern(p.right, whole, binds, scope)
            return
        self._bind_dotted(p, t, binds, scope)

    def _bind_dotted(self, p: ast.PDotted, t: T.Type, binds: dict[str, _Entry], scope: _Scope) -> None:
        """`D.x.y`: a constructor (or channel) head fixes the fields; the last part takes the rest."""
        head = self._literal(p.parts[0], scope)
        rest: list[T.Type] | None = None  # the field types the parts match, None if unknown
        if head is not None:
            ht = head.type()
            if not isinstance(t, TDotted) and not self._pattern_fits(ht.result if isinstance(ht, TDot) else ht, t, p):
                rest = [] if not isinstance(ht, TDot) else None if ht.fields is None else list(ht.fields)
            self._match_fields(p.parts[1:], rest, True, binds, scope, self._owner(p.parts[0], scope), "FITO205")
            return
        if isinstance(t, TDotted):
            rest = list(t.parts)
        elif t in (INT, BOOL, PROC, T.CHAR) or isinstance(t, (TTuple, TSet, TSeq)):
            self._pattern_fits(TDotted((ANY,) * len(p.parts)), t, p)
        self._match_fields(p.parts, rest, True, binds, scope, f"the value is {t}", "FITO205")

    def _pattern_fits(self, pattern_type: T.Type, t: T.Type, p: ast.Pattern) -> bool:
        """Report a pattern that cannot match a value of type `t`; True if it was reported."""
        if T.compatible(pattern_type, t):
            return False
        self.err("FITO205", f"this pattern matches {describe(pattern_type)}, but the value is {describe(t)}",
                 p.span)
        return True

    # ----- assertions and the FITO layer ------------------------------------------------
    def _check_assertion(self, a: ast.Assertion, optimizers: dict[str, ast.Optimizer],
                         properties: dict[str, ast.PropertyDecl]) -> None:
        if isinstance(a, ast.Refinement):
            self.expect_proc(a.spec, self.top, "the specification")
            self.expect_proc(a.impl, self.top, "the implementation")
            return
        self.expect_proc(a.process, self.top, "the process of an assertion")
        if isinstance(a, ast.HasTrace):
            t = self.infer(a.trace, self.top)
            if not self._mismatch(TSeq(ANY), t, a.trace.span, "a trace") and isinstance(t, TSeq) \
                    and not T.compatible(EVENT, t.elem):
                self.err("FITO208", f"a trace is a sequence of events, but this is {describe(t)}", a.trace.span)
            return
        prop = a.property
        names_property = isinstance(prop.argument, ast.Var) and prop.argument.name in properties
        if prop.argument is not None and not names_property:
            self.infer(prop.argument, self.top)
        if prop.fairness is not None:
            self.expect_events(prop.fairness.events, self.top, "a fairness set")
        if prop.kind == "optimizer" and prop.name not in optimizers:
            close = difflib.get_close_matches(prop.name, list(optimizers), n=1)
            hint = f"; did you mean {close[0]}?" if close else " (declare it with `optimizer NAME { ... }`)"
            self.err("FITO209", f"no optimizer named {prop.name} is declared{hint}",
                     self._word_span(prop.span, prop.name, "optimizer"))

    def _check_properties(self, decls: list[ast.PropertyDecl]) -> dict[str, ast.PropertyDecl]:
        """Resolve the names inside `property P = snap(e)`; sorts.py checks the sorts."""
        out: dict[str, ast.PropertyDecl] = {}
        for d in decls:
            if d.name in out:
                self.err("FITO202", f"property {d.name} is declared twice", self._word_span(d.span, d.name, "property"),
                         Note("first declared here", out[d.name].span))
            else:
                out[d.name] = d
        for d in decls:
            self._property_names(d.value, out)
        self.diagnostics.extend(check_sorts(self.program.decls))
        return out

    def _property_names(self, e: ast.Expr, properties: dict[str, ast.PropertyDecl]) -> None:
        """Property expressions combine snap(e)/conv(e) and property names with and, or, not."""
        if isinstance(e, ast.Apply) and isinstance(e.function, ast.Var) and e.function.name in ("snap", "conv"):
            for arg in e.args:
                self.infer(arg, self.top)
        elif isinstance(e, ast.UnOp) and e.op == "not":
            self._property_names(e.operand, properties)
        elif isinstance(e, ast.BinOp) and e.op in ("and", "or"):
            self._property_names(e.left, properties)
            self._property_names(e.right, properties)

    def _check_observe(self, observes: list[ast.Observe]) -> dict[str, ast.RoleBinding]:
        roles: dict[str, ast.RoleBinding] = {}
        for decl in observes:
            for b in decl.bindings:
                if b.role not in ast.ROLES:
                    close = difflib.get_close_matches(b.role, ast.ROLES, n=1)
                    hint = f"did you mean {close[0]}? " if close else ""
                    self.err("FITO209", f"unknown role {b.role}: {hint}the roles are {', '.join(ast.ROLES)}",
                             self._head_span(b.span, b.role))
                elif b.role in roles:
                    self.err("FITO202", f"role {b.role} is bound twice", self._head_span(b.span, b.role),
                             Note("first bound here", roles[b.role].span))
                else:
                    roles[b.role] = b
                span = self._word_span(b.span, b.channel, "=")
                entry = self.top.lookup(b.channel)
                if entry is None:
                    self._undefined(b.channel, span, self.top)
                elif entry.kind != CHANNEL:
                    self.err("FITO209", f"role {b.role} must be bound to a channel, but {b.channel} is a "
                             f"{entry.kind}", span)
        return roles

    def _check_domains(self, decls: list[ast.Domains]) -> ast.Expr | None:
        for extra in decls[1:]:
            self.err("FITO202", "the persistence domains are declared twice", extra.span,
                     Note("first declared here", decls[0].span))
        if not decls:
            return None
        value = decls[0].value
        self._collection(self.infer(value, self.top), value.span, "the domains", seq=False)
        self._finite(value, self.top, "domains")
        return value

    def _check_optimizers(self, decls: list[ast.Optimizer]) -> dict[str, ast.Optimizer]:
        out: dict[str, ast.Optimizer] = {}
        for o in decls:
            name_span = self._word_span(o.span, o.name, "optimizer")
            if o.name in out:
                self.err("FITO202", f"optimizer {o.name} is declared twice", name_span,
                         Note("first declared here", out[o.name].span))
            else:
                out[o.name] = o
            self._check_optimizer(o)
        return out

    def _check_optimizer(self, o: ast.Optimizer) -> None:
        binds: dict[str, _Entry] = {}
        for name in (*o.params, *o.state, o.gradient):
            if name in binds:
                spans = self._name_spans(o.span, [name, name], "optimizer")
                self.err("FITO202", f"{name} is declared twice in optimizer {o.name}", spans[1],
                         Note("first declared here", spans[0]))
            else:
                binds[name] = _Entry(name, LOCAL, None, type_=ANY)
        updated: dict[str, ast.Update] = {}
        for u in o.updates:
            span = self._head_span(u.span, u.target)
            if u.target not in o.state:
                self.err("FITO209", f"{u.target}' updates {u.target}, which is not in the state of optimizer "
                         f"{o.name} (state: {', '.join(o.state) or 'none'})", span)
            elif u.target in updated:
                self.err("FITO202", f"{u.target} is updated twice", span, Note("first update", updated[u.target].span))
            else:
                updated[u.target] = u
        for target in updated:  # the next values, readable by every update
            binds[target + "'"] = _Entry(target + "'", LOCAL, None, type_=ANY)
        scope = self.top.child(binds)
        for u in o.updates:
            self.infer(u.value, scope)
        placed: dict[str, ast.Placement] = {}
        for pl in o.placements:
            if pl.component not in o.state:
                self.err("FITO209", f"component {pl.component} is not in the state of optimizer {o.name} "
                         f"(state: {', '.join(o.state) or 'none'})", self._head_span(pl.span, pl.component))
            elif pl.component in placed:
                self.err("FITO202", f"component {pl.component} is placed twice", self._head_span(pl.span, pl.component),
                         Note("first placed here", placed[pl.component].span))
            else:
                placed[pl.component] = pl
            if self.top.lookup(pl.domain) is None:
                self._undefined(pl.domain, self._word_span(pl.span, pl.domain, "in"), self.top)


def _set_fields(sets) -> tuple[T.Type, ...] | None:
    """The fields described by a product of sets; None when an element type is unknown."""
    out: list[T.Type] = []
    for st in sets:
        if st.elem is ANY or isinstance(st.elem, T.TVar):
            return None
        out.extend(st.elem.parts if isinstance(st.elem, TDotted) else (st.elem,))
    return tuple(out)


def _word(name: str) -> str:
    return rf"(?<![{_NAME_CHARS}]){re.escape(name)}(?![{_NAME_CHARS}])"


def _count(n: int) -> str:
    return f"{n} argument{'' if n == 1 else 's'}"


def _cover(a: Span | None, b: Span | None) -> Span | None:
    if a is None or b is None:
        return a or b
    return Span(a.path, a.line, a.column, b.end_line, b.end_column)


def _mentioned(node) -> set[str]:
    """Every name a declaration mentions (scoping ignored: only used to order the work)."""
    out: set[str] = set()
    stack = [node]
    while stack:
        n = stack.pop()
        if isinstance(n, (ast.Var, ast.PVar)):
            out.add(n.name)
        elif isinstance(n, (list, tuple)):
            stack.extend(n)
        elif isinstance(n, _Group):
            stack.extend(n.clauses)
        elif isinstance(n, ast.Node):
            stack.extend(getattr(n, f.name) for f in dc_fields(n) if f.name != "span")
    return out
