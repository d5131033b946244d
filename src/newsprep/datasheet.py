"""The datasheet (`DATASHEET.md`): the sections of "Datasheets for Datasets" (Gebru et al.,
2021). Facts come from the build; the questions only a human can answer are keep blocks (see
`newsprep.keep`) that say "TODO: answer" until someone does, and survive regeneration."""

from __future__ import annotations

from pathlib import Path

from newsprep import keep
from newsprep.card import escape_md, read_old
from newsprep.flags import FLAGS
from newsprep.schema import COLUMNS
from newsprep.summary import BuildSummary

DATASHEET_FILE = "DATASHEET.md"

# (section, [(question key, question)]): the human questions, from Gebru et al.
QUESTIONS: list[tuple[str, list[tuple[str, str]]]] = [
    (
        "Motivation",
        [
            ("purpose", "For what purpose was the dataset created? Was there a specific gap?"),
            ("creators", "Who created the dataset and on behalf of which entity? Who funded it?"),
        ],
    ),
    (
        "Composition",
        [
            ("instances", "What do the instances represent? Is this a sample of a larger set?"),
            (
                "sensitive",
                "Does the dataset contain data that might be considered confidential, "
                "offensive, or that identifies people?",
            ),
        ],
    ),
    (
        "Collection process",
        [
            (
                "collection",
                "How was the data acquired (scraper, API, vendor)? Over what timeframe?",
            ),
            ("consent", "Were the people or publishers concerned notified or asked for consent?"),
        ],
    ),
    (
        "Preprocessing",
        [
            ("raw-kept", "Was the raw data saved in addition to the cleaned data? Where?"),
        ],
    ),
    (
        "Uses",
        [
            ("uses", "What tasks has the dataset been used for, or should it be used for?"),
            ("not-uses", "Are there tasks for which the dataset should not be used?"),
        ],
    ),
    (
        "Distribution",
        [
            ("license", "Under which license or terms of use is the dataset distributed?"),
        ],
    ),
    (
        "Maintenance",
        [
            ("maintainer", "Who maintains the dataset and how can they be contacted?"),
            ("updates", "Will the dataset be updated? How often, by whom, how are users told?"),
        ],
    ),
]


def _rate(n: int, total: int) -> str:
    return f"{n} ({n / total:.1%})" if total else str(n)


def facts(summary: BuildSummary, meta: dict) -> dict[str, list[str]]:
    """The generated part of each section, from the build summary."""
    flagged = ", ".join(f"`{c}` {_rate(summary.flags.get(c, 0), summary.records)}" for c in FLAGS)
    splits = ", ".join(f"{s} {n}" for s, n in summary.splits.items())
    reasons = ", ".join(f"`{escape_md(r)}` {n}" for r, n in sorted(summary.quarantined.items()))
    version = f" Release: v{escape_md(str(meta['version']))}." if meta.get("version") else ""
    return {
        "Motivation": [
            f"{escape_md(str(meta.get('pretty_name', 'This dataset')))}: news "
            "articles as clean text, with the scraping noise kept in separate columns."
        ],
        "Composition": [
            f"{summary.records} articles (one row each); splits: {splits or 'none'}.",
            f"{len(COLUMNS)} columns: " + ", ".join(f"`{c[0]}`" for c in COLUMNS) + ".",
            f"Quality flags (articles, rate): {flagged}.",
        ],
        "Collection process": [
            f"{summary.inputs} raw inputs were read: {summary.records} became "
            f"records, {summary.n_quarantined} were quarantined"
            f"{' (' + reasons + ')' if reasons else ''}, "
            f"{summary.n_ignored} ignored. Reconciles: "
            f"{'yes' if summary.reconciles else 'NO'}."
        ],
        "Preprocessing": [
            "Built by newsprep "
            f"{escape_md(summary.newsprep_version) or '(unknown version)'} with "
            f"detector settings `{escape_md(summary.config_hash) or '-'}` "
            "(hash of checks/detectors.toml): text decoded to UTF-8, repeated "
            "titles, page furniture and trailer lines moved out of `text` into "
            "their own columns, exact and near duplicates marked (not dropped)."
        ],
        "Uses": [
            "Language modelling and classification on clean news text; training and "
            "evaluating noise detectors on the separated columns."
        ],
        "Distribution": [
            f"Parquet files in Hugging Face layout with a dataset card and Croissant "
            f"metadata (`croissant.json`); license: "
            f"{escape_md(str(meta.get('license', 'other')))}.{version}"
        ],
        "Maintenance": [
            "Releases are git tags `vX.Y.Z`; each release's CHANGELOG section lists "
            "the articles added, removed and changed and the flag-rate changes."
        ],
    }


def render(summary: BuildSummary, meta: dict | None = None, old: str | None = None) -> str:
    """The datasheet text; `old`'s answers are carried over."""
    meta = meta or {}
    name = escape_md(str(meta.get("pretty_name", "newsprep dataset")))
    lines = [
        f"# Datasheet: {name}",
        "",
        "Sections after Gebru et al., *Datasheets for Datasets* (2021). Generated by "
        "newsprep from the build; answers between the `newsprep:keep` markers are written "
        f'by hand and kept when the datasheet is regenerated. "{keep.TODO}" marks a '
        "question still open.",
        "",
    ]
    generated = facts(summary, meta)
    for section, questions in QUESTIONS:
        lines += [f"## {section}", ""] + [f"- {fact}" for fact in generated[section]] + [""]
        for key, question in questions:
            lines += [f"**{question}**", "", keep.block(key, keep.TODO), ""]
    return keep.merge("\n".join(lines), old)


def write(
    folder: Path,
    summary: BuildSummary,
    meta: dict | None = None,
    *,
    keep_from: Path | None = None,
    target: Path | None = None,
) -> str:
    """Write the datasheet to `target` (default `folder/DATASHEET.md`), keeping the answers of
    `keep_from/DATASHEET.md` (default: the target itself). Returns the text."""
    target = Path(target) if target else Path(folder) / DATASHEET_FILE
    old_path = Path(keep_from) / DATASHEET_FILE if keep_from else target
    old = old_path.read_text(encoding="utf-8") if old_path.is_file() else None
    text = render(summary, meta, old)
    target.write_text(text, encoding="utf-8")
    return text


def open_questions(folder: Path) -> list[str]:
    """The keys of the questions of `folder/DATASHEET.md` nobody has answered yet."""
    text = read_old(folder, DATASHEET_FILE)
    return keep.unanswered(text) if text else [k for _, qs in QUESTIONS for k, _ in qs]
