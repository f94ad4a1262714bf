"""The random draws the demo's generator is made of: Zipf ranks, skewed ranks, and a weighted
pick within groups (all vectorized; the same generator state gives the same draws)."""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

Ints = NDArray[np.int64]
Floats = NDArray[np.float64]


def zipf(rng: np.random.Generator, n: int, count: int, exponent: float = 1.0) -> Ints:
    """Ranks 0..n-1 drawn with probability ∝ 1 / (rank + 1) ** exponent."""
    p = 1.0 / np.arange(1, n + 1) ** exponent
    return rng.choice(n, size=count, p=p / p.sum()).astype(np.int64)


def skewed(rng: np.random.Generator, lengths: Ints) -> Ints:
    """A skewed rank below each length: the first entries of a list are the most common."""
    return np.minimum((rng.random(len(lengths)) ** 2 * lengths).astype(np.int64), lengths - 1)


def pick_in_groups(
    rng: np.random.Generator, pool_keys: Ints, pool_weights: Floats, query_keys: Ints
) -> Ints:
    """For each query, a pool member with the same key, chosen ∝ weight (-1 when there is none)."""
    order = np.argsort(pool_keys, kind="stable")
    keys = pool_keys[order]
    cum = np.concatenate(([0.0], np.cumsum(pool_weights[order])))
    lo = np.searchsorted(keys, query_keys, "left")
    hi = np.searchsorted(keys, query_keys, "right")
    found = (hi > lo) & (cum[hi] > cum[lo])
    target = cum[lo] + rng.random(len(query_keys)) * (cum[hi] - cum[lo])
    at = np.clip(np.searchsorted(cum, target, "right") - 1, lo, np.maximum(hi - 1, lo))
    return np.where(found, order[np.minimum(at, len(order) - 1)], -1)
