"""lark parse -> typed AST, applied inline while lark parses (Lark(transformer=...)).

Every rule has a method; parser.grammar() checks that no rule is left to lark's
default tree builder, so a grammar change cannot slip through. Callbacks run at
each LALR reduction, without recursion, so deep inputs cannot overflow Python's
stack here. Spans are computed from the children: tokens carry positions, AST
nodes carry spans (rules marked `!` in fito.lark keep their punctuation and
keywords so that a node's span starts and ends where its text does; `_strip`
drops those tokens again). Mistakes found while building the AST (a bad
pattern, an unknown semantic model, a malformed optimizer update) are
collected in `self.errors` and a placeholder is returned, so one run reports
them all.
"""
from __future__ import annotations

import re

from lark import Token, Transformer

from ..diagnostics import Diagnostic
from ..source import Span, new_span
from . import ast
from .precedence import Chain, field_token, first_token

# Named terminals that carry meaning (everything else a `!` rule keeps is punctuation).
_KEEP = frozenset({"NAME", "INT", "STRING", "ASSERT_NOT", "REFINES", "HAS_TRACE"})


def _strip(c):
    return [x for x in c if type(x) is not Token or x.type in _KEEP]


class ToAst(Transformer):
    """Explicit: one method per rule (checked when the grammar is loaded)."""

    def __init__(self, path: str = "<string>"):
        super().__init__(visit_tokens=False)
        self.reset(path)

    def reset(self, path: str) -> None:
        self.path = path
        self.errors: list[Diagnostic] = []
        # id(inner node) -> (inner node, "(", ")"): a parenthesised operand's text
        # starts and ends at its brackets (the node is kept alive, so ids stay unique)
        self._outer: dict[int, tuple] = {}
        # (token, expected terminals): what the operator table forbids in a chain the
        # flat grammar accepted; parser.py reports the first as a syntax error
        self.violations: list[tuple] = []

    def _error(self, code: str, message: str, span: Span | None) -> None:
        self.errors.append(Diagnostic(code, message, span))

    def _violation(self, tok: Token, expected) -> None:
        self.violations.append((tok, expected))

    # ----- helpers -----------------------------------------------------------------
    def _start(self, x):
        if isinstance(x, Token):
            return x.line, x.column
        if isinstance(x, ast.Node):
            o = self._outer.get(id(x))
            if o is not None:
                return o[1].line, o[1].column
            s = x.span
            return None if s is None else (s.line, s.column)
        if isinstance(x, (list, tuple)):
            for y in x:
                r = self._start(y)
                if r is not None:
                    return r
        return None

    def _end(self, x):
        if isinstance(x, Token):
            return x.end_line, max(x.end_column - 1, 1)
        if isinstance(x, ast.Node):
            o = self._outer.get(id(x))
            if o is not None:
                t = o[2]
                return t.end_line, max(t.end_column - 1, 1)
            s = x.span
            return None if s is None else (s.end_line, s.end_column)
        if isinstance(x, (list, tuple)):
            for y in reversed(x):
                r = self._end(y)
                if r is not None:
                    return r
        return None

    def _span(self, c) -> Span | None:
        if type(c) is list and c:
            first, last = c[0], c[-1]
            if type(first) is Token and type(last) is Token:  # the common case, without the generic walk
                return new_span(self.path, first.line, first.column, last.end_line, max(last.end_column - 1, 1))
        start = self._start(c)
        if start is None:
            return None
        end = self._end(c)
        return new_span(self.path, start[0], start[1], end[0], end[1])

    def _span2(self, l, r) -> Span | None:
        """`_span([l, r])` for two AST nodes, the common case, without the generic walk."""
        outer = self._outer
        o = outer.get(id(l))
        if o is None:
            s = l.span
            if s is None:
                return self._span([l, r])
            line, col = s.line, s.column
        else:
            line, col = o[1].line, o[1].column
        o = outer.get(id(r))
        if o is None:
            s = r.span
            if s is None:
                return self._span([l, r])
            return new_span(self.path, line, col, s.end_line, s.end_column)
        t = o[2]
        return new_span(self.path, line, col, t.end_line, max(t.end_column - 1, 1))

    def _tok_span(self, tok: Token) -> Span:
        return new_span(self.path, tok.line, tok.column, tok.end_line or tok.line,
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
    def start(self, children):
        return list(children)

    def include(self, c):
        span = self._span(c)
        c = _strip(c)
        return ast.Include(_string(c[0]), span=span)

    def channel_decl(self, c):
        span = self._span(c)
        c = _strip(c)
        return ast.Channel(tuple(str(t) for t in c[0]), c[-1] if len(c) > 1 else None, span=span)

    def name_list(self, c):
        return list(c)  # the NAME tokens (positions for the enclosing span)

    def datatype_decl(self, c):
        span = self._span(c)
        c = _strip(c)
        return ast.Datatype(str(c[0]), tuple(c[1:]), span=span)

    def constructor(self, c):
        return ast.Constructor(str(c[0]), tuple(c[1:]), span=self._span(c))

    def nametype_decl(self, c):
        span = self._span(c)
        c = _strip(c)
        return ast.Nametype(str(c[0]), c[1], span=span)

    def definition(self, c):
        name, params = c[0]
        return ast.Definition(str(name), params, c[1], span=self._span(c))

    def lhs_name(self, c):
        return c[0], None

    def lhs_call(self, c):
        return c[0], tuple(self._pattern(e) for e in (c[1] or ()))

    def print_decl(self, c):
        span = self._span(c)
        c = _strip(c)
        return ast.Print(c[0], span=span)

    def transparent_decl(self, c):
        span = self._span(c)
        c = _strip(c)
        return ast.Transparent(tuple(str(t) for t in c[0]), span=span)

    # ----- assertions --------------------------------------------------------------
    def assertion(self, c):
        span = self._span(c)
        c = _strip(c)
        negated = isinstance(c[0], Token) and c[0].type == "ASSERT_NOT"
        body = c[-1]
        return type(body)(**{**_fields(body), "negated": negated}, span=span)

    def refinement_assertion(self, c):
        span = self._span(c)
        c = _strip(c)
        model = str(c[1])[1:-1]
        return ast.Refinement(False, c[0], model, c[2], span=span)

    def property_assertion(self, c):
        span = self._span(c)
        c = _strip(c)
        return ast.PropertyAssertion(False, c[0], c[1], span=span)

    def trace_assertion(self, c):
        span = self._span(c)
        c = _strip(c)
        model = c[2][0] if c[2] is not None else None
        return ast.HasTrace(False, c[0], model, c[3], span=span)

    def model(self, c):
        end = c[-1]
        c = _strip(c)
        m = str(c[0])
        if m not in ("T", "F", "FD"):
            self._error("FITO101", f"unknown semantic model [{m}]: expected [T], [F] or [FD]", self._tok_span(c[0]))
        return m, end  # the closing bracket ends the enclosing span

    def property(self, c):
        head, rest = c[0], c[1:]
        kind = " ".join(str(head).replace("^", "").split())
        span = self._span(c)
        if head.type == "DIVERGENCE_FREE":
            kind = "divergence free"  # FDR's `livelock free` is a synonym
        if head.type in ("DEADLOCK_FREE", "DIVERGENCE_FREE", "DETERMINISTIC"):
            return ast.Property(kind, model=rest[0][0] if rest[0] is not None else None, span=span)
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

    def fairness(self, c):
        return ast.Fairness(str(c[1]), c[2], span=self._span(c))

    # ----- FITO layer ---------------------------------------------------------------
    def domains_decl(self, c):
        span = self._span(c)
        c = _strip(c)
        return ast.Domains(c[0], span=span)

    def property_decl(self, c):
        span = self._span(c)
        c = _strip(c)
        return ast.PropertyDecl(str(c[0]), c[1], span=span)

    def observe_decl(self, c):
        span = self._span(c)
        c = _strip(c)
        return ast.Observe(tuple(x for x in c if x is not None), span=span)

    def role_binding(self, c):
        return ast.RoleBinding(str(c[0]), str(c[1]), span=self._span(c))

    def optimizer_decl(self, c):
        span = self._span(c)
        c = _strip(c)
        name = str(c[0])
        params = tuple(str(t) for x in c[1:] if isinstance(x, list) for t in x)
        items = [x for x in c[1:] if isinstance(x, tuple)]
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
                             span=span)

    def opt_state(self, c):
        return "state", [str(t) for t in c[0]]

    def opt_gradient(self, c):
        return "gradient", str(c[0])

    def opt_update(self, c):
        target = str(c[0])
        if not target.endswith("'"):
            self._error("FITO110", f"an optimizer update names the next value: write `{target}' = ...`",
                        self._tok_span(c[0]))
            target += "'"
        return "update", ast.Update(target[:-1], c[1], span=self._span(c))

    def opt_components(self, c):
        return "component", list(c)

    def placement(self, c):
        return ast.Placement(str(c[0]), str(c[1]), span=self._span(c))

    # ----- operator chains (precedence.py) --------------------------------------------
    def head(self, c):
        chain = c[0]
        if chain is None:
            chain = Chain(self)
        x = c[1]
        if type(x) is Token:  # a prefix operator
            chain.prefix(x)
            return chain
        chain.operand(x)
        tok = c[2]
        n = len(c)
        if n == 3:
            chain.binary(tok.value, tok)
        elif type(tok) is Token:
            if tok.value == "[|":  # [| A |]
                chain.binary("[|", tok, c[3])
            elif c[4] == "||":     # [ A || B ]
                chain.binary("[", tok, (c[3], c[5]))
            else:                  # [ a <-> b, ... ]
                chain.binary("<->", tok, tuple(x for x in c[3:-1] if type(x) is not Token))
        else:           # fields ->
            fields = tuple(c[2:-1])
            chain.binary("->", c[-1], fields, field_token(fields[0]))
        return chain

    def expr_chain(self, c):
        chain = c[0]
        chain.operand(c[1])
        return chain.finish()

    def expr_loose(self, c):
        chain = c[0]
        chain.loose(c[1], first_token(c[1]))
        return chain.finish()

    def input_field(self, c):
        span = self._span(c)
        c = _strip(c)
        return ast.Input(self._pattern(c[0]), c[-1] if len(c) > 1 else None, span=span)

    def output_field(self, c):
        span = self._span(c)
        c = _strip(c)
        return ast.Output(c[0], span=span)

    def pattern_term(self, c):
        return c[0] if len(c) == 1 else ast.Dotted(tuple(c), span=self._span(c))

    def if_expr(self, c):
        span = self._span(c)
        c = _strip(c)
        return ast.If(c[0], c[1], c[2], span=span)

    def let_expr(self, c):
        span = self._span(c)
        c = _strip(c)
        return ast.Let(tuple(c[:-1]), c[-1], span=span)

    def _replicated(op):
        def method(self, c):
            span = self._span(c)
            c = _strip(c)
            return ast.Replicated(op, tuple(c[0]), c[1], span=span)
        return method

    rep_external = _replicated("[]")
    rep_internal = _replicated("|~|")
    rep_interleave = _replicated("|||")
    rep_sequential = _replicated(";")

    def rep_gen_parallel(self, c):
        span = self._span(c)
        c = _strip(c)
        return ast.Replicated("[|A|]", tuple(c[1]), c[2], sync=c[0], span=span)

    def rep_alpha_parallel(self, c):
        span = self._span(c)
        c = _strip(c)
        return ast.Replicated("||", tuple(c[0]), c[2], alpha=c[1], span=span)

    def lambda_expr(self, c):
        span = self._span(c)
        c = _strip(c)
        return ast.Lambda(tuple(self._pattern(p) for p in c[0]), c[1], span=span)

    # ----- value operators -------------------------------------------------------------
    def _binop(op):
        def method(self, c):
            return ast.BinOp(op, c[0], c[1], span=self._span(c))
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
        def method(self, c):
            span = self._span(c)
            c = _strip(c)
            return ast.UnOp(op, c[0], span=span)
        return method

    not_op = _unop("not")
    negate = _unop("-")
    length = _unop("#")

    def dotted(self, c):
        return c[0] if len(c) == 1 else ast.Dotted(tuple(c), span=self._span(c))

    def apply(self, c):
        span = self._span(c)
        c = _strip(c)
        return ast.Apply(c[0], tuple(c[1] or ()), span=span)

    def rename(self, c):
        span = self._span(c)
        c = _strip(c)
        pairs, quals = c[1]
        return ast.Rename(c[0], pairs, quals, span=span)

    def rename_list(self, c):
        quals = c[-1] if c[-1] is not None else ()
        return tuple(c[:-1]), tuple(quals)

    def link(self, c):
        return ast.Link(c[0], c[1], span=self._span(c))

    def rename_pair(self, c):
        return ast.RenamePair(c[0], c[1], span=self._span(c))

    def generators_tail(self, c):
        return c[0]

    # ----- atoms -------------------------------------------------------------------
    def int_lit(self, c):
        return ast.IntLit(int(c[0]), span=self._tok_span(c[0]))

    def true_lit(self, c):
        span = self._span(c)
        c = _strip(c)
        return ast.BoolLit(True, span=span)

    def false_lit(self, c):
        span = self._span(c)
        c = _strip(c)
        return ast.BoolLit(False, span=span)

    def string_lit(self, c):
        span = self._span(c)
        c = _strip(c)
        return ast.StringLit(_string(c[0]), span=span)

    def var(self, c):
        return ast.Var(str(c[0]), span=self._tok_span(c[0]))

    def paren(self, c):
        inner = c[1]
        if isinstance(inner, ast.Node):
            self._outer[id(inner)] = (inner, c[0], c[2])
        return inner

    def tuple_lit(self, c):
        span = self._span(c)
        c = _strip(c)
        return ast.TupleExpr((c[0], *c[1]), span=span)

    def set_lit(self, c):
        span = self._span(c)
        c = _strip(c)
        return ast.SetLit(tuple(c[0] or ()), span=span)

    def set_range(self, c):
        span = self._span(c)
        c = _strip(c)
        return ast.SetRange(c[0], c[1], span=span)

    def set_from(self, c):
        span = self._span(c)
        c = _strip(c)
        return ast.SetRange(c[0], None, span=span)

    def set_comp(self, c):
        span = self._span(c)
        c = _strip(c)
        return ast.SetComp(tuple(c[0]), tuple(c[1]), span=span)

    def events_of(self, c):
        span = self._span(c)
        c = _strip(c)
        return ast.EventsOf(tuple(c[0]), span=span)

    def events_comp(self, c):
        span = self._span(c)
        c = _strip(c)
        return ast.EventsComp(tuple(c[0]), tuple(c[1]), span=span)

    def seq_lit(self, c):
        span = self._span(c)
        c = _strip(c)
        return ast.SeqLit(tuple(c[0] or ()), span=span)

    def seq_range(self, c):
        span = self._span(c)
        c = _strip(c)
        return ast.SeqRange(c[0], c[1], span=span)

    def seq_comp(self, c):
        span = self._span(c)
        c = _strip(c)
        return ast.SeqComp(tuple(c[0]), tuple(c[1]), span=span)

    def expr_list(self, c):
        return list(c)

    def pattern_list(self, c):
        return list(c)

    def binders(self, c):
        return list(c)

    def binder(self, c):
        return ast.Binder(self._pattern(c[0]), c[1], span=self._span(c))

    def generators(self, c):
        return list(c)

    def gen_bind(self, c):
        return ast.Generator(self._pattern(c[0]), c[1], span=self._span(c))

    def gen_filter(self, c):
        return ast.Filter(c[0], span=self._span(c))


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
