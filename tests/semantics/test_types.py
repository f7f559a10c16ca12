"""Payloads, patterns, finiteness, sets vs sequences and other type mismatches: each code
has a failing spec and a near-identical passing one; plus the type algebra itself."""
from __future__ import annotations

import textwrap

import pytest

from fito_model.diagnostics import FitoError
from fito_model.semantics import types as T
from fito_model.semantics.resolve import check_program
from fito_model.syntax import load_text


def diagnostics(text: str) -> list[tuple[str, int, int]]:
    try:
        check_program(load_text(text, "t.fito"))
    except FitoError as err:
        return [(d.code, d.span.line, d.span.column) for d in err.diagnostics]
    return []


C = "channel c : {0..3}\n"           # one Int field
D = "channel d : {0..3}.Bool\n"      # two fields
A = "channel a\n"                    # no fields
M = "datatype Msg = Data.{0..1} | Ack\nchannel m : Msg\n"

# (code, a spec that must raise exactly that diagnostic, line, column, a near-identical valid spec)
CASES = [
    # ----- FITO204 channel payloads -----
    ("FITO204", C + "P = c!true -> STOP\n", 2, 7, C + "P = c!1 -> STOP\n"),
    ("FITO204", C + "P = c.1.2 -> STOP\n", 2, 9, C + "P = c.1 -> STOP\n"),
    ("FITO204", A + "P = a!1 -> STOP\n", 2, 7, A + "P = a -> STOP\n"),
    ("FITO204", D + "P = d.1 -> STOP\n", 2, 5, D + "P = d.1.true -> STOP\n"),
    ("FITO204", C + "P = c?x?y -> STOP\n", 2, 9, D + "P = d?x?y -> STOP\n"),
    ("FITO204", D + "P = d!true!1 -> STOP\n", 2, 7, D + "P = d!1!true -> STOP\n"),
    ("FITO204", M + "P = m!Data.1.1 -> STOP\n", 3, 7, M + "P = m!Data.1 -> STOP\n"),
    ("FITO204", M + "P = m!Data -> STOP\n", 3, 5, M + "P = m!Data?x -> STOP\n"),
    ("FITO204", C + "P = c?x:{true} -> STOP\n", 2, 9, C + "P = c?x:{1} -> STOP\n"),
    ("FITO204", C + "ev = c.true\n", 2, 8, C + "ev = c.1\n"),
    # ----- FITO205 patterns -----
    ("FITO205", C + "P = c?(x, y) -> STOP\n", 2, 7, "channel c : ({0..3}, {0..3})\nP = c?(x, y) -> STOP\n"),
    ("FITO205", C + "P = c?(<x>^s) -> STOP\n", 2, 8, "channel c : {<0>, <1, 2>}\nP = c?(<x>^s) -> STOP\n"),
    ("FITO205", C + "P = c?true -> STOP\n", 2, 7, C + "P = c?0 -> STOP\n"),
    ("FITO205", "S = { x | (x, y) <- {1, 2} }\n", 1, 11, "S = { x | (x, y) <- {(1, 2)} }\n"),
    ("FITO205", M + "f(Data.x.y) = x\n", 3, 10, M + "f(Data.x) = x\n"),
    ("FITO205", "P = [] <x> : {1, 2} @ STOP\n", 1, 8, "P = [] <x> : {<1>, <2>} @ STOP\n"),
    # ----- FITO206 infinite where finite is needed -----
    ("FITO206", "channel c : Int\n", 1, 13, "channel c : {0..9}\n"),
    ("FITO206", "channel c : {0..}.Bool\n", 1, 13, "channel c : {0..9}.Bool\n"),
    ("FITO206", "nametype N = {0..}\nchannel c : N\n", 2, 13, "nametype N = {0..5}\nchannel c : N\n"),
    ("FITO206", "datatype Tree = Leaf | Node.Tree.Tree\nchannel c : Tree\n", 2, 13,
     "datatype Tree = Leaf | Node.{0..1}.{0..1}\nchannel c : Tree\n"),
    ("FITO206", "P = [] x : Int @ STOP\n", 1, 12, "P = [] x : {0..7} @ STOP\n"),
    ("FITO206", C + "P = c?x:Int -> STOP\n", 2, 9, C + "P = c?x:{0..2} -> STOP\n"),
    ("FITO206", "P = CHAOS(Int)\n", 1, 11, "P = CHAOS(Events)\n"),
    ("FITO206", "S = { x | x <- {1..}, x < 3 }\n", 1, 16, "S = { x | x <- {1..9}, x < 3 }\n"),
    ("FITO206", "domains Int\n", 1, 9, "domains {0..2}\n"),
    # ----- FITO207 sets vs sequences -----
    ("FITO207", "n = #{1, 2}\n", 1, 6, "n = #<1, 2>\n"),
    ("FITO207", "s = {1} ^ <2>\n", 1, 5, "s = <1> ^ <2>\n"),
    ("FITO207", "x = head({1})\n", 1, 10, "x = head(<1>)\n"),
    ("FITO207", "s = union(<1>, {2})\n", 1, 11, "s = union({1}, {2})\n"),
    ("FITO207", "b = member(1, <1>)\n", 1, 15, "b = member(1, {1})\n"),
    ("FITO207", "n = card(<1>)\n", 1, 10, "n = card({1})\n"),
    ("FITO207", "P = [] x : <1, 2> @ STOP\n", 1, 12, "P = [] x : {1, 2} @ STOP\n"),
    ("FITO207", "P = ; x : {1, 2} @ STOP\n", 1, 11, "P = ; x : <1, 2> @ STOP\n"),
    ("FITO207", "s = < x | x <- {1, 2} >\n", 1, 16, "s = < x | x <- <1, 2> >\n"),
    ("FITO207", C + "P = c?x:<1> -> STOP\n", 2, 9, C + "P = c?x:{1} -> STOP\n"),
    # ----- FITO208 other mismatches -----
    ("FITO208", "n = true + 1\n", 1, 5, "n = 2 + 1\n"),
    ("FITO208", "P = if 1 then STOP else SKIP\n", 1, 8, "P = if 1 == 1 then STOP else SKIP\n"),
    ("FITO208", "P = STOP & SKIP\n", 1, 5, "P = true & SKIP\n"),
    ("FITO208", C + "P = STOP [] {| c |}\n", 2, 13, C + "P = STOP [] RUN({| c |})\n"),
    ("FITO208", C + "P = STOP [| {c} |] STOP\n", 2, 13, C + "P = STOP [| {| c |} |] STOP\n"),
    ("FITO208", C + "P = STOP \\ c\n", 2, 12, C + "P = STOP \\ {| c |}\n"),
    ("FITO208", "P = STOP [| {1} |] STOP\n", 1, 13, "P = STOP [| {} |] STOP\n"),
    ("FITO208", "P = if true then STOP else 1\n", 1, 28, "P = if true then STOP else SKIP\n"),
    ("FITO208", "S = {1, true}\n", 1, 9, "S = {1, 2}\n"),
    ("FITO208", "S = {x, true | x <- {1}}\n", 1, 9, "S = {x, x + 1 | x <- {1}}\n"),
    ("FITO208", "s = <x, true | x <- <1>>\n", 1, 9, "s = <x, 0 | x <- <1>>\n"),
    ("FITO208", C + "A = {| c.x, 1 | x <- {0} |}\n", 2, 13, C + "A = {| c.x, c | x <- {0} |}\n"),
    ("FITO208", "b = 1 == true\n", 1, 5, "b = 1 == 2\n"),
    ("FITO208", C + "channel e : Bool\nP = STOP [[ c <- e ]]\n", 3, 13,
     C + "channel e : {0..3}\nP = STOP [[ c <- e ]]\n"),
    ("FITO208", C + "channel e : Bool\nP = STOP [c <-> e] STOP\n", 3, 11,
     C + "channel e : {0..3}\nP = STOP [c <-> e] STOP\n"),
    ("FITO208", C + "assert STOP :[has trace]: <1>\n", 2, 27, C + "assert STOP :[has trace]: <c.1>\n"),
    ("FITO208", "P = 1 -> STOP\n", 1, 5, "channel one\nP = one -> STOP\n"),
    ("FITO208", C + "m = c(1)\n", 2, 5, C + "m = c.1\n"),
    ("FITO208", "P = STOP\nassert 1 [T= P\n", 2, 8, "P = STOP\nassert P [T= P\n"),
]


@pytest.mark.parametrize("code, bad, line, column, good", CASES)
def test_each_code_has_a_failing_and_a_passing_spec(code, bad, line, column, good):
    assert diagnostics(bad) == [(code, line, column)]
    assert diagnostics(good) == []


def test_an_input_takes_one_field_or_all_remaining_ones_when_last():
    spec = textwrap.dedent("""\
        channel d : {0..3}.Bool
        channel e : {0..3}
        channel f : Bool
        P = d?x -> d!x -> STOP             -- x is Int.Bool: it feeds both fields
        Q = d?x?y -> e!x -> f!y -> STOP    -- x takes one field, y the last
        """)
    assert diagnostics(spec) == []
    assert diagnostics(spec + "R = d?x -> e!x -> STOP\n") == [("FITO204", 6, 14)]


def test_constructor_fields_nest_inside_channel_fields():
    spec = textwrap.dedent("""\
        datatype Op = Read.{0..1} | Write.{0..1}.Bool
        channel req : Op
        channel bus : {0..2}.Op
        P = req?Write.a.v -> req!Read.a -> bus.0.Write?a?v -> bus!1!Read.0 -> req?op ->
            (if op == Read.0 then STOP else SKIP)
        Q = req.Write.1?v -> bus.2?op -> STOP
        """)
    assert diagnostics(spec) == []


def test_unknown_types_are_accepted():
    """Parameters have unknown types: nothing about them may be reported."""
    spec = textwrap.dedent("""\
        channel c : {0..3}
        P(ch, x, s) = ch!x -> ch?y -> (if #s > card(x) then P(ch, y, s) else c!x.y.z -> STOP)
        """)
    assert diagnostics(spec) == [("FITO201", 2, 76)]


def test_a_dotted_complete_event_is_a_value_but_not_an_event():
    spec = "channel c : {0..1}\nchannel done\nb = (c.0.1) == (c.1.0)\n"
    assert diagnostics(spec) == []
    assert diagnostics(spec + "P = done.done -> STOP\n") == [("FITO204", 4, 10)]


# ----- the type algebra ----------------------------------------------------------


def test_any_is_compatible_with_everything_and_mismatches_need_certainty():
    assert T.compatible(T.ANY, T.PROC) and T.compatible(T.TSet(T.INT), T.TSet(T.ANY))
    assert not T.compatible(T.TSet(T.INT), T.TSeq(T.INT))
    assert not T.compatible(T.TTuple((T.INT,) * 2), T.TTuple((T.INT,) * 3))
    assert not T.compatible(T.TData("A"), T.TData("B"))
    partial = T.TDot(None, T.EVENT)  # a channel dotted with values of unknown type
    assert T.compatible(partial, T.EVENT) and T.compatible(partial, T.TDot((T.INT,), T.EVENT))
    assert not T.compatible(partial, T.INT)


def test_join_keeps_the_precise_side():
    assert T.join(T.TSet(T.ANY), T.TSet(T.INT)) == T.TSet(T.INT)
    assert T.join(T.INT, T.BOOL) is None


def test_dot_and_dotted_normalise():
    assert T.dot((), T.EVENT) == T.EVENT
    assert T.dotted([T.INT, T.TDotted((T.BOOL, T.INT))]) == T.TDotted((T.INT, T.BOOL, T.INT))
    assert T.dotted([T.INT]) == T.INT and T.dotted([T.INT, T.ANY]) is T.ANY


def test_unify_binds_type_variables_of_builtins():
    union = T.BUILTINS["union"]
    subst: dict = {}
    assert T.unify(union.params[0], T.TSet(T.INT), subst) and T.unify(union.params[1], T.TSet(T.ANY), subst)
    assert T.substitute(union.result, subst) == T.TSet(T.INT)
    assert not T.unify(union.params[1], T.TSet(T.BOOL), subst)


def test_mismatch_codes_separate_set_sequence_confusion():
    assert T.mismatch_code(T.TSet(T.ANY), T.TSeq(T.INT)) == "FITO207"
    assert T.mismatch_code(T.TSet(T.ANY), T.INT) == "FITO208"


def test_descriptions_read_as_english():
    assert T.describe(T.TSet(T.ANY)) == "a set"
    assert T.describe(T.TSeq(T.INT)) == "a sequence <Int>"
    assert T.describe(T.TDot((T.INT, T.BOOL), T.EVENT)) == "an incomplete event (it still needs Int.Bool)"
    assert T.describe(T.PROC) == "a process"
