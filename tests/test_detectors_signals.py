"""Each detector signal as an (input, expected) table: line form, link-label prefixes, boilerplate
and keep patterns, title repeats, header furniture, topic overlap, layout."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsprep.config import load_config
from newsprep.corpus import gather
from newsprep.lineform import (
    FRAGMENT,
    HEADLINE,
    SENTENCE,
    line_form,
    strip_bullet,
    strip_link_prefix,
)
from newsprep.parse import parse_page
from newsprep.textnorm import title_key, word_forms
from newsprep.titles import is_furniture, is_repeat, split_top
from newsprep.topic import topic_overlap
from newsprep.trailers import (
    blank_layout,
    is_boilerplate,
    is_kept,
    is_other_title,
    link_prefix_pattern,
)

CFG = load_config()


@pytest.mark.parametrize(("line", "expected"), [
    ("Huawei says willing to sign 'no-spy' agreements", HEADLINE),
    ("West Bromwich Albion vs. Aston Villa - Football Match Report", HEADLINE),
    ("Could rivalry overshadow election?", HEADLINE),
    ("Is your broadband slower at weekends? Here's why", HEADLINE),
    ("'Standoff' on Deutsche's LSE bid", HEADLINE),
    ("$1m payoff for former Shell boss", HEADLINE),
    ("Rivals of the £400 Apple...", HEADLINE),
    ("The White House and Commerce Department declined to comment.", SENTENCE),
    ("He said yes. Then he left the room and went home to his family", SENTENCE),
    ("also won, improving his season-leading time to 7.51secs.", SENTENCE),
    ("C Thomson", FRAGMENT),
    ("8,200", FRAGMENT),
    ("Joel Jutge (France)", FRAGMENT),
    ("S Bennett (Kent).", FRAGMENT),
    ("(2) http://www.example.com/article/172630/why-its-legal", FRAGMENT),
    ("Short line.", FRAGMENT),
])
def test_line_form(line, expected):
    assert line_form(line) == expected


@pytest.mark.parametrize(("line", "in_list", "item"), [
    ("• Oil prices fall", False, "Oil prices fall"),
    ("» Oil prices fall", False, "Oil prices fall"),
    ("- Read more: Oil prices fall", True, "Read more: Oil prices fall"),
    ("- The match is on BBC One at 1400 GMT", False, "- The match is on BBC One at 1400 GMT"),
    ("1. Oil prices fall", True, "Oil prices fall"),
    ("12) Oil prices fall", True, "Oil prices fall"),
    ("-5 degrees tonight", True, "-5 degrees tonight"),
    ("2004: An Irish Athletics Year", True, "2004: An Irish Athletics Year"),
])
def test_strip_bullet(line, in_list, item):
    assert strip_bullet(line, in_list) == item


@pytest.mark.parametrize(("line", "rest"), [
    ("Read more: Federer wins eighth Wimbledon title", "Federer wins eighth Wimbledon title"),
    ("More news: Apple unveils new iPhone", "Apple unveils new iPhone"),
    ("RELATED: Mayor unveils budget", "Mayor unveils budget"),
    ("Related stories - Storm hits coast", "Storm hits coast"),
    ("See also: Oil prices fall", "Oil prices fall"),
    ("Watch: How the Republican Party went from Lincoln to Trump",
     "How the Republican Party went from Lincoln to Trump"),
    ("More on the debate: John Cassidy on Trump", "John Cassidy on Trump"),
    ("Read more great articles here: http://example.com", None),
    ("More than 200 people attended the meeting.", None),
    ("Related to that, the bank cut rates.", None),
])
def test_link_prefix(line, rest):
    assert strip_link_prefix(line, link_prefix_pattern(CFG)) == rest


@pytest.mark.parametrize(("line", "expected"), [
    ("Sharing is caring!", True),
    ("Share this article", True),
    ("Follow us on Twitter", True),
    ("Follow the Fraser Institute on Twitter | Like us on Facebook", True),
    ("Please adhere to our commenting policy to avoid being banned.", True),
    ("Older articles by Judi McLeod", True),
    ("TAGS: DONALD TRUMP, KELLIE LEITCH", True),
    ("See an error in this article? Send us a correction", True),
    ("Read more great articles here: http://americanthinker.com", True),
    ("Sign up for our daily newsletter", True),
    ("Read More", True),
    ("Advertisement", True),
    ("Copyright 2019 Example Media. All rights reserved.", True),
    ("Click to share on Facebook (Opens in new window)", True),
    ("More from Europe", True),
    ("Posted in Politics, World", True),
    ("Subscribe now", True),
    ("The company said it would share the data with regulators.", False),
    ("Readers were asked to comment on the policy.", False),
    ("Read the full judgment, the judge told the court, before deciding.", False),
    ("More than 200 people attended.", False),
])
def test_boilerplate(line, expected):
    assert is_boilerplate(line, CFG) is expected


@pytest.mark.parametrize(("line", "expected"), [
    ("(Reporting by Ahmad Ghaddar; Editing by Dale Hudson)", True),
    ("Reuters", True),
    ("REUTER", True),
    ("Cyclists gathered outside the town hall. Photo: John Smith", True),
    ("Protesters in the square (AP Photo/Jane Doe)", True),
    ("Associated Press writers contributed to this report.", True),
    ("Clark Boyd is technology correspondent for The World", True),
    ("Jim can be reached at: jim@example.com", True),
    ("Image copyright Getty Images", True),
    ("Stock markets rally on trade hopes", False),
    ("Weak dollar hits Reuters", False),
    ("Crowds gather in the square. REUTERS/Jane Doe", True),
    ("Getty Images", True),
    ("The photo was taken in 1999.", False),
])
def test_kept_lines(line, expected):
    assert is_kept(line, CFG) is expected


TITLE = "Huawei says willing to sign 'no-spy' agreements"


@pytest.mark.parametrize(("line", "expected"), [
    (TITLE, True),
    (TITLE.upper(), True),
    (TITLE.lower() + " \t", True),
    ("Huawei says willing to sign ‘no-spy’ agreements", True),
    (TITLE + " – Eagle Rising", True),
    ("Eagle Rising | " + TITLE, True),
    ("Huawei says it is willing to sign 'no-spy' agreements", True),
    ("Huawei denies spying claims", False),
    ("US President Donald Trump is reportedly planning to prohibit US telecom firms", False),
])
def test_title_repeat(line, expected):
    assert is_repeat(line, TITLE, CFG) is expected


@pytest.mark.parametrize(("line", "expected"), [
    ("Subscribe to Canada Free Press for FREE", True),
    ("% of readers think this story is Fact. Add your two cents.", True),
    ("Headline: Bitcoin & Blockchain Searches Exceed Trump!", True),
    ("Skip to main content", True),
    ("The official said the order was not aimed at any country.", False),
])
def test_header_furniture(line, expected):
    assert is_furniture(line, None, CFG) is expected


@pytest.mark.parametrize(("lines", "expected"), [
    (["Subscribe to X for FREE", "A deck line", TITLE, "Body."], ["header", "header", "repeat"]),
    ([TITLE, "Subscribe to X for FREE", "Body one.", "Body two."], ["repeat", "header"]),
    ([TITLE, TITLE.upper(), "Body."], ["repeat", "repeat"]),
    (["Body first.", "Body second."], []),
])
def test_split_top(lines, expected):
    assert split_top(TITLE, lines, None, CFG) == expected


def _stats():
    """Ten articles: common words ("what", "happens", "next") in many, "opec" in one."""
    texts = ["Oil prices rise\nOil prices rose on Monday as OPEC cut output. What happens next?\n"]
    texts += [f"Story {i}\nWhat happens next in story {i} is not known.\n" for i in range(9)]
    return gather(parse_page(t) for t in texts)


VOCAB = {"oil", "prices", "rose", "on", "monday", "as", "opec", "cut", "output"}


@pytest.mark.parametrize(("line", "off_topic"), [
    ("Celebrity chef opens restaurant in Paris", True),  # about something else
    ("OPEC output cut lifts oil prices", False),  # about the article
])
def test_topic_share(line, off_topic):
    assert (topic_overlap(line, VOCAB, _stats()).share <= 0.3) is off_topic


@pytest.mark.parametrize(("line", "specific"), [
    ("Celebrity chef opens restaurant in Paris", True),
    ("So what happens next?", False),  # common words only: about nothing else
])
def test_topic_novelty(line, specific):
    assert (topic_overlap(line, VOCAB, _stats()).novel >= 1.0) is specific


def test_topic_overlap_without_content_words():
    assert topic_overlap("It is what it is", set(), None) is None


@pytest.mark.parametrize(("word", "form"), [
    ("talks", "talk"), ("spying", "spy"), ("agreements", "agreement"), ("cuts", "cut"),
])
def test_word_forms_meet(word, form):
    assert not word_forms(word).isdisjoint(word_forms(form))


@pytest.mark.parametrize(("blanks", "expected"), [
    ([True, True, True, True, False, False], True),  # paragraphs, then a glued trailer list
    ([True, False, False, False, False], False),  # no blank lines at all
    ([True, True, False, True, False], False),  # mixed
    ([True, True], False),  # too short to tell
])
def test_blank_layout(blanks, expected):
    assert blank_layout(blanks, CFG) is expected


_TITLES = ["Huawei denies spying claims", "Storm hits the coast", "Élan wins – again"]
_STATS = gather([parse_page(f"{t}\n\nBody text of the article.") for t in _TITLES])
_LINE = st.sampled_from(["Huawei denies spying claims", "HUAWEI  denies spying claims!",
                         "Storm hits the coast", "storm hits the coast.", "élan wins again",
                         "Storm hits", "A body line that is no title at all", " ", ""])


@settings(max_examples=200, deadline=None)
@given(_LINE, st.sampled_from(_TITLES))
def test_other_title_is_a_corpus_title_whose_key_is_not_the_articles(line, title):
    """Keys compared by their hashes (`line_hash`) answer as the keys themselves do."""
    want = title_key(line) != title_key(title) and any(
        title_key(line) == title_key(t) for t in _TITLES)
    assert is_other_title(line, title, _STATS) is want
    assert not is_other_title(line, title, None)
