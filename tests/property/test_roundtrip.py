"""print -> parse is the identity on ASTs (spans aside), for generated ASTs.

The strategies build only ASTs the parser can produce: integer literals are
non-negative (`-1` parses as a negation), tuples have two or more items,
dotted values two or more parts, and names come from a small alphabet that
avoids every keyword.
"""
from __future__ import annotations

from functools import lru_cache

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fito_model.syntax import ast as A
from fito_model.syntax import parse_text
from fito_model.syntax.printer import print_expr, print_module

NAMES = ["a", "b", "c", "x", "y", "P", "Q", "S", "f", "Sys", "n'", "_q1"]
name = st.sampled_from(NAMES)
small = st.integers(min_value=0, max_value=40)
text = st.text(alphabet='ab "\\\n\té-{}<>|', max_size=6)

SETTINGS = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def tuples(strategy, lo=1, hi=3):
    return st.lists(strategy, min_size=lo, max_size=hi).map(tuple)


# ----- patterns -------------------------------------------------------------------------

@lru_cache(maxsize=None)
def patterns(depth: int):
    leaves = st.one_of(
        name.map(A.PVar),
        st.just(A.PWild()),
        st.integers(min_value=-5, max_value=9).map(A.PLit),
        st.booleans().map(A.PLit),
        text.map(A.PLit),
    )
    if depth == 0:
        return leaves
    sub = patterns(depth - 1)
    return st.one_of(
        leaves,
        tuples(sub, 2, 3).map(A.PTuple),
        tuples(sub, 2, 3).map(A.PDotted),
        tuples(sub, 0, 2).map(A.PSeq),
        st.builds(A.PConcat, sub, sub),
        tuples(sub, 0, 2).map(A.PSet),
    )


# ----- expressions ----------------------------------------------------------------------

BIN_OPS = ["+", "-", "*", "/", "%", "==", "!=", "<", ">", "<=", ">=", "and", "or", "^"]
PROC_OPS = ["[]", "|~|", "|||", ";", "/\\", "[>"]


@lru_cache(maxsize=None)
def exprs(depth: int):
    leaves = st.one_of(
        small.map(A.IntLit),
        st.booleans().map(A.BoolLit),
        text.map(A.StringLit),
        name.map(A.Var),
    )
    if depth == 0:
        return leaves
    e = exprs(depth - 1)
    pat = patterns(1)
    quals = tuples(st.one_of(st.builds(A.Generator, pat, e), st.builds(A.Filter, e)), 1, 2)
    fields = st.one_of(st.builds(A.Input, pat, st.none() | e), st.builds(A.Output, e))
    binders = tuples(st.builds(A.Binder, pat, e), 1, 2)
    definitions = st.builds(A.Definition, name, st.none() | tuples(pat, 0, 2), e)
    return st.one_of(
        leaves,
        # values
        tuples(e, 2, 3).map(A.TupleExpr),
        tuples(e, 0, 3).map(A.SetLit),
        st.builds(A.SetRange, e, st.none() | e),
        st.builds(A.SetComp, tuples(e, 1, 2), quals),
        tuples(e, 1, 2).map(A.EventsOf),
        st.builds(A.EventsComp, tuples(e, 1, 2), quals),
        tuples(e, 0, 3).map(A.SeqLit),
        st.builds(A.SeqRange, e, e),
        st.builds(A.SeqComp, tuples(e, 1, 2), quals),
        st.builds(A.LinkParallel, e, tuples(st.builds(A.Link, e, e), 1, 2), e),
        st.builds(A.BinOp, st.sampled_from(BIN_OPS), e, e),
        st.builds(A.UnOp, st.sampled_from(["-", "not", "#"]), e),
        tuples(e, 2, 3).map(A.Dotted),
        st.builds(A.Apply, e, tuples(e, 0, 2)),
        st.builds(A.If, e, e, e),
        st.builds(A.Let, tuples(definitions, 1, 2), e),
        st.builds(A.Lambda, tuples(pat, 1, 2), e),
        # processes
        st.builds(A.Prefix, e, tuples(fields, 0, 3), e),
        st.builds(A.Guard, e, e),
        st.builds(A.ProcOp, st.sampled_from(PROC_OPS), e, e),
        st.builds(A.GenParallel, e, e, e),
        st.builds(A.AlphaParallel, e, e, e, e),
        st.builds(A.Hide, e, e),
        st.builds(A.Rename, e, tuples(st.builds(A.RenamePair, e, e), 1, 2), tuples(quals, 0, 1).map(
            lambda qs: qs[0] if qs else ())),
        st.builds(lambda o, bs, body: A.Replicated(o, bs, body),
                  st.sampled_from(["[]", "|~|", "|||", ";"]), binders, e),
        st.builds(lambda bs, body, sync: A.Replicated("[|A|]", bs, body, sync=sync), binders, e, e),
        st.builds(lambda bs, body, alpha: A.Replicated("||", bs, body, alpha=alpha), binders, e, e),
    )


# ----- declarations -----------------------------------------------------------------------

def properties(e):
    fairness = st.none() | st.builds(A.Fairness, st.sampled_from(["weak", "strong"]), e)
    model = st.sampled_from([None, "T", "F", "FD"])
    return st.one_of(
        st.builds(A.Property, st.sampled_from(["deadlock free", "divergence free", "deterministic"]), model),
        st.sampled_from(["uniform recovery", "atomic snapshot", "consistent recovery", "agreement",
                         "never mixed"]).map(A.Property),
        st.builds(lambda arg, f: A.Property("converges to", argument=arg, fairness=f), e, fairness),
        name.map(lambda n: A.Property("optimizer", name=n)),
        name.map(lambda n: A.Property("reaches", name=n)),
        st.builds(lambda n, f: A.Property("satisfies", name=n, fairness=f), name, fairness),
        e.map(lambda arg: A.Property("common knowledge", argument=arg)),
        st.builds(lambda k, arg: A.Property("knows", depth=k, argument=arg), st.integers(0, 4), e),
    )


def optimizers(e):
    return st.builds(
        A.Optimizer, name, tuples(name, 0, 2), tuples(name, 0, 2), name,
        tuples(st.builds(A.Update, name, e), 0, 2),
        tuples(st.builds(A.Placement, name, name), 0, 2))


def declarations(depth: int):
    e = exprs(depth)
    names = tuples(name, 1, 3)
    return st.one_of(
        st.builds(A.Include, text),
        st.builds(A.Channel, names, st.none() | e),
        st.builds(A.Datatype, name, tuples(st.builds(A.Constructor, name, tuples(e, 0, 2)), 1, 3)),
        st.builds(A.Nametype, name, e),
        st.builds(A.Definition, name, st.none() | tuples(patterns(2), 0, 3), e),
        st.builds(A.Print, e),
        st.builds(A.Transparent, names),
        st.builds(A.Refinement, st.booleans(), e, st.sampled_from(["T", "F", "FD"]), e),
        st.builds(A.PropertyAssertion, st.booleans(), e, properties(e)),
        st.builds(A.HasTrace, st.booleans(), e, st.sampled_from([None, "T", "F", "FD"]), e),
        st.builds(A.Domains, e),
        st.builds(A.PropertyDecl, name, e),
        tuples(st.builds(A.RoleBinding, st.sampled_from(A.ROLES), name), 1, 3).map(A.Observe),
        optimizers(e),
    )


modules = st.builds(A.Module, st.just("gen.fito"), tuples(declarations(3), 0, 4))


# ----- the properties ----------------------------------------------------------------------

@SETTINGS
@given(exprs(4))
def test_expressions_round_trip(e):
    text = print_expr(e)
    m = parse_text(f"x = {text}", "e.fito")
    assert m.decls == (A.Definition("x", None, e),), text


@SETTINGS
@given(modules)
def test_modules_round_trip(m):
    text = print_module(m)
    again = parse_text(text, m.path)
    assert again == m, text
    assert print_module(again) == text  # printing is stable


@SETTINGS
@given(patterns(3))
def test_patterns_round_trip(p):
    from fito_model.syntax.printer import print_pattern

    m = parse_text(f"f({print_pattern(p)}) = 0", "p.fito")
    assert m.decls == (A.Definition("f", (p,), A.IntLit(0)),)
