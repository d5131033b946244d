"""The dataset card (`README.md` of a dataset folder): YAML front matter that `load_dataset`
honours (configs, features, splits) and a body generated from the build. Hand-written blocks
(see `newsprep.keep`) and the hand-editable front-matter fields survive regeneration."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pyarrow.parquet as pq
import yaml

from newsprep import keep
from newsprep.flags import FLAGS, QUARANTINE_REASONS
from newsprep.schema import COLUMNS, features_yaml
from newsprep.splits import SPLIT_ORDER
from newsprep.summary import BuildSummary

CARD_FILE = "README.md"
ACCURACY_FILE = "accuracy.json"
DEFAULT_META = {
    "pretty_name": "newsprep dataset",
    "license": "other",
    "language": ["en"],
    "task_categories": ["text-generation", "text-classification"],
}
# Front-matter fields a maintainer may edit by hand; regeneration keeps their values.
EDITABLE = tuple(DEFAULT_META)
_SAMPLE_CHARS = 400


def size_category(n: int) -> str:
    for limit, name in (
        (1_000, "n<1K"),
        (10_000, "1K<n<10K"),
        (100_000, "10K<n<100K"),
        (1_000_000, "100K<n<1M"),
        (10_000_000, "1M<n<10M"),
    ):
        if n < limit:
            return name
    return "10M<n<100M"


def split_files_of(folder: Path) -> dict[str, list[str]]:
    """The Parquet shards of a dataset folder by split, in split order."""
    data = Path(folder) / "data"
    out: dict[str, list[str]] = {}
    for split in SPLIT_ORDER:
        files = sorted(p.name for p in data.glob(f"{split}-*.parquet"))
        if files:
            out[split] = [f"data/{name}" for name in files]
    return out


def arrow_bytes(folder: Path, files: list[str]) -> int:
    """In-memory Arrow size of the shards (what `datasets` reports as `num_bytes`)."""
    total = 0
    for rel in files:
        pf = pq.ParquetFile(Path(folder) / rel)
        for i in range(pf.num_row_groups):
            total += pf.read_row_group(i).nbytes
    return total


def old_front_matter(text: str | None) -> dict:
    """The YAML front matter of an existing card ({} if none or unreadable)."""
    m = re.match(r"---\n(.*?)\n---\n", text or "", re.S)
    if not m:
        return {}
    try:
        data = yaml.safe_load(m.group(1))
    except yaml.YAMLError:
        return {}
    return data if isinstance(data, dict) else {}


def resolve_meta(meta: dict | None, old_card: str | None) -> dict:
    """Defaults, overridden by the old card's editable fields, overridden by `meta`."""
    old = old_front_matter(old_card)
    out = dict(DEFAULT_META)
    out.update({k: old[k] for k in EDITABLE if k in old})
    out.update(meta or {})
    return out


def front_matter(
    summary: BuildSummary,
    split_files: dict[str, list[str]],
    split_bytes: dict[str, int],
    meta: dict,
    download_size: int | None = None,
) -> dict:
    return {
        "pretty_name": str(meta["pretty_name"]),
        "license": meta["license"],
        "language": list(meta["language"]),
        "task_categories": list(meta["task_categories"]),
        "size_categories": [size_category(summary.records)],
        "configs": [
            {
                "config_name": "default",
                "data_files": [{"split": s, "path": f"data/{s}-*.parquet"} for s in split_files],
            }
        ],
        "dataset_info": {
            "features": features_yaml(),
            "splits": [
                {
                    "name": s,
                    "num_bytes": split_bytes.get(s, 0),
                    "num_examples": summary.splits.get(s, 0),
                }
                for s in split_files
            ],
            "download_size": sum(split_bytes.values()) if download_size is None else download_size,
            "dataset_size": sum(split_bytes.values()),
        },
    }


def escape_md(text: str) -> str:
    """Text from the data or the user, safe inside Markdown prose and table cells."""
    text = text.replace("\\", "\\\\").replace("&", "&amp;").replace("<", "&lt;")
    text = text.replace(">", "&gt;").replace("|", "\\|")
    text = re.sub(r"([`*_\[\]#])", r"\\\1", text)
    return " ".join(text.split())


def fenced(text: str, lang: str = "") -> str:
    """`text` in a code fence longer than any backtick run inside it."""
    longest = max((len(m) for m in re.findall(r"`+", text)), default=0)
    fence = "`" * max(3, longest + 1)
    return f"{fence}{lang}\n{text}\n{fence}"


def safe_json(value) -> str:
    """JSON that cannot close an HTML comment or open a tag in Markdown (`<`, `>` escaped)."""
    text = json.dumps(value, ensure_ascii=False, indent=2, sort_keys=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e")


def sample_record(folder: Path, split_files: dict[str, list[str]]) -> dict | None:
    """The first record of the first non-empty split, text shortened for the card."""
    for files in split_files.values():
        for rel in files:
            batch = next(pq.ParquetFile(Path(folder) / rel).iter_batches(batch_size=1), None)
            if batch is not None and batch.num_rows:
                row = batch.to_pylist()[0]
                if len(row["text"]) > _SAMPLE_CHARS:
                    row["text"] = row["text"][:_SAMPLE_CHARS] + "…"
                return row
    return None


METRICS = ("precision", "recall", "f1")


def _measurement(data: dict) -> dict | None:
    """One measurement, from `newsprep eval --json` output (`scores`) or the plain form
    `{"measured_on": str, "detectors": {name: {metric: number}}}`."""
    if isinstance(data.get("scores"), dict):  # newsprep eval --json
        raw = Path(str(data.get("raw_dir", "")))
        name = raw.parent.name if raw.name == "raw" else raw.name
        variant = data.get("variant", "none")
        where = f"{name} ({data.get('files', '?')} articles"
        where += f", variant {variant})" if variant not in (None, "none") else ")"
        return {"measured_on": where, "detectors": data["scores"]}
    if isinstance(data.get("detectors"), dict):
        return data
    return None


def read_accuracy(path: Path | None) -> list[dict]:
    """Detector accuracy measured by the evaluation, if the file is there: one `newsprep eval
    --json` report, or a list of them (one per evaluation set or variant)."""
    if path is None or not Path(path).is_file():
        return []
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    found = [_measurement(d) for d in (data if isinstance(data, list) else [data])]
    return [m for m in found if m]


def column_type(typ) -> str:
    return str(typ).replace("list<item: string>", "list<string>")


def _structure() -> list[str]:
    lines = [
        "## Dataset structure",
        "",
        "One row per article.",
        "",
        "| column | type | meaning |",
        "|---|---|---|",
    ]
    for cname, typ, nullable, doc in COLUMNS:
        t = f"`{column_type(typ)}`" + (", null" if nullable else "")  # `<` of list<string>
        lines.append(f"| `{cname}` | {t} | {doc.replace('|', '&#124;')} |")
    return lines


def _splits(
    summary: BuildSummary, split_files: dict[str, list[str]], split_bytes: dict[str, int]
) -> list[str]:
    lines = ["", "| split | articles | shards | Arrow bytes |", "|---|---:|---:|---:|"]
    for s, files in split_files.items():
        lines.append(
            f"| {s} | {summary.splits.get(s, 0)} | {len(files)} | {split_bytes.get(s, 0)} |"
        )
    lines += [
        "",
        "Splits are assigned by a hash of each article's duplicate group, so exact and "
        "near duplicates always share a split (no leakage between train and test).",
    ]
    return lines


def _rate(n: int, total: int) -> str:
    return f"{n / total:.1%}" if total else "-"


def quality_lines(summary: BuildSummary, accuracy: list[dict]) -> list[str]:
    lines = [
        "## Quality",
        "",
        "Flagged articles are kept; filter on `flags` to drop them.",
        "",
        "| flag | articles | rate | meaning |",
        "|---|---:|---:|---|",
    ]
    for code, doc in FLAGS.items():
        n = summary.flags.get(code, 0)
        lines.append(f"| `{code}` | {n} | {_rate(n, summary.records)} | {doc} |")
    lines += [
        "",
        f"Inputs: {summary.inputs}; records: {summary.records}; quarantined: "
        f"{summary.n_quarantined}; ignored: {summary.n_ignored}; reconciles: "
        f"{'yes' if summary.reconciles else 'NO'}.",
    ]
    if summary.quarantined:
        lines += ["", "| quarantine reason | inputs | meaning |", "|---|---:|---|"]
        for reason, n in sorted(summary.quarantined.items()):
            lines.append(f"| `{escape_md(reason)}` | {n} | {QUARANTINE_REASONS.get(reason, '')} |")
    lines += ["", "### Detector accuracy", ""]
    if not accuracy:
        lines.append("Not measured for this build.")
    for i, measurement in enumerate(accuracy):
        lines += ([""] if i else []) + accuracy_table(measurement)
    return lines


def accuracy_table(measurement: dict) -> list[str]:
    """Precision, recall and F1 per detector (line level) on one evaluation set."""
    where = escape_md(str(measurement.get("measured_on", "unknown data")))
    lines = [
        f"Measured on {where}, per line:",
        "",
        "| detector | " + " | ".join(METRICS) + " |",
        "|---|" + "---:|" * len(METRICS),
    ]
    for name, vals in sorted(measurement["detectors"].items()):
        cells = [f"{vals[m]:.3f}" if isinstance(vals.get(m), int | float) else "-" for m in METRICS]
        lines.append(f"| {escape_md(str(name))} | " + " | ".join(cells) + " |")
    return lines


def loading_lines(meta: dict) -> list[str]:
    repo = meta.get("load_as") or meta.get("repo_id") or "OWNER/NAME"
    version = meta.get("version") or "X.Y.Z"
    repo_s, ver_s = json.dumps(str(repo)), json.dumps(f"v{version}")
    return [
        "## How to load",
        "",
        fenced(
            "\n".join(
                [
                    "from datasets import load_dataset",
                    "",
                    f"ds = load_dataset({repo_s}, revision={ver_s})  # pin this release",
                    "",
                    "import newsprep",
                    "",
                    f"ds = newsprep.load({repo_s}, version={json.dumps(str(version))})  # the same",
                ]
            ),
            "python",
        ),
        "",
        'A local folder loads the same way: `load_dataset("path/to/folder")`. '
        "Always pin `revision=` (a release tag) in experiments: `main` moves.",
    ]


def body(
    summary: BuildSummary,
    split_files: dict[str, list[str]],
    split_bytes: dict[str, int],
    meta: dict,
    sample: dict | None = None,
    accuracy: list[dict] | None = None,
) -> str:
    name = escape_md(str(meta["pretty_name"]))
    release = f"Release v{escape_md(str(meta['version']))}. " if meta.get("version") else ""
    lines = [
        f"# {name}",
        "",
        "## Dataset description",
        "",
        f"{release}News articles cleaned and validated by newsprep: one record per article, "
        "the scraping noise (repeated titles, page furniture, trailer lines) separated from "
        "the clean `text` and kept in its own columns.",
        "",
        keep.block("description", "<!-- Describe the source of the articles here. -->"),
        "",
    ]
    lines += _structure() + _splits(summary, split_files, split_bytes)
    if sample is not None:
        lines += ["", "### Data instance", "", fenced(safe_json(sample), "json")]
    lines += [""] + quality_lines(summary, accuracy or []) + [""] + loading_lines(meta)
    lines += [
        "",
        "## Limitations",
        "",
        "The flags come from heuristic detectors: some noise is missed and some genuine "
        "lines are flagged (see Detector accuracy). Near-duplicate detection is "
        "approximate (MinHash). Titles and dates are as the source gave them.",
        "",
        keep.block("limitations", "<!-- Known biases and gaps of the source. -->"),
        "",
        "## Citation",
        "",
        keep.block("citation", "<!-- BibTeX for this dataset. -->"),
        "",
    ]
    return "\n".join(lines)


def render(
    summary: BuildSummary,
    split_files: dict[str, list[str]],
    split_bytes: dict[str, int],
    meta: dict | None = None,
    *,
    sample: dict | None = None,
    accuracy: list[dict] | None = None,
    download_size: int | None = None,
    old_card: str | None = None,
) -> str:
    """The card text; `old_card`'s keep blocks and editable front matter are carried over."""
    meta = resolve_meta(meta, old_card)
    fm = yaml.safe_dump(
        front_matter(summary, split_files, split_bytes, meta, download_size),
        sort_keys=False,
        allow_unicode=True,
        width=100,
    )
    text = f"---\n{fm}---\n\n{body(summary, split_files, split_bytes, meta, sample, accuracy)}"
    return keep.merge(text, old_card)


def read_old(keep_from: Path | None, name: str) -> str | None:
    path = Path(keep_from) / name if keep_from else None
    return path.read_text(encoding="utf-8") if path and path.is_file() else None


def write(
    folder: Path,
    summary: BuildSummary,
    split_files: dict[str, list[str]],
    meta: dict | None = None,
    *,
    keep_from: Path | None = None,
    accuracy_file: Path | None = None,
    split_bytes: dict[str, int] | None = None,
) -> str:
    """Write `folder/README.md`; hand-written parts come from `keep_from/README.md` (the
    previous build of the folder) or, by default, from the folder itself. Returns the text.
    `split_bytes`: each split's `num_bytes` as counted while its shards were written
    (`ShardWriter.arrow_bytes`); without it, the shards are read (`arrow_bytes`)."""
    folder = Path(folder)
    if split_bytes is None:
        split_bytes = {s: arrow_bytes(folder, files) for s, files in split_files.items()}
    download = sum((folder / f).stat().st_size for files in split_files.values() for f in files)
    text = render(
        summary,
        split_files,
        split_bytes,
        meta,
        sample=sample_record(folder, split_files),
        accuracy=read_accuracy(accuracy_file),
        download_size=download,
        old_card=read_old(keep_from or folder, CARD_FILE),
    )
    (folder / CARD_FILE).write_text(text, encoding="utf-8")
    return text
