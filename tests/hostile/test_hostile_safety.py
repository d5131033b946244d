"""Safety: nothing in an article (titles, text, ids, URLs, file names) makes newsprep write outside
its output folder or inject markup into the generated documents (card, datasheet, Croissant).

Article text may appear in the documents only inside a fenced code block (the card's sample
record), where Markdown and HTML are inert; outside fences none of the hostile strings may
appear, the YAML front matter must hold exactly what newsprep put there, and no keep block
(hand-written text that survives rebuilds) can be opened from the data."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml
from hostile_util import ARTICLE_BODY, build

from newsprep import keep

# Each is matched outside code fences in the generated documents, where it must not appear.
MARKUP = {
    "<script>alert('card')</script>": "<script",
    "<img src=x onerror=alert(1)>": "onerror",
    "<!-- newsprep:keep evil -->kept forever<!-- /newsprep:keep -->": "newsprep:keep evil",
    "[click me](javascript:alert(1))": "javascript:",
    "![pixel](http://evil.example/p.png)": "evil.example",
    "# Injected heading": "# Injected heading",
    "{{ config.secret }} ${HOME} $(touch /tmp/newsprep-pwned) `id`": "newsprep-pwned",
    "license: mit": "license: mit",
}
YAML_BREAK = "---\nlicense: mit\npretty_name: pwned\n---"
PATHS = ["../../../../tmp/newsprep-evil", "/etc/passwd", "..\\..\\evil", "data/../../evil"]


def _corpus(raw: Path) -> None:
    raw.mkdir()
    hostile = list(MARKUP)
    body = [*hostile, *ARTICLE_BODY]
    for i, title in enumerate(hostile):
        (raw / f"{i:02d} ..%2f..%2fevil {i}.txt").write_text(
            "\n\n".join([title, title, *body, YAML_BREAK, "```", "</details>"]) + "\n",
            encoding="utf-8")
    lines = [json.dumps({"id": pid, "title": f"{YAML_BREAK} {pid}", "url": f"file://{pid}",
                         "text": "\n\n".join(body + [YAML_BREAK])}) for pid in PATHS]
    (raw / "feed.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (raw / "up..\\..\\backslashes.txt").write_text("\n\n".join(body) + "\n", encoding="utf-8")


def _snapshot(root: Path, skip: Path) -> dict[str, float]:
    return {p.relative_to(root).as_posix(): p.stat().st_mtime for p in root.rglob("*")
            if p.is_file() and skip not in p.parents}


def outside_fences(text: str) -> str:
    """`text` without its fenced code blocks (``` or ~~~ fences, any length)."""
    out, fence = [], None
    for line in text.splitlines():
        m = re.match(r"^ {0,3}(`{3,}|~{3,})", line)
        if fence is None and m:
            fence = m.group(1)
        elif fence is not None and m and m.group(1)[0] == fence[0] and len(m.group(1)) >= len(
                fence) and not line.strip().strip(fence[0]):
            fence = None
        elif fence is None:
            out.append(line)
    assert fence is None, "a code fence is never closed: the rest of the document is code"
    return "\n".join(out)


@pytest.fixture(scope="module")
def hostile_build(tmp_path_factory):
    base = tmp_path_factory.mktemp("safety")
    _corpus(base / "raw")
    before = _snapshot(base, base / "out")
    got = build(base / "raw", base / "out" / "ds")
    got = build(base / "raw", base / "out" / "ds")  # a rebuild reads the previous card
    return base, before, got


def test_nothing_is_written_outside_the_output_folder(hostile_build):
    base, before, got = hostile_build
    assert _snapshot(base, base / "out") == before
    beside = sorted(p.name for p in got.out.parent.iterdir())
    assert beside == ["ds"]  # the lock file goes with the build; the cache is opt-in (--cache)
    assert not Path("/tmp/newsprep-evil").exists() and not Path("/tmp/newsprep-pwned").exists()


def test_the_output_folder_holds_only_its_own_layout(hostile_build):
    _, _, got = hostile_build
    allowed = re.compile(r"(README\.md|DATASHEET\.md|croissant\.json|build\.json"
                         r"|data/(train|validation|test)-\d{5}-of-\d{5}\.parquet|\.newsprep/[\w.-]+)")
    files = [p.relative_to(got.out).as_posix() for p in got.out.rglob("*") if p.is_file()]
    assert files and all(allowed.fullmatch(f) for f in files), files


def test_hostile_articles_are_records_not_errors(hostile_build):
    _, _, got = hostile_build
    assert {r["id"] for r in got.rows.values()} >= set(PATHS)
    assert got.summary.records == len(MARKUP) + len(PATHS) + 1


@pytest.mark.parametrize("name", ["README.md", "DATASHEET.md"])
def test_no_markup_from_articles_outside_code_fences(hostile_build, name):
    _, _, got = hostile_build
    text = (got.out / name).read_text(encoding="utf-8")
    front, rest = keep.split_front(text)
    prose = outside_fences(rest)
    for needle in MARKUP.values():
        assert needle not in prose, f"{name}: {needle!r} outside a code fence"
    assert "pwned" not in front and "pwned" not in prose
    if name == "README.md":  # the data does reach the card: in the fenced sample record
        assert any(needle in rest for needle in MARKUP.values())
    assert not [b for b in keep.extract(text) if "evil" in b]


def test_card_front_matter_is_newsprep_s_own(hostile_build):
    _, _, got = hostile_build
    text = (got.out / "README.md").read_text(encoding="utf-8")
    front, _ = keep.split_front(text)
    data = yaml.safe_load(front.strip().strip("-"))
    assert data["license"] == "other" and data["pretty_name"] == "newsprep dataset"
    assert set(data) <= {"pretty_name", "license", "language", "task_categories",
                         "size_categories", "configs", "dataset_info", "tags"}


def test_croissant_is_valid_json_without_article_text(hostile_build):
    _, _, got = hostile_build
    path = got.out / "croissant.json"
    if not path.exists():
        pytest.skip("no croissant.json written by this build")
    text = path.read_text(encoding="utf-8")
    json.loads(text)
    assert "<script" not in text and "javascript:" not in text


def _raw(folder: Path) -> Path:
    folder.mkdir(parents=True)
    (folder / "a.txt").write_text("A title\n\n" + "\n\n".join(ARTICLE_BODY) + "\n",
                                  encoding="utf-8")
    return folder


@pytest.mark.parametrize("where", ["same", "parent"])
def test_the_output_never_replaces_the_input(tmp_path, where):
    import newsprep

    raw = _raw(tmp_path / "corpus" / "raw")
    out = raw if where == "same" else raw.parent
    with pytest.raises(newsprep.NewsprepError) as err:
        newsprep.build(raw, out, workers=1)
    assert str(err.value) == (f"{out.absolute()}: the output folder holds the input {raw}; "
                              "choose another --out")
    assert (raw / "a.txt").is_file()


def test_a_folder_newsprep_did_not_write_is_not_replaced(tmp_path):
    import newsprep

    raw = _raw(tmp_path / "raw")
    mine = tmp_path / "my-notes"
    mine.mkdir()
    (mine / "thesis.tex").write_text("years of work", encoding="utf-8")
    with pytest.raises(newsprep.NewsprepError) as err:
        newsprep.build(raw, mine, workers=1)
    assert str(err.value) == (f"{mine.absolute()}: exists and is not a newsprep dataset folder "
                              "(no build.json or .newsprep/); refusing to replace it")
    assert (mine / "thesis.tex").read_text(encoding="utf-8") == "years of work"
    (tmp_path / "empty").mkdir()
    assert newsprep.build(raw, tmp_path / "empty", workers=1).records == 1  # empty: fine
