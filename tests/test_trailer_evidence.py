"""`trailers.evidence_reaches` skips the corpus signs of a line that cannot reach the threshold
even with them; the trailers it finds must be those of weighing every sign, for any weights."""

from __future__ import annotations

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from newsprep import trailers
from newsprep.config import load_config
from newsprep.corpus import gather
from newsprep.lineform import SENTENCE, line_form
from newsprep.parse import parse_page
from newsprep.probes import tail_recurs, topic_weight
from newsprep.synthetic import Generator
from newsprep.topic import line_words

# lines that only the weighed signs make trailers: a headline ending every seventh article (it
# recurs), one glued below the last paragraph of every eleventh
_ENDS = {7: "\n\nMarkets Rally As Investors Weigh Bank Outlook",
         11: "\nFresh Talks Planned Over Border Trade Deal"}
PAGES = [parse_page(a.page() + "".join(end for k, end in _ENDS.items() if i % k == 0))
         for i, a in enumerate(Generator(5, dup_rate=0.1).articles(300))]
STATS = gather(PAGES)


def _reference(line, i, w, below_glued: bool) -> bool:
    """Every sign weighed, none skipped (the rule before the bound)."""
    s = w.s
    text = line.text.strip()
    form = line_form(text, s.headline_words)
    score = s.w_form.get(form, 0)
    if w.stats is not None and tail_recurs(w.stats, text, s.min_recurrence):
        score += s.w_recurring * (0.5 if form == SENTENCE else 1.0)
    if w.blank_layout and not line.blank_before and s.layout:
        score += s.w_glued
    if w.below_is_trailer and (below_glued or not w.blank_layout):
        score += s.w_run
    if s.topic and s.topic_band[0] <= score < s.topic_band[1]:
        score += topic_weight(w.stats, line_words(text, w.vocab(i)), s.topic_weights)
    return score >= s.threshold


def _trailers(cfg) -> list[int]:
    return [trailers.count_trailers(p.title, p.texts, p.blanks, STATS, cfg) for p in PAGES]


_weight = st.sampled_from([-1.5, -0.5, 0.0, 0.3, 0.5, 1.0, 1.5, 2.5])


@settings(max_examples=25, deadline=None)
@given(w_sentence=_weight, w_recurring=_weight, w_glued=_weight, w_run=_weight,
       w_off_topic=_weight, w_on_topic=_weight, threshold=st.sampled_from([0.5, 1.0, 2.0, 2.5]),
       topic=st.booleans())
@example(w_sentence=1.5, w_recurring=1.0, w_glued=0.0, w_run=0.0, w_off_topic=1.0,
         w_on_topic=1.0, threshold=2.0, topic=False)  # recurrence alone can decide
@example(w_sentence=1.5, w_recurring=0.0, w_glued=0.0, w_run=0.0, w_off_topic=1.0,
         w_on_topic=1.0, threshold=2.0, topic=True)  # the topic alone can decide
@example(w_sentence=1.5, w_recurring=0.0, w_glued=1.0, w_run=0.0, w_off_topic=1.0,
         w_on_topic=1.0, threshold=2.0, topic=False)  # the layout alone can decide
def test_the_bound_never_changes_a_decision(w_sentence, w_recurring, w_glued,
                                            w_run, w_off_topic, w_on_topic, threshold, topic):
    cfg = load_config(overrides={"trailer": dict(
        w_sentence=w_sentence, w_recurring=w_recurring, w_glued=w_glued, w_run=w_run,
        w_off_topic=w_off_topic, w_on_topic=w_on_topic, threshold=threshold, topic=topic,
        min_recurrence=2)})
    found = _trailers(cfg)
    with pytest.MonkeyPatch.context() as m:
        m.setattr(trailers, "evidence_reaches", _reference)
        assert found == _trailers(cfg)


def test_the_default_weights_find_trailers_by_evidence():
    """The corpus has trailers the weighed evidence finds (else the property test is empty)."""
    assert sum(_trailers(load_config())) > 50
