"""The typed AST: frozen dataclasses; spans are carried but excluded from equality.

Values and processes share one expression language, as in CSPm; the node
classes say which operator was written, and later stages decide what it means.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from ..source import Span


def _span() -> Span | None:
    return field(default=None, compare=False, repr=False, kw_only=True)


@dataclass(frozen=True)
class Node:
    span: Span | None = _span()


# ----- expressions -------------------------------------------------------------

@dataclass(frozen=True)
class Expr(Node):
    pass


@dataclass(frozen=True)
class IntLit(Expr):
    value: int


@dataclass(frozen=True)
class BoolLit(Expr):
    value: bool


@dataclass(frozen=True)
class StringLit(Expr):
    value: str


@dataclass(frozen=True)
class Var(Expr):
    name: str


@dataclass(frozen=True)
class TupleExpr(Expr):
    items: tuple[Expr, ...]


@dataclass(frozen=True)
class SetLit(Expr):
    items: tuple[Expr, ...]


@dataclass(frozen=True)
class SetRange(Expr):
    """`{lo..hi}`, or `{lo..}` (infinite) when `hi` is None."""

    lo: Expr
    hi: Expr | None


@dataclass(frozen=True)
class Generator(Node):
    """`pattern <- source` inside a comprehension."""

    pattern: "Pattern"
    source: Expr


@dataclass(frozen=True)
class Filter(Node):
    condition: Expr


Qualifier = Generator | Filter


@dataclass(frozen=True)
class SetComp(Expr):
    elements: tuple[Expr, ...]  # FDR allows several: { x, x + 1 | x <- S }
    qualifiers: tuple[Qualifier, ...]


@dataclass(frozen=True)
class EventsOf(Expr):
    """`{| c, d.1 |}`: every event that extends one of the items."""

    items: tuple[Expr, ...]


@dataclass(frozen=True)
class EventsComp(Expr):
    elements: tuple[Expr, ...]  # FDR allows several: { x, x + 1 | x <- S }
    qualifiers: tuple[Qualifier, ...]


@dataclass(frozen=True)
class SeqLit(Expr):
    items: tuple[Expr, ...]


@dataclass(frozen=True)
class SeqRange(Expr):
    lo: Expr
    hi: Expr


@dataclass(frozen=True)
class SeqComp(Expr):
    elements: tuple[Expr, ...]  # FDR allows several: { x, x + 1 | x <- S }
    qualifiers: tuple[Qualifier, ...]


@dataclass(frozen=True)
class BinOp(Expr):
    """Arithmetic, comparison, boolean and sequence operators on values."""

    op: str  # + - * / % == != < > <= >= and or ^
    left: Expr
    right: Expr


@dataclass(frozen=True)
class UnOp(Expr):
    op: str  # - not #
    operand: Expr


@dataclass(frozen=True)
class Dotted(Expr):
    """`c.1.true`: a dotted value (channel or constructor with fields)."""

    parts: tuple[Expr, ...]


@dataclass(frozen=True)
class Apply(Expr):
    function: Expr
    args: tuple[Expr, ...]


@dataclass(frozen=True)
class If(Expr):
    condition: Expr
    then: Expr
    orelse: Expr


@dataclass(frozen=True)
class Let(Expr):
    decls: tuple["Decl", ...]
    body: Expr


@dataclass(frozen=True)
class Lambda(Expr):
    params: tuple["Pattern", ...]
    body: Expr


# ----- processes -----------------------------------------------------------------

@dataclass(frozen=True)
class Input(Node):
    """`?pattern` or `?pattern:restriction` in a prefix."""

    pattern: "Pattern"
    restriction: Expr | None


@dataclass(frozen=True)
class Output(Node):
    value: Expr


Field = Input | Output


@dataclass(frozen=True)
class Prefix(Expr):
    """`base fields -> body`, e.g. `c.i?x:S!v -> P`."""

    base: Expr
    fields: tuple[Field, ...]
    body: Expr


@dataclass(frozen=True)
class Guard(Expr):
    condition: Expr
    body: Expr


@dataclass(frozen=True)
class ProcOp(Expr):
    """A binary process operator: [] |~| ||| ; /\\ [>."""

    op: str
    left: Expr
    right: Expr


@dataclass(frozen=True)
class GenParallel(Expr):
    left: Expr
    sync: Expr
    right: Expr


@dataclass(frozen=True)
class AlphaParallel(Expr):
    left: Expr
    left_alpha: Expr
    right_alpha: Expr
    right: Expr


@dataclass(frozen=True)
class Link(Node):
    """`a <-> b` in a link parallel: the left process's a.x meets the right process's b.x."""

    left: Expr
    right: Expr


@dataclass(frozen=True)
class LinkParallel(Expr):
    """`P [a <-> b, c <-> d] Q`: the linked events synchronise and are hidden."""

    left: Expr
    links: tuple[Link, ...]
    right: Expr


@dataclass(frozen=True)
class Hide(Expr):
    process: Expr
    hidden: Expr


@dataclass(frozen=True)
class RenamePair(Node):
    old: Expr
    new: Expr


@dataclass(frozen=True)
class Rename(Expr):
    process: Expr
    pairs: tuple[RenamePair, ...]
    qualifiers: tuple[Qualifier, ...] = ()


@dataclass(frozen=True)
class Binder(Node):
    """`pattern : set` in a replicated operator."""

    pattern: "Pattern"
    source: Expr


@dataclass(frozen=True)
class Replicated(Expr):
    """`op binders @ body`; `sync` is the set of `[| A |]`, `alpha` the `[A]` of `||`."""

    op: str  # [] |~| ||| ; [|A|] ||
    binders: tuple[Binder, ...]
    body: Expr
    sync: Expr | None = None
    alpha: Expr | None = None


# ----- patterns ------------------------------------------------------------------

@dataclass(frozen=True)
class Pattern(Node):
    pass


@dataclass(frozen=True)
class PVar(Pattern):
    name: str


@dataclass(frozen=True)
class PWild(Pattern):
    pass


@dataclass(frozen=True)
class PLit(Pattern):
    value: int | bool | str


@dataclass(frozen=True)
class PTuple(Pattern):
    items: tuple[Pattern, ...]


@dataclass(frozen=True)
class PDotted(Pattern):
    parts: tuple[Pattern, ...]


@dataclass(frozen=True)
class PSeq(Pattern):
    items: tuple[Pattern, ...]


@dataclass(frozen=True)
class PConcat(Pattern):
    left: Pattern
    right: Pattern


@dataclass(frozen=True)
class PSet(Pattern):
    items: tuple[Pattern, ...]


# ----- declarations --------------------------------------------------------------

@dataclass(frozen=True)
class Decl(Node):
    pass


@dataclass(frozen=True)
class Include(Decl):
    path: str


@dataclass(frozen=True)
class Channel(Decl):
    names: tuple[str, ...]
    type: Expr | None


@dataclass(frozen=True)
class Constructor(Node):
    name: str
    fields: tuple[Expr, ...]


@dataclass(frozen=True)
class Datatype(Decl):
    name: str
    constructors: tuple[Constructor, ...]


@dataclass(frozen=True)
class Nametype(Decl):
    name: str
    value: Expr


@dataclass(frozen=True)
class Definition(Decl):
    """`name = body` (params None) or one clause `name(p1, ..) = body`."""

    name: str
    params: tuple[Pattern, ...] | None
    body: Expr


@dataclass(frozen=True)
class Print(Decl):
    value: Expr


@dataclass(frozen=True)
class Transparent(Decl):
    """FDR's `transparent normal, sbisim`: compressions that keep the semantics."""

    names: tuple[str, ...]


@dataclass(frozen=True)
class Fairness(Node):
    kind: str  # weak | strong
    events: Expr


@dataclass(frozen=True)
class Property(Node):
    """What a property assertion claims.

    kind: deadlock free | divergence free | deterministic | uniform recovery |
    atomic snapshot | consistent recovery | agreement | never mixed |
    converges to | reaches | satisfies | optimizer | common knowledge | knows.
    """

    kind: str
    model: str | None = None
    argument: Expr | None = None
    name: str | None = None
    depth: int | None = None
    fairness: Fairness | None = None


@dataclass(frozen=True)
class Assertion(Decl):
    negated: bool


@dataclass(frozen=True)
class Refinement(Assertion):
    spec: Expr
    model: str  # T | F | FD
    impl: Expr


@dataclass(frozen=True)
class PropertyAssertion(Assertion):
    process: Expr
    property: Property


@dataclass(frozen=True)
class HasTrace(Assertion):
    process: Expr
    model: str | None
    trace: Expr


@dataclass(frozen=True)
class Domains(Decl):
    value: Expr


@dataclass(frozen=True)
class PropertyDecl(Decl):
    """`property Name = snap(e)` (sort Snap: one instant) or `conv(e)` (sort Conv: a run)."""

    name: str
    value: Expr


@dataclass(frozen=True)
class RoleBinding(Node):
    role: str
    channel: str


@dataclass(frozen=True)
class Observe(Decl):
    bindings: tuple[RoleBinding, ...]


@dataclass(frozen=True)
class Update(Node):
    """`name' = expr` inside an optimizer."""

    target: str
    value: Expr


@dataclass(frozen=True)
class Placement(Node):
    component: str
    domain: str


@dataclass(frozen=True)
class Optimizer(Decl):
    name: str
    params: tuple[str, ...]
    state: tuple[str, ...]
    gradient: str
    updates: tuple[Update, ...]
    placements: tuple[Placement, ...]


@dataclass(frozen=True)
class Module(Node):
    """One parsed file (includes not yet expanded)."""

    path: str
    decls: tuple[Decl, ...]


ROLES = ("advance", "persist", "crash", "restore", "send", "recv", "decide")
