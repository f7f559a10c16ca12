"""The visited set: open addressing over a numpy array, inserted a batch at a time.

About 8 bytes a slot, kept between 3/8 and 3/4 full (11-21 bytes a state);
optionally a parallel int32 array of state indices for explorations that record edges.
"""
from __future__ import annotations

import numpy as np

from .packing import mix

EMPTY = np.uint64(0xFFFFFFFFFFFFFFFF)
MAX_LOAD = 0.75


class VisitedSet:
    def __init__(self, with_index: bool = False, capacity: int = 1 << 16):
        self.with_index = with_index
        self._alloc(capacity)
        self.size = 0

    def _alloc(self, capacity: int) -> None:
        self.keys = np.full(capacity, EMPTY, dtype=np.uint64)
        self.index = np.full(capacity, -1, dtype=np.int32) if self.with_index else None  # indices < 2**31
        self.shift = np.uint64(64 - (capacity.bit_length() - 1))

    @property
    def nbytes(self) -> int:
        return self.keys.nbytes + (self.index.nbytes if self.index is not None else 0)

    def add(self, keys: np.ndarray, first_index: int = 0) -> tuple[np.ndarray, np.ndarray | None]:
        """Insert distinct keys. Returns (is_new mask, index of every key or None).

        New keys get indices first_index, first_index+1, ... in the order given.
        """
        need = self.size + len(keys)
        if need > MAX_LOAD * len(self.keys):
            self._grow(need)
        is_new = np.zeros(len(keys), dtype=bool)
        where = self._probe(keys, is_new)
        n_new = int(is_new.sum())
        self.size += n_new
        if self.index is None:
            return is_new, None
        new_ids = first_index + np.arange(n_new, dtype=np.int64)
        self.index[where[is_new]] = new_ids
        return is_new, self.index[where]

    def _probe(self, keys: np.ndarray, is_new: np.ndarray) -> np.ndarray:
        mask = np.uint64(len(self.keys) - 1)
        slot = (mix(keys) >> self.shift) & mask if len(keys) else np.zeros(0, dtype=np.uint64)
        slot = slot.astype(np.int64)
        where = np.empty(len(keys), dtype=np.int64)
        pending = np.arange(len(keys))
        while len(pending):
            s = slot[pending]
            cur = self.keys[s]
            k = keys[pending]
            found = cur == k
            where[pending[found]] = s[found]
            empty = cur == EMPTY
            claim = pending[empty]
            self.keys[s[empty]] = k[empty]
            won = self.keys[s[empty]] == k[empty]
            is_new[claim[won]] = True
            where[claim[won]] = s[empty][won]
            retry = np.concatenate([pending[~found & ~empty], claim[~won]])
            slot[retry] = (slot[retry] + 1) & int(mask)
            pending = np.sort(retry)
        return where

    def _grow(self, need: int) -> None:
        old_keys, old_index = self.keys, self.index
        cap = len(self.keys)
        while need > MAX_LOAD * cap:
            cap *= 2
        self._alloc(cap)
        live = old_keys != EMPTY
        dummy = np.zeros(int(live.sum()), dtype=bool)
        where = self._probe(old_keys[live], dummy)
        if old_index is not None:
            self.index[where] = old_index[live]


class Distinct:
    """A batch of keys with duplicates: its distinct keys in order of first occurrence.

    Successors are deduplicated by sorting before they meet the visited set;
    keeping the first occurrences in generation order numbers new states the
    way a one-at-a-time search would (and so makes paths deterministic).
    """

    def __init__(self, keys: np.ndarray) -> None:
        self.order = np.argsort(keys, kind="stable")
        sorted_keys = keys[self.order]
        self.first = np.ones(len(keys), dtype=bool)  # in sorted order: the first of its run
        self.first[1:] = sorted_keys[1:] != sorted_keys[:-1]
        firsts = self.order[self.first]            # each distinct key's first position, by key
        self.by_position = np.argsort(firsts)
        self.positions = firsts[self.by_position]  # each distinct key's first position, in order

    def spread(self, index: np.ndarray) -> np.ndarray:
        """Given a value per distinct key (in `positions` order), the value of every key of the batch."""
        by_key = np.empty(len(self.positions), dtype=np.int64)
        by_key[self.by_position] = index
        out = np.empty(len(self.order), dtype=np.int64)
        out[self.order] = by_key[np.cumsum(self.first) - 1]
        return out
