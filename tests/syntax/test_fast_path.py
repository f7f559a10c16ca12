"""The parser's fast path (FastLexer, TableDriver) against lark's own pipeline, which it stands in for.

The reference is the same grammar run by stock lark: the contextual lexer,
the SequenceBrackets post-lexer and lark's LALR loop. On every input both
must give the same AST with the same spans, or the same error at the same
token with the same expected set and the same parser stacks (their
heights and values: the two builds number their LALR states differently).
"""
from __future__ import annotations

import importlib.util
import random
from functools import lru_cache
from importlib.resources import files
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lark import Lark
from lark.exceptions import UnexpectedInput
from spec_mutation import CLEAN, mutate

from fito_model.diagnostics import FitoError
from fito_model.syntax import ast
from fito_model.syntax.parser import SequenceBrackets, blank_block_comments, grammar
from fito_model.syntax.transformer import ToAst

ROOT = Path(__file__).resolve().parents[2]
FILES = sorted([*ROOT.glob("specs/**/*.fito"), *(ROOT / "fito_model" / "stdlib").glob("*.fito")])


@lru_cache(maxsize=1)
def reference() -> Lark:
    text = files("fito_model.syntax").joinpath("fito.lark").read_text()
    return Lark(text, parser="lalr", lexer="contextual", maybe_placeholders=True,
                postlex=SequenceBrackets(), transformer=ToAst())


def _spans(x) -> list:
    """Every node's class and span, in a fixed order (AST equality ignores spans)."""
    out, stack = [], [x]
    while stack:
        v = stack.pop()
        if isinstance(v, (list, tuple)):
            stack.extend(reversed(v))
        elif isinstance(v, ast.Node):
            out.append((type(v).__name__, v.span))
            stack.extend(getattr(v, f) for f in reversed(v.__dataclass_fields__) if f != "span")
    return out


def outcome(parser: Lark, text: str):
    """What a parse gives, in a form that can be compared."""
    builder: ToAst = parser.options.transformer
    builder.reset("t.fito")
    try:
        decls = parser.parse(text)
    except UnexpectedInput as e:
        state = getattr(e, "state", None)
        token = getattr(e, "token", None)
        return ("error", type(e).__name__, e.line, e.column, getattr(e, "pos_in_stream", None),
                None if token is None else (token.type, str(token), token.line, token.column),
                sorted(getattr(e, "expected", None) or getattr(e, "allowed", None) or ()),
                None if state is None else len(state.state_stack),  # state numbers differ between builds
                None if state is None else _spans(list(getattr(state, "value_stack", ()))))
    return ("ok", decls, _spans(decls), builder.errors, [(str(t), t.line, t.column, sorted(x))
                                                         for t, x in builder.violations])


def assert_same(text: str) -> None:
    try:
        text = blank_block_comments(text)
    except FitoError:
        return  # an unterminated block comment never reaches either lexer
    assert outcome(grammar(), text) == outcome(reference(), text)


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_bundled_files_parse_identically(path):
    assert_same(path.read_text(encoding="utf-8"))


def test_the_benchmark_spec_parses_identically():
    spec = importlib.util.spec_from_file_location("parse_bench", ROOT / "bench" / "parse_bench.py")
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    assert_same(bench.make_spec(1500))


def test_errors_are_found_identically():
    for text in ["P = a -> ", "P = (a -> STOP", "P = <1, 2", "x = 1 +* 2", "P = a -> STOP\n\x01",
                 'P = "unterminated', "channel c : {0..2}\nP = c?x > 1 -> STOP", "assert P [X= Q"]:
        assert_same(text)


@settings(max_examples=150, deadline=None)
@given(st.randoms(use_true_random=False), st.integers(min_value=1, max_value=12))
def test_mutated_specs_parse_identically(rng: random.Random, edits: int):
    assert_same(mutate(rng, CLEAN, edits))


@settings(max_examples=40, deadline=None)
@given(st.sampled_from(FILES), st.randoms(use_true_random=False), st.integers(min_value=1, max_value=6))
def test_mutated_bundled_files_parse_identically(path, rng: random.Random, edits: int):
    assert_same(mutate(rng, path.read_text(encoding="utf-8"), edits))
