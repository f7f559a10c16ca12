"""Roscoe's operational rules, operator by operator: the exact transition list of tiny terms.

Targets are compared with terms built from named processes of the fixture
program (globals are memoised, so `A` after an event *is* the value of `A`).
Events print by name; τ and ✓ are the ids 0 and 1.
"""
from __future__ import annotations

import pytest

from fito_model.semantics import process as P
from fito_model.semantics.evaluate import EvalError, Evaluator
from fito_model.semantics.events import TAU, TICK
from fito_model.semantics.operational import Semantics
from fito_model.syntax import load_text, parse_expr

PROGRAM = """
channel a, b, c
channel d : {0..2}
channel e : {0..1}.Bool
datatype Msg = Val.{0..1} | Ack
channel m : Msg
A = a -> STOP
B = b -> STOP
C = c -> STOP
AS = a -> SKIP
BS = b -> SKIP
NEXT(x) = d!x -> STOP
"""


class M:
    def __init__(self, src: str = PROGRAM):
        self.ev = Evaluator(load_text(src, "ops.fito"))
        self.sem = Semantics(self.ev)

    def t(self, text: str) -> P.Term:
        return self.ev.proc(parse_expr(text), {})

    def g(self, name: str) -> P.Term:
        return self.ev.global_value(name)

    def ids(self, *names: str) -> frozenset:
        return frozenset(self.eid(n) for n in names)

    def eid(self, name: str) -> int:
        return self.ev.event_id(self.ev.eval(parse_expr(name), {}))

    def tr(self, term) -> list[tuple[str, P.Term]]:
        term = self.t(term) if isinstance(term, str) else term
        return [(self.ev.events.name(e), s) for e, s in self.sem.transitions(term)]

    def events(self, term) -> list[str]:
        return [e for e, _ in self.tr(term)]


@pytest.fixture
def m() -> M:
    return M()


# ----- constants -----------------------------------------------------------------------

def test_constants(m):
    assert m.tr("STOP") == []
    assert m.tr("SKIP") == [("✓", P.OMEGA)]
    assert m.tr(P.OMEGA) == []
    assert m.tr("DIV") == [("τ", P.DIV)]
    assert (TAU, TICK) == (0, 1)


def test_run_and_chaos(m):
    ab = m.ids("a", "b")
    assert m.tr("RUN({a, b})") == [("a", P.Run(ab)), ("b", P.Run(ab))]
    assert m.tr("RUN({})") == []
    # CHAOS(A) = STOP |~| ([] x:A @ x -> CHAOS(A))
    assert m.tr("CHAOS({a, b})") == [("τ", P.STOP), ("τ", P.ChaosOffer(ab))]
    assert m.tr(P.ChaosOffer(ab)) == [("a", P.Chaos(ab)), ("b", P.Chaos(ab))]


# ----- prefix ---------------------------------------------------------------------------

def test_simple_prefix(m):
    assert m.tr("a -> B") == [("a", m.g("B"))]


def test_input_output_and_restriction(m):
    assert m.events("d?x -> STOP") == ["d.0", "d.1", "d.2"]
    assert m.events("d?x:{0, 2} -> STOP") == ["d.0", "d.2"]
    assert m.events("d?x:{5} -> STOP") == []            # restriction outside the type: nothing
    assert m.events("d!1 -> STOP") == ["d.1"]
    assert m.events("d.(1 + 1) -> STOP") == ["d.2"]
    assert m.events("e?x!true -> STOP") == ["e.0.true", "e.1.true"]
    assert m.events("e!1?y -> STOP") == ["e.1.false", "e.1.true"]
    assert m.events("e?x?y:{false} -> STOP") == ["e.0.false", "e.1.false"]
    assert m.events("e?x.y -> STOP") == ["e.0.false", "e.0.true", "e.1.false", "e.1.true"]
    assert m.events("e?0.y -> STOP") == ["e.0.false", "e.0.true"]  # a literal pattern filters


def test_input_binds_the_variable(m):
    assert m.tr("d?x:{1, 2} -> NEXT(x)") == [("d.1", m.t("NEXT(1)")), ("d.2", m.t("NEXT(2)"))]
    assert m.events("d?x -> d!((x + 1) % 3) -> STOP") == ["d.0", "d.1", "d.2"]
    [(_, after)] = m.tr("d?x:{2} -> d!((x + 1) % 3) -> STOP")
    assert m.events(after) == ["d.0"]


def test_datatype_fields_in_prefixes(m):
    assert m.events("m?x -> STOP") == ["m.Ack", "m.Val.0", "m.Val.1"]
    assert m.events("m?Val.x -> STOP") == ["m.Val.0", "m.Val.1"]
    assert m.events("m!Val?x -> STOP") == ["m.Val.0", "m.Val.1"]
    assert m.events("m!Ack -> STOP") == ["m.Ack"]


def test_prefix_errors_are_eval_errors(m):
    with pytest.raises(EvalError, match="not a complete event"):
        m.tr("e.1 -> STOP")
    with pytest.raises(EvalError, match="no field left"):
        m.tr("a?x -> STOP")
    with pytest.raises(EvalError, match="not in the channel's type"):
        m.tr("d!5 -> STOP")                               # FDR refuses values outside the type too
    with pytest.raises(EvalError, match="not in the channel's type"):
        m.tr("m!Val.3 -> STOP")


def test_guard(m):
    assert m.tr("true & A") == m.tr("A")
    assert m.t("false & A") == P.STOP


# ----- choice -----------------------------------------------------------------------------

def test_external_choice_offers_both(m):
    assert m.tr("A [] B") == [("a", P.STOP), ("b", P.STOP)]


def test_external_choice_tau_does_not_resolve(m):
    """τ of one side keeps the choice (Roscoe's rule); a visible event or ✓ resolves it."""
    assert m.tr("(A |~| B) [] C") == [("τ", P.ExtChoice((m.g("A"), m.g("C")))),
                                      ("τ", P.ExtChoice((m.g("B"), m.g("C")))),
                                      ("c", P.STOP)]
    assert m.tr("SKIP [] A") == [("✓", P.OMEGA), ("a", P.STOP)]
    assert m.tr("DIV [] A") == [("τ", P.ExtChoice((P.DIV, m.g("A")))), ("a", P.STOP)]


def test_external_choice_units_and_duplicates(m):
    assert m.t("STOP [] A") == m.g("A")
    assert m.t("A [] A") == m.g("A")
    assert m.t("STOP [] STOP") == P.STOP


def test_internal_choice(m):
    assert m.tr("A |~| B") == [("τ", m.g("A")), ("τ", m.g("B"))]
    assert m.tr("DIV |~| A") == [("τ", P.DIV), ("τ", m.g("A"))]


# ----- sequential composition ---------------------------------------------------------------

def test_sequential_composition(m):
    assert m.tr("SKIP ; A") == [("τ", m.g("A"))]          # ✓ of the left becomes τ
    [(ev, after)] = m.tr("AS ; B")
    assert ev == "a" and isinstance(after, P.SeqComp) and after.left == P.SKIP
    assert m.tr(after) == [("τ", m.g("B"))]
    assert m.tr("STOP ; A") == []
    ab = m.t("A ; B")
    assert m.tr(ab) == [("a", P.SeqComp(P.STOP, ab.right))]
    [(ev, after)] = m.tr("DIV ; A")
    assert ev == "τ" and after.left == P.DIV


# ----- parallel -------------------------------------------------------------------------------

def test_generalised_parallel(m):
    sync = m.ids("a")
    assert m.tr("A [| {a} |] B") == [("b", P.Par(m.g("A"), P.STOP, sync))]  # a waits for both
    assert m.tr("A [| {a} |] A") == [("a", P.Par(P.STOP, P.STOP, sync))]
    assert m.tr("A [| {a} |] STOP") == []


def test_interleaving(m):
    none = frozenset()
    assert m.tr("A ||| B") == [("a", P.Par(P.STOP, m.g("B"), none)), ("b", P.Par(m.g("A"), P.STOP, none))]
    assert m.tr("A ||| A") == [("a", P.Par(P.STOP, m.g("A"), none)), ("a", P.Par(m.g("A"), P.STOP, none))]


def test_parallel_tau_is_independent(m):
    none = frozenset()
    assert m.tr("(A |~| B) ||| C") == [("τ", P.Par(m.g("A"), m.g("C"), none)),
                                       ("τ", P.Par(m.g("B"), m.g("C"), none)),
                                       ("c", P.Par(m.t("A |~| B"), P.STOP, none))]


def test_termination_of_parallel_synchronises(m):
    """fito's departure from FDR: ✓ of a parallel composition needs every side's ✓ at once."""
    assert m.tr("SKIP ||| SKIP") == [("✓", P.OMEGA)]
    assert m.tr("SKIP [| {a} |] SKIP") == [("✓", P.OMEGA)]
    assert m.tr("SKIP ||| A") == [("a", P.Par(P.SKIP, P.STOP, frozenset()))]
    assert m.tr("AS [| {a} |] AS") == [("a", P.Par(P.SKIP, P.SKIP, m.ids("a")))]


def test_alphabetised_parallel(m):
    la, ra = m.ids("a"), m.ids("a", "b")
    # left may only do a (and needs the right for it); right may do b alone
    assert m.tr("A [ {a} || {a, b} ] B") == [("b", P.Par(m.g("A"), P.STOP, la & ra, la, ra))]
    assert m.tr("B [ {a} || {a} ] A") == []               # b is outside the left alphabet
    assert m.tr("A [ {a} || {a} ] A") == [("a", P.Par(P.STOP, P.STOP, la, la, la))]
    assert m.tr("A [ {a} || {b} ] B") == [("a", P.Par(P.STOP, m.g("B"), frozenset(), la, m.ids("b"))),
                                          ("b", P.Par(m.g("A"), P.STOP, frozenset(), la, m.ids("b")))]


# ----- hiding and renaming ---------------------------------------------------------------------

def test_hiding(m):
    h = m.ids("a")
    assert m.tr("AS \\ {a}") == [("τ", P.Hide(P.SKIP, h))]
    assert m.tr(P.Hide(P.SKIP, h)) == [("✓", P.OMEGA)]
    assert m.tr("B \\ {a}") == [("b", P.Hide(P.STOP, h))]
    assert m.t("(A \\ {a}) \\ {b}") == P.Hide(m.g("A"), m.ids("a", "b"))  # nested hiding merges
    assert m.t("A \\ {}") == m.g("A")


def test_renaming(m):
    mp = tuple(sorted([(m.eid("a"), m.eid("b")), (m.eid("a"), m.eid("c"))]))
    assert m.tr("A [[a <- b, a <- c]]") == [("b", P.Rename(P.STOP, mp)), ("c", P.Rename(P.STOP, mp))]
    assert m.events("A [[a <- a, a <- b]]") == ["a", "b"]   # one-to-many keeps the original too
    assert m.events("B [[a <- c]]") == ["b"]                # events outside the domain stay
    assert m.events("(A [] B) [[a <- b, b <- a]]") == ["b", "a"]  # a swap
    assert m.tr("SKIP [[a <- b]]") == [("✓", P.OMEGA)]


def test_renaming_whole_channels_and_comprehensions(m):
    assert m.events("(d?x -> STOP) [[d.x <- d.((x + 1) % 3) | x <- {0..2}]]") == ["d.1", "d.2", "d.0"]
    assert m.events("(d?x:{0, 1} -> STOP) [[d.x <- e.x.true | x <- {0, 1}]]") == ["e.0.true", "e.1.true"]
    with pytest.raises(EvalError, match="not in the channel's type"):
        m.t("(d?x -> STOP) [[d <- e.1]]")                   # d.2 would become e.1.2


# ----- interrupt and timeout ----------------------------------------------------------------------

def test_interrupt(m):
    assert m.tr("AS /\\ B") == [("a", P.Interrupt(P.SKIP, m.g("B"))), ("b", P.STOP)]
    assert m.tr("SKIP /\\ B") == [("✓", P.OMEGA), ("b", P.STOP)]  # the left's ✓ ends the interrupt
    assert m.tr("A /\\ (B |~| C)") == [("a", P.Interrupt(P.STOP, m.t("B |~| C"))),
                                       ("τ", P.Interrupt(m.g("A"), m.g("B"))),
                                       ("τ", P.Interrupt(m.g("A"), m.g("C")))]
    assert m.tr("(A |~| B) /\\ C") == [("τ", P.Interrupt(m.g("A"), m.g("C"))),
                                       ("τ", P.Interrupt(m.g("B"), m.g("C"))),
                                       ("c", P.STOP)]


def test_timeout(m):
    assert m.tr("A [> B") == [("a", P.STOP), ("τ", m.g("B"))]
    assert m.tr("(A |~| C) [> B") == [("τ", P.Timeout(m.g("A"), m.g("B"))),
                                      ("τ", P.Timeout(m.g("C"), m.g("B"))),
                                      ("τ", m.g("B"))]
    assert m.tr("SKIP [> B") == [("✓", P.OMEGA), ("τ", m.g("B"))]


# ----- replicated operators -------------------------------------------------------------------------

def test_replicated_external_and_internal(m):
    assert m.tr("[] x : {0, 1} @ d!x -> STOP") == [("d.0", P.STOP), ("d.1", P.STOP)]
    assert m.tr("|~| x : {0, 1} @ NEXT(x)") == [("τ", m.t("NEXT(0)")), ("τ", m.t("NEXT(1)"))]
    assert m.t("[] x : {} @ NEXT(x)") == P.STOP
    assert m.t("|~| x : {1} @ NEXT(x)") == m.t("NEXT(1)")
    with pytest.raises(EvalError, match="empty set"):
        m.t("|~| x : {} @ NEXT(x)")


def test_replicated_interleave_and_sequence(m):
    assert m.tr("||| x : {0, 1} @ NEXT(x)") == [
        ("d.0", P.Par(P.STOP, m.t("NEXT(1)"), frozenset())),
        ("d.1", P.Par(m.t("NEXT(0)"), P.STOP, frozenset()))]
    assert m.t("||| x : {} @ NEXT(x)") == P.SKIP
    assert m.t("; x : <> @ NEXT(x)") == P.SKIP
    seq = m.t("; x : <2, 0> @ d!x -> SKIP")
    assert m.events(seq) == ["d.2"]                        # in the sequence's order
    [(_, after)] = m.tr(seq)
    [(tau, started)] = m.tr(after)
    assert tau == "τ" and m.events(started) == ["d.0"]


def test_replicated_parallels(m):
    sync = m.ids("a")
    assert m.tr("[| {a} |] x : {0, 1} @ a -> NEXT(x)") == [
        ("a", P.Par(m.t("NEXT(0)"), m.t("NEXT(1)"), sync))]
    assert m.t("[| {a} |] x : {} @ NEXT(x)") == P.SKIP
    left, right = m.ids("a", "d.0"), m.ids("a", "d.1")
    assert m.tr("|| x : {0, 1} @ [{a, d.x}] a -> NEXT(x)") == [
        ("a", P.Par(m.t("NEXT(0)"), m.t("NEXT(1)"), sync, left, right))]
    # one component: confined to its alphabet, beside a SKIP for termination
    assert m.events("|| x : {0} @ [{a}] (a -> STOP [] b -> STOP)") == ["a"]
    assert m.t("|| x : {} @ [{a}] A") == P.SKIP


# ----- memoisation and laziness -------------------------------------------------------------------

def test_transitions_are_memoised(m):
    t = m.t("A [] B")
    assert m.sem.transitions(t) is m.sem.transitions(t)


def test_recursion_through_a_prefix_is_lazy():
    m = M("channel a\nP = a -> P\nQ(n) = a -> Q(n + 1)\n")
    assert m.tr("P") == [("a", m.g("P"))]
    [(_, q1)] = m.tr("Q(0)")
    assert q1 == m.t("Q(1)")
