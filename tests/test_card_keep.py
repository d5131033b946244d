"""Keep blocks: hand-written text between markers survives regeneration, wherever it moves."""

from __future__ import annotations

from newsprep import keep

GENERATED = "# Title\n\n" + keep.block("notes", "default") + "\n\nfacts v2\n"


def test_a_block_keeps_its_hand_written_text():
    old = (
        "# Title\n\n" + keep.block("notes", "Written by hand.\n\nTwo paragraphs.") + "\nfacts v1\n"
    )
    out = keep.merge(GENERATED, old)
    assert keep.extract(out) == {"notes": "Written by hand.\n\nTwo paragraphs."}
    assert "facts v2" in out and "facts v1" not in out


def test_a_new_block_gets_its_default_and_regeneration_is_stable():
    out = keep.merge(GENERATED, None)
    assert keep.extract(out) == {"notes": "default"}
    assert keep.merge(GENERATED, out) == out


def test_blocks_the_template_dropped_are_kept_under_kept_notes():
    old = GENERATED + keep.block("history", "Begun in 2019.") + "\n"
    out = keep.merge(GENERATED, old)
    assert out.count(keep.ORPHANS_HEADING) == 1 and keep.extract(out)["history"] == "Begun in 2019."
    assert keep.merge(GENERATED, out) == out  # stable on the next regeneration


def test_markers_inside_front_matter_are_data_not_blocks():
    front = "---\npretty_name: '<!-- newsprep:keep notes --> x <!-- /newsprep:keep -->'\n---\n"
    old = front + GENERATED.replace("default", "mine")
    out = keep.merge(front + GENERATED, old)
    assert out.startswith(front)
    assert keep.extract(out) == {"notes": "mine"}


def test_unanswered_blocks():
    text = keep.block("a", keep.TODO) + keep.block("b", "yes") + keep.block("c", "")
    assert keep.unanswered(text) == ["a", "c"]
