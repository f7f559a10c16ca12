"""Packing global states into 63-bit words: layouts, round trips, keys and fingerprints."""
from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from fito_model.explore.packing import WORD_BITS, Layout

sizes_st = st.lists(st.integers(min_value=1, max_value=2**21), min_size=1, max_size=12)


@st.composite
def layout_and_states(draw, max_sizes=sizes_st):
    sizes = draw(max_sizes)
    n = draw(st.integers(min_value=1, max_value=20))
    states = [tuple(draw(st.integers(min_value=0, max_value=s - 1)) for s in sizes) for _ in range(n)]
    return sizes, states


def test_layout_bits_and_shifts():
    lay = Layout.for_sizes([2, 3, 5, 1, 256])
    assert lay.bits == (1, 2, 3, 1, 8)   # a 1-state component still takes a bit
    assert lay.shift == (0, 1, 3, 6, 7)
    assert lay.word == (0, 0, 0, 0, 0)
    assert lay.n_words == 1


def test_layout_spills_into_a_second_word_at_63_bits():
    lay = Layout.for_sizes([2**40, 2**23, 2])   # 40 + 23 = 63 bits fill a word exactly
    assert lay.word == (0, 0, 1) and lay.shift == (0, 40, 0) and lay.n_words == 2
    lay = Layout.for_sizes([2] * 64)
    assert lay.n_words == 2 and lay.word[62] == 0 and lay.word[63] == 1


@settings(max_examples=80, deadline=None)
@given(layout_and_states())
def test_pack_unpack_round_trip(case):
    sizes, states = case
    lay = Layout.for_sizes(sizes)
    rows = np.concatenate([lay.pack(s) for s in states])
    assert rows.shape == (len(states), lay.n_words)
    for row, s in zip(rows, states):
        assert lay.unpack(row) == s
    for c in range(len(sizes)):
        assert lay.get(rows, c).tolist() == [s[c] for s in states]
    # no word ever uses bit 63, so the all-ones word stays free as the empty-slot marker
    assert (rows < np.uint64(1 << WORD_BITS)).all()


@settings(max_examples=80, deadline=None)
@given(layout_and_states(), st.data())
def test_set_changes_one_component_only(case, data):
    sizes, states = case
    lay = Layout.for_sizes(sizes)
    rows = np.concatenate([lay.pack(s) for s in states])
    c = data.draw(st.integers(min_value=0, max_value=len(sizes) - 1))
    values = np.array([data.draw(st.integers(min_value=0, max_value=sizes[c] - 1)) for _ in states])
    lay.set(rows, c, values)
    for row, s, v in zip(rows, states, values.tolist()):
        expected = list(s)
        expected[c] = v
        assert lay.unpack(row) == tuple(expected)


@settings(max_examples=100, deadline=None)
@given(layout_and_states(st.lists(st.integers(min_value=2**30, max_value=2**40), min_size=3, max_size=8)))
def test_multi_word_round_trip(case):
    sizes, states = case
    lay = Layout.for_sizes(sizes)
    assert lay.n_words >= 2
    for s in states:
        assert lay.unpack(lay.pack(s)[0]) == s


def test_single_word_keys_are_the_rows():
    lay = Layout.for_sizes([4, 4])
    rows = np.concatenate([lay.pack((1, 2)), lay.pack((3, 0))])
    assert lay.keys(rows).tolist() == rows[:, 0].tolist()
    assert lay.collision_probability(10**6) == 0.0


def test_multi_word_keys_are_63_bit_fingerprints():
    lay = Layout.for_sizes([2**40] * 3)
    rng = np.random.default_rng(7)
    states = {tuple(int(x) for x in rng.integers(0, 2**40, size=3)) for _ in range(5000)}
    rows = np.concatenate([lay.pack(s) for s in sorted(states)])
    keys = lay.keys(rows)
    assert (keys < np.uint64(1 << 63)).all()
    assert len(set(keys.tolist())) == len(states)            # no collision among 5000
    assert lay.keys(rows).tolist() == keys.tolist()           # deterministic
    # rows that differ only by swapping words get different keys (the word index is mixed in)
    a, b = lay.pack((1, 2, 3)), lay.pack((2, 1, 3))
    assert lay.keys(a)[0] != lay.keys(b)[0]


def test_collision_probability_is_the_birthday_bound():
    lay = Layout.for_sizes([2**40] * 2)
    assert lay.collision_probability(1) == 0.0
    p = lay.collision_probability(10**6)
    assert abs(p - (10**6 * (10**6 - 1) / 2) / 2.0**63) < 1e-18
    assert lay.collision_probability(10**12) == 1.0
