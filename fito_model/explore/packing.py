"""Global states packed into 64-bit words: a bit field per component.

Each word uses at most 63 bits, so the all-ones word never occurs and can
mark empty slots in the visited table. States wider than one word are keyed
by a 63-bit fingerprint of the row (as TLC does); `collision_probability`
reports the risk.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

WORD_BITS = 63
_M1, _M2 = np.uint64(0xBF58476D1CE4E5B9), np.uint64(0x94D049BB133111EB)


@dataclass(frozen=True)
class Layout:
    word: tuple[int, ...]   # word index per component
    shift: tuple[int, ...]
    bits: tuple[int, ...]
    n_words: int

    @staticmethod
    def for_sizes(sizes: list[int]) -> "Layout":
        word, shift, bits = [], [], []
        w, s = 0, 0
        for n in sizes:
            b = max(1, (max(n, 1) - 1).bit_length())
            if s + b > WORD_BITS:
                w, s = w + 1, 0
            word.append(w)
            shift.append(s)
            bits.append(b)
            s += b
        return Layout(tuple(word), tuple(shift), tuple(bits), w + 1)

    def pack(self, state: tuple[int, ...]) -> np.ndarray:
        row = np.zeros((1, self.n_words), dtype=np.uint64)
        for c, v in enumerate(state):
            row[0, self.word[c]] |= np.uint64(v) << np.uint64(self.shift[c])
        return row

    def unpack(self, row: np.ndarray) -> tuple[int, ...]:
        return tuple(int((int(row[self.word[c]]) >> self.shift[c]) & ((1 << self.bits[c]) - 1))
                     for c in range(len(self.bits)))

    def get(self, rows: np.ndarray, c: int) -> np.ndarray:
        mask = np.uint64((1 << self.bits[c]) - 1)
        return ((rows[:, self.word[c]] >> np.uint64(self.shift[c])) & mask).astype(np.int64)

    def set(self, rows: np.ndarray, c: int, values: np.ndarray) -> None:
        w, sh = self.word[c], np.uint64(self.shift[c])
        mask = np.uint64(((1 << self.bits[c]) - 1) << self.shift[c])
        rows[:, w] = (rows[:, w] & ~mask) | (values.astype(np.uint64) << sh)

    def keys(self, rows: np.ndarray) -> np.ndarray:
        if self.n_words == 1:
            return rows[:, 0]
        h = np.zeros(len(rows), dtype=np.uint64)
        for w in range(self.n_words):
            h = mix(h ^ rows[:, w] ^ np.uint64(w * 0x9E3779B97F4A7C15 % (1 << 64)))
        return h & np.uint64((1 << 63) - 1)

    def collision_probability(self, n_states: int) -> float:
        """Birthday bound for 63-bit fingerprints (0 when states fit one word)."""
        return 0.0 if self.n_words == 1 else min(1.0, n_states * (n_states - 1) / 2 / 2.0**63)


def mix(x: np.ndarray) -> np.ndarray:
    """splitmix64's finaliser: a cheap, good 64-bit hash, vectorised."""
    with np.errstate(over="ignore"):
        x = (x ^ (x >> np.uint64(30))) * _M1
        x = (x ^ (x >> np.uint64(27))) * _M2
        return x ^ (x >> np.uint64(31))
