"""Probes: the detectors read the corpus statistics only through them, so a record made under
one corpus is the record of another corpus whenever its probes give the same answers there."""

from __future__ import annotations

import pytest

from newsprep.config import load_config
from newsprep.corpus import gather
from newsprep.ingest import read
from newsprep.inventory import discover
from newsprep.probes import Recorder, still_holds
from newsprep.record import page_of
from newsprep.segment import segment
from tests.conftest import EVAL_DEV, EVAL_REAL_DEV, need

CFG = load_config()


def _pages(root):
    tasks = discover(root).tasks
    raws = [a for t in tasks for a in read(root, t, 10_000_000) if hasattr(a, "text")]
    return [p for p in map(page_of, raws) if p.title]


@pytest.fixture(scope="module", params=[EVAL_DEV, EVAL_REAL_DEV], ids=["dev", "real"])
def pages(request):
    return _pages(need(request.param / "raw"))


def test_recording_changes_nothing(pages):
    stats = gather(pages)
    for page in pages:
        rec = Recorder(stats)
        assert segment(page, rec, CFG) == segment(page, stats, CFG)
        assert still_holds(rec.log, stats)


def test_logged_probes_decide_reuse(pages, request):
    """Segment under a corpus missing every other article; wherever the probes still hold under
    the whole corpus, the old segmentation must be exactly the new one. Some must not hold (the
    test would be empty otherwise), and some must hold."""
    part = gather(p for i, p in enumerate(pages) if i % 2)
    whole = gather(pages)
    held = changed = 0
    for page in pages:
        rec = Recorder(part)
        old = segment(page, rec, CFG)
        if still_holds(rec.log, whole):
            held += 1
            assert old == segment(page, whole, CFG), page.title
        else:
            changed += 1
    assert held > len(pages) // 3
    if request.node.callspec.id == "dev":  # eval-real-dev's 58 articles share no lines
        assert changed > 0


def test_a_changed_answer_is_caught():
    stats = gather([page_of_text("Storm hits coast\n\nBody line one.\n\nLocal team wins cup")])
    rec = Recorder(stats)
    from newsprep.probes import title_seen

    assert title_seen(rec, "Local team wins cup") is False
    more = gather([page_of_text("Storm hits coast\n\nBody line one."),
                   page_of_text("Local team wins cup\n\nThe match report.")])
    assert not still_holds(rec.log, more)
    assert still_holds(rec.log, stats)


def page_of_text(text: str):
    from newsprep.parse import parse_page

    return parse_page(text)
