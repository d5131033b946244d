"""The dataset card (`README.md` of a dataset folder): YAML front matter that `load_dataset`
honours (configs, features, splits) and a body generated from the build."""

from __future__ import annotations

from pathlib import Path

import yaml

from newsprep.flags import FLAGS
from newsprep.schema import COLUMNS, features_yaml
from newsprep.summary import BuildSummary

CARD_FILE = "README.md"


def size_category(n: int) -> str:
    for limit, name in ((1_000, "n<1K"), (10_000, "1K<n<10K"), (100_000, "10K<n<100K"),
                        (1_000_000, "100K<n<1M"), (10_000_000, "1M<n<10M")):
        if n < limit:
            return name
    return "10M<n<100M"


def front_matter(summary: BuildSummary, split_files: dict[str, list[str]],
                 split_bytes: dict[str, int], meta: dict) -> dict:
    return {
        "pretty_name": meta.get("pretty_name", "newsprep dataset"),
        "license": meta.get("license", "other"),
        "language": meta.get("language", ["en"]),
        "task_categories": meta.get("task_categories", ["text-generation", "text-classification"]),
        "size_categories": [size_category(summary.records)],
        "configs": [{
            "config_name": "default",
            "data_files": [{"split": s, "path": "data/" + f"{s}-*.parquet"} for s in split_files],
        }],
        "dataset_info": {
            "features": features_yaml(),
            "splits": [{"name": s, "num_bytes": split_bytes.get(s, 0),
                        "num_examples": summary.splits.get(s, 0)} for s in split_files],
            "download_size": sum(split_bytes.values()),
            "dataset_size": sum(split_bytes.values()),
        },
    }


def _escape_md(text: str) -> str:
    return text.replace("|", "\\|").replace("<", "&lt;").replace(">", "&gt;")


def body(summary: BuildSummary, meta: dict) -> str:
    name = _escape_md(meta.get("pretty_name", "newsprep dataset"))
    lines = [f"# {name}", "",
             "News articles cleaned and validated by "
             "[newsprep](https://pypi.org/project/newsprep/): one record per article, the "
             "scraping noise (repeated titles, page furniture, trailer lines) separated from the "
             "clean `text` and kept in its own columns.", "",
             "## Loading", "", "```python", "from datasets import load_dataset",
             'ds = load_dataset("PATH_OR_REPO")', "```", "",
             "## Structure", "", "| column | type | meaning |", "|---|---|---|"]
    for cname, typ, nullable, doc in COLUMNS:
        t = str(typ).replace("list<item: string>", "list<string>") + (", null" if nullable else "")
        lines.append(f"| `{cname}` | {t} | {_escape_md(doc)} |")
    lines += ["", "Splits: " + ", ".join(f"{k} ({v})" for k, v in summary.splits.items()), "",
              "## Quality", "", "| flag | articles | share | meaning |", "|---|---:|---:|---|"]
    for code, doc in FLAGS.items():
        n = summary.flags.get(code, 0)
        share = f"{n / summary.records:.1%}" if summary.records else "-"
        lines.append(f"| `{code}` | {n} | {share} | {_escape_md(doc)} |")
    lines += ["", f"Inputs {summary.inputs}: {summary.records} records, "
              f"{summary.n_quarantined} quarantined, {summary.n_ignored} ignored.", ""]
    return "\n".join(lines)


def render(summary: BuildSummary, split_files: dict[str, list[str]], split_bytes: dict[str, int],
           meta: dict | None = None) -> str:
    meta = meta or {}
    fm = yaml.safe_dump(front_matter(summary, split_files, split_bytes, meta), sort_keys=False,
                        allow_unicode=True, width=100)
    return f"---\n{fm}---\n\n{body(summary, meta)}"


def write(folder: Path, summary: BuildSummary, split_files: dict[str, list[str]],
          meta: dict | None = None) -> None:
    folder = Path(folder)
    split_bytes = {s: sum((folder / f).stat().st_size for f in files)
                   for s, files in split_files.items()}
    (folder / CARD_FILE).write_text(render(summary, split_files, split_bytes, meta), encoding="utf-8")
