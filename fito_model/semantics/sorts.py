"""The FITO category check: Snap properties (one instant) vs Conv properties (a protocol run).

`snap(e)` is sorted Snap: "at one instant every domain is at epoch e".
`conv(e)` is sorted Conv: "the run converges to e and stays there". Using
one where the other is required is the FITO category mistake, a type error.
"""
from __future__ import annotations

from ..diagnostics import Diagnostic, Note
from ..syntax import ast

SNAP, CONV = "Snap", "Conv"
REQUIRED = {"reaches": SNAP, "satisfies": CONV, "converges to": CONV}
MEANING = {SNAP: "a state at one instant", CONV: "a convergence property of a protocol run"}


def property_decls(decls) -> dict[str, ast.PropertyDecl]:
    return {d.name: d for d in decls if isinstance(d, ast.PropertyDecl)}


def sort_of(expr: ast.Expr, props: dict[str, ast.PropertyDecl], diags: list[Diagnostic]) -> str | None:
    """The sort of a property expression; mixing the sorts is reported, not guessed."""
    match expr:
        case ast.Apply(function=ast.Var(name="snap"), args=(_,)):
            return SNAP
        case ast.Apply(function=ast.Var(name="conv"), args=(_,)):
            return CONV
        case ast.Var(name=n) if n in props:
            return sort_of(props[n].value, props, diags)
        case ast.UnOp(op="not", operand=x):
            s = sort_of(x, props, diags)
            if s == CONV:
                diags.append(Diagnostic("FITO212", "`not` of a Conv property is not supported "
                                        "(only conjunctions of conv(e))", expr.span))
            return s
        case ast.BinOp(op=("and" | "or") as op, left=l, right=r):
            a, b = sort_of(l, props, diags), sort_of(r, props, diags)
            if a and b and a != b:
                diags.append(Diagnostic(
                    "FITO210", f"the FITO category mistake: `{op}` combines a {a} property ({MEANING[a]}) "
                    f"with a {b} property ({MEANING[b]})", expr.span,
                    (Note(f"this side is {a}", l.span), Note(f"this side is {b}", r.span))))
                return None
            if a == CONV and op == "or":
                diags.append(Diagnostic("FITO212", "`or` of Conv properties is not supported "
                                        "(only conjunctions of conv(e))", expr.span))
            return a or b
    diags.append(Diagnostic("FITO208", "a property is built from snap(e), conv(e), property names, "
                            "and, or and not", expr.span))
    return None


def check_sorts(decls) -> list[Diagnostic]:
    """Every property declaration is well-sorted and every use has the sort its assertion needs."""
    props = property_decls(decls)
    diags: list[Diagnostic] = []
    for p in props.values():
        sort_of(p.value, props, diags)
    for a in decls:
        if not isinstance(a, ast.PropertyAssertion) or a.property.kind not in REQUIRED:
            continue
        prop = a.property
        name = prop.name
        if prop.kind == "converges to":
            name = prop.argument.name if isinstance(prop.argument, ast.Var) and prop.argument.name in props else None
        if name is None:
            continue
        if name not in props:
            diags.append(Diagnostic("FITO201", f"no property named {name!r} (declare it with "
                                    f"`property {name} = snap(e)` or `conv(e)`)", prop.span))
            continue
        have, need = sort_of(props[name].value, props, []), REQUIRED[prop.kind]
        if have and have != need:
            diags.append(Diagnostic(
                "FITO210", f"the FITO category mistake: :[{prop.kind}] needs a {need} property "
                f"({MEANING[need]}), but {name} is a {have} property ({MEANING[have]})", prop.span,
                (Note(f"{name} is declared {have} here", props[name].span),)))
    return diags
