"""`is_repeat` skips the line's site-suffix forms when no form of the title can be one of them;
it must answer exactly as the plain definition (every form of both compared)."""

from __future__ import annotations

from difflib import SequenceMatcher

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsprep import titles
from newsprep.config import load_config
from newsprep.textnorm import title_key
from newsprep.titles import _body_lines, _variants, is_repeat, split_top, title_forms, top_settings

CFG = load_config()
SEPS = tuple(CFG.get("repeated_title", "site_suffix_separators"))


def reference(line: str, title: str) -> bool:
    key, tkey = title_key(line), title_key(title)
    if not key or not tkey:
        return False
    if key == tkey:
        return True
    line_forms, title_forms = _variants(line, SEPS), _variants(title, SEPS)
    if any(lf and lf in title_forms for lf in line_forms if len(lf) >= 0.6 * len(tkey)):
        return True
    sm = SequenceMatcher(None, key, tkey, autojunk=False)
    return sm.ratio() >= CFG.get("repeated_title", "min_similarity")


WORDS = st.sampled_from(["Huawei", "denies", "spying", "claims", "BBC", "News", "a", "x1",
                         " - ", " | ", " – ", ":", "é", "Ünited", ",", "  "])
TEXT = st.lists(WORDS, min_size=1, max_size=9).map(" ".join)


@settings(max_examples=600, deadline=None)
@given(TEXT, TEXT)
def test_same_answer_as_the_plain_definition(line, title):
    assert is_repeat(line, title, CFG) == reference(line, title)


@settings(max_examples=300, deadline=None)
@given(TEXT, TEXT, st.sampled_from(SEPS))
def test_same_answer_with_a_site_suffix(title, site, sep):
    for line in (title + sep + site, site + sep + title, title.upper() + sep + site):
        assert is_repeat(line, title, CFG) == reference(line, title)


def test_examples():
    title = "Huawei denies spying claims"
    assert is_repeat("Huawei denies spying claims - BBC News", title, CFG)
    assert is_repeat("BBC News | HUAWEI DENIES SPYING CLAIMS", title, CFG)
    assert not is_repeat("Huawei said on Tuesday that the claims were false - BBC", title, CFG)


# Off ASCII (the pre-check then rests on NFKC and case folding never joining characters across
# the spaces around a separator): combining marks and characters NFKC changes, next to them.
UNICODE_WORDS = st.sampled_from(["Huawei", "dénies", "spying", "BBC", "News", " - ", " | ",
                                 " – ", " — ", " » ", "\u0301", "\u00b4", "ﬁ", "“BBC”", "—",
                                 "ß", "SS", "\u00a0", "Σ", "ς", "\u212a", "Ｂ", "e\u0301"])
UNICODE_TEXT = st.lists(UNICODE_WORDS, min_size=1, max_size=9).map("".join)


@settings(max_examples=800, deadline=None)
@given(UNICODE_TEXT, UNICODE_TEXT, st.sampled_from(SEPS), UNICODE_TEXT)
def test_same_answer_off_ascii(line, title, sep, site):
    for text in (line, title + sep + site, site + sep + title, line + sep + title + sep + site):
        assert is_repeat(text, title, CFG) == reference(text, title)


# Long lines (a body paragraph in the title window): `repeats_title` answers without the line's
# key when no title form's longest word is in it and its letters and digits are too many.
LONG_WORDS = st.sampled_from(["Huawei", "denies", "spying", "claims", "BBC", "News", "the",
                              "company", "said", "on", "Tuesday", " - ", " | ", ":", "...",
                              "!!!", "(", ")", "--", "1", "x", "spyin", "HUAWEI", "  "])
LONG_TEXT = st.lists(LONG_WORDS, min_size=1, max_size=60).map(" ".join)
TITLES = st.sampled_from(["Huawei denies spying claims", "Huawei denies spying claims - BBC",
                          "BBC News", "Spying", "... !!!", "x"])


@settings(max_examples=800, deadline=None)
@given(LONG_TEXT, TITLES)
def test_long_lines_same_answer_as_the_plain_definition(line, title):
    assert is_repeat(line, title, CFG) == reference(line, title)


def test_long_line_examples():
    title = "Huawei denies spying claims"
    long_tail = " and the company said on Tuesday that it had never been asked" * 3
    assert is_repeat(title + " - " + long_tail, title, CFG)  # a form of it is the title
    assert not is_repeat("Huawei said" + long_tail, title, CFG)
    assert is_repeat("Huawei ... denies !!! spying -- claims " + "." * 200, title, CFG)
    # one letter more than the title and no title word in it: only the length rule can tell
    assert is_repeat("Huaweideniesspyingclaimzz" + " !" * 40, "Huaweideniesspyingclaims", CFG)


# Long lines off ASCII: the line is folded as the key folds it (NFKC, case folding) before the
# title words are looked for, and only its ASCII letters and digits are counted.
LONG_UNICODE = st.lists(st.one_of(LONG_WORDS, UNICODE_WORDS), min_size=1, max_size=60).map(
    " ".join)
UNICODE_TITLES = st.sampled_from(["Huawei dénies spying claims", "ﬁne Straße", "ΣΟΦΙΑ news",
                                  "Huawei denies spying claims", "\u212aelvin scale", "e\u0301té"])


@settings(max_examples=800, deadline=None)
@given(LONG_UNICODE, UNICODE_TITLES)
def test_long_lines_off_ascii_same_answer_as_the_plain_definition(line, title):
    assert is_repeat(line, title, CFG) == reference(line, title)


def test_long_line_off_ascii_examples():
    pad = " — the company’s statement said on Tuesday, not for the first time" * 2
    assert is_repeat("ﬁne STRASSE" + pad[:3] + "ﬁne straße" + " - " + pad, "ﬁne Straße", CFG)
    assert is_repeat("Kelvin scale | " + pad, "\u212aelvin scale", CFG)  # NFKC: K is K
    assert is_repeat("ﬁne day - " + pad, "fine day", CFG)  # its words only once folded
    assert not is_repeat("The Kelvin " + pad, "\u212aelvin scale", CFG)
    # one letter more than the title, its word only found once the line is folded
    assert is_repeat("ＨＵＡＷＥＩdeniesspyingclaimzz" + " —" * 40, "Huaweideniesspyingclaims", CFG)


# The title window asked at once (`_body_lines`): a line it rules out is one no title form can
# be, and `split_top` labels the window as when every line is asked on its own.
# news lines whose only non-ASCII characters are typographic marks (blanked, they are ASCII)
MARKS = st.sampled_from(["\u2019", "\u2018", "\u201c", "\u201d", "\u2014", "\u2013", "\xa0",
                         " \u2014 ", " \u2013 ", "\u201cBBC\u201d", "Huawei\u2019s"])
MARKED_TEXT = st.lists(st.one_of(LONG_WORDS, MARKS), min_size=1, max_size=60).map(" ".join)
MARKED_TITLES = st.sampled_from(["Huawei \u201cdenies\u201d spying claims",
                                 "Huawei denies spying claims \u2014 BBC", "Huawei\u2019s claims"])
WINDOW = st.lists(st.one_of(LONG_TEXT, TEXT, TITLES, MARKED_TEXT, MARKED_TITLES), max_size=8)
ANY_TITLES = st.one_of(TITLES, MARKED_TITLES)


@settings(max_examples=1000, deadline=None)
@given(WINDOW, ANY_TITLES)
def test_window_ruled_out_lines_are_no_repeats(lines, title):
    s = CFG.derived(top_settings)
    ruled_out = _body_lines(lines, title_forms(title, s.separators), s)
    assert len(ruled_out) == len(lines)
    for line, out in zip(lines, ruled_out, strict=True):
        assert not (out and reference(line, title)), line


@settings(max_examples=500, deadline=None)
@given(WINDOW, ANY_TITLES)
def test_window_labels_as_line_by_line(lines, title):
    with pytest.MonkeyPatch.context() as m:
        m.setattr(titles, "_body_lines", lambda window, forms, s: [False] * len(window))
        want = split_top(title, lines, None, CFG)
    assert split_top(title, lines, None, CFG) == want


def test_window_examples():
    s = CFG.derived(top_settings)
    title = "Huawei denies spying claims"
    forms = title_forms(title, s.separators)
    body = "The company said on Tuesday that it had never been asked to hand over data. " * 2
    short = "Spying claims denied"
    assert _body_lines([body, body], forms, s) == [True, True]
    assert _body_lines([short, body], forms, s) == [False, True]  # short: asked on its own
    assert _body_lines([body, body + " Huawei"], forms, s) == [True, False]  # a title word
    assert _body_lines([body + " huawei", short, body], forms, s) == [False, False, True]
    # the word in two lines: the second, long with a site name, is a repeat all the same
    suffixed = title + " | The Daily Chronicle of Technology, Business and Policy News Online"
    assert _body_lines([title, suffixed, body], forms, s) == [False, False, True]
    assert split_top(title, [title, suffixed, body], None, CFG) == ["repeat", "repeat"]
    assert _body_lines([body, "Bodé " + body], forms, s) == [False, False]  # off ASCII
    # typographic marks alone: blanked, the line is ASCII and asked with the window
    quoted = "\u201cThe company\u2019s data\u201d \u2014 " + body
    assert _body_lines([quoted, body], forms, s) == [True, True]
    assert _body_lines([quoted, "Bodé " + body], forms, s) == [False, False]  # é is left
    assert _body_lines([quoted + " Huawei\u2019s"], forms, s) == [False]
    marked = "Huawei denies spying claims \u2014 The Daily Chronicle of Technology and Policy"
    assert _body_lines([marked], forms, s) == [False]
    assert split_top(title, [marked, quoted], None, CFG) == ["repeat"]
    assert _body_lines([], forms, s) == []
    # the length rule's edge: 2 * 27 < 0.9 * (n + 27) from n = 34 letters and digits on
    assert len(forms[0]) == 27 and s.min_similarity == 0.9
    assert _body_lines(["x" * 33 + " !" * 40, "x" * 34 + " !"], forms, s) == [False, True]


@settings(max_examples=400, deadline=None)
@given(st.text(st.characters(max_codepoint=0x17F), max_size=40),
       st.text(st.characters(max_codepoint=0x17F), max_size=40))
def test_shared_characters_as_counted_multisets(a, b):
    from collections import Counter

    assert titles._shared_chars(a, b) == sum((Counter(a) & Counter(b)).values())


def test_shared_characters_examples():
    assert titles._shared_chars("huawei denies", "huawei denies spying") == 13
    assert titles._shared_chars("aab", "abb") == 2
    assert titles._shared_chars("aaa", "a") == 1
    assert titles._shared_chars("é a", "a é") == 3  # off ASCII: counted as characters


@settings(max_examples=600, deadline=None)
@given(st.integers(1, 5000), st.floats(0.01, 1.0), st.integers(0, 20000))
def test_fewest_too_many_is_where_the_length_rule_starts(k, sim, n):
    fewest = titles._fewest_too_many(k, sim)
    assert titles._too_many(fewest, k, sim) and not titles._too_many(fewest - 1, k, sim)
    assert titles._too_many(n, k, sim) == (n >= fewest)
