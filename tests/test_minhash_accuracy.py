"""The near-duplicate signatures estimate Jaccard similarity as MinHash should: the share of
equal signature values is an unbiased estimate of the exact similarity of the word shingles,
with the spread of 64 independent permutations (about sqrt(J(1-J)/64)), for long texts and for
texts too short to fill every slot (densified). `scripts/minhash_accuracy.py` prints the same
measures on more pairs."""

from __future__ import annotations

import random

import numpy as np
import pytest

from newsprep.minhash import Scheme, band_keys, shingle_hashes, short, signatures
from newsprep.synthetic import Generator


def _pairs(words: int | None, share: float, n: int, seed: int) -> tuple[list[str], list[str]]:
    rng = random.Random(seed)
    texts = [a.text for a in Generator(seed, dup_rate=0, near_rate=0).articles(n)]
    if words is not None:
        texts = [" ".join(t.split()[:words]) for t in texts]
    edited = [" ".join(f"zz{rng.randrange(10**9)}" if rng.random() < share else w
                       for w in t.split()) for t in texts]
    return texts, edited


def _exact(a: str, b: str, k: int) -> float:
    x, y = set(shingle_hashes(a, k).tolist()), set(shingle_hashes(b, k).tolist())
    return len(x & y) / len(x | y)


# (words kept, share of words replaced, largest spread allowed in units of MinHash's): 12 words
# make 8 shingles, so most of the 64 slots are densified copies and the spread is larger
@pytest.mark.parametrize(("words", "share", "most"), [
    (None, 0.01, 1.2), (None, 0.04, 1.2), (40, 0.03, 1.2), (12, 0.05, 1.35)])
def test_the_estimate_is_unbiased_with_the_spread_of_minhash(words, share, most):
    scheme = Scheme()
    a, b = _pairs(words, share, 300, seed=7)
    exact = np.array([_exact(x, y, scheme.shingle_words) for x, y in zip(a, b, strict=True)])
    estimate = (signatures(a, scheme) == signatures(b, scheme)).mean(axis=1)
    err = estimate - exact
    spread = np.sqrt(np.mean(exact * (1 - exact)) / scheme.num_perm)  # independent permutations
    assert abs(err.mean()) < 3 * spread / np.sqrt(len(err)) + 0.005
    assert err.std() < most * spread


def test_near_copies_are_found_and_unrelated_texts_are_not():
    """One word replaced (the benchmark's near copies, Jaccard about 0.96): found; different
    articles: never candidates."""
    scheme = Scheme()
    gen = Generator(3, dup_rate=0, near_rate=0)
    arts = list(gen.articles(500))
    a = signatures([x.text for x in arts], scheme)
    b = signatures([gen._near(x).text for x in arts], scheme)
    found = ((band_keys(a, scheme) == band_keys(b, scheme)).any(axis=1)
             & ((short(a) == short(b)).mean(axis=1) >= scheme.threshold))
    assert found.mean() >= 0.98
    other = np.roll(a, 1, axis=0)
    assert not (band_keys(a, scheme) == band_keys(other, scheme)).any()
