"""Release notes as pure functions: versions, the version rules, the diff and the CHANGELOG."""

from __future__ import annotations

import pytest

from newsprep.errors import NewsprepError, UsageError
from newsprep.releasenotes import (
    CHANGELOG_HEAD,
    Snapshot,
    changelog,
    check_version,
    code,
    diff,
    parse_version,
    release_tags,
    section,
)

SCHEMA_A = [("id", "string", False), ("text", "string", False)]
SCHEMA_B = [("id", "string", False), ("text", "large_string", False), ("lang", "string", True)]


def snap(version, hashes, flags=None, schema=SCHEMA_A):
    return Snapshot(version, dict(hashes), flags or {}, len(hashes), list(schema))


@pytest.mark.parametrize("good", ["0.1.0", "1.0.0", "v2.10.3", "10.0.0"])
def test_versions_accepted(good):
    assert len(parse_version(good)) == 3


@pytest.mark.parametrize("bad", ["1.0", "1.0.0.0", "01.0.0", "1.0.0-rc1", "latest", ""])
def test_versions_refused(bad):
    with pytest.raises(UsageError, match="is not X.Y.Z"):
        parse_version(bad)


def test_release_tags_sort_numerically_and_ignore_other_tags():
    tags = ["v1.10.0", "v1.9.0", "nightly", "v1.9.0-rc1", "v0.1.0", "1.2.3"]
    assert release_tags(tags) == ["v0.1.0", "v1.9.0", "v1.10.0"]


def test_diff_by_id_and_content_hash_and_flag_rates():
    old = snap("1.0.0", {"a": "h1", "b": "h2", "c": "h3"}, {"short-body": 1})
    new = snap("1.1.0", {"b": "h2", "c": "X", "d": "h4"}, {"short-body": 2})
    notes = diff(old, new)
    assert (notes.added, notes.removed, notes.changed) == (["d"], ["a"], ["c"])
    assert notes.flag_rates == [("short-body", 1 / 3, 2 / 3)]
    assert not notes.schema_change


@pytest.mark.parametrize(
    ("old_schema", "new_version", "refused"),
    [
        (SCHEMA_A, "1.1.0", False),  # same schema, minor bump
        (SCHEMA_B, "1.1.0", True),  # schema change, minor bump
        (SCHEMA_B, "1.0.1", True),  # schema change, patch bump
        (SCHEMA_B, "2.0.0", False),  # schema change, major bump
        ([], "1.1.0", False),  # previous release had no shards: nothing to compare
    ],
)
def test_a_schema_change_needs_a_major_version(old_schema, new_version, refused):
    notes = diff(snap("1.0.0", {"a": "h"}, schema=old_schema), snap(new_version, {"a": "h"}))
    if refused:
        with pytest.raises(NewsprepError, match="needs a major version"):
            check_version(notes, "1.0.0")
    else:
        check_version(notes, "1.0.0")


def test_schema_changes_are_named():
    notes = diff(snap("1.0.0", {}, schema=SCHEMA_B), snap("2.0.0", {}))
    assert notes.schema_removed == ["lang"]
    assert notes.schema_changed == ["text: large_string -> string"]
    assert "Schema: removed lang; changed text: large_string -> string." in section(notes)


@pytest.mark.parametrize("latest", ["1.0.0", "1.2.0"])
def test_a_version_not_newer_than_the_latest_is_refused(latest):
    notes = diff(None, snap("1.0.0", {"a": "h"}))
    with pytest.raises(NewsprepError, match="is not newer than the latest release"):
        check_version(notes, latest)


@pytest.mark.parametrize(
    ("text", "span"),
    [("abc", "`abc`"), ("a`b", "`` a`b ``"), ("a``b`", "``` a``b` ```"), ("a\nb", "`a b`")],
)
def test_ids_are_safe_code_spans(text, span):
    assert code(text) == span


def test_changelog_puts_the_new_section_on_top_and_keeps_the_old():
    first = changelog(None, diff(None, snap("1.0.0", {"a": "h"})))
    assert first == CHANGELOG_HEAD + "\n## v1.0.0\n\nFirst release: 1 articles.\n"
    second = changelog(first, diff(snap("1.0.0", {"a": "h"}), snap("1.1.0", {"a": "h", "b": "g"})))
    assert second.startswith(CHANGELOG_HEAD + "\n## v1.1.0\n")
    assert second.endswith("\n## v1.0.0\n\nFirst release: 1 articles.\n")
    assert second.count("# Changelog") == 1 and "- Added (1): `b`" in second


def test_long_id_lists_are_cut():
    notes = diff(snap("1.0.0", {}), snap("1.1.0", {f"id{i:03d}": "h" for i in range(60)}))
    assert "- Added (60): `id000`" in section(notes) and "and 10 more" in section(notes)
