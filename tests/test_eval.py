"""The detector figures as floors: a change that drops a detector below its target fails here.
Each labelled set (and each derived variant) is evaluated once per session."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from newsprep.cli import app
from newsprep.errors import NewsprepError, UsageError
from newsprep.eval_score import Score, compare_lines, pair_score
from newsprep.eval_variants import apply, parse_variant
from newsprep.evaluate import evaluate, load_labels

from .conftest import EVAL_DEV, EVAL_REAL_DEV, need


@pytest.fixture(scope="session")
def report():
    """evaluate() of a set ("dev" or "real") and variant, each computed once per session."""
    cache: dict[tuple[str, str], object] = {}

    def get(name: str, variant: str = ""):
        if (name, variant) not in cache:
            root = need(EVAL_DEV if name == "dev" else EVAL_REAL_DEV)
            cache[name, variant] = evaluate(root / "raw", root / "labels.jsonl",
                                            variant=variant or None)
        return cache[name, variant]

    return get


# --- the targets of issue 3 ---------------------------------------------------------------

@pytest.mark.slow
def test_eval_dev_targets(report):
    r = report("dev")
    assert r.files == 600 and not r.quarantined
    assert r.scores["repeated_title"].file_accuracy >= 0.995
    trailer = r.scores["trailer"]
    assert trailer.precision >= 0.99
    assert trailer.recall >= 0.98
    assert trailer.file_accuracy >= 0.97
    assert r.scores["title"].file_accuracy == 1.0


@pytest.mark.slow
@pytest.mark.parametrize("name", ["title_shared_with", "duplicate_of"])
def test_eval_dev_duplicate_pairs_exact(report, name):
    score = report("dev").scores[name]
    assert score.tp > 0 and score.fp == 0 and score.fn == 0


@pytest.mark.slow
def test_eval_real_dev_targets(report):
    r = report("real")
    assert r.files == 58 and not r.quarantined
    assert r.scores["repeated_title"].file_accuracy >= 0.97
    assert r.scores["trailer"].f1 >= 0.95


# --- layouts eval-dev does not have (floors a little under today's figures) ----------------

@pytest.mark.slow
@pytest.mark.parametrize(("name", "variant", "p", "r", "block"), [
    ("dev", "collapsed+prefixed", 0.99, 0.98, 0.97),
    ("dev", "wire+captions", 0.99, 0.98, 0.97),
    ("dev", "collapsed+bulleted", 0.99, 0.96, 0.95),
    ("dev", "collapsed+isolated", 0.99, 0.95, 0.95),
    ("real", "collapsed", 0.9, 0.95, 0.95),
])
def test_eval_variant_floors(report, name, variant, p, r, block):
    rep = report(name, variant)
    trailer = rep.scores["trailer"]
    assert trailer.precision >= p
    assert trailer.recall >= r
    assert trailer.file_accuracy >= block
    assert rep.scores["repeated_title"].file_accuracy >= 0.97


@pytest.mark.slow
def test_errors_name_file_and_line(report):
    r = report("real")
    assert r.mistakes, "eval-real-dev has a disputed label, so at least one listed mistake"
    for m in r.mistakes:
        assert m.file.endswith(".txt") and m.line > 0 and m.kind in ("missed", "extra")


# --- scoring and variants as tables --------------------------------------------------------

@pytest.mark.parametrize(("pred", "gold", "neutral", "tp", "extra", "missed"), [
    (["a", "b"], ["a", "b"], [], 2, [], []),
    (["a", "c"], ["a", "b"], [], 1, ["c"], ["b"]),
    (["x", "a"], ["a"], ["x"], 1, [], []),  # a borderline line may go
    ([], ["a"], ["a"], 0, [], ["a"]),  # a labelled trailer never becomes neutral
    (["a", "a"], ["a"], [], 1, ["a"], []),  # multisets: a line twice is two lines
])
def test_compare_lines(pred, gold, neutral, tp, extra, missed):
    check = compare_lines(pred, gold, neutral)
    assert (check.tp, check.extra, check.missed) == (tp, extra, missed)
    assert check.exact is (not extra and not missed)


@pytest.mark.parametrize(("tp", "fp", "fn", "p", "r", "f1"), [
    (8, 0, 0, 1.0, 1.0, 1.0), (1, 1, 0, 0.5, 1.0, 2 / 3), (0, 0, 0, 1.0, 1.0, 1.0),
    (0, 2, 2, 0.0, 0.0, 0.0),
])
def test_score(tp, fp, fn, p, r, f1):
    s = Score(tp, fp, fn)
    assert (s.precision, s.recall) == (p, r)
    assert s.f1 == pytest.approx(f1)


def test_pair_score():
    s = pair_score({("a", "b"), ("c", "d")}, {("a", "b")})
    assert (s.tp, s.fp, s.fn, s.files_right) == (1, 1, 0, 0)


LABEL = {"file": "f.txt", "title": "T", "trailer_lines": ["Other story one", "Other two"],
         "body_first_line": "Body one.", "title_repeat_lines": ["T"]}
RAW = "T\n\nT\n\nBody one.\n\nBody two.\nOther story one\nOther two\n"


@pytest.mark.parametrize(("variant", "raw", "trailers"), [
    ("collapsed", "T\nT\nBody one.\nBody two.\nOther story one\nOther two\n",
     ["Other story one", "Other two"]),
    ("", RAW, ["Other story one", "Other two"]),
])
def test_variants_keep_the_labels_right(variant, raw, trailers):
    text, label = apply(parse_variant(variant), RAW, LABEL)
    assert text == raw and label["trailer_lines"] == trailers


def test_prefixed_variant_prefixes_every_trailer():
    text, label = apply(["prefixed"], RAW, LABEL)
    assert len(label["trailer_lines"]) == 2
    for line, orig in zip(label["trailer_lines"], LABEL["trailer_lines"], strict=True):
        assert line.endswith(orig) and line != orig and line in text.split("\n")


def test_wire_variant_adds_a_neutral_sign_off_after_the_body():
    text, label = apply(["wire"], RAW, LABEL)
    lines = [t for t in text.split("\n") if t]
    assert lines[-3] == label["tail_boilerplate_kept"][-1]
    assert lines[2].endswith("Body one.") and lines[2] != "Body one."


def test_unknown_variant_is_a_usage_error():
    with pytest.raises(UsageError, match="unknown variant 'nope'"):
        parse_variant("collapsed+nope")


def test_bad_labels_file(tmp_path):
    path = tmp_path / "labels.jsonl"
    path.write_text('{"file": "a.txt"}\nnot json\n', encoding="utf-8")
    with pytest.raises(NewsprepError, match=r"labels.jsonl:2: invalid JSON"):
        load_labels(path)


def test_missing_labelled_file(tmp_path):
    (tmp_path / "raw").mkdir()
    (tmp_path / "raw" / "a.txt").write_text("Title\n\nBody line.\n", encoding="utf-8")
    with pytest.raises(NewsprepError, match="labelled files not found: b.txt"):
        evaluate(tmp_path / "raw", [{"file": "a.txt"}, {"file": "b.txt"}])


# --- the command ---------------------------------------------------------------------------

def test_cli_eval_json_and_errors(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    text = RAW.replace("Other two", "Read more: Other two")
    (raw / "a.txt").write_text(text, encoding="utf-8")
    label = dict(LABEL, file="a.txt", repeated_title_lines=1, trailer_lines=[])
    labels = tmp_path / "labels.jsonl"
    labels.write_text(json.dumps(label) + "\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["eval", str(raw), str(labels), "--json", "--errors"])
    assert result.exit_code == 0, result.output
    out = json.loads(result.output)
    assert out["files"] == 1
    assert out["scores"]["repeated_title"]["files_right"] == 1
    assert {"detector": "trailer", "file": "a.txt", "line": 9, "kind": "extra",
            "text": "Read more: Other two"} in out["mistakes"]
    table = CliRunner().invoke(app, ["eval", str(raw), str(labels), "--errors"])
    assert "a.txt:9" in table.output and "Read more: Other two" in table.output


def test_cli_eval_bad_variant_exits_2(tmp_path):
    labels = tmp_path / "labels.jsonl"
    labels.write_text("", encoding="utf-8")
    result = CliRunner().invoke(app, ["eval", str(tmp_path), str(labels), "--variant", "x"])
    assert result.exit_code == 2


def test_unlabelled_files_count_for_the_statistics_only(tmp_path):
    """b.txt has no label: it is not scored, but its title makes a.txt's last line a trailer."""
    raw = tmp_path / "raw"
    raw.mkdir()
    body = ("Oil prices rose on Monday as producers cut output.\n\n"
            "Traders said oil prices could rise further this week.\n\n")
    (raw / "a.txt").write_text("Oil prices rise\n\n" + body + "Oil prices rise on output cuts\n",
                               encoding="utf-8")
    label = {"file": "a.txt", "title": "Oil prices rise", "repeated_title_lines": 0,
             "trailer_lines": ["Oil prices rise on output cuts"]}
    alone = evaluate(raw, [label])
    (raw / "b.txt").write_text("Oil prices rise on output cuts\n\nBody of b.\n", encoding="utf-8")
    both = evaluate(raw, [label])
    assert alone.files == both.files == 1
    assert alone.scores["trailer"].fn == 1
    assert both.scores["trailer"].tp == 1 and both.scores["trailer"].fp == 0


@pytest.mark.slow
def test_card_accuracy_file_is_current(report):
    """checks/accuracy.json (the card's "Detector accuracy") is what the evaluation gives now."""
    from .conftest import ROOT

    stored = json.loads((ROOT / "checks" / "accuracy.json").read_text(encoding="utf-8"))
    fresh = [report("dev").to_dict(), report("real").to_dict()]
    assert [s["scores"] for s in stored] == [f["scores"] for f in fresh], (
        "checks/accuracy.json is stale: run "
        "`python scripts/eval_report.py --write-accuracy checks/accuracy.json` and commit it")
