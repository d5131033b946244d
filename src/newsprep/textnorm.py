"""Text normalisation shared by the detectors: title keys, content-word tokens, content hashes."""

from __future__ import annotations

import codecs
import re
import unicodedata
from functools import lru_cache

import xxhash

_WORD = re.compile(r"[^\W_]+", re.UNICODE)
_PUNCT_EDGE = re.compile(r"^[\W_]+|[\W_]+$", re.UNICODE)
_SPACES = re.compile(r"\s+")


def _ascii_table(keep) -> bytes:
    """A bytes.translate table: ASCII bytes `keep` accepts lower-cased, every other byte a space."""
    return bytes(ord(chr(c).lower()) if c < 128 and keep(chr(c)) else 32 for c in range(256))


ASCII_KEY = _ascii_table(str.isalnum)  # `[^\W_]` on ASCII: title_key's words
ASCII_WORDS = _ascii_table(lambda ch: ch.isalnum() or ch == "_")  # `\w` on ASCII: vocabulary's
# The same on UTF-8 bytes whose non-ASCII characters are all word characters: those bytes kept.
UTF8_KEY = ASCII_KEY[:128] + bytes(range(128, 256))
# the bytes `title_key` drops of ASCII text (all but letters and digits): deleted, what is left
# counts the key's letters and digits, a lower bound of its length
NOT_KEY_BYTES = bytes(c for c in range(256) if not (c < 128 and chr(c).isalnum()))
UTF8_WORDS = ASCII_WORDS[:128] + bytes(range(128, 256))
# A non-ASCII character that is not a word character (a curly quote, a dash, a no-break space):
# made a space, the rest of the text can be cut into words by a byte table as ASCII is.
_NON_ASCII_NON_WORD = re.compile(r"[^\w\x00-\x7f]")
# Below this many extra UTF-8 bytes (about one per non-ASCII character), the few non-ASCII runs
# are mapped by a codec error handler; above, one regex pass over the text costs less.
FEW_NON_ASCII = 256
_FOLDS = {None: None, "casefold": str.casefold, "lower": str.lower}
# Compatibility characters common in news text, each with its full compatibility decomposition
# (ASCII): the horizontal ellipsis and the no-break space. See `nfkc`.
_COMPAT = (("\u2026", "..."), ("\xa0", " "))


def nfkc(text: str) -> str:
    """`unicodedata.normalize("NFKC", text)`, faster on news text. An NFKC text is returned
    as it is after a quick check, but one character that NFKC changes (an ellipsis in five
    kilobytes of news) makes the whole text normalised, character by character (about 100 µs).
    The common ones are replaced first by their decompositions, which NFKC would have put in
    their place (NFKC composes what NFKD gives, and NFKD of the text is then the same), so
    that most texts pass the quick check."""
    if text.isascii():
        return text
    for char, decomposed in _COMPAT:
        text = text.replace(char, decomposed)
    return unicodedata.normalize("NFKC", text)


# Typographic punctuation: most of the non-ASCII characters of news text (curly quotes and
# apostrophes, dashes, the no-break space), none a word character, each its own NFKC form and
# case fold (but the no-break space, whose NFKC form is a space). See `blank_marks`.
_TYPOGRAPHIC = ("\u2019", "\u2018", "\u201c", "\u201d", "\u2014", "\u2013", "\xa0")


def blank_marks(text: str, marks: tuple[str, ...] = _TYPOGRAPHIC) -> str:
    """`text` with its typographic marks (curly quotes, dashes, the no-break space; or `marks`)
    made spaces, one C scan a mark: its words, its key and its letters and digits are those of
    `text`, and a line of news whose only non-ASCII characters are such marks (most) becomes
    ASCII."""
    for mark in marks:
        text = text.replace(mark, " ")
    return text


def words_as_bytes(text: str, table: bytes, fold: str | None = None) -> bytes:
    r"""The words of `text` (`\w` runs with UTF8_WORDS, `[^\W_]` runs with UTF8_KEY), case-folded
    by `fold` ("casefold" or "lower", as `text.casefold()` or `text.lower()` would; None: `text`
    is folded already), as UTF-8 bytes between runs of spaces. `table` lower-cases ASCII; a
    non-ASCII character becomes its UTF-8 (a word character: its bytes are all >= 0x80, so no
    word is cut and none is joined to another) or a space."""
    if fold == "lower" and "\u03a3" in text:
        text, fold = text.lower(), None  # Σ lower-cases by its neighbours: no run by run
    text = blank_marks(text)  # a C scan a mark, where the run handler costs a call a run
    if text.isascii():
        return text.encode("ascii").translate(table)
    if few_non_ascii(text):
        underscore = table[95] != 32  # "_" is a word character of UTF8_WORDS, not of UTF8_KEY
        return text.encode("ascii", f"newsprep.words.{fold}.{underscore:d}").translate(table)
    if fold is not None:
        text = _FOLDS[fold](text)
    return _NON_ASCII_NON_WORD.sub(" ", text).encode("utf-8", "surrogatepass").translate(table)


def few_non_ascii(text: str) -> bool:
    """Whether `text` is better cut by a codec run handler than by a pass over it all: at most
    FEW_NON_ASCII extra UTF-8 bytes (about one per non-ASCII character)."""
    return len(text.encode("utf-8", "surrogatepass")) - len(text) <= FEW_NON_ASCII


def register_run_handler(name: str, fold, kept) -> None:
    """Register the codec error handler `name`: a run of non-ASCII characters, folded by `fold`
    (None, or str.casefold or str.lower: char by char, as casefold always is and lower is but
    for Σ, which callers keep out), each character as its UTF-8 if `kept(ch)`, else a space. So
    `text.encode("ascii", name)` maps the few non-ASCII runs of a text and copies the rest in C.
    Runs recur ("“", "’s" and "—" make most of them): their bytes are kept by run."""
    known: dict[str, bytes] = {}

    def handler(err: UnicodeError) -> tuple[bytes, int]:
        if not isinstance(err, UnicodeEncodeError):
            raise err
        run = err.object[err.start: err.end]
        out = known.get(run)
        if out is None:
            chars = run if fold is None else fold(run)
            out = b"".join(ch.encode("utf-8", "surrogatepass") if kept(ch) else b" "
                           for ch in chars)
            if len(known) < 1 << 16 and len(run) <= 8:
                known[run] = out
        return out, err.end

    codecs.register_error(name, handler)


def _word_char(ch: str) -> bool:  # `\w`; what folding makes ASCII is judged as `\w` too
    return ch.isalnum() or ch == "_"


for _name, _fold in _FOLDS.items():  # by fold and by table: "_" a word character or not
    register_run_handler(f"newsprep.words.{_name}.0", _fold, str.isalnum)
    register_run_handler(f"newsprep.words.{_name}.1", _fold, _word_char)

_STOPWORD_TEXT = """
a about above after again against all also am an and any are as at be because been before being
below between both but by can could did do does doing down during each few for from further had
has have having he her here hers herself him himself his how i if in into is it its itself just
me more most my myself no nor not now of off on once only or other our ours ourselves out over
own same she should so some such than that the their theirs them themselves then there these they
this those through to too under until up very was we were what when where which while who whom
why will with would you your yours yourself yourselves says said say new one two mr mrs ms s t
"""
STOPWORDS = frozenset(_STOPWORD_TEXT.split())


def fold(text: str) -> str:
    """NFKC, case-folded, inner whitespace collapsed, stripped."""
    # str.split() splits on exactly the characters `\s` matches (Py_UNICODE_ISSPACE), so this is
    # _SPACES.sub(" ", ...).strip(), in one C pass.
    return " ".join(nfkc(text).casefold().split())


def squash(text: str) -> str:
    """NFKC, inner whitespace collapsed, stripped; case kept. The text part of an exact-duplicate
    key: two versions of a story that differ only in case ("Grand Slam" / "grand slam") are
    different texts, not copies."""
    return " ".join(nfkc(text).split())  # as in `fold`


@lru_cache(maxsize=1 << 16)  # pure; a line is keyed several times per article
def title_key(text: str) -> str:
    """The key under which two titles count as the same: folded, punctuation dropped.

    Same as " ".join(_WORD.findall(fold(text))): the words never contain whitespace, so the
    whitespace collapsing of `fold` is skipped; ASCII is NFKC-stable and casefolds as lower()."""
    if not text.isascii():
        text = nfkc(text)
        if not text.isascii():
            return " ".join(words_as_bytes(text, UTF8_KEY, "casefold").decode(
                "utf-8", "surrogatepass").split())
    # a letter or digit is kept lower-cased, all else splits: the same words
    return " ".join(text.encode("ascii").translate(ASCII_KEY).decode("ascii").split())


def line_key(text: str) -> str:
    """The key of a line for recurrence counts (same as a title key)."""
    return title_key(text)


@lru_cache(maxsize=1 << 14)  # pure; the same lines (site furniture) recur in many articles
def line_hash(text: str) -> int:
    """`hash64(title_key(text))`: what a title or line is counted and compared under (the
    corpus statistics, the duplicate-title keys). On ASCII text the key is made and hashed as
    bytes, no string a word."""
    if text.isascii():
        return xxhash.xxh3_64_intdigest(b" ".join(text.encode().translate(ASCII_KEY).split()))
    return hash64(title_key(text))


def words(text: str) -> list[str]:
    return _WORD.findall(text.casefold())


def content_words(text: str) -> set[str]:
    """Lower-cased words that carry topic: no stopwords, no one- or two-letter words, no numbers."""
    return {w for w in words(text) if len(w) > 2 and w not in STOPWORDS and not w.isdigit()}


def stem(word: str) -> str:
    """A crude, language-light stem: enough to match 'spying' with 'spy' and 'talks' with 'talk'."""
    for suffix in ("ations", "ation", "ings", "ing", "ies", "ied", "ers", "er", "ed", "es", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)]
    return word


def stems(text: str) -> set[str]:
    return {stem(w) for w in content_words(text)}


def vocabulary(text: str) -> set[str]:
    """The lower-cased words of `text` (its `\\w+` runs), as a set; no stemming. By byte
    tables, not a regex: one pass on ASCII, two otherwise (see `words_as_bytes`)."""
    if text.isascii():  # `\w` on ASCII: letters, digits, "_"
        return set(text.encode("ascii").translate(ASCII_WORDS).decode("ascii").split())
    return set(words_as_bytes(text, UTF8_WORDS, "lower").decode("utf-8", "surrogatepass").split())


_FORM_SUFFIXES = ("s", "es", "ed", "d", "ing", "er", "ers", "ies", "ied", "ation", "ations")


@lru_cache(maxsize=1 << 16)
def word_forms(word: str) -> frozenset[str]:
    """`word` and its likely inflections and stem, to match 'talks' with 'talk' and 'spying'
    with 'spy' without stemming the whole article (only the few words of a candidate line)."""
    root = stem(word)
    forms = {word, root, root + "e"}
    forms.update(root + suffix for suffix in _FORM_SUFFIXES)
    if root.endswith("i"):
        forms.add(root[:-1] + "y")
    return frozenset(forms)


def hash_hex(*parts: str | bytes) -> str:
    """xxh3-128 of the parts (text as UTF-8), each followed by a NUL byte, in hex."""
    h = xxhash.xxh3_128()
    for part in parts:
        h.update(part if isinstance(part, bytes) else part.encode("utf-8", "surrogatepass"))
        h.update(b"\x00")
    return h.hexdigest()


def hash64(text: str) -> int:
    return xxhash.xxh3_64_intdigest(text.encode("utf-8", "surrogatepass"))
