"""Bit counts of interest, goal and availability words, with and without NumPy's own."""

from __future__ import annotations

from unittest import mock

import numpy as np

from matcher.engine import codes


def test_the_fallback_table_counts_every_16_bit_word():
    words = np.arange(1 << 16, dtype=np.uint32)
    expected = np.array([bin(w).count("1") for w in words.tolist()])
    assert np.array_equal(codes._bit_table(), expected)
    with mock.patch.object(codes, "_bitwise_count", None):
        assert np.array_equal(codes.bit_count(words.astype(np.uint16)), expected)
        assert np.array_equal(codes.bit_count(words[:256].astype(np.uint8)), expected[:256])
    assert np.array_equal(codes.bit_count(words.astype(np.uint16)), expected)


def test_shared_counts_common_items_whichever_way_bits_are_counted():
    rng = np.random.default_rng(3)
    left = (
        rng.integers(0, 1 << 16, 50).astype(np.uint16),
        rng.integers(0, 4, 50).astype(np.uint16),
    )
    right = (
        rng.integers(0, 1 << 16, 40).astype(np.uint16),
        rng.integers(0, 4, 40).astype(np.uint16),
    )
    ri, ci = rng.integers(0, 50, 500), rng.integers(0, 40, 500)
    expected = [
        sum(bin(int(a[i]) & int(b[j])).count("1") for a, b in zip(left, right, strict=True))
        for i, j in zip(ri.tolist(), ci.tolist(), strict=True)
    ]
    assert codes.shared(left, right, ri, ci).tolist() == expected
    with mock.patch.object(codes, "_bitwise_count", None):
        assert codes.shared(left, right, ri, ci).tolist() == expected
