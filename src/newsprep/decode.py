"""Bytes to text: BOMs, UTF-16/32, legacy encodings, mixed files, NULs and control characters.

Pure functions: `decode(data)` returns a `Decoded` or raises `DecodeFailure` with a reason code."""

from __future__ import annotations

import codecs
import re
from typing import NamedTuple

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_MAGIC = (b"\x89PNG", b"%PDF", b"\x1f\x8b", b"PK\x03\x04", b"\xff\xd8\xff", b"GIF8",
          b"\x7fELF", b"(\xb5/\xfd", b"BZh", b"\xfd7zXZ", b"SQLite format")
# C0/C1 controls other than tab and the line breaks, zero-width no-break space, U+FFFE and lone
# surrogates (JSON's "\\ud800" escapes; Arrow and UTF-8 cannot hold them).
_CONTROL = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f-\x84\x86-\x9f\ufeff\ufffe\ud800-\udfff]")
_UTF8_SEQ = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}"
                       rb"|[\xf0-\xf4][\x80-\xbf]{3}")
_BREAKS = re.compile("\r\n|\r|\x0c|\x85|\u2028|\u2029")


class DecodeFailure(Exception):
    def __init__(self, reason: str, detail: str):
        super().__init__(detail)
        self.reason = reason
        self.detail = detail


class Decoded(NamedTuple):  # a named tuple: about half the cost of a frozen dataclass to make
    text: str
    encoding: str
    repaired: bool  # not clean UTF-8: other encoding, or characters removed


def _utf16_without_bom(data: bytes) -> str | None:
    """UTF-32 or UTF-16 without a BOM, told by where the zero bytes of mostly-Latin text fall."""
    if len(data) < 4:
        return None
    if len(data) % 4 == 0:
        quarter = len(data) // 4
        lanes = [data[i::4].count(0) for i in range(4)]
        if lanes[3] == quarter and lanes[2] > 0.9 * quarter and lanes[0] < 0.05 * quarter:
            return "utf-32-le"
        if lanes[0] == quarter and lanes[1] > 0.9 * quarter and lanes[3] < 0.05 * quarter:
            return "utf-32-be"
    even, odd = data[0::2], data[1::2]
    if odd.count(0) > 0.4 * len(odd) and even.count(0) < 0.05 * len(even):
        return "utf-16-le"
    if even.count(0) > 0.4 * len(even) and odd.count(0) < 0.05 * len(odd):
        return "utf-16-be"
    return None


_BINARY_CONTROLS = bytes((*range(0, 8), *range(14, 26), *range(28, 32)))


def _looks_binary(data: bytes) -> bool:
    if data.startswith(_MAGIC):
        return True
    sample = data[:65536]
    controls = len(sample) - len(sample.translate(None, _BINARY_CONTROLS))
    return controls > 0.05 * len(sample)


_NOT_PLAIN = bytes((*range(0, 9), *range(11, 32), 0x7F))  # controls but tab and LF
# Without normalising (a JSON Lines line) CR and form feed are left as they are: not in the way
_NOT_RAW = bytes(c for c in _NOT_PLAIN if c not in b"\r\x0c")
# Every other byte: deleting them leaves the bytes of those sets a text holds, nothing for most
# (an empty result is a few bytes, where deleting the set's bytes copied the whole text)
_PLAIN = bytes(c for c in range(256) if c not in _NOT_PLAIN)
_RAW = bytes(c for c in range(256) if c not in _NOT_RAW)
_BAD_CONTROLS = re.compile("[\x00-\x08\x0b\x0e-\x1f]")


def _mostly_controls(text: str) -> bool:
    sample = text[:20000]
    bad = len(_BAD_CONTROLS.findall(sample))  # C0 controls but tab, LF, CR, FF
    return bad > 0.05 * max(1, len(sample))


def _decode_mixed(data: bytes) -> str:
    """Line by line: UTF-8 where a line is valid UTF-8, Windows-1252 (then Latin-1) elsewhere."""
    out = []
    for line in data.split(b"\n"):
        try:
            out.append(line.decode("utf-8"))
        except UnicodeDecodeError:
            try:
                out.append(line.decode("cp1252"))
            except UnicodeDecodeError:
                out.append(line.decode("latin-1"))
    return "\n".join(out)


def _legacy(data: bytes) -> tuple[str, str]:
    """Not UTF-8. Mostly ASCII (stray bytes, Latin-1, Windows-1252, UTF-8 mixed in): line by line,
    which never loses a byte. Else a legacy non-Latin encoding: let charset_normalizer judge."""
    sample = data[:1_000_000]
    high = len(sample) - len(sample.translate(None, bytes(range(0x80, 0x100))))
    in_utf8 = sum(len(m) for m in _UTF8_SEQ.findall(sample))
    if high < 0.2 * len(sample) or in_utf8 >= 0.5 * high:
        return _decode_mixed(data), "utf-8+cp1252" if in_utf8 else "cp1252"
    from charset_normalizer import from_bytes

    best = from_bytes(data[:1_000_000]).best()
    if best is not None and best.encoding not in ("utf_8", "ascii"):
        try:
            return data.decode(best.encoding), best.encoding
        except (UnicodeDecodeError, LookupError):
            pass
    try:
        return data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError:
        return data.decode("latin-1"), "latin-1"


# What `clean` changes: a line break other than LF, or a character it drops (one character
# class: a regex alternation is four times slower)
_UNCLEAN = re.compile(f"[\r\x0c\x85\u2028\u2029{_CONTROL.pattern[1:-1]}]")
# The characters `clean` changes that are not ASCII: C1 controls (U+0080-U+009F, in UTF-8 the
# lead byte C2 and a byte 80-9F), and these four (surrogates never come out of a strict UTF-8
# decoding); each looked for apart, by memchr-like searches rather than one regex pass
_C1_UTF8 = re.compile(b"\xc2[\x80-\x9f]")
_UNCLEAN_WIDE = ("\u2028", "\u2029", "\ufeff", "\ufffe")


def _unclean_non_ascii(data: bytes, text: str) -> bool:
    """Whether `text`, the strict UTF-8 decoding of `data`, has a non-ASCII character that
    `clean` changes (as `_UNCLEAN.search(text)` would find, ASCII aside)."""
    return ((b"\xc2" in data and _C1_UTF8.search(data) is not None)
            or any(ch in text for ch in _UNCLEAN_WIDE))


def clean(text: str) -> tuple[str, bool]:
    """Normalise line breaks to `\\n` and drop control characters; say whether any were dropped."""
    if text.isascii():  # one byte-table pass: no break but LF and no control character but tab
        data = text.encode("ascii")
        if not data.translate(None, _PLAIN):
            return text, False
    elif _UNCLEAN.search(text) is None:
        return text, False
    text = _BREAKS.sub("\n", text)
    cleaned = _CONTROL.sub("", text)
    return cleaned, len(cleaned) != len(text)


def _unicode(data: bytes) -> tuple[str, bytes] | None:
    """A BOM or a BOM-less UTF-16/32 layout: (encoding, body); None when neither."""
    for bom, name in _BOMS:
        if data.startswith(bom):
            return name, data[len(bom):]
    if b"\x00" in data[:65536]:
        encoding = _utf16_without_bom(data)
        if encoding is not None:
            return encoding, data
    return None


def _text(data: bytes) -> tuple[str, str, bool]:
    """(text, encoding, padded) of non-empty bytes, or `DecodeFailure`."""
    found = _unicode(data)
    if found is not None:
        encoding, body = found
        try:
            return body.decode(encoding), encoding, False
        except UnicodeDecodeError as exc:
            if encoding == "utf-32-le" and data.startswith(codecs.BOM_UTF16_LE):
                try:  # FF FE 00 00 is also a UTF-16-LE BOM followed by a NUL
                    return data[2:].decode("utf-16-le"), "utf-16-le", False
                except UnicodeDecodeError:
                    pass
            raise DecodeFailure("undecodable", f"invalid {encoding}: {exc.reason}") from None
    padded = data.endswith(b"\x00")
    if padded:  # NUL padding at the end (a preallocated or cut-off file)
        data = data.rstrip(b"\x00")
        if not data.strip():
            raise DecodeFailure("empty", "only NUL bytes and whitespace")
    if _looks_binary(data):
        raise DecodeFailure("binary", "binary content, not text")
    try:
        return data.decode("utf-8"), "utf-8", padded
    except UnicodeDecodeError:
        return (*_legacy(data), padded)


def _plain_ascii(data: bytes, normalise: bool = True) -> bool:
    """ASCII with no control character but tab and LF (so no NUL, CR or form feed) and no
    binary signature: valid UTF-8 that `clean` leaves as it is. Without `normalise`, CR and
    form feed are allowed too (nothing but `clean` would touch them)."""
    return (data.isascii() and not data.startswith(_MAGIC)
            and not data.translate(None, _PLAIN if normalise else _RAW))


def _plain_utf8(data: bytes, normalise: bool) -> str | None:
    """The text of non-ASCII bytes that need nothing of the general path, else None: no C0
    control but tab and LF (and CR and form feed without `normalise`; so no NUL, no UTF-16/32),
    no binary signature, no BOM, valid UTF-8,
    and (`normalise`) no character that `clean` changes nor only whitespace. What the general
    path gives for them: the UTF-8 text as it is, not repaired."""
    if (data.startswith(_MAGIC) or data.startswith(codecs.BOM_UTF8)
            or data.translate(None, _PLAIN if normalise else _RAW)):
        return None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    if normalise and (text.isspace() or _unclean_non_ascii(data, text)):
        return None
    return text


def decode(data: bytes, *, normalise: bool = True) -> Decoded:
    """Decode the bytes of one article file. Raises `DecodeFailure('empty'|'binary'|'undecodable')`.

    With `normalise=False` (a JSON Lines line) the text is left as decoded: line breaks and
    control characters inside JSON strings are cleaned field by field after parsing."""
    if not data or data.isspace():  # as `not data.strip()`, without the copy
        raise DecodeFailure("empty", "empty or whitespace only")
    if data.isascii():
        if _plain_ascii(data, normalise):  # nothing to detect or repair: what the slow path gives
            return Decoded(data.decode("ascii"), "utf-8", False)
    else:
        text = _plain_utf8(data, normalise)
        if text is not None:
            return Decoded(text, "utf-8", False)
    text, encoding, padded = _text(data)
    if _mostly_controls(text):
        raise DecodeFailure("binary", f"binary content (as {encoding}: mostly control characters)")
    if not normalise:
        return Decoded(text, encoding, padded or encoding != "utf-8")
    text, removed = clean(text)
    if not text.strip():
        raise DecodeFailure("empty", "no text after removing control characters")
    return Decoded(text, encoding, padded or removed or encoding != "utf-8")
