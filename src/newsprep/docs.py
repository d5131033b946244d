"""The generated documents of a dataset folder: the card (README.md), the datasheet
(DATASHEET.md) and the Croissant metadata (croissant.json). The build writes them into its
staging folder, carrying the hand-written parts over from the previous build (`keep_from`)."""

from __future__ import annotations

from pathlib import Path

from newsprep import card, croissant, datasheet
from newsprep.config import default_checks_dir
from newsprep.summary import BuildSummary

GENERATED = (card.CARD_FILE, datasheet.DATASHEET_FILE, croissant.CROISSANT_FILE)


def accuracy_file(meta: dict) -> Path:
    """Detector accuracy file: `meta["accuracy_file"]`, else `checks/accuracy.json`."""
    return Path(meta.get("accuracy_file") or default_checks_dir() / card.ACCURACY_FILE)


def write(
    folder: Path,
    summary: BuildSummary,
    split_files: dict[str, list[str]],
    meta: dict | None = None,
    *,
    keep_from: Path | None = None,
    split_bytes: dict[str, int] | None = None,
) -> None:
    """Write card, datasheet and Croissant metadata into `folder`. `split_bytes`: the Arrow size
    of each split if known (else the card reads the shards to count it)."""
    folder = Path(folder)
    keep_from = Path(keep_from) if keep_from else folder
    meta = card.resolve_meta(meta, card.read_old(keep_from, card.CARD_FILE))
    card.write(
        folder, summary, split_files, meta, keep_from=keep_from, accuracy_file=accuracy_file(meta),
        split_bytes=split_bytes,
    )
    datasheet.write(folder, summary, meta, keep_from=keep_from)
    croissant.write(folder, meta, list(split_files))


def regenerate(folder: Path, meta: dict | None = None) -> None:
    """Regenerate the documents of a built folder in place (after editing front matter or
    answers, or to stamp a release's repo and version)."""
    folder = Path(folder)
    write(folder, BuildSummary.read(folder), card.split_files_of(folder), meta)
