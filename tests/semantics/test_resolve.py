"""Names, scopes, arities and the FITO layer: every code has a failing spec and a
near-identical passing one; textbook CSPm must produce no diagnostics at all."""
from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

from fito_model.diagnostics import FitoError
from fito_model.semantics import types as T
from fito_model.semantics.resolve import check_program
from fito_model.syntax import load, load_text


def diagnostics(text: str) -> list[tuple[str, int, int]]:
    try:
        check_program(load_text(textwrap.dedent(text), "t.fito"))
    except FitoError as err:
        return [(d.code, d.span.line, d.span.column) for d in err.diagnostics]
    return []


# (code, a spec that must raise exactly that diagnostic, the line and column, a near-identical valid spec)
CASES = [
    # ----- FITO201 undefined names, and scoping -----
    ("FITO201", "channel a\nP = a -> Q\n", 2, 10, "channel a\nP = a -> Q\nQ = STOP\n"),
    ("FITO201", "channel c : {0..3}\nP = c?x:S -> STOP\n", 2, 9,
     "channel c : {0..3}\nS = {0, 1}\nP = c?x:S -> STOP\n"),
    ("FITO201", "channel c\nP = STOP [| {| d |} |] STOP\n", 2, 16, "channel c\nP = STOP [| {| c |} |] STOP\n"),
    ("FITO201", "P = STOP\nassert Q [T= P\n", 2, 8, "P = STOP\nassert P [T= P\n"),
    ("FITO201", "channel c\nP = STOP [[ c <- d ]]\n", 2, 18, "channel c, d\nP = STOP [[ c <- d ]]\n"),
    ("FITO201", "channel crash\nobserve { crash = boom }\n", 2, 19, "channel boom\nobserve { crash = boom }\n"),
    # an input binds in later fields and the body, not beside the prefix
    ("FITO201", "channel c : {0..3}\nP = (c?x -> c!x -> STOP) [] c!x -> STOP\n", 2, 31,
     "channel c : {0..3}\nP = (c?x -> c!x -> STOP) [] c!0 -> STOP\n"),
    # generators bind left to right
    ("FITO201", "S = { y | y <- {x}, x <- {0..2} }\n", 1, 17, "S = { y | x <- {0..2}, y <- {x} }\n"),
    # a let's names are local to it
    ("FITO201", "P = let f(n) = n within f(1)\nQ = f(2)\n", 2, 5,
     "P = let f(n) = n within f(1)\nQ = P\n"),
    ("FITO201", "f = \\ x @ x + y\n", 1, 15, "f = \\ x, y @ x + y\n"),
    ("FITO201", "channel c : {0..2}\nP = [] i : {0..2} @ c!j -> STOP\n", 2, 23,
     "channel c : {0..2}\nP = [] i : {0..2} @ c!i -> STOP\n"),
    # ----- FITO202 duplicate definitions -----
    ("FITO202", "channel a\nchannel b, a\n", 2, 12, "channel a\nchannel b, a2\n"),
    ("FITO202", "channel a\ndatatype T = a | B\n", 2, 14, "channel a\ndatatype T = A | B\n"),
    ("FITO202", "nametype N = {0..1}\nnametype N = {0..2}\n", 2, 10, "nametype N = {0..1}\nnametype M = {0..2}\n"),
    ("FITO202", "N = 3\nN = 4\n", 2, 1, "N = 3\nM = 4\n"),
    ("FITO202", "f(0) = 1\nf(x, y) = 2\n", 2, 1, "f(0) = 1\nf(x) = 2\n"),
    ("FITO202", "f(0) = 1\ng = 2\nf(n) = n\n", 3, 1, "f(0) = 1\nf(n) = n\ng = 2\n"),
    ("FITO202", "f(x, x) = x\n", 1, 6, "f(x, y) = x\n"),
    ("FITO202", "P = let g = 1 g = 2 within g\n", 1, 15, "P = let g = 1 h = 2 within g + h\n"),
    ("FITO202", "S = { x | x <- {0..1}, x <- {0..1} }\n", 1, 24, "S = { x | x <- {0..1}, y <- {0..1} }\n"),
    ("FITO202", "channel c : {0..1}.{0..1}\nP = c?x?x -> STOP\n", 2, 9,
     "channel c : {0..1}.{0..1}\nP = c?x?y -> STOP\n"),
    ("FITO202", "channel s, t\nobserve { crash = s, crash = t }\n", 2, 22,
     "channel s, t\nobserve { crash = s, decide = t }\n"),
    # ----- FITO203 wrong number of arguments -----
    ("FITO203", "P(x) = STOP\nQ = P(1, 2)\n", 2, 5, "P(x) = STOP\nQ = P(1)\n"),
    ("FITO203", "P = STOP\nQ = P(1)\n", 2, 5, "P(x) = STOP\nQ = P(1)\n"),
    ("FITO203", "channel a\nP(n) = a -> P\n", 2, 13, "channel a\nP(n) = a -> P(n)\n"),
    ("FITO203", "S = union({1})\n", 1, 5, "S = union({1}, {2})\n"),
    ("FITO203", "P(x) = STOP\nassert P [T= STOP\n", 2, 8, "P(x) = STOP\nassert P(1) [T= STOP\n"),
    # ----- FITO212 unsupported: a transparent function must keep the semantics -----
    ("FITO212", "transparent normal, chase\n", 1, 21, "transparent normal, sbisim\n"),
    # ----- FITO209 the FITO layer -----
    ("FITO209", "channel step : {0..1}.{0..1}\nobserve { advanse = step }\n", 2, 11,
     "channel step : {0..1}.{0..1}\nobserve { advance = step }\n"),
    ("FITO209", "N = 3\nobserve { decide = N }\n", 2, 20, "channel N : {0..3}\nobserve { decide = N }\n"),
    ("FITO209", "P = STOP\nassert P :[optimizer Adam]\n", 2, 22,
     "P = STOP\noptimizer Adam { state w }\nassert P :[optimizer Adam]\n"),
    ("FITO209", "optimizer SGD(lr) {\n  state w\n  v' = w - lr * g\n}\n", 3, 3,
     "optimizer SGD(lr) {\n  state w\n  w' = w - lr * g\n}\n"),
    ("FITO209", "datatype Dom = GPU\noptimizer O {\n  state w\n  component m in GPU\n}\n", 4, 13,
     "datatype Dom = GPU\noptimizer O {\n  state w\n  component w in GPU\n}\n"),
    ("FITO201", "datatype Dom = GPU\noptimizer O {\n  state w\n  component w in CPU\n}\n", 4, 18,
     "datatype Dom = GPU | CPU\noptimizer O {\n  state w\n  component w in CPU\n}\n"),
    ("FITO201", "optimizer O(lr) {\n  state w\n  w' = w - rate * g\n}\n", 3, 12,
     "optimizer O(lr) {\n  state w\n  w' = w - lr * g\n}\n"),
]


@pytest.mark.parametrize("code, bad, line, column, good", CASES)
def test_each_code_has_a_failing_and_a_passing_spec(code, bad, line, column, good):
    assert diagnostics(bad) == [(code, line, column)]
    assert diagnostics(good) == []


def test_top_level_declarations_are_order_independent():
    assert diagnostics("P = a -> Q(N)\nQ(n) = b -> P\nN = 2\nchannel a, b\n") == []


def test_let_definitions_are_mutually_recursive_and_see_parameters():
    spec = """
    channel out : {0..9}
    P(k) = let even(0) = true
               even(n) = odd(n - 1)
               odd(0) = false
               odd(n) = even(n - 1)
           within if even(k) then out!k -> STOP else STOP
    """
    assert diagnostics(spec) == []


def test_constructors_and_channels_in_patterns_are_matched_not_bound():
    spec = """
    datatype Colour = Red | Green
    channel c : Colour
    flip(Red) = Green
    flip(Green) = Red
    P = c?Red -> c!flip(Red) -> STOP
    """
    assert diagnostics(spec) == []


def test_undefined_name_suggests_a_close_one():
    with pytest.raises(FitoError) as err:
        check_program(load_text("channel left\nP = lft -> STOP\n"))
    assert "did you mean left?" in err.value.diagnostics[0].message


def test_duplicate_points_back_to_the_first_definition_even_across_includes(tmp_path):
    (tmp_path / "lib.fito").write_text("channel c : {0..1}\n")
    main = tmp_path / "main.fito"
    main.write_text('include "lib.fito"\nchannel c\n')
    with pytest.raises(FitoError) as err:
        check_program(load(str(main)))
    (d,) = err.value.diagnostics
    assert (d.code, d.span.path, d.span.line, d.span.column) == ("FITO202", str(main), 2, 9)
    assert d.notes[0].span.path.endswith("lib.fito") and d.notes[0].span.line == 1


def test_several_independent_errors_are_reported_in_source_order():
    spec = "channel c : {0..3}\nP = c!true -> Q\nR = #{1}\nS = union({1})\n"
    assert diagnostics(spec) == [("FITO204", 2, 7), ("FITO201", 2, 15), ("FITO207", 3, 6), ("FITO203", 4, 5)]


def test_builtins_are_known():
    spec = """
    channel e : {0..2}
    S = union(inter({1}, {2}), diff({3}, {4}))
    U = Union({{1}, {2}}) == Inter({{1}})
    M = member(1, S) and card(S) > 0 and not empty(S) and card(Set({1})) == 2
    Q = seq({1, 2}) ^ <3>
    L = head(Q) + length(tail(Q)) + #concat(<<1>, <2>>)
    B = null(Q) or elem(1, Q) or member(<1>, Seq({1})) or member(1, set(Q))
    X = { x | x <- productions(e) } == extensions(e)
    P = (RUN({| e |}) [| Events |] CHAOS({e.0})) [] DIV [] SKIP [] normal(STOP) [] sbisim(STOP)
    T = True or False
    """
    assert diagnostics(spec) == []


# ----- textbook CSPm: no diagnostics ---------------------------------------------

PHILOSOPHERS = """
-- Dining philosophers (Roscoe, UCS ch. 2): replicated alphabetised parallel
N = 5
PHILNAMES = {0..N-1}
FORKNAMES = {0..N-1}
channel thinks, sits, eats, getsup : PHILNAMES
channel picks, putsdown : PHILNAMES.FORKNAMES

PHIL(i) = thinks.i -> sits.i -> picks.i.i -> picks.i.((i+1)%N) -> eats.i ->
          putsdown.i.((i+1)%N) -> putsdown.i.i -> getsup.i -> PHIL(i)
AlphaP(i) = {| thinks.i, sits.i, picks.i.i, picks.i.((i+1)%N), eats.i,
               putsdown.i.i, putsdown.i.((i+1)%N), getsup.i |}
FORK(i) = picks.i.i -> putsdown.i.i -> FORK(i)
       [] picks.((i-1)%N).i -> putsdown.((i-1)%N).i -> FORK(i)
AlphaF(i) = {| picks.i.i, putsdown.i.i, picks.((i-1)%N).i, putsdown.((i-1)%N).i |}
PHILS = || i:PHILNAMES @ [AlphaP(i)] PHIL(i)
FORKS = || i:FORKNAMES @ [AlphaF(i)] FORK(i)
SYSTEM = PHILS [Union({AlphaP(i) | i <- PHILNAMES}) || Union({AlphaF(i) | i <- FORKNAMES})] FORKS
BUTLER(j) = j > 0 & getsup?i -> BUTLER(j-1)
         [] j < N-1 & sits?i -> BUTLER(j+1)
SAFE = SYSTEM [| {| sits, getsup |} |] BUTLER(0)
assert SYSTEM :[deadlock free [F]]
assert SAFE :[deadlock free]
assert SAFE \\ {| thinks, eats |} :[divergence free]
"""

BUFFER = """
-- One-place buffer over a datatype, and a two-cell pipeline
datatype Bit = Zero | One
datatype Packet = Data.Bit | Empty
channel left, right, mid : Packet
COPY = left?p -> right!p -> COPY
B1 = left?p -> mid!p -> B1
B2 = mid?Data.b -> right!Data.b -> B2 [] mid?Empty -> right!Empty -> B2
PIPE = (B1 [| {| mid |} |] B2) \\ {| mid |}
flip(Zero) = One
flip(One) = Zero
INV = left?Data.b -> right!Data.flip(b) -> INV
BUFF(<>) = left?x -> BUFF(<x>)
BUFF(s) = #s < 2 & left?x -> BUFF(s ^ <x>) [] right!head(s) -> BUFF(tail(s))
assert COPY [FD= PIPE
assert BUFF(<>) [T= COPY
assert COPY :[deterministic [FD]]
assert COPY :[has trace]: <left.Empty, right.Empty>
"""

ABP = """
-- Alternating bit protocol over lossy channels
DATA = {0, 1}
channel left, right : DATA
channel a, b : {0, 1}.DATA
channel c, d : {0, 1}
LOSSY(in, out) = in?x -> (out!x -> LOSSY(in, out) |~| LOSSY(in, out))
SEND(bit) = left?x -> SENDING(bit, x)
SENDING(bit, x) = a!bit!x -> SENDING(bit, x)
               [] d?ack -> (if ack == bit then SEND(1 - bit) else SENDING(bit, x))
RECV(bit) = b?tag?x -> (if tag == bit then right!x -> c!bit -> RECV(1 - bit)
                        else c!(1 - bit) -> RECV(bit))
MEDIA = LOSSY(a, b) ||| LOSSY(c, d)
ABP = (SEND(0) [| {| a, d |} |] (MEDIA [| {| b, c |} |] RECV(0))) \\ {| a, b, c, d |}
SPEC = left?x -> right!x -> SPEC
assert SPEC [T= ABP
assert SPEC [F= ABP
"""

LET_WITHIN = """
-- let/within with local (recursive) functions and lambdas
channel out : {0..20}
channel tick
N = 4
COUNTER(n) =
  let
    next(k) = if k >= N then 0 else k + 1
    Loop(0) = SKIP
    Loop(k) = tick -> Loop(k - 1)
  within out!next(n) -> Loop(n) ; COUNTER(next(n))
compose(f, g) = \\ x @ f(g(x))
inc = \\ x @ x + 1
P = out!compose(inc, inc)(3) -> COUNTER(0)
assert P :[divergence free]
"""

COMPREHENSIONS = """
-- set and sequence comprehensions, tuples, sequence patterns, replicated operators
channel out : {0..20}
channel ping : {0..2}.Bool
N = 4
sum(<>) = 0
sum(<x>^xs) = x + sum(xs)
squares = { x * x | x <- {0..N}, x % 2 == 0 }
evens = < x | x <- <0..10>, x % 2 == 0 >
pairs = { (x, y) | x <- {0..2}, y <- {0..2}, x != y }
firsts = { x | (x, _) <- pairs }
pings = { ping.i.b | i <- {0..2}, b <- Bool }
total = sum(evens) + card(squares) + card(firsts)
P = [] (x, y) : pairs @ out!(x + y) -> STOP
Q = ; i : <0..3> @ out!i -> SKIP
R = ||| i : {0..2} @ ping.i?b -> SKIP
S = [| {| ping |} |] i : {0..2} @ ping.i!true -> STOP
T = (out!total -> STOP) [[ out.x <- out.((x + 1) % 21) | x <- {0..20} ]]
U = (P /\\ Q) [> (R \\ pings)
"""

FITO_LAYER = """
-- the FITO layer: domains, roles, an optimizer and its placement
datatype Dom = GPU | NVMe
nametype Epoch = {0..2}
channel step, write, load : Dom.Epoch
channel crash
domains Dom
observe {
  advance = step
  persist = write
  crash = crash
  restore = load
}
optimizer SGDMomentum(lr, beta) {
  state w, m
  m' = beta * m + g
  w' = w - lr * m'
  component w in GPU, m in NVMe
}
NODE(d, e) = step.d.e -> write.d.e -> NODE(d, (e + 1) % 3)
SYS = (||| d : Dom @ NODE(d, 0)) /\\ crash -> (||| d : Dom @ load.d?e -> SKIP)
assert SYS :[uniform recovery]
assert SYS :[atomic snapshot]
assert SYS :[converges to 2 under weak {| step |}]
assert SYS :[optimizer SGDMomentum]
"""


@pytest.mark.parametrize("spec", [PHILOSOPHERS, BUFFER, ABP, LET_WITHIN, COMPREHENSIONS, FITO_LAYER],
                         ids=["philosophers", "buffer", "abp", "let_within", "comprehensions", "fito_layer"])
def test_textbook_specs_have_no_diagnostics(spec):
    assert diagnostics(spec) == []


# ----- ProgramInfo ---------------------------------------------------------------


def test_program_info_indexes_the_declarations():
    info = check_program(load_text(BUFFER + FITO_LAYER))
    left = info.channels["left"]
    assert left.field_types == (T.TData("Packet"),) and [type(e).__name__ for e in left.field_exprs] == ["Var"]
    assert info.constructors["Data"].field_types == (T.TData("Bit"),)
    assert info.constructors["Data"].datatype == "Packet"
    assert info.datatypes["Bit"].constructors == ("Zero", "One")
    assert info.nametypes["Epoch"].field_types == (T.INT,)
    assert info.channels["step"].field_types == (T.TData("Dom"), T.INT)
    flip = info.definitions["flip"]
    assert (flip.arity, len(flip.clauses)) == (1, 2) and isinstance(flip.type, T.TFun)
    assert info.definitions["COPY"].type == T.PROC and info.definitions["COPY"].arity is None
    assert {r: b.channel for r, b in info.roles.items()} == {
        "advance": "step", "persist": "write", "crash": "crash", "restore": "load"}
    assert list(info.optimizers) == ["SGDMomentum"]
    assert [type(a).__name__ for a in info.assertions][:2] == ["Refinement", "Refinement"]
    assert len(info.assertions) == 8
    assert info.domains is not None


def test_channel_fields_through_a_nametype_are_flattened():
    info = check_program(load_text("nametype Msg = {0..1}.Bool\nchannel send : Msg.{0..2}\n"))
    assert info.channels["send"].field_types == (T.INT, T.BOOL, T.INT)
    assert len(info.channels["send"].field_exprs) == 2


# ----- the command line ----------------------------------------------------------


def test_fito_parse_reports_two_unrelated_errors(tmp_path):
    spec = tmp_path / "f.fito"
    spec.write_text("channel c : {0..3}\nP = c!true -> STOP\nQ = undefined_thing\n")
    run = subprocess.run([sys.executable, "-m", "fito_model", "parse", str(spec)],
                         capture_output=True, text=True, timeout=60)
    assert run.returncode == 2
    assert "error[FITO204]" in run.stderr and "error[FITO201]" in run.stderr
    assert f"{spec}:2:7" in run.stderr and f"{spec}:3:5" in run.stderr
