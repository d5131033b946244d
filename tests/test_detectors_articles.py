"""Whole articles through the detectors: the seed, and layouts eval-dev does not have (no blank
lines, prefixed trailers, wire datelines and sign-offs, captions, a short last question)."""

from __future__ import annotations

import pytest

from newsprep.config import load_config
from newsprep.corpus import gather
from newsprep.ingest import RawArticle
from newsprep.parse import parse_page
from newsprep.record import make_record
from newsprep.segment import segment

from .conftest import SEED, need

CFG = load_config()
SEED_TITLE = "Huawei says willing to sign 'no-spy' agreements"
SEED_TRAILERS = ["West Bromwich Albion vs. Aston Villa - Football Match Report",
                 "Europe rejects US escalation strategy against Iran"]


@pytest.mark.parametrize("with_stats", [False, True])
def test_seed_segments(with_stats):
    page = parse_page(need(SEED).read_text(encoding="utf-8"))
    seg = segment(page, gather([page]) if with_stats else None, CFG)
    assert page.title == SEED_TITLE
    assert seg.title_repeats == [SEED_TITLE, SEED_TITLE]
    assert seg.header_lines == []
    assert seg.trailer_lines == SEED_TRAILERS
    assert seg.body[-1].startswith("The U.S. says Chinese law compels Huawei")
    assert len(seg.body) == 10


WIRE = """Oil prices jump as OPEC agrees output cut
LONDON (Reuters) - Oil prices rose more than 3 percent on Thursday after OPEC and its allies \
agreed to cut crude output by more than expected, easing fears of a supply glut.
Brent crude futures were up $1.80 at $63.10 a barrel by 1200 GMT, while U.S. crude rose $1.50.
"The market had been expecting a smaller cut," said Example Bank analyst John Smith.
OPEC's de facto leader Saudi Arabia had pushed for a deep cut to shore up prices.
(Reporting by Ahmad Ghaddar; Editing by Dale Hudson)
More news: Apple unveils new iPhone with a bigger screen
Read more: Federer wins eighth Wimbledon title
"""

CAPTION = """Council approves new cycle lanes for city centre

The city council on Tuesday approved plans for 12 miles of protected cycle lanes in the city \
centre, to be built over the next two years.

Councillors voted 31 to 12 in favour after a three-hour debate. Opponents said the lanes would \
worsen congestion for drivers and hurt shops.

Cyclists gathered outside the town hall before the council vote. Photo: John Smith

Related: Mayor unveils budget for new homes
Share this article
Follow us on Twitter
"""

QUESTION = """Why the referee got it wrong
The decision to award the penalty in the 89th minute was, by any reading of the laws, a mistake.
Replays showed the defender played the ball cleanly before any contact was made.
The league has said it will review the incident next week.
So what happens next?
"""

HEADLINES = """Storm batters coast, thousands without power
Thousands of homes were left without power on Sunday as a storm with winds of up to 90 mph \
battered the coast.
Emergency crews worked through the night to clear fallen trees from roads.
The Met Office has issued an amber warning for wind until Monday morning.
Stock markets rally on trade hopes
Celebrity chef opens new restaurant in Paris
"""


@pytest.mark.parametrize(("raw", "trailers", "last_body"), [
    (WIRE, ["More news: Apple unveils new iPhone with a bigger screen",
            "Read more: Federer wins eighth Wimbledon title"],
     "(Reporting by Ahmad Ghaddar; Editing by Dale Hudson)"),
    (CAPTION, ["Related: Mayor unveils budget for new homes", "Share this article",
               "Follow us on Twitter"],
     "Cyclists gathered outside the town hall before the council vote. Photo: John Smith"),
    (QUESTION, [], "So what happens next?"),
    (HEADLINES.replace("Stock", "• Stock").replace("Celebrity", "• Celebrity"),
     ["• Stock markets rally on trade hopes", "• Celebrity chef opens new restaurant in Paris"],
     "The Met Office has issued an amber warning for wind until Monday morning."),
    (QUESTION + "___\nShare this article\n", ["___", "Share this article"],
     "So what happens next?"),
    (HEADLINES, ["Stock markets rally on trade hopes",
                 "Celebrity chef opens new restaurant in Paris"],
     "The Met Office has issued an amber warning for wind until Monday morning."),
])
def test_article_alone(raw, trailers, last_body):
    """A corpus of one article: no statistics, only the article's own signals."""
    record = make_record(RawArticle("a.txt", raw), None, CFG)
    assert record["trailer_lines"] == trailers
    assert record["text"].split("\n\n")[-1] == last_body
    assert ("offtopic-trailer" in record["flags"]) is bool(trailers)


def test_other_title_in_corpus_is_a_trailer_even_in_sentence_case():
    """A same-topic line that is another article's title goes; it would stay on form alone."""
    other = "Oil prices fall as demand weakens\nOil prices fell on Friday.\nDemand is weak.\n"
    raw = WIRE.replace("Read more: Federer wins eighth Wimbledon title",
                       "Oil prices fall as demand weakens")
    pages = [parse_page(raw), parse_page(other)]
    seg = segment(pages[0], gather(pages), CFG)
    assert seg.trailer_lines[-1] == "Oil prices fall as demand weakens"


def test_switched_off_detectors_remove_nothing():
    cfg = load_config(overrides={"trailer": {"enabled": False},
                                 "repeated_title": {"enabled": False},
                                 "header": {"enabled": False}})
    page = parse_page(need(SEED).read_text(encoding="utf-8"))
    seg = segment(page, None, cfg)
    assert (seg.title_repeats, seg.header_lines, seg.trailer_lines) == ([], [], [])
    assert len(seg.body) == len(page.lines)


def test_demo_corpus_counts_match_its_manifest():
    """examples/raw is another (invented) site, hand-labelled in its MANIFEST.md: the numbers of
    repeats, header lines and trailer lines must be right for every article listed there."""
    import re

    from newsprep.evaluate import detect
    from newsprep.ingest import read
    from newsprep.inventory import discover

    from .conftest import EXAMPLES

    manifest = (EXAMPLES / "MANIFEST.md").read_text(encoding="utf-8")
    want = {m[0]: tuple(map(int, m[1:])) for m in re.findall(
        r"^\| `([^`]+)` \| .*? \| (\d+) \| (\d+) \| (\d+) \|$", manifest, re.M)}
    assert len(want) >= 30, "MANIFEST.md table not found"
    raws = [item for task in discover(EXAMPLES).tasks for item in read(EXAMPLES, task, 10**7)
            if isinstance(item, RawArticle)]
    got = {r["source"]: (len(r["title_repeats"]), len(r["header_lines"]), len(r["trailer_lines"]))
           for r in detect(raws, CFG) if isinstance(r, dict)}
    wrong = {src: (counts, got.get(src)) for src, counts in want.items() if got.get(src) != counts}
    assert not wrong


def test_a_short_title_of_another_article_is_not_decisive():
    """A sign-off that happens to be another article's title ("Reuters") stays in the text."""
    raw = WIRE.replace("(Reporting by Ahmad Ghaddar; Editing by Dale Hudson)\n", "Reuters\n")
    raw = raw.replace("More news: Apple unveils new iPhone with a bigger screen\n", "")
    raw = raw.replace("Read more: Federer wins eighth Wimbledon title\n", "")
    pages = [parse_page(raw), parse_page("Reuters\nA page titled Reuters.\n")]
    seg = segment(pages[0], gather(pages), CFG)
    assert seg.trailer_lines == [] and seg.body[-1] == "Reuters"
