"""Hostile and broken inputs: each becomes a correct record or is quarantined with its reason code,
nothing crashes, nothing is silently lost, and `inputs == records + quarantined + ignored`.

One build of a corpus of every case (module fixture), then one assertion per case."""

from __future__ import annotations

import gzip
import json
import os
import random
import zlib

import pytest
import zstandard
from hostile_util import ARTICLE_BODY, ARTICLE_TITLE, article, build

from newsprep.flags import ENCODING_REPAIRED, QUARANTINE_REASONS

TEXT = article()
ACCENTED_TITLE = "Café owners in Ærøskøbing fear a naïve façade rule"
ACCENTED_BODY = ["The “new” rule costs €500 – owners say it is déjà vu.", ARTICLE_BODY[0]]
ACCENTED = article(ACCENTED_TITLE, ACCENTED_BODY)
DEEP = "/".join(["d"] * 200) + "/deep.txt"
GIANT = " ".join(f"word{i % 997}" for i in range(300_000))  # one paragraph, about 2.5 MB


def _feed_item(i: int) -> bytes:
    text = (f"Item {i} of the feed tells of event number {i} in town {i * 7}, which the council "
            f"discussed for {i % 13 + 2} hours on day {i}.")
    return json.dumps({"title": f"Feed item {i}", "text": text}).encode() + b"\n"


def _gz_lines(n: int) -> bytes:
    return gzip.compress(b"".join(_feed_item(i) for i in range(n)))


def _complete_lines(gz: bytes) -> int:
    """How many whole lines a truncated gzip stream still holds (an independent count)."""
    data = zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(gz)
    return data.count(b"\n")


def _jl(**fields) -> str:
    """A JSON Lines line; its text is its own (distinct articles, as in a real feed)."""
    fields.setdefault("text", f"Body of {fields.get('title')!s}: the council met on Monday to "
                              "discuss the harbour budget and agreed to meet again in spring.")
    return json.dumps(fields)


JSONL_LINES = [
    _jl(id="a1", title="Good line"),
    '{"id": "a2", "title": "Broken line", "text": ',
    _jl(id="a3", title=42),
    _jl(id="a1", title="Duplicate id"),
    _jl(id="", title="Empty id"),
    _jl(id=True, title="Boolean id"),
    json.dumps(["not", "an", "object"]),
    "[" * 50_000 + "]" * 50_000,
    json.dumps({"id": "a4", "title": "No text"}),
    _jl(id="a5", title="\u0000\u0001"),
    '{"id": "a6", "title": "Lone \\ud800 surrogate", "text": "Body \\udc00 text", '
    '"url": "\\ud800"}',
    "",
    _jl(id=7, title="Integer id", date="2024-01-01"),
    '{"id": ' + "9" * 5000 + ', "title": "Huge number", "text": "x"}',
]

# source -> expected quarantine reason (None: a record)
EXPECTED: dict[str, str | None] = {
    "utf16-bom.txt": None, "utf16le-nobom.txt": None, "utf16be-nobom.txt": None,
    "utf32-bom.txt": None, "utf32le-nobom.txt": None, "latin1.txt": None, "cp1252.txt": None,
    "mixed-utf8-cp1252.txt": None, "invalid-utf8.txt": None, "nul-bytes.txt": None,
    "nul-padded.txt": None, "crlf.txt": None, "giant-paragraph.txt": None, DEEP: None,
    "name with spaces.txt": None, "name\\u000awith newline.txt": None,
    "bad\\xffname.txt": None, "bad\\xfename.txt": None, "back\\\\slash.txt": None,
    "alias.txt": None,
    "binary.txt": "binary", "random.txt": "binary", "empty.txt": "empty",
    "whitespace.txt": "empty", "only-nuls.txt": "empty", "title-only.txt": "no-body",
    "utf16-odd.txt": "undecodable",
    "loop.txt": "unreadable", "dangling.txt": "unreadable", "fifo.txt": "unreadable",
    "device.txt": "unreadable",
    "feed.jsonl:1": None, "feed.jsonl:2": "malformed-jsonl", "feed.jsonl:3": "invalid-field",
    "feed.jsonl:4": "duplicate-id", "feed.jsonl:5": "invalid-field",
    "feed.jsonl:6": "invalid-field", "feed.jsonl:7": "malformed-jsonl",
    "feed.jsonl:8": "malformed-jsonl", "feed.jsonl:9": "no-body", "feed.jsonl:10": "invalid-field",
    "feed.jsonl:11": None, "feed.jsonl:13": None, "feed.jsonl:14": "malformed-jsonl",
    "corrupt.jsonl.gz:1": "unreadable", "corrupt.jsonl.zst:1": "unreadable",
    "empty.jsonl": "empty", "blank-lines.jsonl": "empty",
}
GZ = _gz_lines(400)
TRUNCATED = GZ[: len(GZ) // 2]
N_SALVAGED = _complete_lines(TRUNCATED)
EXPECTED.update({f"truncated.jsonl.gz:{i}": None for i in range(1, N_SALVAGED + 1)})
EXPECTED[f"truncated.jsonl.gz:{N_SALVAGED + 1}"] = "unreadable"
ZST = zstandard.ZstdCompressor().compress(b"".join(_feed_item(i) for i in range(400)))
# One small frame: a cut half-way leaves no whole block, so nothing decodes; the loss is line 1.
EXPECTED["truncated.jsonl.zst:1"] = "unreadable"
IGNORED = {".md": 1, "(hidden)": 2, "(symlinked folder)": 1}


def _files() -> dict[str, bytes]:
    utf8 = TEXT.encode()
    rng = random.Random(7)
    return {
        "utf16-bom.txt": TEXT.encode("utf-16"),
        "utf16le-nobom.txt": TEXT.encode("utf-16-le"),
        "utf16be-nobom.txt": TEXT.encode("utf-16-be"),
        "utf32-bom.txt": TEXT.encode("utf-32"),
        "utf32le-nobom.txt": TEXT.encode("utf-32-le"),
        "utf16-odd.txt": TEXT.encode("utf-16") + b"x",
        "latin1.txt": article(ACCENTED_TITLE, ACCENTED_BODY[1:]).encode("latin-1"),
        "cp1252.txt": ACCENTED.encode("cp1252"),
        "mixed-utf8-cp1252.txt": (ACCENTED_TITLE + "\n\n").encode()
        + (ACCENTED_BODY[0] + "\n\n").encode("cp1252") + (ACCENTED_BODY[1] + "\n").encode(),
        "invalid-utf8.txt": utf8.replace(b"north quay", b"north \xff\xc3 quay"),
        "nul-bytes.txt": utf8.replace(b"cranes at", b"cra\x00nes at\x00"),
        "nul-padded.txt": utf8 + b"\x00" * 4000,
        "crlf.txt": TEXT.replace("\n", "\r\n").encode(),
        "giant-paragraph.txt": f"A giant paragraph\n\n{GIANT}\n".encode(),
        DEEP: utf8,
        "name with spaces.txt": utf8, "name\nwith newline.txt": utf8, "back\\slash.txt": utf8,
        "binary.txt": b"\x89PNG\r\n\x1a\n" + bytes(rng.randrange(256) for _ in range(3000)),
        "random.txt": bytes(rng.randrange(256) for _ in range(3000)),
        "empty.txt": b"", "whitespace.txt": b" \n\t\r\n  \n", "only-nuls.txt": b"\x00" * 100,
        "title-only.txt": b"A title and nothing else\n\n\n",
        "feed.jsonl": "\r\n".join(JSONL_LINES).encode() + b"\n",
        "truncated.jsonl.gz": TRUNCATED,
        "corrupt.jsonl.gz": GZ[:30] + b"\xff" * 200 + GZ[230:],
        "corrupt.jsonl.zst": ZST[:20] + b"\xff" * 100 + ZST[120:],
        "truncated.jsonl.zst": ZST[: len(ZST) // 2],
        "empty.jsonl": b"", "blank-lines.jsonl": b"\n \r\n\t\n",
        "notes.md": b"not an article", ".hidden.txt": utf8, ".git/config.txt": utf8,
    }


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    raw = tmp_path_factory.mktemp("hostile") / "raw"
    for rel, data in _files().items():
        path = raw / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    for name in (b"bad\xffname.txt", b"bad\xfename.txt"):
        with open(os.path.join(os.fsencode(raw), name), "wb") as fh:
            fh.write(TEXT.encode())
    os.symlink("loop.txt", raw / "loop.txt")
    os.symlink("nowhere.txt", raw / "dangling.txt")
    os.symlink("crlf.txt", raw / "alias.txt")
    os.symlink(".", raw / "self")  # a folder link back to the root: never followed
    os.symlink("/dev/zero", raw / "device.txt")  # endless: must never be read
    os.mkfifo(raw / "fifo.txt")  # no writer: opening it for reading would block for ever
    return build(raw, tmp_path_factory.mktemp("hostile-out") / "ds")


def test_every_input_is_accounted_for(built):
    got = {**{s: None for s in built.rows}, **{s: q["reason"] for s, q in built.quarantine.items()}}
    assert got == EXPECTED
    assert dict(built.summary.ignored) == IGNORED
    assert built.summary.inputs == len(EXPECTED) + sum(IGNORED.values())
    assert built.summary.reconciles


def test_quarantine_reasons_are_known_and_details_are_one_line(built):
    for q in built.quarantine.values():
        assert q["reason"] in QUARANTINE_REASONS
        assert q["detail"] and "\n" not in q["detail"] and "\n" not in q["source"]


@pytest.mark.parametrize("source", ["utf16-bom.txt", "utf16le-nobom.txt", "utf16be-nobom.txt",
                                    "utf32-bom.txt", "utf32le-nobom.txt", "crlf.txt",
                                    "nul-padded.txt", "alias.txt", DEEP, "name with spaces.txt"])
def test_text_survives_every_encoding_and_layout(built, source):
    row = built.rows[source]
    assert row["title"] == ARTICLE_TITLE
    assert row["text"] == "\n\n".join(ARTICLE_BODY)


@pytest.mark.parametrize("source,encoding", [
    ("utf16-bom.txt", "utf-16-le"), ("utf16be-nobom.txt", "utf-16-be"),
    ("utf32-bom.txt", "utf-32-le"), ("cp1252.txt", "cp1252"), ("latin1.txt", "cp1252"),
    ("mixed-utf8-cp1252.txt", "utf-8+cp1252"), ("crlf.txt", "utf-8")])
def test_encoding_is_recorded(built, source, encoding):
    row = built.rows[source]
    assert row["encoding"] == encoding
    assert (ENCODING_REPAIRED in row["flags"]) == (encoding != "utf-8")


@pytest.mark.parametrize("source,body", [("cp1252.txt", ACCENTED_BODY),
                                         ("latin1.txt", ACCENTED_BODY[1:]),
                                         ("mixed-utf8-cp1252.txt", ACCENTED_BODY)])
def test_legacy_encodings_decode_exactly(built, source, body):
    row = built.rows[source]
    assert (row["title"], row["text"]) == (ACCENTED_TITLE, "\n\n".join(body))


def test_invalid_utf8_and_nul_bytes_are_repaired_not_dropped(built):
    bad, nul = built.rows["invalid-utf8.txt"], built.rows["nul-bytes.txt"]
    assert "north ÿÃ quay" in bad["text"] and ENCODING_REPAIRED in bad["flags"]
    assert nul["text"] == "\n\n".join(ARTICLE_BODY) and ENCODING_REPAIRED in nul["flags"]


def test_one_giant_paragraph_is_kept_whole(built):
    row = built.rows["giant-paragraph.txt"]
    assert row["text"] == GIANT and row["num_chars"] == len(GIANT)


def test_odd_file_names_give_unique_utf8_sources_and_ids(built):
    sources = list(built.rows)
    for s in sources:
        s.encode("utf-8")
        assert "\n" not in s
    ids = [r["id"] for r in built.rows.values()]
    assert len(set(ids)) == len(ids)


def test_jsonl_fields_are_cleaned(built):
    row = built.rows["feed.jsonl:11"]
    assert (row["title"], row["text"], row["url"]) == ("Lone surrogate", "Body  text", "")
    assert ENCODING_REPAIRED in row["flags"]
    assert built.rows["feed.jsonl:13"]["id"] == "7"
    assert built.rows["feed.jsonl:13"]["date"] == "2024-01-01"


def test_link_and_pipe_reasons_are_plain(built):
    q = built.quarantine
    assert q["loop.txt"]["detail"] == "symbolic link loop"
    assert q["dangling.txt"]["detail"] == "broken symbolic link (to nowhere.txt)"
    assert q["fifo.txt"]["detail"] == "a named pipe, not a regular file"
    assert q["device.txt"]["detail"] == "a character device, not a regular file"
    assert q["corrupt.jsonl.gz:1"]["detail"].startswith("corrupt or truncated stream")


@pytest.mark.parametrize("cut", [None, 0.5, 0.999])
def test_a_cut_zstd_stream_keeps_its_whole_lines_and_counts_the_loss(tmp_path, cut):
    """Zstandard decodes a truncated stream without error up to the cut: newsprep notices."""
    from newsprep.ingest import Task, read

    data = b"".join(_feed_item(i) for i in range(3000))
    z = zstandard.ZstdCompressor(write_checksum=True).compress(data)
    z = z if cut is None else z[: int(len(z) * cut)]
    (tmp_path / "f.jsonl.zst").write_bytes(z)
    items = list(read(tmp_path, Task("f.jsonl.zst", "jsonl", len(z)), 10_000_000))
    got = {q.source: q.reason for q in items if not hasattr(q, "text")}
    if cut is None:
        assert len(items) == 3000 and got == {}
        return
    with zstandard.ZstdDecompressor().stream_reader(z) as reader:
        whole = reader.read().count(b"\n")  # an independent count of the whole lines decoded
    assert len(items) == whole + 1 and whole < 3000
    assert got == {f"f.jsonl.zst:{whole + 1}": "unreadable"}


def test_the_hostile_build_passes_its_own_data_contract(built):
    from newsprep.check import check

    report = check(built.out)
    assert report.valid, [c for c in report.to_dict()["checks"] if c["status"] == "failed"]


def test_syndicated_copies_under_new_titles_keep_their_body(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    text = "\n\n".join(ARTICLE_BODY)
    lines = [json.dumps({"id": str(i), "title": t, "text": text}) for i, t in
             enumerate(["Cranes back at the port", "Port cranes repaired", "North quay reopens"])]
    (raw / "feed.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    got = build(raw, tmp_path / "ds", cache=False)
    assert got.quarantine == {}
    assert all(r["text"] == text for r in got.rows.values())
