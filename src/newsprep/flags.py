"""Quality flag codes and quarantine reason codes: stable kebab-case, documented in the README."""

from __future__ import annotations

REPEATED_TITLE = "repeated-title"
HEADER_NOISE = "header-noise"
OFFTOPIC_TRAILER = "offtopic-trailer"
DUPLICATE_TITLE = "duplicate-title"
DUPLICATE_CONTENT = "duplicate-content"
NEAR_DUPLICATE = "near-duplicate"
SHORT_BODY = "short-body"
ENCODING_REPAIRED = "encoding-repaired"

FLAGS: dict[str, str] = {
    REPEATED_TITLE: "the title was repeated at the top; the repeats are in `title_repeats`",
    HEADER_NOISE: "page furniture stood at the top; it is in `header_lines`",
    OFFTOPIC_TRAILER: (
        "lines at the bottom were not part of the article; they are in `trailer_lines`"
    ),
    DUPLICATE_TITLE: "another article has the same normalised title",
    DUPLICATE_CONTENT: (
        "exact duplicate (same normalised title and text) of the article in `duplicate_of`"
    ),
    NEAR_DUPLICATE: "near-duplicate text of other articles (same `near_duplicate_cluster`)",
    SHORT_BODY: "the clean text is shorter than the configured minimum",
    ENCODING_REPAIRED: (
        "the input was not clean UTF-8: decoded from another encoding, or NULs/control "
        "characters removed"
    ),
}

# Reasons an input cannot become a record (written to the quarantine file).
QUARANTINE_REASONS: dict[str, str] = {
    "empty": "the file or text is empty or whitespace only",
    "binary": "the content is binary, not text",
    "undecodable": "the bytes could not be decoded as text in any supported encoding",
    "no-body": "a title but no body text",
    "malformed-jsonl": "a JSON Lines line that is not a JSON object",
    "invalid-field": "a JSON Lines field of the wrong type, or a missing title/text",
    "duplicate-id": "a JSON Lines id already used by an earlier article",
    "unreadable": "the file could not be read (permissions, I/O error, link loop)",
    "too-large": "larger than the configured maximum article size",
}
