"""PatternSet answers exactly as `any(re.search(p, text) for p in patterns)`, whichever engine
it asks (RE2 on plain ASCII, Python's re elsewhere)."""

from __future__ import annotations

import re

import pytest
import re2
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


# Off ASCII: the widened RE2 patterns may only rule out; the answer is still Python's.
UNICODE = st.sampled_from(list("abcdeiksSHARE readmoe:|-()\t\r\x0b\x1c\x1f\n.,'’“”—–…é\u0301"
                               "ßİıſ\u212aЖ中٣\u00a0\u2028\ud800_0123") +
                          ["share", "Read more", "comments", "click here", "Reuters", "AP",
                           "photo: ", "tags:", "“Read more”", "café", "(AP Photo/Jürgen)",
                           "Reporting by Zoë", "Jürgen is a senior correspondent"])
TRICKY = [r"\bab\b", r"[^\W_]+x", r"a{,2}b", r"[]x]y", r"[^]x]z", r"\s\S\d\D", r"k\w",
          r"caf\w\b", r"[[:alpha:]]", r"end$", r"^\W*(ap|reuters)\W*$", r"[a-z]{3}\.",
          r"\x41\u00e9", r"’s\b", r"(?<=a)b", r"(\w)\1", r"[\s]x", r"[\w .&-]{3,}!",
          r"[-—–:|]\s*ap\W*$", r"é\w", r"x—+y", r"[^—]z", r"caf[é]", r"\bſ", r"[K]x",
          r"[\w’-]+ is"]


@pytest.mark.filterwarnings("ignore:Possible nested set:FutureWarning")  # "[[:alpha:]]"
@settings(max_examples=1500, deadline=None)
@given(st.lists(UNICODE, max_size=12).map("".join))
def test_same_answer_on_text_off_ascii(text):
    for patterns in [*LISTS.values(), TRICKY]:
        for flags in (re.IGNORECASE, 0):
            assert PatternSet(patterns, flags).search(text) == _reference(patterns, text, flags)


def test_widened_patterns_only_rule_out():
    from newsprep.patternset import widened

    assert widened(r"\bshare\b") == "(?:)share(?:)"
    assert widened("a{,3}") is None and widened("[[:a:]]") is None
    assert widened("ſ") is None and widened("[\u212a]") is None  # IGNORECASE: "s", "k"
    assert all(re2.search(widened("café—"), t) for t in ("café—", "cafЖ中"))
    wide = widened(r"^[\w .&-]{1,60} \d+$")
    for text in ("Zoë Ball 12", "éé 3", "x\x1c \u0661"):
        assert re2.search(wide, text), text  # what Python's `re` would match, RE2 takes too
    assert not re2.search(wide, "no digits at the end")


def test_text_re2_cannot_read_as_python_does_is_asked_with_re():
    # Python's `$` matches before a final line break; IGNORECASE matches "İ", "ı" with i, I;
    # a lone surrogate is no UTF-8 at all
    patterns = [r"end$", r"^kiwi\b", r"x\W+y"]
    for text in ("the end\n", "café end\n", "KİWİ", "kıwı fruit", "x\ud800y", "naïve end"):
        for flags in (re.IGNORECASE, 0):
            assert PatternSet(patterns, flags).search(text) == _reference(patterns, text, flags)
