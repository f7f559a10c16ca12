"""The front end, construct by construct: source text -> the exact AST expected.

Every construct of docs/language.md has a test here that spells out the AST
(spans are not compared). The precedence and associativity tests at the end of
the expression section are the executable form of the table in the docs.
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fito_model.diagnostics import FitoError
from fito_model.syntax import ast as A
from fito_model.syntax import parse_expr, parse_text
from fito_model.syntax.parser import MAX_DEPTH, MAX_NESTING

ROOT = Path(__file__).resolve().parents[2]


# ----- helpers: short constructors for expected ASTs --------------------------------

def V(name: str) -> A.Var:
    return A.Var(name)


def I(value: int) -> A.IntLit:  # noqa: E743 - short on purpose
    return A.IntLit(value)


def B(op: str, left, right) -> A.BinOp:
    return A.BinOp(op, left, right)


def U(op: str, operand) -> A.UnOp:
    return A.UnOp(op, operand)


def D(*parts) -> A.Dotted:
    return A.Dotted(tuple(parts))


def call(f: str, *args) -> A.Apply:
    return A.Apply(V(f), tuple(args))


def op(o: str, left, right) -> A.ProcOp:
    return A.ProcOp(o, left, right)


def pre(base, body, *fields) -> A.Prefix:
    return A.Prefix(base, tuple(fields), body)


def rng(lo, hi) -> A.SetRange:
    return A.SetRange(lo, hi)


def decls(src: str) -> tuple[A.Decl, ...]:
    return parse_text(src, "t.fito").decls


def one(src: str) -> A.Decl:
    (d,) = decls(src)
    return d


def errors(src: str) -> list:
    with pytest.raises(FitoError) as exc:
        parse_text(src, "t.fito")
    return exc.value.diagnostics


P, Q, R, S = V("P"), V("Q"), V("R"), V("S")
a, b, c, x, y = V("a"), V("b"), V("c"), V("x"), V("y")
STOP, SKIP = V("STOP"), V("SKIP")


# ===== declarations ===================================================================

def test_empty_file_is_an_empty_spec():
    assert parse_text("", "t.fito") == A.Module("t.fito", ())
    assert parse_text("  \n-- only a comment\n{- and a block -}\n", "t.fito") == A.Module("t.fito", ())


def test_channel_without_type():
    assert one("channel a, b") == A.Channel(("a", "b"), None)
    assert one("channel tick") == A.Channel(("tick",), None)


def test_channel_with_type():
    assert one("channel c : {0..3}.Bool") == A.Channel(("c",), D(rng(I(0), I(3)), V("Bool")))
    assert one("channel send, recv : Node.Node.Msg") == A.Channel(
        ("send", "recv"), D(V("Node"), V("Node"), V("Msg")))


def test_datatype():
    assert one("datatype Msg = Data.{0..1} | Ack") == A.Datatype(
        "Msg", (A.Constructor("Data", (rng(I(0), I(1)),)), A.Constructor("Ack", ())))
    assert one("datatype T = C.Bool.{0..N-1}") == A.Datatype(
        "T", (A.Constructor("C", (V("Bool"), rng(I(0), B("-", V("N"), I(1))))),))


def test_nametype():
    assert one("nametype Epoch = {0..2}") == A.Nametype("Epoch", rng(I(0), I(2)))


def test_constant():
    assert one("N = 3") == A.Definition("N", None, I(3))


def test_function():
    assert one("f(x) = if x < N then x + 1 else 0") == A.Definition(
        "f", (A.PVar("x"),), A.If(B("<", x, V("N")), B("+", x, I(1)), I(0)))
    assert one("g() = 1") == A.Definition("g", (), I(1))
    assert one("h(x, y) = x") == A.Definition("h", (A.PVar("x"), A.PVar("y")), x)


def test_function_with_pattern_clauses():
    src = """
    fact(0) = 1
    fact(n) = n * fact(n - 1)
    len(<>) = 0
    len(<x>^s) = 1 + len(s)
    fst((p, _)) = p
    ch(c.v) = v
    neg(-1) = true
    only({e}) = e
    yes(true) = "yes"
    """
    assert decls(src) == (
        A.Definition("fact", (A.PLit(0),), I(1)),
        A.Definition("fact", (A.PVar("n"),), B("*", V("n"), call("fact", B("-", V("n"), I(1))))),
        A.Definition("len", (A.PSeq(()),), I(0)),
        A.Definition("len", (A.PConcat(A.PSeq((A.PVar("x"),)), A.PVar("s")),),
                     B("+", I(1), call("len", V("s")))),
        A.Definition("fst", (A.PTuple((A.PVar("p"), A.PWild())),), V("p")),
        A.Definition("ch", (A.PDotted((A.PVar("c"), A.PVar("v"))),), V("v")),
        A.Definition("neg", (A.PLit(-1),), A.BoolLit(True)),
        A.Definition("only", (A.PSet((A.PVar("e"),)),), V("e")),
        A.Definition("yes", (A.PLit(True),), A.StringLit("yes")),
    )
    assert isinstance(decls(src)[-1].params[0].value, bool)


def test_let_within():
    assert parse_expr("let x = 1 f(y) = y + x within f(2)") == A.Let(
        (A.Definition("x", None, I(1)), A.Definition("f", (A.PVar("y"),), B("+", y, x))),
        call("f", I(2)))


def test_let_body_extends_to_the_right():
    assert parse_expr("let x = 1 within P [] Q") == A.Let((A.Definition("x", None, I(1)),), op("[]", P, Q))


def test_comments():
    src = """
    -- a line comment
    N = 3 -- after code
    {- a block comment
       over lines -}
    M = {- inline -} 4
    {- nested {- block -} comments, as in FDR -}
    K = 5
    """
    assert decls(src) == (A.Definition("N", None, I(3)), A.Definition("M", None, I(4)),
                          A.Definition("K", None, I(5)))


def test_comment_markers_inside_strings_are_text():
    assert one('s = "{- not -- a comment"') == A.Definition("s", None, A.StringLit("{- not -- a comment"))


def test_include():
    assert one('include "lib.fito"') == A.Include("lib.fito")


def test_print():
    assert one("print 1 + 2") == A.Print(B("+", I(1), I(2)))


def test_transparent():
    assert one("transparent normal, sbisim") == A.Transparent(("normal", "sbisim"))


def test_string_escapes_and_unicode():
    assert parse_expr(r'"a\"b\\c\nd\te\x41\u00e9 é"') == A.StringLit('a"b\\c\nd\teAé é')


def test_declarations_need_no_newlines():
    assert decls("N = 1 M = N channel c P = c -> P") == (
        A.Definition("N", None, I(1)), A.Definition("M", None, V("N")), A.Channel(("c",), None),
        A.Definition("P", None, pre(c, P)))


# ===== expressions ====================================================================

@pytest.mark.parametrize("src, expected", [
    ("1 + 2 * 3", B("+", I(1), B("*", I(2), I(3)))),
    ("(1 + 2) * 3", B("*", B("+", I(1), I(2)), I(3))),
    ("7 - 2 - 1", B("-", B("-", I(7), I(2)), I(1))),
    ("8 / 2 % 3", B("%", B("/", I(8), I(2)), I(3))),
    ("-x + 1", B("+", U("-", x), I(1))),
    ("- -1", U("-", U("-", I(1)))),
    ("a - -1", B("-", a, U("-", I(1)))),
])
def test_arithmetic(src, expected):
    assert parse_expr(src) == expected


@pytest.mark.parametrize("o", ["==", "!=", "<", ">", "<=", ">="])
def test_comparisons(o):
    assert parse_expr(f"x + 1 {o} y") == B(o, B("+", x, I(1)), y)


def test_booleans():
    assert parse_expr("not a and b or c") == B("or", B("and", U("not", a), b), c)
    assert parse_expr("a or b and not c") == B("or", a, B("and", b, U("not", c)))
    assert parse_expr("not x == y") == U("not", B("==", x, y))
    assert parse_expr("true and false") == B("and", A.BoolLit(True), A.BoolLit(False))


def test_tuples():
    assert parse_expr("(1, true, x)") == A.TupleExpr((I(1), A.BoolLit(True), x))
    assert parse_expr("(x)") == x  # brackets, not a tuple


def test_sets():
    assert parse_expr("{a, b}") == A.SetLit((a, b))
    assert parse_expr("{}") == A.SetLit(())
    assert parse_expr("{0..N-1}") == rng(I(0), B("-", V("N"), I(1)))
    assert parse_expr("{1..}") == rng(I(1), None)
    assert parse_expr("{ x | x <- S, x > 0 }") == A.SetComp(
        (x,), (A.Generator(A.PVar("x"), S), A.Filter(B(">", x, I(0)))))
    assert parse_expr("{ (x, y) | x <- S, y <- {0..x} }") == A.SetComp(
        (A.TupleExpr((x, y)),), (A.Generator(A.PVar("x"), S), A.Generator(A.PVar("y"), rng(I(0), x))))
    # FDR's comprehension with several elements
    assert parse_expr("{ x, x + 1 | x <- S }") == A.SetComp((x, B("+", x, I(1))), (A.Generator(A.PVar("x"), S),))


@pytest.mark.parametrize("f", ["union", "inter", "diff", "member", "card", "empty", "Set", "Union", "seq"])
def test_set_functions_are_applications(f):
    assert parse_expr(f"{f}(A, B)") == call(f, V("A"), V("B"))


def test_sequences():
    assert parse_expr("<1, 2>") == A.SeqLit((I(1), I(2)))
    assert parse_expr("<>") == A.SeqLit(())
    assert parse_expr("< >") == A.SeqLit(())
    assert parse_expr("<0..3>") == A.SeqRange(I(0), I(3))
    assert parse_expr("s ^ <x>") == B("^", V("s"), A.SeqLit((x,)))
    assert parse_expr("#s") == U("#", V("s"))
    assert parse_expr("head(s) + #tail(s)") == B("+", call("head", V("s")), U("#", call("tail", V("s"))))
    assert parse_expr("<x * 2 | x <- s, even(x)>") == A.SeqComp(
        (B("*", x, I(2)),), (A.Generator(A.PVar("x"), V("s")), A.Filter(call("even", x))))
    assert parse_expr("<<1>, <>>") == A.SeqLit((A.SeqLit((I(1),)), A.SeqLit(())))
    assert parse_expr("<x, 0 | x <- s>") == A.SeqComp((x, I(0)), (A.Generator(A.PVar("x"), V("s")),))


def test_comparisons_and_sequences_share_angle_brackets():
    # `<` starting an operand opens a sequence; after an operand it compares
    assert parse_expr("<a> < <b>") == B("<", A.SeqLit((a,)), A.SeqLit((b,)))
    assert parse_expr("#<1> > 0") == B(">", U("#", A.SeqLit((I(1),))), I(0))
    # inside a sequence `>` closes it, so a `>` comparison there needs brackets (as in FDR)
    assert parse_expr("<(a > b), a < b, {a > b}>") == A.SeqLit(
        (B(">", a, b), B("<", a, b), A.SetLit((B(">", a, b),))))
    assert parse_expr("<x | x <- s, (x > 0)>") == A.SeqComp(
        (x,), (A.Generator(A.PVar("x"), V("s")), A.Filter(B(">", x, I(0)))))


def test_concat_binds_tighter_than_length_as_in_fdr():
    assert parse_expr("#s ^ t") == U("#", B("^", V("s"), V("t")))
    assert parse_expr("#s + 1") == B("+", U("#", V("s")), I(1))


def test_dotted_values():
    assert parse_expr("c.1.true") == D(c, I(1), A.BoolLit(True))
    assert parse_expr("c.x+1") == D(c, B("+", x, I(1)))
    assert parse_expr("c.x == c.y") == B("==", D(c, x), D(c, y))


def test_event_sets():
    assert parse_expr("{| c |}") == A.EventsOf((c,))
    assert parse_expr("{| c.1, d |}") == A.EventsOf((D(c, I(1)), V("d")))
    assert parse_expr("{| c.x | x <- S |}") == A.EventsComp((D(c, x),), (A.Generator(A.PVar("x"), S),))
    assert parse_expr("{| c.x, d | x <- S |}") == A.EventsComp((D(c, x), V("d")), (A.Generator(A.PVar("x"), S),))
    assert parse_expr("Events") == V("Events")


def test_application_and_lambda():
    assert parse_expr("f(x)(y)") == A.Apply(call("f", x), (y,))
    assert parse_expr("\\ x, y @ x + y") == A.Lambda((A.PVar("x"), A.PVar("y")), B("+", x, y))
    assert parse_expr("(\\ x @ x)(1)") == A.Apply(A.Lambda((A.PVar("x"),), x), (I(1),))


# ===== processes ======================================================================

def test_builtin_processes():
    assert parse_expr("STOP") == STOP
    assert parse_expr("SKIP") == SKIP
    assert parse_expr("DIV") == V("DIV")
    assert parse_expr("CHAOS(A)") == call("CHAOS", V("A"))
    assert parse_expr("RUN({| c |})") == call("RUN", A.EventsOf((c,)))


def test_prefix():
    assert parse_expr("a -> P") == pre(a, P)
    assert parse_expr("a -> b -> STOP") == pre(a, pre(b, STOP))


def test_input():
    assert parse_expr("c?x -> P(x)") == pre(c, call("P", x), A.Input(A.PVar("x"), None))
    assert parse_expr("c?x:S -> P") == pre(c, P, A.Input(A.PVar("x"), S))
    assert parse_expr("c?x:{0..2} -> P") == pre(c, P, A.Input(A.PVar("x"), rng(I(0), I(2))))
    assert parse_expr("c?(x, y) -> P") == pre(c, P, A.Input(A.PTuple((A.PVar("x"), A.PVar("y"))), None))
    assert parse_expr("c?_ -> P") == pre(c, P, A.Input(A.PWild(), None))


def test_input_pattern_takes_the_dotted_rest():
    assert parse_expr("c?x.y -> P") == pre(c, P, A.Input(A.PDotted((A.PVar("x"), A.PVar("y"))), None))


def test_output():
    assert parse_expr("c!v -> P") == pre(c, P, A.Output(V("v")))
    assert parse_expr("c!x+1 -> P") == pre(c, P, A.Output(B("+", x, I(1))))
    assert parse_expr("c!x.y -> P") == pre(c, P, A.Output(D(x, y)))


def test_mixed_communication():
    assert parse_expr("c.i?x!y -> P") == pre(
        D(c, V("i")), P, A.Input(A.PVar("x"), None), A.Output(y))
    assert parse_expr("c!1?x:S!2 -> P") == pre(
        c, P, A.Output(I(1)), A.Input(A.PVar("x"), S), A.Output(I(2)))


@pytest.mark.parametrize("o", ["[]", "|~|", "|||", ";", "/\\", "[>"])
def test_binary_process_operators(o):
    assert parse_expr(f"P {o} Q") == op(o, P, Q)


def test_guard():
    assert parse_expr("x > 0 & a -> P") == A.Guard(B(">", x, I(0)), pre(a, P))
    assert parse_expr("a and b & P") == A.Guard(B("and", a, b), P)


def test_if_then_else():
    assert parse_expr("if b then P else Q") == A.If(b, P, Q)
    assert parse_expr("if b then P else if c then Q else R") == A.If(b, P, A.If(c, Q, R))


def test_generalised_parallel():
    assert parse_expr("P [| {| c |} |] Q") == A.GenParallel(P, A.EventsOf((c,)), Q)


def test_link_parallel():
    assert parse_expr("P [a <-> b] Q") == A.LinkParallel(P, (A.Link(a, b),), Q)
    assert parse_expr("P [a <-> b, c.1 <-> d] Q") == A.LinkParallel(
        P, (A.Link(a, b), A.Link(D(c, I(1)), V("d"))), Q)


def test_alphabetised_parallel():
    assert parse_expr("P [ A || B ] Q") == A.AlphaParallel(P, V("A"), V("B"), Q)
    assert parse_expr("P [{| a |} || {| b |}] Q") == A.AlphaParallel(
        P, A.EventsOf((a,)), A.EventsOf((b,)), Q)


def test_hiding():
    assert parse_expr("P \\ {| c |}") == A.Hide(P, A.EventsOf((c,)))


def test_renaming():
    assert parse_expr("P [[ a <- b ]]") == A.Rename(P, (A.RenamePair(a, b),))
    assert parse_expr("P[[ a <- b, c.1 <- c.2 ]]") == A.Rename(
        P, (A.RenamePair(a, b), A.RenamePair(D(c, I(1)), D(c, I(2)))))
    assert parse_expr("P [[ c.x <- d.x | x <- S ]]") == A.Rename(
        P, (A.RenamePair(D(c, x), D(V("d"), x)),), (A.Generator(A.PVar("x"), S),))
    assert parse_expr("f(x)[[a <- b]]") == A.Rename(call("f", x), (A.RenamePair(a, b),))


def test_sequential_composition_interrupt_timeout():
    assert parse_expr("P ; Q ; R") == op(";", op(";", P, Q), R)
    assert parse_expr("P /\\ crash -> R") == op("/\\", P, pre(V("crash"), R))
    assert parse_expr("P [> Q") == op("[>", P, Q)


@pytest.mark.parametrize("src, rep", [
    ("[] x:S @ c.x -> STOP", "[]"),
    ("|~| x:S @ c.x -> STOP", "|~|"),
    ("||| x:S @ c.x -> STOP", "|||"),
    ("; x:<1, 2> @ c.x -> STOP", ";"),
])
def test_replicated_operators(src, rep):
    source = A.SeqLit((I(1), I(2))) if rep == ";" else S
    assert parse_expr(src) == A.Replicated(rep, (A.Binder(A.PVar("x"), source),), pre(D(c, x), STOP))


def test_replicated_generalised_parallel():
    assert parse_expr("[| {| c |} |] i:{0..2} @ P(i)") == A.Replicated(
        "[|A|]", (A.Binder(A.PVar("i"), rng(I(0), I(2))),), call("P", V("i")), sync=A.EventsOf((c,)))


def test_replicated_alphabetised_parallel():
    assert parse_expr("|| x:S @ [A(x)] P(x)") == A.Replicated(
        "||", (A.Binder(A.PVar("x"), S),), call("P", x), alpha=call("A", x))


def test_replicated_with_several_binders():
    assert parse_expr("[] x:S, (y, z):T @ P") == A.Replicated(
        "[]", (A.Binder(A.PVar("x"), S), A.Binder(A.PTuple((A.PVar("y"), A.PVar("z"))), V("T"))), P)


def test_parameterised_processes():
    assert decls("COUNT(n) = up -> COUNT(n + 1) [] n > 0 & down -> COUNT(n - 1)") == (
        A.Definition("COUNT", (A.PVar("n"),), op(
            "[]", pre(V("up"), call("COUNT", B("+", V("n"), I(1)))),
            A.Guard(B(">", V("n"), I(0)), pre(V("down"), call("COUNT", B("-", V("n"), I(1))))))),)
    assert one("NODE(i, e) = step.i.e -> NODE(i, e + 1)") == A.Definition(
        "NODE", (A.PVar("i"), A.PVar("e")),
        pre(D(V("step"), V("i"), V("e")), call("NODE", V("i"), B("+", V("e"), I(1)))))


# ----- precedence and associativity (see the table in docs/language.md) ---------------

@pytest.mark.parametrize("src, expected", [
    # a prefix binds tighter than every binary process operator
    ("a -> P [] b -> Q", op("[]", pre(a, P), pre(b, Q))),
    ("a -> P |~| b -> Q", op("|~|", pre(a, P), pre(b, Q))),
    ("a -> P ; Q", op(";", pre(a, P), Q)),
    ("P ; a -> Q", op(";", P, pre(a, Q))),
    ("b & P ; Q", op(";", A.Guard(b, P), Q)),
    ("b & P [] Q", op("[]", A.Guard(b, P), Q)),
    # the choice levels: |~| looser than [], left-associative
    ("P [] Q |~| R", op("|~|", op("[]", P, Q), R)),
    ("P |~| Q [] R", op("|~|", P, op("[]", Q, R))),
    ("P [] Q [] R", op("[]", op("[]", P, Q), R)),
    # /\ and [> bind tighter than [], [> tighter than /\
    ("P [] Q /\\ R", op("[]", P, op("/\\", Q, R))),
    ("P /\\ Q [> R", op("/\\", P, op("[>", Q, R))),
    ("P [> Q ; R", op("[>", P, op(";", Q, R))),
    # parallel binds looser than the choices; ||| looser than [| |] (as in FDR)
    ("P [] Q [| A |] R", A.GenParallel(op("[]", P, Q), V("A"), R)),
    ("P ||| Q [| A |] R", op("|||", P, A.GenParallel(Q, V("A"), R))),
    ("P [| A |] Q ||| R", op("|||", A.GenParallel(P, V("A"), Q), R)),
    ("P [| A |] Q [ B || C ] R", A.AlphaParallel(A.GenParallel(P, V("A"), Q), V("B"), V("C"), R)),
    ("P [a <-> b] Q [] R", A.LinkParallel(P, (A.Link(a, b),), op("[]", Q, R))),
    ("P [a <-> b] Q [| A |] R", A.GenParallel(A.LinkParallel(P, (A.Link(a, b),), Q), V("A"), R)),
    ("P ||| Q [a <-> b] R", op("|||", P, A.LinkParallel(Q, (A.Link(a, b),), R))),
    ("P ||| Q ||| R", op("|||", op("|||", P, Q), R)),
    # hiding is the loosest binary operator: its right operand extends
    ("P \\ A [] Q", A.Hide(P, op("[]", V("A"), Q))),
    ("(P \\ A) [] Q", op("[]", A.Hide(P, V("A")), Q)),
    ("P ||| Q \\ A", A.Hide(op("|||", P, Q), V("A"))),
    ("P \\ A \\ B", A.Hide(A.Hide(P, V("A")), V("B"))),
    # renaming is postfix and binds tightest
    ("a -> P [[a <- b]]", pre(a, A.Rename(P, (A.RenamePair(a, b),)))),
    # if / let / lambda / replicated operators extend as far right as possible
    ("if b then P else Q [] R", A.If(b, P, op("[]", Q, R))),
    ("[] x:S @ P [] Q", A.Replicated("[]", (A.Binder(A.PVar("x"), S),), op("[]", P, Q))),
    ("||| x:S @ P [| A |] Q", A.Replicated("|||", (A.Binder(A.PVar("x"), S),), A.GenParallel(P, V("A"), Q))),
    ("([] x:S @ P) [] Q", op("[]", A.Replicated("[]", (A.Binder(A.PVar("x"), S),), P), Q)),
    ("\\ x @ x [] Q", A.Lambda((A.PVar("x"),), op("[]", x, Q))),
    ("a -> if b then P else Q [] R", pre(a, A.If(b, P, op("[]", Q, R)))),
    # value operators inside events and guards
    ("c.x+1 -> P", pre(D(c, B("+", x, I(1))), P)),
    ("x + 1 > y & P", A.Guard(B(">", B("+", x, I(1)), y), P)),
])
def test_precedence(src, expected):
    assert parse_expr(src) == expected


# ===== assertions =====================================================================

@pytest.mark.parametrize("model", ["T", "F", "FD"])
def test_refinement(model):
    assert one(f"assert SPEC [{model}= IMPL") == A.Refinement(False, V("SPEC"), model, V("IMPL"))


def test_refinement_sides_are_whole_processes():
    assert one("assert a -> STOP [] b -> STOP [T= P \\ {| c |}") == A.Refinement(
        False, op("[]", pre(a, STOP), pre(b, STOP)), "T", A.Hide(P, A.EventsOf((c,))))


def test_assert_not():
    assert one("assert not P [T= Q") == A.Refinement(True, P, "T", Q)
    assert one("assert not P :[deadlock free]") == A.PropertyAssertion(True, P, A.Property("deadlock free"))
    assert one("assert   not\n P :[deterministic]") == A.PropertyAssertion(True, P, A.Property("deterministic"))


@pytest.mark.parametrize("kind", ["deadlock free", "divergence free", "deterministic"])
@pytest.mark.parametrize("model", [None, "T", "F", "FD"])
def test_classic_properties(kind, model):
    suffix = f" [{model}]" if model else ""
    assert one(f"assert P :[{kind}{suffix}]") == A.PropertyAssertion(False, P, A.Property(kind, model=model))


def test_livelock_free_is_fdrs_other_name_for_divergence_free():
    assert one("assert P :[livelock free]") == A.PropertyAssertion(False, P, A.Property("divergence free"))


def test_property_words_may_be_spread_over_whitespace():
    assert one("assert P :[deadlock   free [F]]") == A.PropertyAssertion(
        False, P, A.Property("deadlock free", model="F"))


def test_has_trace():
    assert one("assert P :[has trace]: <a, b>") == A.HasTrace(False, P, None, A.SeqLit((a, b)))
    assert one("assert not P :[has trace [T]]: <a>") == A.HasTrace(True, P, "T", A.SeqLit((a,)))


# ===== the FITO layer =================================================================

def test_domains():
    assert one("domains Dom") == A.Domains(V("Dom"))
    assert one("domains {0..2}") == A.Domains(rng(I(0), I(2)))


def test_observe():
    src = """
    observe {
      advance = step
      persist = write
      crash   = crash
      restore = load
      send    = send, recv = recv
      decide  = decide,
    }
    """
    assert one(src) == A.Observe(tuple(A.RoleBinding(r, ch) for r, ch in [
        ("advance", "step"), ("persist", "write"), ("crash", "crash"), ("restore", "load"),
        ("send", "send"), ("recv", "recv"), ("decide", "decide")]))


def test_optimizer_block():
    src = """
    optimizer SGDMomentum(lr, beta) {
      state w, m
      m' = beta * m + g
      w' = w - lr * m'
      component w in GPU, m in NVMe
    }
    """
    assert one(src) == A.Optimizer(
        "SGDMomentum", ("lr", "beta"), ("w", "m"), "g",
        (A.Update("m", B("+", B("*", V("beta"), V("m")), V("g"))),
         A.Update("w", B("-", V("w"), B("*", V("lr"), V("m'"))))),
        (A.Placement("w", "GPU"), A.Placement("m", "NVMe")))


def test_optimizer_block_minimal_and_with_gradient():
    assert one("optimizer SGD { state w w' = w - g }") == A.Optimizer(
        "SGD", (), ("w",), "g", (A.Update("w", B("-", V("w"), V("g"))),), ())
    assert one("optimizer O() { state w state v gradient dg w' = dg }") == A.Optimizer(
        "O", (), ("w", "v"), "dg", (A.Update("w", V("dg")),), ())


@pytest.mark.parametrize("kind", ["uniform recovery", "atomic snapshot", "consistent recovery",
                                  "agreement", "never mixed"])
def test_fito_properties_without_arguments(kind):
    assert one(f"assert Sys :[{kind}]") == A.PropertyAssertion(False, V("Sys"), A.Property(kind))


def test_converges_to():
    assert one("assert Sys :[converges to 2]") == A.PropertyAssertion(
        False, V("Sys"), A.Property("converges to", argument=I(2)))
    assert one("assert Sys :[converges to 2 under weak {| recv |}]") == A.PropertyAssertion(
        False, V("Sys"), A.Property("converges to", argument=I(2),
                                    fairness=A.Fairness("weak", A.EventsOf((V("recv"),)))))
    assert one("assert Sys :[converges to E under strong Events]") == A.PropertyAssertion(
        False, V("Sys"), A.Property("converges to", argument=V("E"), fairness=A.Fairness("strong", V("Events"))))


def test_optimizer_property():
    assert one("assert Sys :[optimizer SGDMomentum]") == A.PropertyAssertion(
        False, V("Sys"), A.Property("optimizer", name="SGDMomentum"))


def test_epistemic_properties():
    assert one("assert Sys :[common knowledge of done]") == A.PropertyAssertion(
        False, V("Sys"), A.Property("common knowledge", argument=V("done")))
    assert one("assert Sys :[knows^3 v.1]") == A.PropertyAssertion(
        False, V("Sys"), A.Property("knows", argument=D(V("v"), I(1)), depth=3))


def test_named_properties():
    assert one("property Up = conv(x)") == A.PropertyDecl("Up", call("conv", x))
    assert one("assert Sys :[reaches Up]") == A.PropertyAssertion(False, V("Sys"), A.Property("reaches", name="Up"))
    assert one("assert Sys :[satisfies Up under weak Events]") == A.PropertyAssertion(
        False, V("Sys"), A.Property("satisfies", name="Up", fairness=A.Fairness("weak", V("Events"))))


def test_fito_words_are_still_names_in_cspm_code():
    # only FDR's keywords are reserved; `in`, `state`, `weak`, ... stay usable names
    assert decls("channel in, out, state\nP = in?x -> out!x -> state -> P") == (
        A.Channel(("in", "out", "state"), None),
        A.Definition("P", None, pre(V("in"), pre(V("out"), pre(V("state"), P), A.Output(x)),
                                    A.Input(A.PVar("x"), None))))


# ===== spans ==========================================================================

def test_spans_point_at_the_source():
    m = parse_text("N = 3\n\nP = a -> STOP [] b -> P\n", "t.fito")
    n, p = m.decls
    assert (n.span.path, n.span.line, n.span.column) == ("t.fito", 1, 1)
    assert (p.span.line, p.span.column, p.span.end_line, p.span.end_column) == (3, 1, 3, 23)
    choice = p.body
    assert (choice.right.span.line, choice.right.span.column) == (3, 18)


# ===== diagnostics ====================================================================

def _one_error(src: str):
    (d,) = errors(src)
    return d


@pytest.mark.parametrize("src, code, line, col, words", [
    ("P = a -> ", "FITO103", 1, 9, ["end of file"]),
    ("P = (a -> STOP\nQ = STOP", "FITO101", 2, 1, ["'Q'", "')'"]),
    ("channel 3", "FITO101", 1, 9, ["'3'", "a name"]),
    ("channel if", "FITO101", 1, 9, ["'if'", "a name"]),
    ("P = a -> STOP []\nassert P :[deadlock free]", "FITO101", 2, 1, ["'assert'"]),
    ("x = 1 +* 2", "FITO101", 1, 8, ["'*'"]),
    ("x = 1 + if b then 1 else 2", "FITO101", 1, 9, ["'if'"]),
    ("assert P :[deadlock free [X]]", "FITO101", 1, 27, ["[X]", "[T], [F] or [FD]"]),
    ("assert P [X= Q", "FITO101", 1, 12, ["'='"]),
    ("assert P :[tau priority]", "FITO101", 1, 12, ["'tau'", "'deterministic'"]),
    ('x = "abc\ny = 1', "FITO104", 1, 5, ["unterminated string"]),
    ("x = 1\n{- no end\ny = 2", "FITO104", 2, 1, ["unterminated block comment"]),
    ("x = {-1}", "FITO104", 1, 5, ["unterminated block comment"]),
    ("f(1 + 1) = 2", "FITO109", 1, 3, ["not a valid pattern"]),
    ("P = c?x+1 -> P", "FITO101", 1, 8, ["'+'"]),
    ("optimizer O { state w w = w - g }", "FITO110", 1, 23, ["w' ="]),
    ("x = <a | a <- s, a > 0>", "FITO101", 1, 22, ["'0'"]),
    ("x = 3 $ 4", "FITO102", 1, 7, ["'$'"]),
])
def test_typical_mistakes(src, code, line, col, words):
    d = _one_error(src)
    assert (d.code, d.span.line, d.span.column) == (code, line, col), d
    assert d.span.path == "t.fito"
    for w in words:
        assert w in d.message, (w, d.message)


@pytest.mark.parametrize("src, hint", [
    ("x = 1 + if b then 1 else 2", "parentheses"),
    ("subtype T = A | B", "subtype"),
    ("external chase", "external"),
    ("P = c$x -> P", "nondeterministic input"),
    ("P = [a <-> b] x : <1, 2> @ Q(x)", "replicated link parallel"),
    ("P = Q [| A |> R", "exception"),
    ("assert P :[tau priority]", "not supported"),
    ("x = 'a'", "character literals"),
])
def test_unsupported_fdr_constructs_say_so(src, hint):
    d = errors(src)[0]
    assert d.notes and hint in d.notes[0].message, d


def test_several_independent_syntax_errors_are_all_reported():
    src = "\n".join([
        "channel a, b",
        "P = a -> -> STOP",       # error 1 (line 2)
        "Q = b -> STOP",
        "R = (a -> STOP",          # error 2 (line 4)
        "S = STOP",
        "channel 7",               # error 3 (line 6)
        "T = SKIP",
    ])
    ds = errors(src)
    assert [(d.code, d.span.line) for d in ds] == [("FITO101", 2), ("FITO101", 5), ("FITO101", 6)]


def test_several_errors_found_while_building_the_ast_are_all_reported():
    ds = errors("f(1 + 1) = 1\ng(a and b) = 2\nassert P :[deterministic [Q]]\n")
    assert [(d.code, d.span.line) for d in ds] == [("FITO109", 1), ("FITO109", 2), ("FITO101", 3)]


def test_error_count_is_capped():
    ds = errors("channel 1\n" * 100)
    assert 1 < len(ds) <= 20


def test_deep_brackets_are_refused_with_a_location():
    d = _one_error("x = " + "(" * (MAX_NESTING + 50) + "1" + ")" * (MAX_NESTING + 50))
    assert (d.code, d.span.line, d.span.column) == ("FITO105", 1, 5 + MAX_NESTING)


def test_long_operator_chains_are_refused_not_crashed():
    for src in ("x = " + "- " * 5000 + "1", "P = " + "a -> " * 5000 + "STOP",
                "x = " + "1 + " * 5000 + "1", "x = " + "not " * 5000 + "true"):
        d = _one_error(src)
        assert d.code == "FITO105" and "nested" in d.message


def test_moderate_nesting_is_fine():
    assert parse_expr("(" * 150 + "1" + ")" * 150) == I(1)
    parse_text("P = " + "a -> " * (MAX_DEPTH // 2) + "STOP")


def test_refinement_brackets_do_not_count_as_nesting():
    parse_text("P = STOP\n" + "assert P [T= P\n" * (MAX_NESTING + 10) + "Q = P [> P\n" * (MAX_NESTING + 10))


# ===== the documentation's examples parse =============================================

def _doc_blocks() -> list[tuple[int, str]]:
    text = (ROOT / "docs" / "language.md").read_text()
    out = []
    for m in re.finditer(r"```fito\n(.*?)```", text, re.DOTALL):
        out.append((text.count("\n", 0, m.start()) + 1, m.group(1)))
    return out


@pytest.mark.parametrize("line, block", _doc_blocks(), ids=lambda v: str(v) if isinstance(v, int) else "")
def test_docs_examples_parse(line, block):
    parse_text(block, f"docs/language.md:{line}")


def test_docs_have_examples():
    assert len(_doc_blocks()) >= 30


# ===== robustness: any text gives an AST or diagnostics, never another exception ======

_FUZZ_TOKENS = ["->", "[]", "|~|", "|||", "[|", "|]", "[", "]", "||", "\\", ";", "/\\", "[>", "&", "?", "!",
                ".", ",", ":", "@", "(", ")", "{", "}", "{|", "|}", "<", ">", "<-", "..", "=", "==", "+", "-",
                "#", "^", "[[", "]]", "if", "then", "else", "let", "within", "channel", "datatype", "assert",
                "not", "and", "STOP", "P", "x", "c", "1", '"s"', "{-", "-}", "--", ":[", "deadlock free",
                "has trace", "knows^", "[T=", "[F]", "observe", "optimizer", "domains", "state", "'", "$",
                "\n", " ", "\t", "é", "\x00"]


def _parse_or_diagnose(text: str) -> None:
    try:
        parse_text(text, "f.fito")
    except FitoError as err:
        assert err.diagnostics
        for d in err.diagnostics:
            assert d.span is not None and d.span.path == "f.fito" and d.span.line >= 1 and d.span.column >= 1


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_FUZZ_TOKENS), max_size=40).map(" ".join))
def test_token_soup_never_crashes_the_parser(text):
    _parse_or_diagnose(text)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=200))
def test_random_text_never_crashes_the_parser(text):
    _parse_or_diagnose(text)
