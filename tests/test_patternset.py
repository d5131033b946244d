"""PatternSet answers exactly as `any(re.search(p, text) for p in patterns)`, whichever engine
it asks (RE2 on plain ASCII, Python's re elsewhere)."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsprep.config import load_config
from newsprep.patternset import PatternSet
from tests.conftest import EVAL_DEV, EVAL_REAL_DEV, EXAMPLES, need

CFG = load_config()
LISTS = {
    "trailer.patterns": CFG.get("trailer", "patterns"),
    "trailer.keep_patterns": CFG.get("trailer", "keep_patterns"),
    "header.patterns": CFG.get("header", "patterns"),
}


def _reference(patterns, text, flags=re.IGNORECASE):
    return any(re.search(p, text, flags) for p in patterns)


def _lines():
    out = []
    for root in (need(EVAL_DEV / "raw"), need(EVAL_REAL_DEV / "raw"), EXAMPLES):
        for path in sorted(root.rglob("*.txt")):
            out += [line.strip() for line in path.read_text("utf-8", "replace").splitlines()]
    return [line for line in out if line]


@pytest.mark.parametrize("name", sorted(LISTS))
def test_same_answer_on_every_line_of_the_evaluation_data(name):
    patterns = LISTS[name]
    ps = PatternSet(patterns, re.IGNORECASE)
    lines = _lines()
    got = [ps.search(line) for line in lines]
    assert got == [_reference(patterns, line) for line in lines]
    assert any(got) and not all(got)  # the data exercises both answers


ALPHABET = st.sampled_from(list("abcdeSHARE readmoe:|-()\t\r\x0b\x1c\n.,'’é—_0123") +
                           ["share", "Read more", "comments", "click here", "Reuters", "AP",
                            "photo: ", "tags:", "ß", "K"])


@settings(max_examples=400, deadline=None)
@given(st.lists(ALPHABET, max_size=12).map("".join))
def test_same_answer_on_random_text(text):
    for patterns in LISTS.values():
        assert PatternSet(patterns, re.IGNORECASE).search(text) == _reference(patterns, text)


def test_patterns_re2_cannot_read_are_asked_with_re():
    patterns = [r"(?<!not )\bsure\b", r"(\w+) \1", r"end\Z"]
    ps = PatternSet(patterns, re.IGNORECASE)
    for text in ("I am sure", "I am not sure", "the the", "the end", "end\n", "nothing"):
        assert ps.search(text) == _reference(patterns, text), text


def test_case_sensitivity_follows_the_flags():
    assert PatternSet(["^share$"], 0).search("SHARE") is False
    assert PatternSet(["^share$"], re.IGNORECASE).search("SHARE") is True
    assert PatternSet([], re.IGNORECASE).search("anything") is False


def test_a_bad_pattern_raises_re_error():
    with pytest.raises(re.error):
        PatternSet(["(unclosed"])


def test_pickled_sets_and_configs_answer_the_same():
    import pickle

    ps = PatternSet(LISTS["trailer.patterns"], re.IGNORECASE)
    again = pickle.loads(pickle.dumps(ps))
    for text in ("Read more", "Share this article", "The match ended 2-1."):
        assert again.search(text) == ps.search(text)
    CFG.header_patterns.search("Advertisement")  # derived values are not pickled with it
    cfg = pickle.loads(pickle.dumps(CFG))
    assert cfg == CFG and cfg.header_patterns.search("Advertisement")
