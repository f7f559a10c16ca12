"""AST -> readable CSPm text that parses back to an equal AST.

`parse_text(print_module(m), m.path) == m` for every module the parser can
produce (spans aside). The printer knows the grammar's precedence levels
(see the header of fito.lark) and parenthesises a child only when the grammar
needs it, plus three things precedence alone does not capture:

- `if`, `let`, lambda and the replicated operators end with a whole
  expression, so they swallow any operator that follows them; they are
  parenthesised whenever something follows them (``closed`` below);
- a `>` comparison directly inside a sequence would close the sequence
  (``seq`` below), so it is parenthesised there, as FDR requires;
- adjacent symbols that would lex as one token (`{-`, `--`, `<-`, `[|`, ...)
  are separated by a space.

Output is one declaration per line (an optimizer block takes several).
"""
from __future__ import annotations

import re

from . import ast
from .precedence import LEFT_MIN, LEVEL, PREFIX, RIGHT_MIN

__all__ = ["print_module", "print_decl", "print_expr", "print_pattern"]

# ----- precedence levels (higher binds tighter), one per grammar nonterminal ---------
EXPR = 0        # hide: P \ A
INTER = 1       # |||
PAR = 2         # [| A |]  [ A || B ]  [ a <-> b ]
ICHOICE = 3     # |~|
ECHOICE = 4     # []
INTERRUPT = 5   # /\
TIMEOUT = 6     # [>
SEMI = 7        # ;
PREFIXED = 8    # ->  &  if  let  lambda  replicated operators
OR = 9
AND = 10
NOT = 11
CMP = 12        # == != < > <= >=
DOT = 13        # a.b.c
ARITH = 14      # + -
PRODUCT = 15    # * / %
UNARY = 16      # -x  #s
CONCAT = 17     # s ^ t
POSTFIX = 18    # f(x)  P[[a <- b]]
ATOM = 19

# Operators: (own level, loosest left operand, loosest right operand), from the parser's
# table in precedence.py (which counts from 1; the printer's levels count from 0).
def _levels(op: str) -> tuple[int, int, int]:
    return LEVEL[op] - 1, LEFT_MIN[op] - 1, RIGHT_MIN[op] - 1


_COMPARISONS = ("==", "!=", "<", ">", "<=", ">=")
_PROC_OPS = {op: _levels(op) for op in ("|||", "|~|", "[]", "/\\", "[>", ";")}
_BIN_OPS = {op: _levels(op) for op in ("or", "and", *_COMPARISONS, "+", "-", "*", "/", "%", "^")}
_UN_OPS = {op: level - 1 for op, level in PREFIX.items()}
_REPLICATED = ("[]", "|~|", "|||", ";", "[|A|]", "||")
_FREE_PROPERTIES = ("uniform recovery", "atomic snapshot", "consistent recovery", "agreement", "never mixed")

# Two characters that must not touch: together they would start another token.
_HAZARDS = frozenset({"[|", "|]", "[]", "||", "|~", "~|", "/\\", "[>", "->", "<-", "==", "!=", "<=",
                      ">=", "..", "{|", "|}", "[[", "]]", ":[", "--", "{-", "-}"})


def _cat(*parts: str) -> str:
    """Concatenate, putting a space between two symbols that would lex as one token."""
    out = ""
    for p in parts:
        if out and p and (out[-1] + p[0]) in _HAZARDS:
            out += " "
        out += p
    return out


# ----- public API -------------------------------------------------------------------

def print_module(module: ast.Module) -> str:
    """The whole file: declarations in order, a blank line between different kinds."""
    lines: list[str] = []
    previous: type | None = None
    for decl in module.decls:
        kind = ast.Assertion if isinstance(decl, ast.Assertion) else type(decl)
        if previous is not None and kind is not previous:
            lines.append("")
        lines.append(print_decl(decl))
        previous = kind
    return "\n".join(lines) + "\n" if lines else ""


def print_decl(decl: ast.Decl) -> str:
    return _decl(decl, False)


def print_expr(expr: ast.Expr) -> str:
    return _expr(expr, EXPR, False, False)


def print_pattern(pattern: ast.Pattern) -> str:
    return _pat(pattern, EXPR)


# ----- declarations -----------------------------------------------------------------

def _decl(d: ast.Decl, seq: bool) -> str:
    """`seq`: the declaration sits in a `let` directly inside a sequence."""
    def top(e: ast.Expr) -> str:
        return _expr(e, EXPR, False, seq)

    match d:
        case ast.Include(path=path):
            return f"include {_quote(path)}"
        case ast.Channel(names=names, type=None):
            return f"channel {', '.join(names)}"
        case ast.Channel(names=names, type=t):
            return f"channel {', '.join(names)} : {top(t)}"
        case ast.Datatype(name=name, constructors=cons):
            return f"datatype {name} = " + " | ".join(
                ".".join([c.name, *(_expr(f, ARITH, True, seq) for f in c.fields)]) for c in cons)
        case ast.Nametype(name=name, value=value):
            return f"nametype {name} = {top(value)}"
        case ast.Definition(name=name, params=None, body=body):
            return f"{name} = {top(body)}"
        case ast.Definition(name=name, params=params, body=body):
            return f"{name}({', '.join(_pat(p, EXPR) for p in params)}) = {top(body)}"
        case ast.Print(value=value):
            return f"print {top(value)}"
        case ast.Transparent(names=names):
            return f"transparent {', '.join(names)}"
        case ast.Refinement(negated=neg, spec=spec, model=model, impl=impl):
            return f"{_assert(neg)} {_asserted(spec)} [{model}= {top(impl)}"
        case ast.PropertyAssertion(negated=neg, process=proc, property=prop):
            return f"{_assert(neg)} {_asserted(proc)} :[{_property(prop)}]"
        case ast.HasTrace(negated=neg, process=proc, model=model, trace=trace):
            m = f" [{model}]" if model is not None else ""
            return f"{_assert(neg)} {_asserted(proc)} :[has trace{m}]: {top(trace)}"
        case ast.Domains(value=value):
            return f"domains {top(value)}"
        case ast.Observe(bindings=bindings):
            if not bindings:
                raise ValueError("an observe block needs at least one role binding")
            return "observe { " + ", ".join(f"{b.role} = {b.channel}" for b in bindings) + " }"
        case ast.PropertyDecl(name=name, value=value):
            return f"property {name} = {top(value)}"
        case ast.Optimizer():
            return _optimizer(d, seq)
    raise TypeError(f"cannot print declaration {d!r}")


def _assert(negated: bool) -> str:
    return "assert not" if negated else "assert"


def _asserted(e: ast.Expr) -> str:
    """The first expression of an assertion: `assert not x ...` would read as `assert not`."""
    text = _expr(e, EXPR, False, False)
    return _cat("(", text, ")") if re.match(r"not\b", text) else text


def _property(p: ast.Property) -> str:
    kind = p.kind
    if kind in ("deadlock free", "divergence free", "deterministic"):
        return kind + (f" [{p.model}]" if p.model is not None else "")
    if kind in _FREE_PROPERTIES:
        return kind
    if kind == "converges to":
        return f"converges to {_arg(p)}" + _fairness(p.fairness)
    if kind == "reaches":
        return f"reaches {p.name}"
    if kind == "satisfies":
        return f"satisfies {p.name}" + _fairness(p.fairness)
    if kind == "optimizer":
        return f"optimizer {p.name}"
    if kind == "common knowledge":
        return f"common knowledge of {_arg(p)}"
    if kind == "knows":
        return f"knows^{p.depth} {_arg(p)}"
    raise ValueError(f"unknown property kind {kind!r}")


def _arg(p: ast.Property) -> str:
    if p.argument is None:
        raise ValueError(f"property {p.kind!r} needs an argument")
    return _expr(p.argument, DOT, True, False)


def _fairness(f: ast.Fairness | None) -> str:
    return "" if f is None else f" under {f.kind} {_expr(f.events, DOT, True, False)}"


def _optimizer(o: ast.Optimizer, seq: bool) -> str:
    head = f"optimizer {o.name}" + (f"({', '.join(o.params)})" if o.params else "") + " {"
    body: list[str] = []
    if o.state:
        body.append(f"  state {', '.join(o.state)}")
    if o.gradient != "g":
        body.append(f"  gradient {o.gradient}")
    body.extend(f"  {u.target}' = {_expr(u.value, EXPR, False, seq)}" for u in o.updates)
    if o.placements:
        body.append("  component " + ", ".join(f"{p.component} in {p.domain}" for p in o.placements))
    return "\n".join([head, *body, "}"])


# ----- expressions ------------------------------------------------------------------

def _level(e: ast.Expr) -> int:
    match e:
        case ast.Hide():
            return EXPR
        case ast.GenParallel() | ast.AlphaParallel() | ast.LinkParallel():
            return PAR
        case ast.ProcOp(op=op):
            return _PROC_OPS[op][0]
        case ast.Prefix() | ast.Guard() | ast.If() | ast.Let() | ast.Lambda() | ast.Replicated():
            return PREFIXED
        case ast.BinOp(op=op):
            return _BIN_OPS[op][0]
        case ast.UnOp(op=op):
            return _UN_OPS[op]
        case ast.Dotted():
            return DOT
        case ast.Apply() | ast.Rename():
            return POSTFIX
        case ast.IntLit(value=v) if v < 0:
            return UNARY
    return ATOM


def _open(e: ast.Expr) -> bool:
    """Does `e` end with a whole expression, so that it would swallow a following operator?"""
    return isinstance(e, (ast.If, ast.Let, ast.Lambda, ast.Replicated))


def _expr(e: ast.Expr, level: int, closed: bool, seq: bool) -> str:
    """Print `e` where the grammar expects `level`.

    closed: tokens follow `e` that it must not swallow.
    seq: `e` is directly inside a sequence (no bracket in between), where `>` closes it.
    """
    if (_level(e) < level or (closed and _open(e))
            or (seq and isinstance(e, ast.BinOp) and e.op == ">")):
        return _cat("(", _bare(e, False, False), ")")
    return _bare(e, closed, seq)


def _bare(e: ast.Expr, closed: bool, seq: bool) -> str:
    match e:
        # ----- atoms
        case ast.IntLit(value=v):
            return str(v)
        case ast.BoolLit(value=v):
            return "true" if v else "false"
        case ast.StringLit(value=v):
            return _quote(v)
        case ast.Var(name=n):
            return n
        case ast.TupleExpr(items=items):
            return _cat("(", _list(items), ")")
        case ast.SetLit(items=items):
            return _cat("{", _list(items), "}")
        case ast.SetRange(lo=lo, hi=hi):
            hi_text = _expr(hi, EXPR, False, False) if hi is not None else ""
            return _cat("{", _expr(lo, EXPR, False, False), "..", hi_text, "}")
        case ast.SetComp(elements=els, qualifiers=qs):
            return _cat("{", _list(els), " | ", _quals(qs, False), "}")
        case ast.EventsOf(items=items):
            return _cat("{| ", _list(items), " |}")
        case ast.EventsComp(elements=els, qualifiers=qs):
            return _cat("{| ", _list(els), " | ", _quals(qs, False), " |}")
        case ast.SeqLit(items=items):
            return _cat("<", ", ".join(_expr(i, EXPR, False, True) for i in items), ">")
        case ast.SeqRange(lo=lo, hi=hi):
            return _cat("<", _expr(lo, EXPR, False, True), "..", _expr(hi, EXPR, False, True), ">")
        case ast.SeqComp(elements=els, qualifiers=qs):
            return _cat("<", ", ".join(_expr(i, EXPR, False, True) for i in els), " | ", _quals(qs, True), ">")
        # ----- value operators
        case ast.BinOp(op=op, left=l, right=r):
            _, lv, rv = _BIN_OPS[op]
            return f"{_expr(l, lv, True, seq)} {op} {_expr(r, rv, closed, seq)}"
        case ast.UnOp(op="not", operand=x):
            return f"not {_expr(x, NOT, closed, seq)}"
        case ast.UnOp(op=op, operand=x):
            return _cat(op, _expr(x, UNARY, closed, seq))
        case ast.Dotted(parts=parts):
            return _cat(*_dotted(parts, seq))
        case ast.Apply(function=f, args=args):
            return _cat(_expr(f, POSTFIX, True, seq), "(", _list(args), ")")
        case ast.Rename(process=p, pairs=pairs, qualifiers=qs):
            inner = ", ".join(f"{_expr(x.old, DOT, True, False)} <- {_expr(x.new, DOT, False, False)}"
                              for x in pairs)
            if qs:
                inner += " | " + _quals(qs, False)
            return _cat(_expr(p, POSTFIX, True, seq), "[[", inner, "]]")
        # ----- prefix forms: they end with a whole expression
        case ast.If(condition=c, then=t, orelse=f):
            return (f"if {_expr(c, EXPR, False, seq)} then {_expr(t, EXPR, False, seq)} "
                    f"else {_expr(f, EXPR, closed, seq)}")
        case ast.Let(decls=decls, body=body):
            inner = " ".join(_decl(d, seq) for d in decls)
            return f"let {inner} within {_expr(body, EXPR, closed, seq)}"
        case ast.Lambda(params=params, body=body):
            return f"\\ {', '.join(_pat(p, POSTFIX) for p in params)} @ {_expr(body, EXPR, closed, seq)}"
        case ast.Replicated():
            return _replicated(e, closed, seq)
        # ----- process operators
        case ast.Prefix(base=base, fields=fields, body=body):
            return f"{_event(base, fields, seq)} -> {_expr(body, PREFIXED, closed, seq)}"
        case ast.Guard(condition=c, body=body):
            return f"{_expr(c, OR, True, seq)} & {_expr(body, PREFIXED, closed, seq)}"
        case ast.ProcOp(op=op, left=l, right=r):
            _, lv, rv = _PROC_OPS[op]
            return f"{_expr(l, lv, True, seq)} {op} {_expr(r, rv, closed, seq)}"
        case ast.GenParallel(left=l, sync=a, right=r):
            return (f"{_expr(l, PAR, True, seq)} [| {_expr(a, EXPR, False, False)} |] "
                    f"{_expr(r, ICHOICE, closed, seq)}")
        case ast.AlphaParallel(left=l, left_alpha=a, right_alpha=b, right=r):
            alphas = _cat("[", _expr(a, EXPR, False, False), " || ", _expr(b, EXPR, False, False), "]")
            return f"{_expr(l, PAR, True, seq)} {alphas} {_expr(r, ICHOICE, closed, seq)}"
        case ast.LinkParallel(left=l, links=links, right=r):
            pairs = ", ".join(f"{_expr(k.left, EXPR, True, False)} <-> {_expr(k.right, EXPR, False, False)}"
                              for k in links)
            return f"{_expr(l, PAR, True, seq)} {_cat('[', pairs, ']')} {_expr(r, ICHOICE, closed, seq)}"
        case ast.Hide(process=p, hidden=h):
            return f"{_expr(p, EXPR, True, seq)} \\ {_expr(h, INTER, closed, seq)}"
    raise TypeError(f"cannot print expression {e!r}")


def _list(items) -> str:
    return ", ".join(_expr(i, EXPR, False, False) for i in items)


def _dotted(parts, seq: bool) -> list[str]:
    out: list[str] = []
    for i, p in enumerate(parts):
        if i:
            out.append(".")
        out.append(_expr(p, ARITH, True, seq))
    return out


def _quals(qs, seq: bool) -> str:
    out = []
    for q in qs:
        match q:
            case ast.Generator(pattern=p, source=s):
                out.append(f"{_pat(p, POSTFIX)} <- {_expr(s, POSTFIX, True, seq)}")
            case ast.Filter(condition=c):
                out.append(_expr(c, OR, False, seq))
            case _:
                raise TypeError(f"cannot print qualifier {q!r}")
    return ", ".join(out)


def _event(base: ast.Expr, fields, seq: bool) -> str:
    out = [_expr(base, DOT, True, seq)]
    for f in fields:
        match f:
            case ast.Input(pattern=p, restriction=r):
                text = _cat("?", *_pattern_term(p))
                if r is not None:
                    text = _cat(text, ":", _expr(r, POSTFIX, True, seq))
                out.append(text)
            case ast.Output(value=v):
                parts = _dotted(v.parts, seq) if isinstance(v, ast.Dotted) else [_expr(v, ARITH, True, seq)]
                out.append(_cat("!", *parts))
            case _:
                raise TypeError(f"cannot print communication field {f!r}")
    return _cat(*out)


def _pattern_term(p: ast.Pattern) -> list[str]:
    """An input pattern: `postfix(.postfix)*` (a dotted pattern is split into its parts)."""
    if not isinstance(p, ast.PDotted):
        return [_pat(p, POSTFIX)]
    out: list[str] = []
    for i, q in enumerate(p.parts):
        if i:
            out.append(".")
        out.append(_pat(q, POSTFIX))
    return out


def _replicated(r: ast.Replicated, closed: bool, seq: bool) -> str:
    if r.op not in _REPLICATED:
        raise ValueError(f"unknown replicated operator {r.op!r}")
    binders = ", ".join(_cat(_pat(b.pattern, POSTFIX), ":", _expr(b.source, POSTFIX, True, seq))
                        for b in r.binders)
    body = _expr(r.body, EXPR, closed, seq)
    if r.op == "[|A|]":
        if r.sync is None:
            raise ValueError("a replicated [| A |] needs its synchronisation set")
        return f"[| {_expr(r.sync, EXPR, False, False)} |] {binders} @ {body}"
    if r.op == "||":
        if r.alpha is None:
            raise ValueError("a replicated || needs its alphabet")
        return f"|| {binders} @ " + _cat("[", _expr(r.alpha, EXPR, False, False), "]") + f" {body}"
    return f"{r.op} {binders} @ {body}"


# ----- patterns ----------------------------------------------------------------------

def _pat_level(p: ast.Pattern) -> int:
    match p:
        case ast.PDotted():
            return DOT
        case ast.PConcat():
            return CONCAT
        case ast.PLit(value=v) if isinstance(v, int) and not isinstance(v, bool) and v < 0:
            return UNARY
    return ATOM


def _pat(p: ast.Pattern, level: int) -> str:
    text = _pat_bare(p)
    return _cat("(", text, ")") if _pat_level(p) < level else text


def _pat_bare(p: ast.Pattern) -> str:
    match p:
        case ast.PVar(name=n):
            return n
        case ast.PWild():
            return "_"
        case ast.PLit(value=bool() as v):
            return "true" if v else "false"
        case ast.PLit(value=int() as v):
            return str(v)
        case ast.PLit(value=str() as v):
            return _quote(v)
        case ast.PTuple(items=items):
            return _cat("(", ", ".join(_pat(i, EXPR) for i in items), ")")
        case ast.PDotted(parts=parts):
            out: list[str] = []
            for i, q in enumerate(parts):
                if i:
                    out.append(".")
                out.append(_pat(q, ARITH))
            return _cat(*out)
        case ast.PSeq(items=items):
            return _cat("<", ", ".join(_pat(i, EXPR) for i in items), ">")
        case ast.PConcat(left=l, right=r):
            return f"{_pat(l, CONCAT)} ^ {_pat(r, POSTFIX)}"
        case ast.PSet(items=items):
            return _cat("{", ", ".join(_pat(i, EXPR) for i in items), "}")
    raise TypeError(f"cannot print pattern {p!r}")


# ----- strings -------------------------------------------------------------------------

_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\t": "\\t", "\r": "\\r"}


def _quote(s: str) -> str:
    """A string literal that reads back as `s` (see transformer._string)."""
    out = []
    for ch in s:
        if ch in _ESCAPES:
            out.append(_ESCAPES[ch])
        elif ch.isprintable():
            out.append(ch)
        elif ord(ch) <= 0xFF:
            out.append(f"\\x{ord(ch):02x}")
        elif ord(ch) <= 0xFFFF:
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(f"\\U{ord(ch):08x}")
    return '"' + "".join(out) + '"'
