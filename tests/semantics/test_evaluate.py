"""The expression evaluator: exact values for every construct, and errors that are EvalErrors.

Expressions are parsed with `parse_expr` and evaluated against a small fixed
program, without the resolver, so these tests pin the evaluator alone.
"""
from __future__ import annotations

import pytest

from fito_model.semantics import process as P
from fito_model.semantics.evaluate import EvalError, Evaluator
from fito_model.semantics.values import Dot, Seq, show
from fito_model.syntax import load_text, parse_expr

PROGRAM = """
channel a, b
channel c : {0..2}.Bool
datatype Data2 = Leaf.{0..1} | Empty
datatype Data = Nil | Node.{0..1}.Data2
datatype Msg = Val.{0..1} | Ack
channel d : Msg
nametype Small = {0..1}
nametype Pair = ({0..1}, Bool)
channel t : Pair
fact(0) = 1
fact(n) = n * fact(n - 1)
len(<>) = 0
len(<x>^s) = 1 + len(s)
last(s^<x>) = x
ends(<x>^s^<y>) = (x, s, y)
two(<x, y>^s) = (x, y, s)
fst((x, _)) = x
deep((p, (q, r))) = p + q + r
g(Node.x.Leaf.y) = x + y
g(Node.x.Empty) = 10 + x
g(Nil) = 100
sub(Node.x.s) = s
single({x}) = x
single({}) = 0
lit(0) = "zero"
lit(-1) = "minus one"
lit(_) = "other"
isb(true) = 1
isb(false) = 0
sum(<>) = 0
sum(<x>^s) = x + sum(s)
P = P
Q = R
R = Q
W = a -> W
"""


@pytest.fixture(scope="module")
def ev() -> Evaluator:
    return Evaluator(load_text(PROGRAM, "prog.fito"))


def val(ev: Evaluator, text: str):
    return ev.eval(parse_expr(text), {})


def shown(ev: Evaluator, text: str) -> str:
    return show(val(ev, text))


# ----- arithmetic, comparison, booleans ----------------------------------------------

@pytest.mark.parametrize("text, expected", [
    ("2 + 3 * 4", 14), ("(2 + 3) * 4", 20), ("10 - 3 - 2", 5), ("-3 + 1", -2), ("- - 4", 4),
    # CSPm's / and % truncate toward zero (Haskell's quot and rem), unlike Python's // and %
    ("7 / 2", 3), ("-7 / 2", -3), ("7 / -2", -3), ("-7 / -2", 3),
    ("7 % 2", 1), ("-7 % 2", -1), ("7 % -2", 1), ("-7 % -2", -1), ("6 % 3", 0), ("0 / 5", 0),
    ("2 * 3 % 4", 2), ("12 / 2 / 3", 2),
])
def test_arithmetic(ev, text, expected):
    assert val(ev, text) == expected


@pytest.mark.parametrize("text, expected", [
    ("1 < 2", True), ("2 < 2", False), ("2 <= 2", True), ("3 > 2", True), ("3 >= 4", False),
    ("1 == 1", True), ("1 != 1", False), ("(1, 2) == (1, 2)", True), ("<1> == <1>", True),
    ("{1, 2} == {2, 1}", True), ("c.1.true == c.1.true", True), ("c.1.true == c.1.false", False),
    ("1 == true", False),  # values of different types are never equal (no 1 == True leak)
    ("{1} < {1, 2}", True), ("{1, 2} < {1, 2}", False), ("{1, 2} <= {1, 2}", True),
    ("{1, 3} >= {3}", True), ("{1} <= {2}", False),
    ("<1, 2> <= <1, 2, 3>", True), ("<1, 2> < <1, 2>", False), ("<1, 3> <= <1, 2, 3>", False),
    ("<1, 2, 3> > <1>", True),  # sequences compare by prefix
    ("true and false", False), ("true or false", True), ("not true", False),
    ("not true or true", True), ("not (true or true)", False),
    ("false and 1 / 0 == 1", False), ("true or 1 / 0 == 1", True),  # short-circuit
])
def test_comparisons_and_booleans(ev, text, expected):
    v = val(ev, text)
    assert v is expected


def test_strings(ev):
    assert val(ev, '"ab"') == "ab"
    assert val(ev, '"ab" == "ab"') is True


# ----- tuples, sets, ranges, comprehensions ------------------------------------------

def test_tuples(ev):
    assert val(ev, "(1, <2>, {3})") == (1, Seq((2,)), frozenset({3}))
    assert val(ev, "((1, 2), 3)") == ((1, 2), 3)


def test_sets_and_ranges(ev):
    assert val(ev, "{3, 1, 2, 1}") == frozenset({1, 2, 3})
    assert val(ev, "{}") == frozenset()
    assert val(ev, "{1..4}") == frozenset({1, 2, 3, 4})
    assert val(ev, "{3..1}") == frozenset()
    assert val(ev, "{(-1)..1}") == frozenset({-1, 0, 1})  # `{-` would open a comment, as in FDR
    assert shown(ev, "{{2}, {1}, {}}") == "{{}, {1}, {2}}"  # sets print in value order


def test_infinite_sets_support_membership_only(ev):
    assert val(ev, "member(5, {3..})") is True
    assert val(ev, "member(2, {3..})") is False
    assert val(ev, "member(-7, Int)") is True
    assert val(ev, "member(true, Int)") is False


@pytest.mark.parametrize("text, expected", [
    ("{x * x | x <- {1..4}, x % 2 == 0}", frozenset({4, 16})),
    ("{(x, y) | x <- {0..1}, y <- {x..1}}", frozenset({(0, 0), (0, 1), (1, 1)})),
    ("{x | x <- {1..5}, x > 1, x < 4}", frozenset({2, 3})),
    ("{x | (x, _) <- {(1, 2), (3, 4)}}", frozenset({1, 3})),
    ("{x | x <- <3, 1, 3>}", frozenset({1, 3})),  # a generator may draw from a sequence
    ("{y | x <- {1, 2}, y <- {x, 10 * x}}", frozenset({1, 10, 2, 20})),
    ("{x, 10 * x | x <- {1, 2}}", frozenset({1, 10, 2, 20})),  # FDR's several elements
])
def test_set_comprehensions(ev, text, expected):
    assert val(ev, text) == expected


@pytest.mark.parametrize("text, expected", [
    ("union({1}, {2})", {1, 2}), ("inter({1, 2}, {2, 3})", {2}), ("diff({1, 2}, {2})", {1}),
    ("Union({{1}, {2, 3}, {}})", {1, 2, 3}), ("Inter({{1, 2}, {2, 3}})", {2}),
    ("Union({})", set()), ("set(<1, 1, 2>)", {1, 2}),
])
def test_set_functions(ev, text, expected):
    assert val(ev, text) == frozenset(expected)


def test_card_member_empty_set(ev):
    assert val(ev, "card({1, 2, 2})") == 2
    assert val(ev, "card({})") == 0
    assert val(ev, "member(1, {1})") is True
    assert val(ev, "member(3, {1})") is False
    assert val(ev, "empty({})") is True
    assert val(ev, "empty({0})") is False
    assert val(ev, "Set({1, 2})") == frozenset({frozenset(), frozenset({1}), frozenset({2}), frozenset({1, 2})})
    assert val(ev, "Set({})") == frozenset({frozenset()})
    assert val(ev, "seq({2, 1, 3})") == Seq((1, 2, 3))  # in value order: deterministic


# ----- sequences ---------------------------------------------------------------------

@pytest.mark.parametrize("text, expected", [
    ("<1, 2> ^ <3>", (1, 2, 3)), ("<> ^ <>", ()), ("<1..3>", (1, 2, 3)), ("<3..1>", ()),
    ("tail(<1, 2>)", (2,)), ("concat(<<1>, <>, <2, 3>>)", (1, 2, 3)), ("concat(<>)", ()),
    ("<x * 2 | x <- <1, 2, 3>, (x > 1)>", (4, 6)),
    ("<(x, y) | x <- <1, 2>, y <- <x..2>>", ((1, 1), (1, 2), (2, 2))),
    ("<x | x <- {3, 1, 2}>", (1, 2, 3)),  # a set generator runs in value order
    ("<x, 0 | x <- <1, 2>>", (1, 0, 2, 0)),  # several elements: each binding gives them in order
])
def test_sequences(ev, text, expected):
    assert val(ev, text) == Seq(expected)


@pytest.mark.parametrize("text, expected", [
    ("#<1, 2, 3>", 3), ("#<>", 0), ("length(<1, 2>)", 2), ("head(<4, 5>)", 4),
    ("null(<>)", True), ("null(<1>)", False), ("elem(2, <1, 2>)", True), ("elem(3, <1, 2>)", False),
    ("#(<1> ^ <2, 3>)", 3),
])
def test_sequence_functions(ev, text, expected):
    assert val(ev, text) == expected


# ----- dotted values, datatypes, event sets ---------------------------------------------

def test_dotted_events(ev):
    assert val(ev, "c.1.true") == Dot("c", (1, True), 2)
    assert val(ev, "c.1") == Dot("c", (1,), 2)     # a partial event: c.1 still needs a Bool
    assert val(ev, "c") == Dot("c", (), 2)
    assert val(ev, "a") == Dot("a", (), 0)
    assert shown(ev, "c.(1 + 1).(1 < 2)") == "c.2.true"


def test_datatype_values_with_nested_constructors(ev):
    v = val(ev, "Node.1.Leaf.0")
    assert v == Dot("Node", (1, Dot("Leaf", (0,), 1)), 2)
    assert shown(ev, "Node.1.Empty") == "Node.1.Empty"
    assert shown(ev, "d.Val.1") == "d.Val.1"
    assert val(ev, "d.Val.1") == Dot("d", (Dot("Val", (1,), 1),), 1)
    assert val(ev, "Nil") == Dot("Nil", (), 0)


def test_datatype_names_are_their_sets_of_values(ev):
    assert shown(ev, "Data2") == "{Empty, Leaf.0, Leaf.1}"
    assert shown(ev, "Data") == ("{Nil, Node.0.Empty, Node.0.Leaf.0, Node.0.Leaf.1, "
                                 "Node.1.Empty, Node.1.Leaf.0, Node.1.Leaf.1}")
    assert shown(ev, "Msg") == "{Ack, Val.0, Val.1}"
    assert val(ev, "Small") == frozenset({0, 1})
    assert val(ev, "Bool") == frozenset({False, True})


def test_tuple_type_is_the_product(ev):
    """`nametype Pair = ({0..1}, Bool)` is the set of pairs, and so is a channel of that type."""
    assert val(ev, "Pair") == frozenset({(0, False), (0, True), (1, False), (1, True)})
    assert shown(ev, "{| t |}") == "{t.(0, false), t.(0, true), t.(1, false), t.(1, true)}"


def test_event_sets(ev):
    assert shown(ev, "{| c |}") == "{c.0.false, c.0.true, c.1.false, c.1.true, c.2.false, c.2.true}"
    assert shown(ev, "{| c.1 |}") == "{c.1.false, c.1.true}"
    assert shown(ev, "{| c.1, a |}") == "{a, c.1.false, c.1.true}"
    assert shown(ev, "{| d.Val |}") == "{d.Val.0, d.Val.1}"
    assert shown(ev, "{| c.x.true | x <- {0, 2} |}") == "{c.0.true, c.2.true}"
    assert shown(ev, "{| c.x.true, a | x <- {0} |}") == "{a, c.0.true}"
    assert shown(ev, "productions(c.2)") == "{c.2.false, c.2.true}"


def test_events_is_every_event(ev):
    assert shown(ev, "Events") == ("{a, b, c.0.false, c.0.true, c.1.false, c.1.true, c.2.false, c.2.true, "
                                   "d.Ack, d.Val.0, d.Val.1, t.(0, false), t.(0, true), t.(1, false), "
                                   "t.(1, true)}")


# ----- let, lambda, if, functions, patterns ------------------------------------------------

def test_let_within(ev):
    assert val(ev, "let x = 1 within x + 1") == 2
    assert val(ev, "let x = 1 within let x = 2 within x") == 2  # inner binding shadows
    assert val(ev, "let x = 1 y = x + 1 within y * 10") == 20
    assert val(ev, "let unused = 1 / 0 within 3") == 3       # bindings are lazy


def test_let_local_recursive_functions(ev):
    assert val(ev, "let f(0) = 0 f(n) = n + f(n - 1) within f(4)") == 10
    assert val(ev, "let even(0) = true even(n) = odd(n - 1) odd(0) = false odd(n) = even(n - 1) "
                   "within (even(4), odd(4))") == (True, False)
    assert val(ev, "let k = 3 f(x) = x + k within f(1)") == 4  # closes over its let


def test_lambda(ev):
    assert val(ev, "(\\ x, y @ x + y)(1, 2)") == 3
    assert val(ev, "(\\ (x, y) @ x * y)((3, 4))") == 12
    assert val(ev, "let k = 10 within (\\ x @ x + k)(1)") == 11
    assert val(ev, "let twice(f, x) = f(f(x)) within twice(\\ y @ y * 3, 2)") == 18


def test_if(ev):
    assert val(ev, "if 1 < 2 then 3 else 4") == 3
    assert val(ev, "if 1 > 2 then 1 / 0 else 4") == 4  # only the chosen branch is evaluated


@pytest.mark.parametrize("text, expected", [
    ("fact(5)", 120), ("len(<7, 8, 9>)", 3), ("last(<1, 2, 3>)", 3), ("fst((1, 2))", 1),
    ("ends(<1, 2, 3, 4>)", (1, Seq((2, 3)), 4)), ("ends(<1, 2>)", (1, Seq(()), 2)),
    ("two(<1, 2, 3>)", (1, 2, Seq((3,)))), ("deep((1, (2, 3)))", 6),
    ("g(Node.1.Leaf.1)", 2), ("g(Node.1.Empty)", 11), ("g(Nil)", 100),
    ("sub(Node.0.Leaf.1)", Dot("Leaf", (1,), 1)),
    ("single({5})", 5), ("single({})", 0),
    ("lit(0)", "zero"), ("lit(-1)", "minus one"), ("lit(3)", "other"),
    ("isb(true)", 1), ("isb(false)", 0),
])
def test_pattern_matching_clauses(ev, text, expected):
    assert val(ev, text) == expected


def test_deep_but_finite_recursion_evaluates(ev):
    """CSPm functions over sequences of a few hundred elements are ordinary."""
    assert val(ev, "sum(<1..500>)") == 500 * 501 // 2
    assert val(ev, "len(<1..300>)") == 300


# ----- processes are terms -------------------------------------------------------------

def test_process_constants_and_builtins(ev):
    assert val(ev, "STOP") == P.STOP
    assert val(ev, "SKIP") == P.SKIP
    assert val(ev, "DIV") == P.DIV
    ids = ev.event_ids(val(ev, "{a, b}"))
    assert val(ev, "RUN({a, b})") == P.Run(ids)
    assert val(ev, "CHAOS({a, b})") == P.Chaos(ids)
    assert val(ev, "STOP [] STOP") == P.STOP  # STOP is the unit of []
    w = val(ev, "W")
    assert isinstance(w, P.PrefixT) and val(ev, "W") is w  # globals are memoised


# ----- errors: always EvalError with a span ----------------------------------------------

ERRORS = [
    ("1 / 0", "division by zero"),
    ("5 % 0", "division by zero"),
    ("card(Int)", "cannot enumerate the infinite set Int"),
    ("card({0..})", "cannot enumerate the infinite set {0..}"),
    ("{x | x <- Int}", "cannot enumerate"),
    ("head(<>)", "head of the empty sequence"),
    ("tail(<>)", "tail of the empty sequence"),
    ("P", "unguarded recursion"),
    ("Q", "unguarded recursion"),
    ("let y = y within y", "unguarded recursion"),
    ("undefined_name", "undefined name"),
    ("error(3)", "error: 3"),
    ("1 + true", "expected an integer"),
    ("if 1 then 2 else 3", "expected a boolean"),
    ("not 1", "expected a boolean"),
    ("#{1}", "expected a sequence"),
    ("{1} ^ <1>", "concatenates sequences"),
    ("1(2)", "not a function"),
    ("fact(1, 2)", "takes 1 arguments"),
    ("(\\ x @ x)(1, 2)", "takes 1 arguments"),
    ("fst(1)", "no clause of fst matches"),
    ("a.1", "no field left"),
    ("c.1.true.0", "no field left"),
    ("1.2", "not a channel or constructor"),
    ("{| 1 |}", "needs channels or events"),
    ("RUN({1})", "is not an event"),
    ("RUN({c})", "is not an event"),
    ("|~| x : {} @ STOP", "empty set"),
    ("STOP [] 1", "expected a process"),
    # built-ins given the wrong kind or number of arguments
    ("member(1, 2)", "member"),
    ("member(1)", "member"),
    ("elem(1, {1})", "elem"),
    ("elem(1, 2)", "elem"),
    ("union(1, 2)", "union"),
    ("union({1})", "union"),
    ("inter(1, {2})", "inter"),
    ("diff({1}, <1>)", "diff"),
    ("Inter({})", "Inter"),
    ("Union({1})", "Union"),
    ("concat(<1>)", "concat"),
    ("card(1)", "not a set"),
    ("set(1)", "sequence"),
    ("head(1)", "needs a sequence"),
    ("empty(<>)", "sequence is used where a set is needed"),
    ("fact(-1)", "recursed too deeply"),
]


@pytest.mark.parametrize("text, fragment", ERRORS, ids=[e[0] for e in ERRORS])
def test_errors_are_eval_errors_with_a_span(ev, text, fragment):
    with pytest.raises(EvalError) as info:
        val(ev, text)
    assert fragment in info.value.message
    assert info.value.span is not None


def test_unguarded_recursion_points_at_the_definition():
    ev = Evaluator(load_text("channel a\nP = Q\nQ = a -> STOP [] P\n", "loop.fito"))
    with pytest.raises(EvalError) as info:
        ev.eval(parse_expr("P"), {})
    assert info.value.span.path == "loop.fito"
    assert info.value.span.line in (2, 3)
    assert "P" in info.value.message


def test_messages_are_deterministic(ev):
    """Error text goes into reports, which must be byte-identical run to run (no ids)."""
    with pytest.raises(EvalError) as info:
        val(ev, "let ys = <1> ^ ys within ys")
    assert "@" not in info.value.message and "ys" in info.value.message


def test_evaluator_recovers_after_a_runaway_recursion(ev):
    """Hitting the depth limit leaves the evaluator usable with the same limit."""
    for _ in range(3):
        with pytest.raises(EvalError):
            val(ev, "fact(-1)")
    assert ev._depth == 0
    assert val(ev, "fact(10)") == 3628800


def test_compressions_keep_the_process(ev):
    """FDR's transparent functions keep the semantics: fito evaluates them as the identity."""
    assert val(ev, "normal(W)") == val(ev, "W") == val(ev, "sbisim(diamond(W))")
    with pytest.raises(EvalError, match="needs a process"):
        val(ev, "normal(1)")
    with pytest.raises(EvalError, match="FDR built-in that fito does not support"):
        val(ev, "chase(W)")
