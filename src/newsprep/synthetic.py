"""A synthetic corpus in the noisy raw layout, for benchmarks and scale tests.

Articles of about 2 KB made of pseudo-words, with the noise the detectors look for: repeated
titles, page furniture on top, other articles' headlines and link labels at the bottom, wire
sign-offs, exact duplicates and near-duplicates. Deterministic for a given seed.

The pseudo-words are ASCII. Real news is not: curly quotes, apostrophes, dashes and accented
names put about half of real lines outside ASCII (eval-real-dev: 51 %), off the detectors' ASCII
fast paths. `typographic` (0-1) is the share of titles and sentences typeset that way."""

from __future__ import annotations

import gzip
import json
import random
import re
from dataclasses import dataclass
from pathlib import Path

import xxhash

_SYLLABLE_TEXT = ("ka ro mi te sa lu ve no pa ri do ne ta bo li gu fe ma zo ki ar en il or us an "
                  "el at om ex st pr tr bl gr pl cr dr")
_SYLLABLES = _SYLLABLE_TEXT.split()
_FURNITURE = ("Subscribe to The Daily Ledger for FREE", "Advertisement", "Skip to content",
              "Share | Tweet | Email")
_LABELS = ("Read More", "Related", "Share this", "Leave a comment", "Follow us on Twitter",
           "Read more: {headline}", "More news: {headline}")
_SIGNOFFS = ("Reuters", "(Reporting by {name}; Editing by {name2})", "AP")
_PER_FOLDER = 1000
_ACCENTED = str.maketrans("aeiou", "áéíóú")


@dataclass(frozen=True)
class SynthArticle:
    title: str
    text: str  # the page below the title line, noise included

    def page(self) -> str:
        return self.title + "\n" + self.text


def _vocabulary(rng: random.Random, size: int = 6000) -> list[str]:
    words = set()
    while len(words) < size:
        words.add("".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(1, 4))))
    return sorted(words)


class Generator:
    """Makes articles one at a time; `articles(n)` yields them in a stable order."""

    def __init__(self, seed: int = 0, dup_rate: float = 0.02, near_rate: float = 0.01,
                 typographic: float = 0.0):
        self.rng = random.Random(seed)
        self.typographic = typographic
        self.vocab = _vocabulary(self.rng)
        self.dup_rate, self.near_rate = dup_rate, near_rate
        self.titles: list[str] = []
        self.recent: list[SynthArticle] = []

    def _words(self, n: int) -> list[str]:
        return self.rng.choices(self.vocab, k=n)

    def _sentence(self) -> str:
        w = self._typeset(self._words(self.rng.randint(8, 22)))
        return " ".join([w[0].capitalize(), *w[1:]]) + self.rng.choice(".....?!")

    def _title(self) -> str:
        return " ".join(w.capitalize() for w in self._typeset(self._words(self.rng.randint(5, 10))))

    def _typeset(self, words: list[str]) -> list[str]:
        """With probability `typographic`, one word of `words` quoted (“…” or ‘…’), given an
        apostrophe (’s), accented or followed by a dash (—). No draw at all when 0, so the
        ASCII corpus of a seed stays what it was."""
        if not self.typographic or self.rng.random() >= self.typographic:
            return words
        i = self.rng.randrange(len(words))
        word, kind = words[i], self.rng.randrange(5)
        words[i] = (f"“{word}”", f"‘{word}’", f"{word}’s", word.translate(_ACCENTED),
                    f"{word} —")[kind]
        return words

    def _fresh(self) -> SynthArticle:
        rng = self.rng
        title = self._title()
        top = []
        if rng.random() < 0.1:
            top.append(rng.choice(_FURNITURE))
        top += [title] * rng.choice((0, 0, 1, 2))
        paras, size = [], 0
        while size < 1800:
            para = " ".join(self._sentence() for _ in range(rng.randint(1, 3)))
            paras.append(para)
            size += len(para)
        tail = []
        if rng.random() < 0.2:
            tail.append(rng.choice(_SIGNOFFS).format(name=self._title()[:12], name2="Ann Lee"))
        if self.titles and rng.random() < 0.3:
            tail += rng.sample(self.titles[-500:], k=min(len(self.titles), rng.randint(1, 2)))
        if rng.random() < 0.2:
            tail.append(rng.choice(_LABELS).format(headline=rng.choice(self.titles or [title])))
        sep = "\n" if rng.random() < 0.3 else "\n\n"
        self.titles.append(title)
        return SynthArticle(title, sep.join(top + paras + tail))

    def _near(self, base: SynthArticle) -> SynthArticle:
        words = base.text.split(" ")
        i = self.rng.randrange(len(words))
        words[i] = self.rng.choice(self.vocab)
        return SynthArticle(base.title, " ".join(words))

    def article(self) -> SynthArticle:
        r = self.rng.random()
        if self.recent and r < self.dup_rate:
            return self.rng.choice(self.recent)
        if self.recent and r < self.dup_rate + self.near_rate:
            return self._near(self.rng.choice(self.recent))
        art = self._fresh()
        self.recent = (self.recent + [art])[-200:]
        return art

    def articles(self, n: int):
        for _ in range(n):
            yield self.article()


def write_txt(folder: Path, n: int, seed: int = 0, typographic: float = 0.0) -> int:
    """`n` articles as `.txt` files under `folder` (1,000 per subfolder); returns the bytes."""
    pages = (art.page() for art in Generator(seed, typographic=typographic).articles(n))
    return _write_pages(Path(folder), pages)


def _write_pages(folder: Path, pages) -> int:
    """`pages` as `.txt` files under `folder` (1,000 per subfolder); returns the bytes."""
    total = 0
    for i, page in enumerate(pages):
        sub = folder / f"{i // _PER_FOLDER:05d}"
        if i % _PER_FOLDER == 0:
            sub.mkdir(parents=True, exist_ok=True)
        data = page.encode("utf-8")
        (sub / f"{i:08d}.txt").write_bytes(data)
        total += len(data)
    return total


_ASCII_WORD = re.compile(r"[A-Za-z]{2,}")
REMIX_VARIANTS = 20  # pseudo-words a real word may become in `remixed` pages


def remixed(sources: list[str], n: int, seed: int = 0):
    """`n` pages made from real ones (`sources`, raw article texts, taken in turn): the same
    lines, layout, punctuation and non-ASCII characters, the noise where it was, but every ASCII
    word of two letters or more replaced by a pseudo-word of the same length and case: one of
    REMIX_VARIANTS for each word, drawn for each page. So two pages of one source share a word
    one time in REMIX_VARIANTS (neither copies nor near-copies, nor the same title), while the
    corpus keeps a vocabulary of a real one's size (the sources' words times REMIX_VARIANTS).
    Real news is about 2.5 times longer than `Generator`'s pages and half its lines are not
    ASCII."""
    rng = random.Random(seed)
    for i in range(n):
        pick = random.Random(rng.getrandbits(64)).randrange
        cache: dict[str, str] = {}  # one page's words: its title repeats stay repeats

        def word(m: re.Match, pick=pick, cache=cache) -> str:
            w = m.group()
            key = w.lower()
            out = cache.get(key)
            if out is None:
                out = cache[key] = _pseudo_word(key, pick(REMIX_VARIANTS))
            if w.isupper():
                return out.upper()
            return out.capitalize() if w[0].isupper() else out

        yield _ASCII_WORD.sub(word, sources[i % len(sources)])


def _pseudo_word(word: str, variant: int) -> str:
    """Lower-case letters as many as `word` has, drawn from a hash of it and `variant` (stable
    across runs, unlike `hash`)."""
    out, h = [], 0
    for j in range(len(word)):
        if j % 12 == 0:
            h = xxhash.xxh64_intdigest(f"{j}:{word}".encode(), seed=variant)
        h, letter = divmod(h, 26)
        out.append(chr(97 + letter))
    return "".join(out)


def write_remixed_txt(folder: Path, n: int, sources: list[str], seed: int = 0) -> int:
    """`remixed` pages as `.txt` files under `folder` (1,000 per subfolder); returns the bytes."""
    return _write_pages(Path(folder), remixed(sources, n, seed))


def write_jsonl(path: Path, n: int, seed: int = 0, id_prefix: str = "a",
                typographic: float = 0.0) -> int:
    """`n` articles as one JSON Lines file (`.jsonl`, `.jsonl.gz` or `.jsonl.zst`); returns bytes
    of uncompressed JSON."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    total = 0
    with _open_out(path) as fh:
        for i, art in enumerate(Generator(seed, typographic=typographic).articles(n)):
            line = json.dumps({"id": f"{id_prefix}{i:09d}", "title": art.title, "text": art.text},
                              ensure_ascii=False).encode("utf-8") + b"\n"
            fh.write(line)
            total += len(line)
    return total


def _open_out(path: Path):
    name = path.name.lower()
    if name.endswith(".gz"):
        return gzip.open(path, "wb", compresslevel=1)
    if name.endswith(".zst"):
        import zstandard

        return zstandard.ZstdCompressor(level=3).stream_writer(open(path, "wb"))  # noqa: SIM115
    return open(path, "wb")  # noqa: SIM115
