"""The visited set against a Python set: batch inserts, growth, and the state indices it keeps."""
from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from fito_model.explore.visited import EMPTY, VisitedSet

key_st = st.integers(min_value=0, max_value=2**63 - 1)
# batches of distinct keys (the contract: the BFS deduplicates each batch first); small
# pools make repeats across batches likely, large ones exercise the hash spread
batches_st = st.one_of(
    st.lists(st.sets(st.integers(min_value=0, max_value=300), max_size=120), max_size=12),
    st.lists(st.sets(key_st, max_size=60), max_size=8),
)


def _arr(batch) -> np.ndarray:
    return np.array(sorted(batch), dtype=np.uint64)[np.random.default_rng(len(batch)).permutation(len(batch))]


@settings(max_examples=80, deadline=None)
@given(batches_st, st.sampled_from([8, 16, 1 << 16]))
def test_matches_a_python_set(batches, capacity):
    vs = VisitedSet(capacity=capacity)
    seen: set[int] = set()
    for batch in batches:
        keys = _arr(batch)
        is_new, index = vs.add(keys)
        assert index is None
        assert is_new.tolist() == [int(k) not in seen for k in keys]
        seen |= {int(k) for k in keys}
        assert vs.size == len(seen)
        assert (vs.keys != EMPTY).sum() == len(seen)
        assert vs.size <= 0.75 * len(vs.keys)   # growth keeps the load factor


@settings(max_examples=80, deadline=None)
@given(batches_st)
def test_indices_number_new_keys_in_order_and_remember_old_ones(batches):
    vs = VisitedSet(with_index=True, capacity=8)
    ids: dict[int, int] = {}
    for batch in batches:
        keys = _arr(batch)
        is_new, index = vs.add(keys, first_index=len(ids))
        expected, fresh = [], []
        for k in keys.tolist():
            fresh.append(k not in ids)
            if k not in ids:
                ids[k] = len(ids)     # new keys: first_index, first_index + 1, ... in the order given
            expected.append(ids[k])
        assert index.tolist() == expected
        assert is_new.tolist() == fresh


def test_growth_from_a_tiny_table():
    vs = VisitedSet(with_index=True, capacity=8)
    keys = np.arange(10_000, dtype=np.uint64) * np.uint64(2654435761)
    is_new, index = vs.add(keys, 0)
    assert is_new.all() and index.tolist() == list(range(10_000))
    assert len(vs.keys) >= 10_000 / 0.75 and vs.size == 10_000
    again, index2 = vs.add(keys[::-1].copy(), 10_000)
    assert not again.any() and index2.tolist() == list(range(10_000))[::-1]


def test_empty_batch():
    vs = VisitedSet()
    is_new, index = vs.add(np.zeros(0, dtype=np.uint64))
    assert len(is_new) == 0 and vs.size == 0


def test_colliding_slots_are_resolved():
    """Keys that hash to the same slot (a full table of neighbours) still all go in."""
    vs = VisitedSet(capacity=8)
    keys = np.arange(6, dtype=np.uint64)
    assert vs.add(keys)[0].all()
    assert not vs.add(keys)[0].any()
    assert vs.add(np.array([100, 3], dtype=np.uint64))[0].tolist() == [True, False]
