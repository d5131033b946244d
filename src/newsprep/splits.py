"""Deterministic train/validation/test assignment. Articles of one duplicate group (exact copies
and near-duplicate clusters) share a group key, so they always land in the same split."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import xxhash

from newsprep.config import Config
from newsprep.errors import NewsprepError, UsageError
from newsprep.textnorm import hash64

SPLIT_ORDER = ("train", "validation", "test")


def ratios(cfg: Config) -> dict[str, float]:
    section = cfg.section("splits")
    out = {name: float(section.get(name, 0.0)) for name in SPLIT_ORDER}
    if any(r < 0 for r in out.values()) or abs(sum(out.values()) - 1.0) > 1e-9:
        raise NewsprepError(f"{cfg.path}: [splits] ratios must be >= 0 and sum to 1, got {out}")
    if out["train"] <= 0:
        raise NewsprepError(f"{cfg.path}: [splits] train ratio must be > 0")
    return {k: v for k, v in out.items() if v > 0}


def group_key(rid: str, duplicate_of: str | None, cluster: str | None) -> str:
    """The id that stands for the article's duplicate group."""
    return cluster or duplicate_of or rid


def assign(group: str, split_ratios: dict[str, float], seed: int) -> str:
    u = hash64(f"{seed}\x00{group}") / 2**64
    acc = 0.0
    for name, r in split_ratios.items():
        acc += r
        if u < acc:
            return name
    return next(iter(split_ratios))


def assign_many(groups: pa.Array, split_ratios: dict[str, float], seed: int) -> np.ndarray:
    """`assign` of each group of a string array without nulls, as the split's index in
    `split_ratios`: the same hash of the same bytes, the same fraction (`unit_fractions`) and
    the same bounds, added up in the same order."""
    keys = pc.binary_join_element_wise(f"{seed}\x00", groups, "").cast(pa.binary())
    # textnorm.hash64 is xxh3-64 of the UTF-8 bytes, which an Arrow string holds already
    u = unit_fractions(np.fromiter(map(xxhash.xxh3_64_intdigest, keys.to_pylist()),
                                   np.uint64, len(keys)))
    out = np.zeros(len(u), dtype=np.int8)  # past every bound: the first split
    left = np.ones(len(u), dtype=bool)
    acc = 0.0
    for i, r in enumerate(split_ratios.values()):
        acc += r
        hit = left & (u < acc)
        out[hit] = i
        left &= ~hit
    return out


def unit_fractions(hashes: np.ndarray) -> np.ndarray:
    """`h / 2**64` of each 64-bit hash, as Python divides the int: the uint64 rounded to the
    nearest double (ties to even, as Python's true division rounds), then scaled by a power of
    two, which is exact."""
    return hashes.astype(np.float64) * 2.0**-64


def parse_ratios(spec: str) -> dict[str, float]:
    """`"0.8,0.1,0.1"` as train/validation/test ratios (UsageError if malformed)."""
    parts = [p.strip() for p in spec.split(",")]
    try:
        values = [float(p) for p in parts]
    except ValueError:
        values = []
    if len(values) != len(SPLIT_ORDER):
        raise UsageError(f"--splits {spec!r}: give three ratios train,validation,test "
                         "such as 0.8,0.1,0.1")
    return dict(zip(SPLIT_ORDER, values, strict=True))


def with_splits(cfg: Config, spec: str | None = None, seed: int | None = None) -> Config:
    """`cfg` with its [splits] ratios and/or seed replaced (validated like the file's)."""
    section = dict(cfg.section("splits"))
    if spec is not None:
        section.update(parse_ratios(spec))
    if seed is not None:
        section["seed"] = int(seed)
    out = Config({**cfg.data, "splits": section}, f"{cfg.path} with --splits/--seed")
    try:
        ratios(out)
    except NewsprepError as exc:
        raise UsageError(str(exc)) from None
    return out
