"""The splits the card declares: deterministic, and no leakage: exact and near duplicates always
land in the same split."""

from __future__ import annotations

import random
from collections import defaultdict

import newsprep

from .conftest import write_raw
from .publish_helpers import rows_by_id

WORDS = [
    "council",
    "harbour",
    "river",
    "bridge",
    "market",
    "school",
    "museum",
    "budget",
    "vote",
    "plan",
    "road",
    "rail",
    "water",
    "power",
    "tax",
    "rent",
    "farm",
    "trade",
    "court",
    "police",
    "storm",
    "flood",
    "fire",
    "health",
    "jobs",
    "wages",
    "prices",
    "homes",
    "park",
    "bank",
    "port",
    "ferry",
    "mill",
    "mine",
    "forest",
    "coast",
    "town",
    "city",
    "village",
]


def _text(rng: random.Random) -> str:
    paras = [" ".join(rng.choice(WORDS) for _ in range(60)).capitalize() + "." for _ in range(3)]
    return "\n\n".join(["A headline " + " ".join(rng.sample(WORDS, 5)), *paras])


def _corpus(folder):
    rng = random.Random(7)
    files = {}
    for i in range(24):
        text = _text(rng)
        files[f"g{i:02d}/original.txt"] = text
        files[f"g{i:02d}/copy.txt"] = text  # exact duplicate
        words = text.split(" ")
        words[-3] = "zebra"  # near duplicate: one word changed
        files[f"g{i:02d}/edited.txt"] = " ".join(words)
    return write_raw(folder, files)


def test_duplicate_groups_never_straddle_splits(tmp_path):
    out = tmp_path / "ds"
    newsprep.build(_corpus(tmp_path / "raw"), out, workers=1)
    rows = rows_by_id(out)
    split_of = {}
    for shard in (out / "data").glob("*.parquet"):
        for rid in rows_by_id_in(shard):
            split_of[rid] = shard.name.split("-")[0]
    groups = defaultdict(set)
    for rid, row in rows.items():
        groups[row["source"].split("/")[0]].add(split_of[rid])
        assert row["duplicate_of"] or row["near_duplicate_cluster"] or "original" in row["source"]
    assert len(groups) == 24
    assert all(len(s) == 1 for s in groups.values()), groups
    assert len({next(iter(s)) for s in groups.values()}) > 1  # the groups do spread over splits


def rows_by_id_in(shard):
    import pyarrow.parquet as pq

    return pq.read_table(shard, columns=["id"]).column("id").to_pylist()


def _splits_of(folder) -> dict[str, str]:
    return {
        rid: shard.name.split("-")[0]
        for shard in sorted((folder / "data").glob("*.parquet"))
        for rid in rows_by_id_in(shard)
    }


def test_split_ratios_and_seed_can_be_overridden(tmp_path):
    from newsprep.card import old_front_matter
    from newsprep.config import load_config
    from newsprep.splits import with_splits

    raw = _corpus(tmp_path / "raw")
    cfg = load_config(None)
    newsprep.build(raw, tmp_path / "only-train", workers=1, config=with_splits(cfg, "1,0,0"))
    assert set(_splits_of(tmp_path / "only-train").values()) == {"train"}
    card = old_front_matter((tmp_path / "only-train" / "README.md").read_text())
    assert [d["split"] for d in card["configs"][0]["data_files"]] == ["train"]
    by_seed = {}
    for seed in (1, 2, 1):
        out = tmp_path / f"seed-{seed}-{len(by_seed)}"
        newsprep.build(raw, out, workers=1, config=with_splits(cfg, "0.5,0.25,0.25", seed))
        by_seed.setdefault(seed, []).append(_splits_of(out))
    assert by_seed[1][0] == by_seed[1][1]  # same seed, same assignment
    assert by_seed[1][0] != by_seed[2][0]  # another seed, another assignment


def test_bad_splits_option_is_a_usage_error(tmp_path):
    from typer.testing import CliRunner

    from newsprep.cli import app

    raw = _corpus(tmp_path / "raw")
    for spec, message in (("0.5,0.6,0", "sum to 1"), ("a,b", "give three ratios")):
        result = CliRunner().invoke(
            app, ["build", str(raw), "-o", str(tmp_path / "ds"), "--splits", spec]
        )
        assert result.exit_code == 2 and message in result.output, result.output
    assert not (tmp_path / "ds").exists()
