"""lark parse tree -> typed AST. Every rule has a method; anything else is a bug.

The walk is iterative (lark's Transformer_NonRecursive), so deep trees cannot
overflow Python's stack here. Mistakes found while building the AST (a bad
pattern, an unknown semantic model, a malformed optimizer update) are collected
in `self.errors` and a placeholder is returned, so one run reports them all.
"""
from __future__ import annotations

import re

from lark import Token, Transformer_NonRecursive, v_args

from ..diagnostics import Diagnostic
from ..source import Span
from . import ast


class ToAst(Transformer_NonRecursive):
    """Explicit: the default method raises, so a grammar change cannot slip through."""

    def __init__(self, path: str):
        super().__init__(visit_tokens=False)
        self.path = path
        self.errors: list[Diagnostic] = []

    def _error(self, code: str, message: str, span: Span | None) -> None:
        self.errors.append(Diagnostic(code, message, span))

    def __default__(self, data, children, meta):  # pragma: no cover - guards grammar drift
        raise NotImplementedError(f"no AST rule for grammar rule {data!r}")

    # ----- helpers -----------------------------------------------------------------
    def _span(self, meta) -> Span | None:
        if getattr(meta, "empty", True):
            return None
        return Span(self.path, meta.line, meta.column, meta.end_line, max(meta.end_column - 1, 1))

    def _tok_span(self, tok: Token) -> Span:
        return Span(self.path, tok.line, tok.column, tok.end_line or tok.line,
                    max((tok.end_column or tok.column + 1) - 1, 1))

    def _pattern(self, e: ast.Expr) -> ast.Pattern:
        """Patterns are parsed as expressions, then checked to be patterns."""
        s = e.span
        match e:
            case ast.Var(name="_"):
                return ast.PWild(span=s)
            case ast.Var(name=n):
                return ast.PVar(n, span=s)
            case ast.IntLit(value=v) | ast.BoolLit(value=v) | ast.StringLit(value=v):
                return ast.PLit(v, span=s)
            case ast.UnOp(op="-", operand=ast.IntLit(value=v)):
                return ast.PLit(-v, span=s)
            case ast.TupleExpr(items=items):
                return ast.PTuple(tuple(self._pattern(i) for i in items), span=s)
            case ast.Dotted(parts=parts):
                return ast.PDotted(tuple(self._pattern(p) for p in parts), span=s)
            case ast.SeqLit(items=items):
                return ast.PSeq(tuple(self._pattern(i) for i in items), span=s)
            case ast.BinOp(op="^", left=l, right=r):
                return ast.PConcat(self._pattern(l), self._pattern(r), span=s)
            case ast.SetLit(items=items):
                return ast.PSet(tuple(self._pattern(i) for i in items), span=s)
        self._error("FITO109", "this expression is not a valid pattern "
                    "(expected a name, _, a literal, a tuple, a dotted value, a sequence or a set)", s)
        return ast.PWild(span=s)

    # ----- declarations -----------------------------------------------------------
    @v_args(meta=True)
    def start(self, meta, children):
        return list(children)

    @v_args(meta=True)
    def include(self, meta, c):
        return ast.Include(_string(c[0]), span=self._span(meta))

    @v_args(meta=True)
    def channel_decl(self, meta, c):
        return ast.Channel(tuple(c[0]), c[1], span=self._span(meta))

    @v_args(meta=True)
    def name_list(self, meta, c):
        return [str(t) for t in c]

    @v_args(meta=True)
    def datatype_decl(self, meta, c):
        return ast.Datatype(str(c[0]), tuple(c[1:]), span=self._span(meta))

    @v_args(meta=True)
    def constructor(self, meta, c):
        return ast.Constructor(str(c[0]), tuple(c[1:]), span=self._span(meta))

    @v_args(meta=True)
    def nametype_decl(self, meta, c):
        return ast.Nametype(str(c[0]), c[1], span=self._span(meta))

    @v_args(meta=True)
    def definition(self, meta, c):
        name, params = c[0]
        return ast.Definition(name, params, c[1], span=self._span(meta))

    @v_args(meta=True)
    def lhs_name(self, meta, c):
        return str(c[0]), None

    @v_args(meta=True)
    def lhs_call(self, meta, c):
        return str(c[0]), tuple(self._pattern(e) for e in (c[1] or ()))

    @v_args(meta=True)
    def print_decl(self, meta, c):
        return ast.Print(c[0], span=self._span(meta))

    # ----- assertions --------------------------------------------------------------
    @v_args(meta=True)
    def assertion(self, meta, c):
        negated = isinstance(c[0], Token) and c[0].type == "ASSERT_NOT"
        body = c[-1]
        return type(body)(**{**_fields(body), "negated": negated}, span=self._span(meta))

    @v_args(meta=True)
    def refinement_assertion(self, meta, c):
        model = str(c[1])[1:-1]
        return ast.Refinement(False, c[0], model, c[2], span=self._span(meta))

    @v_args(meta=True)
    def property_assertion(self, meta, c):
        return ast.PropertyAssertion(False, c[0], c[1], span=self._span(meta))

    @v_args(meta=True)
    def trace_assertion(self, meta, c):
        return ast.HasTrace(False, c[0], c[2], c[3], span=self._span(meta))

    @v_args(meta=True)
    def model(self, meta, c):
        m = str(c[0])
        if m not in ("T", "F", "FD"):
            self._error("FITO101", f"unknown semantic model [{m}]: expected [T], [F] or [FD]", self._tok_span(c[0]))
        return m

    @v_args(meta=True)
    def property(self, meta, c):
        head, rest = c[0], c[1:]
        kind = " ".join(str(head).replace("^", "").split())
        span = self._span(meta)
        if head.type in ("DEADLOCK_FREE", "DIVERGENCE_FREE", "DETERMINISTIC"):
            return ast.Property(kind, model=rest[0], span=span)
        if head.type == "CONVERGES_TO":
            return ast.Property("converges to", argument=rest[0], fairness=rest[1], span=span)
        if head.type == "REACHES":
            return ast.Property("reaches", name=str(rest[0]), span=span)
        if head.type == "SATISFIES":
            return ast.Property("satisfies", name=str(rest[0]), fairness=rest[1], span=span)
        if head.type == "OPTIMIZER":
            return ast.Property("optimizer", name=str(rest[0]), span=span)
        if head.type == "COMMON_KNOWLEDGE":
            return ast.Property("common knowledge", argument=rest[0], span=span)
        if head.type == "KNOWS":
            return ast.Property("knows", depth=int(rest[0]), argument=rest[1], span=span)
        return ast.Property(kind, span=span)

    @v_args(meta=True)
    def fairness(self, meta, c):
        return ast.Fairness(str(c[1]), c[2], span=self._span(meta))

    # ----- FITO layer ---------------------------------------------------------------
    @v_args(meta=True)
    def domains_decl(self, meta, c):
        return ast.Domains(c[0], span=self._span(meta))

    @v_args(meta=True)
    def property_decl(self, meta, c):
        return ast.PropertyDecl(str(c[0]), c[1], span=self._span(meta))

    @v_args(meta=True)
    def observe_decl(self, meta, c):
        return ast.Observe(tuple(c), span=self._span(meta))

    @v_args(meta=True)
    def role_binding(self, meta, c):
        return ast.RoleBinding(str(c[0]), str(c[1]), span=self._span(meta))

    @v_args(meta=True)
    def optimizer_decl(self, meta, c):
        name, params, items = str(c[0]), tuple(c[1] or ()), c[2:]
        state: list[str] = []
        gradient = "g"
        updates: list[ast.Update] = []
        placements: list[ast.Placement] = []
        for kind, value in items:
            if kind == "state":
                state.extend(value)
            elif kind == "gradient":
                gradient = value
            elif kind == "update":
                updates.append(value)
            else:
                placements.extend(value)
        return ast.Optimizer(name, params, tuple(state), gradient, tuple(updates), tuple(placements),
                             span=self._span(meta))

    @v_args(meta=True)
    def opt_state(self, meta, c):
        return "state", c[0]

    @v_args(meta=True)
    def opt_gradient(self, meta, c):
        return "gradient", str(c[0])

    @v_args(meta=True)
    def opt_update(self, meta, c):
        target = str(c[0])
        if not target.endswith("'"):
            self._error("FITO110", f"an optimizer update names the next value: write `{target}' = ...`",
                        self._tok_span(c[0]))
            target += "'"
        return "update", ast.Update(target[:-1], c[1], span=self._span(meta))

    @v_args(meta=True)
    def opt_components(self, meta, c):
        return "component", list(c)

    @v_args(meta=True)
    def placement(self, meta, c):
        return ast.Placement(str(c[0]), str(c[1]), span=self._span(meta))

    # ----- process operators ---------------------------------------------------------
    @v_args(meta=True)
    def hiding(self, meta, c):
        return ast.Hide(c[0], c[1], span=self._span(meta))

    @v_args(meta=True)
    def gen_parallel(self, meta, c):
        return ast.GenParallel(c[0], c[1], c[2], span=self._span(meta))

    @v_args(meta=True)
    def alpha_parallel(self, meta, c):
        return ast.AlphaParallel(c[0], c[1], c[2], c[3], span=self._span(meta))

    def _procop(op):
        @v_args(meta=True)
        def method(self, meta, c):
            return ast.ProcOp(op, c[0], c[1], span=self._span(meta))
        return method

    interleave = _procop("|||")
    internal_choice = _procop("|~|")
    external_choice = _procop("[]")
    interrupt = _procop("/\\")
    timeout = _procop("[>")
    sequential = _procop(";")

    @v_args(meta=True)
    def prefix(self, meta, c):
        base, fields = c[0]
        return ast.Prefix(base, fields, c[1], span=self._span(meta))

    @v_args(meta=True)
    def event(self, meta, c):
        return c[0], tuple(c[1:])

    @v_args(meta=True)
    def input_field(self, meta, c):
        return ast.Input(self._pattern(c[0]), c[1], span=self._span(meta))

    @v_args(meta=True)
    def output_field(self, meta, c):
        return ast.Output(c[0], span=self._span(meta))

    @v_args(meta=True)
    def pattern_term(self, meta, c):
        return c[0] if len(c) == 1 else ast.Dotted(tuple(c), span=self._span(meta))

    @v_args(meta=True)
    def guard(self, meta, c):
        return ast.Guard(c[0], c[1], span=self._span(meta))

    @v_args(meta=True)
    def if_expr(self, meta, c):
        return ast.If(c[0], c[1], c[2], span=self._span(meta))

    @v_args(meta=True)
    def let_expr(self, meta, c):
        return ast.Let(tuple(c[:-1]), c[-1], span=self._span(meta))

    def _replicated(op):
        @v_args(meta=True)
        def method(self, meta, c):
            return ast.Replicated(op, tuple(c[0]), c[1], span=self._span(meta))
        return method

    rep_external = _replicated("[]")
    rep_internal = _replicated("|~|")
    rep_interleave = _replicated("|||")
    rep_sequential = _replicated(";")

    @v_args(meta=True)
    def rep_gen_parallel(self, meta, c):
        return ast.Replicated("[|A|]", tuple(c[1]), c[2], sync=c[0], span=self._span(meta))

    @v_args(meta=True)
    def rep_alpha_parallel(self, meta, c):
        return ast.Replicated("||", tuple(c[0]), c[2], alpha=c[1], span=self._span(meta))

    @v_args(meta=True)
    def lambda_expr(self, meta, c):
        return ast.Lambda(tuple(self._pattern(p) for p in c[0]), c[1], span=self._span(meta))

    # ----- value operators -------------------------------------------------------------
    def _binop(op):
        @v_args(meta=True)
        def method(self, meta, c):
            return ast.BinOp(op, c[0], c[1], span=self._span(meta))
        return method

    or_op = _binop("or")
    and_op = _binop("and")
    eq = _binop("==")
    ne = _binop("!=")
    lt = _binop("<")
    gt = _binop(">")
    le = _binop("<=")
    ge = _binop(">=")
    concat_op = _binop("^")
    add = _binop("+")
    sub = _binop("-")
    mul = _binop("*")
    div = _binop("/")
    mod = _binop("%")

    def _unop(op):
        @v_args(meta=True)
        def method(self, meta, c):
            return ast.UnOp(op, c[0], span=self._span(meta))
        return method

    not_op = _unop("not")
    negate = _unop("-")
    length = _unop("#")

    @v_args(meta=True)
    def dotted(self, meta, c):
        return c[0] if len(c) == 1 else ast.Dotted(tuple(c), span=self._span(meta))

    @v_args(meta=True)
    def apply(self, meta, c):
        return ast.Apply(c[0], tuple(c[1] or ()), span=self._span(meta))

    @v_args(meta=True)
    def rename(self, meta, c):
        pairs, quals = c[1]
        return ast.Rename(c[0], pairs, quals, span=self._span(meta))

    @v_args(meta=True)
    def rename_list(self, meta, c):
        quals = c[-1] if c[-1] is not None else ()
        return tuple(c[:-1]), tuple(quals)

    @v_args(meta=True)
    def rename_pair(self, meta, c):
        return ast.RenamePair(c[0], c[1], span=self._span(meta))

    @v_args(meta=True)
    def generators_tail(self, meta, c):
        return c[0]

    # ----- atoms -------------------------------------------------------------------
    @v_args(meta=True)
    def int_lit(self, meta, c):
        return ast.IntLit(int(c[0]), span=self._span(meta))

    @v_args(meta=True)
    def true_lit(self, meta, c):
        return ast.BoolLit(True, span=self._span(meta))

    @v_args(meta=True)
    def false_lit(self, meta, c):
        return ast.BoolLit(False, span=self._span(meta))

    @v_args(meta=True)
    def string_lit(self, meta, c):
        return ast.StringLit(_string(c[0]), span=self._span(meta))

    @v_args(meta=True)
    def var(self, meta, c):
        return ast.Var(str(c[0]), span=self._span(meta))

    @v_args(meta=True)
    def paren(self, meta, c):
        return c[0]

    @v_args(meta=True)
    def tuple_lit(self, meta, c):
        return ast.TupleExpr((c[0], *c[1]), span=self._span(meta))

    @v_args(meta=True)
    def set_lit(self, meta, c):
        return ast.SetLit(tuple(c[0] or ()), span=self._span(meta))

    @v_args(meta=True)
    def set_range(self, meta, c):
        return ast.SetRange(c[0], c[1], span=self._span(meta))

    @v_args(meta=True)
    def set_from(self, meta, c):
        return ast.SetRange(c[0], None, span=self._span(meta))

    @v_args(meta=True)
    def set_comp(self, meta, c):
        return ast.SetComp(c[0], tuple(c[1]), span=self._span(meta))

    @v_args(meta=True)
    def events_of(self, meta, c):
        return ast.EventsOf(tuple(c[0]), span=self._span(meta))

    @v_args(meta=True)
    def events_comp(self, meta, c):
        return ast.EventsComp(c[0], tuple(c[1]), span=self._span(meta))

    @v_args(meta=True)
    def seq_lit(self, meta, c):
        return ast.SeqLit(tuple(c[0] or ()), span=self._span(meta))

    @v_args(meta=True)
    def seq_range(self, meta, c):
        return ast.SeqRange(c[0], c[1], span=self._span(meta))

    @v_args(meta=True)
    def seq_comp(self, meta, c):
        return ast.SeqComp(c[0], tuple(c[1]), span=self._span(meta))

    @v_args(meta=True)
    def expr_list(self, meta, c):
        return list(c)

    @v_args(meta=True)
    def pattern_list(self, meta, c):
        return list(c)

    @v_args(meta=True)
    def binders(self, meta, c):
        return list(c)

    @v_args(meta=True)
    def binder(self, meta, c):
        return ast.Binder(self._pattern(c[0]), c[1], span=self._span(meta))

    @v_args(meta=True)
    def generators(self, meta, c):
        return list(c)

    @v_args(meta=True)
    def gen_bind(self, meta, c):
        return ast.Generator(self._pattern(c[0]), c[1], span=self._span(meta))

    @v_args(meta=True)
    def gen_filter(self, meta, c):
        return ast.Filter(c[0], span=self._span(meta))


_ESCAPE = re.compile(r"\\(x[0-9A-Fa-f]{2}|u[0-9A-Fa-f]{4}|U[0-9A-Fa-f]{8}|.)", re.DOTALL)
_SIMPLE_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "0": "\0", "\\": "\\", '"': '"', "'": "'"}


def _string(tok: Token) -> str:
    """The value of a string literal: backslash escapes as in C/Haskell, text otherwise verbatim.

    Known escapes: \\n \\t \\r \\0 \\\\ \\" \\' \\xHH \\uHHHH \\UHHHHHHHH; any other
    `\\c` stands for `c`. Non-ASCII text is kept as written (the file is UTF-8).
    """
    return _ESCAPE.sub(_unescape, str(tok)[1:-1])


def _unescape(m: re.Match) -> str:
    e = m.group(1)
    if len(e) > 1:
        code = int(e[1:], 16)
        return chr(code) if code <= 0x10FFFF and not 0xD800 <= code <= 0xDFFF else "\ufffd"
    return _SIMPLE_ESCAPES.get(e, e)


def _fields(node) -> dict:
    return {k: getattr(node, k) for k in node.__dataclass_fields__ if k != "span"}
