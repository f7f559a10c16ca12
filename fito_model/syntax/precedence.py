"""Precedence climbing for the flat operator chain of fito.lark (`head`, `expr`).

The grammar reads an operator expression as a flat chain of operands, binary
operators and prefix operators; `Chain` applies the operator table (see the
header of fito.lark and docs/language.md) by shunting-yard, incrementally as
lark reduces each `head`, so deep chains never recurse. Levels, loosest first:

    1 \\   2 |||   3 [| |] [ || ] [ <-> ]   4 |~|   5 []   6 /\\   7 [>   8 ;
    9 -> & (right)   10 or   11 and   12 not (prefix)   13 comparisons (none)
    14 . (n-ary)   15 + -   16 * / %   17 - # (prefix)   18 ^   19 operands

What the old layered grammar refused structurally is refused here, at the same
token: an operand of a level too loose for its place (`a ^ -b`, `a == not b`,
`1 + if ...`), a comparison chained to a comparison, and an event (`->`, `?`,
`!`) whose left side is not a dotted value.
"""
from __future__ import annotations

from lark import Token, Tree

from . import ast

LEVEL = {
    "\\": 1, "|||": 2, "[|": 3, "[": 3, "<->": 3, "|~|": 4, "[]": 5, "/\\": 6, "[>": 7, ";": 8,
    "->": 9, "&": 9, "or": 10, "and": 11,
    "==": 13, "!=": 13, "<": 13, ">": 13, "<=": 13, ">=": 13,
    ".": 14, "+": 15, "-": 15, "*": 16, "/": 16, "%": 16, "^": 18,
}
PREFIX = {"-": 17, "#": 17, "not": 12}
OPERAND, LOOSE = 19, 9
RIGHT = frozenset({"->", "&"})
# the loosest operand each operator accepts on its left / right
LEFT_MIN = {k: v for k, v in LEVEL.items()}
LEFT_MIN.update({"==": 14, "!=": 14, "<": 14, ">": 14, "<=": 14, ">=": 14, "->": 14, "&": 10, ".": 14})
RIGHT_MIN = {k: v + 1 for k, v in LEVEL.items()}
RIGHT_MIN.update({"->": 9, "&": 9, "==": 14, "!=": 14, "<": 14, ">": 14, "<=": 14, ">=": 14,
                  ".": 15, "^": 19})
PREFIX_MIN = {"-": 17, "#": 17, "not": 12}
PROCOPS = frozenset({"|||", "|~|", "[]", "/\\", "[>", ";"})
_OPERAND_STARTS = ("NAME", "INT", "STRING", "_OPEN_SEQ", "(", "{", "{|", "true", "false")


def _follow(level: int) -> list[str]:
    """The operators that may follow an operand of this level (for error messages; a link
    parallel starts with `[`, already listed)."""
    return [k for k, m in LEFT_MIN.items() if m <= level and k != "<->"]


def _starts(m: int) -> list[str]:
    return [*_OPERAND_STARTS, *(k for k, p in PREFIX.items() if p >= m)]


class Chain:
    """Shunting-yard state for one chain: operand stack, operator stack, operand context."""

    __slots__ = ("vals", "ops", "m", "b")

    def __init__(self, builder):
        self.vals: list = []   # [node, level] pairs, flattened: node, level, node, level, ...
        self.ops: list = []    # (level, kind, token, extra, prefix?)
        self.m = 1             # the loosest operand allowed at the next operand position
        self.b = builder

    # ----- feeding --------------------------------------------------------------------
    def prefix(self, tok: Token) -> None:
        kind = tok.value
        p = PREFIX[kind]
        if p < self.m:
            self.b._violation(tok, _starts(self.m))
        self.ops.append((p, kind, tok, None, True))
        self.m = PREFIX_MIN[kind]

    def operand(self, node) -> None:
        self.vals.append(node)
        self.vals.append(OPERAND)

    def binary(self, kind: str, tok: Token, extra=None, where: Token | None = None) -> None:
        level = LEVEL[kind]
        ops = self.ops
        right = kind in RIGHT
        while ops:
            top = ops[-1][0]
            if top > level or (top == level and not right):
                self._reduce()
            else:
                break
        if self.vals[-1] < LEFT_MIN[kind]:
            self.b._violation(where or tok, _follow(self.vals[-1]))
        ops.append((level, kind, tok, extra, False))
        self.m = RIGHT_MIN[kind]

    def loose(self, node, tok: Token) -> None:
        if self.m > LOOSE:
            self.b._violation(tok, _starts(self.m))
        self.vals.append(node)
        self.vals.append(LOOSE)

    def copy(self) -> "Chain":
        c = Chain(self.b)
        c.vals, c.ops, c.m = list(self.vals), list(self.ops), self.m
        return c

    def finish(self):
        while self.ops:
            self._reduce()
        return self.vals[0]

    # ----- building ---------------------------------------------------------------------
    def _reduce(self) -> None:
        level, kind, tok, extra, is_prefix = self.ops.pop()
        vals = self.vals
        if is_prefix:
            vals.pop()
            operand = vals.pop()
            vals.append(ast.UnOp(kind, operand, span=self.b._span([tok, operand])))
            vals.append(level)
            return
        vals.pop()
        r = vals.pop()
        left_level = vals.pop()
        l = vals.pop()
        s = self.b._span2(l, r)
        if kind == ".":
            if left_level == 14:  # extends the dotted value the chain built (a.b.c is n-ary)
                node = ast.Dotted((*l.parts, r), span=s)
            else:
                node = ast.Dotted((l, r), span=s)
        elif level >= 10:
            node = ast.BinOp(kind, l, r, span=s)
        elif kind == "->":
            node = ast.Prefix(l, extra or (), r, span=s)
        elif kind == "&":
            node = ast.Guard(l, r, span=s)
        elif kind in PROCOPS:
            node = ast.ProcOp(kind, l, r, span=s)
        elif kind == "\\":
            node = ast.Hide(l, r, span=s)
        elif kind == "[|":
            node = ast.GenParallel(l, extra, r, span=s)
        elif kind == "<->":
            node = ast.LinkParallel(l, extra, r, span=s)
        else:  # "["
            node = ast.AlphaParallel(l, extra[0], extra[1], r, span=s)
        vals.append(node)
        vals.append(level)


_LOOSE_TOKENS = {ast.If: ("IF", "if"), ast.Let: ("LET", "let"), ast.Lambda: ("BACKSLASH", "\\")}
_REP_TOKENS = {"[|A|]": "[|"}


def first_token(node) -> Token:
    """A token standing for the keyword an if/let/lambda/replicated operand starts with."""
    if isinstance(node, ast.Replicated):
        typ, value = "REPLICATED", _REP_TOKENS.get(node.op, node.op)
    else:
        typ, value = _LOOSE_TOKENS[type(node)]
    s = node.span
    return Token(typ, value, None, s.line, s.column, s.line, s.column + len(value))


def field_token(field) -> Token:
    s = field.span
    value = "?" if isinstance(field, ast.Input) else "!"
    return Token("FIELD", value, None, s.line, s.column, s.line, s.column + 1)


_LOOSE_STARTS = frozenset({"if", "let", "[]", "|~|", "|||", ";", "[|", "||", "\\"})
_FIELDS = (ast.Input, ast.Output)


def check_pending(stack) -> None:
    """Check the chains a failed parse left half-built on lark's value stack.

    A chain is checked as lark reduces its parts, which is after the token that
    follows each operator; when that token is itself wrong, the operator (or an
    if/let/... operand, or a communication) may be where the old layered grammar
    stopped: check what the chain holds, on a copy.
    """
    for i, v in enumerate(stack):
        if type(v) is not Chain:
            continue
        rest = stack[i + 1:i + 3]
        if not rest:
            continue
        x = rest[0]
        if type(x) is Token:
            if x.value in PREFIX and x.type not in ("IF", "LET"):
                v.copy().prefix(x)
            elif x.value in _LOOSE_STARTS and v.m > LOOSE:
                v.b._violation(x, _starts(v.m))
            continue
        if len(rest) < 2 or not isinstance(x, ast.Node):
            continue
        y = rest[1]
        while isinstance(y, Tree) and y.children:  # lark's helper for comm_field+
            y = y.children[0]
        c = v.copy()
        c.operand(x)
        if type(y) is Token:
            if y.value in ("?", "!"):
                c.binary("->", y, (), y)
            elif y.value in LEVEL:
                c.binary(y.value, y)
        elif isinstance(y, _FIELDS):
            c.binary("->", y, (), field_token(y))
