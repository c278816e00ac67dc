"""The roster pass: which documents name a roster entry, with no language model.

The roster holds keyed digests of transliteration-insensitive name keys, never a name, so there
is nothing to build a pattern automaton from. Instead every *distinct word* of the archive is
reduced once to its token keys (``recognizers.name_keys``, the same functions the
``ProtectedSourceRecognizer`` uses) and their digests, and looked up in the roster's hash index;
the result is cached per worker process. A document is then screened with C-speed set
operations: its distinct words against the set of words that are a roster given name, surname or
single-word name. Only a document that shares such a word is walked token by token, composing
the keys of the n-grams (up to ``MAX_NAME_WORDS`` identifying words, particles such as "al-" or
"bin" skipped) that start at it and looking their digests up as whole names.

What counts as a match follows the recognizer: a whole name in any case (a lower-case
"karim al-sabbagh" in a caption or slug still names him); a registered single-word name or a
surname alone only when capitalized and not a sentence-starting function word; a given name alone
only when the same entry is named elsewhere in the document; a registered ``@handle`` or profile
link. The roster pass may flag more than the engine would (it also reads lower-case names);
``--full`` screening then decides what a policy does with each mention.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import accumulate

import regex

from recognizers.handle_recognizer import iter_handle_mentions
from recognizers.name_keys import HONORIFICS, NAME_PARTICLES, fold, strip_possessive, token_keys
from recognizers.protected_source_recognizer import (
    COMMON_CAPITALIZED_WORDS,
    MAX_NAME_WORDS,
    NAME_KEY_VARIANTS,
    REASON_FULL,
    REASON_GIVEN,
    REASON_HANDLE,
    REASON_SINGLE_ALIAS,
    REASON_SURNAME,
    SCORE_FULL,
    SCORE_GIVEN,
    SCORE_HANDLE,
    SCORE_SURNAME,
    SPACED_PREFIXES,
    merge_adjacent,
)
from service.pipeline.roster import Roster

RECOGNIZER = "roster-pass"
ENTITY_TYPE = "PROTECTED_SOURCE"
MAX_CACHED_WORDS = 500_000
"""Distinct words remembered per worker; the cache starts again past this (memory stays flat)."""

WORD_REGEX = r"[\p{L}\p{M}\p{N}\p{Cf}'’ʼ]+"
"""A word: letters, combining marks, digits, invisible format characters and apostrophes.
Format characters (zero-width joiners, soft hyphens) stay inside the word so that "Ka\u200drim"
is still one word; they are removed before the word's keys are computed."""

_SPLIT_RE = regex.compile(f"({WORD_REGEX})")
_FAST_SPLIT_RE = re.compile(r"([\w'’ʼ]+)")
"""The same words for a text without combining marks or format characters, twice as fast."""
_SLOW_CHARS_RE = regex.compile(r"[\p{M}\p{Cf}]")
_INVISIBLE_RE = regex.compile(r"\p{Cf}+")
_NAME_GAP_RE = regex.compile(r"(?:[^\S\n]|[-‐‑])*\n?(?:[^\S\n]|[-‐‑])*")
"""What may separate two words of one name: spaces and hyphens, at most one line break."""
_HYPHENS_SET = frozenset("-‐‑")
_APOSTROPHES = "'’ʼ"


@dataclass(slots=True)
class _Word:
    """What the roster says about one distinct word (as written in the document)."""

    keys: tuple[str, ...]  # sorted token keys; empty for a particle or honorific
    particle: str  # "" | "spaced" (al, bin, abu: inside a name even after a space) | "hyphen"
    capitalized: bool  # may stand alone as a name (capitalized, not a function word)
    starts: bool  # a roster given name: a whole name may start here
    single: tuple[str, ...] = ()  # entries registered under this one word
    surname: tuple[str, ...] = ()
    given: tuple[str, ...] = ()

    @property
    def interesting(self) -> bool:
        return bool(self.starts or self.single or self.surname)


@dataclass
class Hit:
    """One mention of a roster entry; offsets into the scanned text, no text kept."""

    start: int
    end: int
    entry_ids: tuple[str, ...]
    score: float
    reasons: list[str] = field(default_factory=list)

    @property
    def identity(self) -> str:
        return self.entry_ids[0]


class RosterIndex:
    """A roster ready for the pass: digest lookups plus the per-process word cache."""

    def __init__(self, roster: Roster) -> None:
        if not roster.has_key:
            raise ValueError("the roster pass needs a roster with its key")
        self.roster = roster
        self.has_handles = any(entry["handles"] for entry in roster.entries)
        self._words: dict[str, _Word] = {}
        self._interesting: set[str] = set()
        self._chunks: dict[str, bool] = {}
        self._hot_chunks: set[str] = set()
        self._digests: dict[str, str] = {}

    # -- per word -------------------------------------------------------------------------------
    def _digest(self, key: str) -> str:
        found = self._digests.get(key)
        if found is None:
            if len(self._digests) > MAX_CACHED_WORDS:
                self._digests.clear()
            found = self._digests[key] = self.roster.key_digest(key)
        return found

    def _ids(self, kind: str, digests: Iterable[str]) -> tuple[str, ...]:
        return self.roster.ids_for_digests(kind, digests)

    def _learn(self, raw: str) -> _Word:
        word = _INVISIBLE_RE.sub("", raw)
        folded = fold(strip_possessive(word))
        bare = word.strip(_APOSTROPHES)
        capitalized = bare[:1].isupper() and folded not in COMMON_CAPITALIZED_WORDS
        if folded in NAME_PARTICLES or folded in HONORIFICS:
            particle = "spaced" if folded in SPACED_PREFIXES else "hyphen"
            if folded in HONORIFICS and folded not in NAME_PARTICLES:
                particle = "honorific"
            return _Word((), particle, False, False)
        keys = tuple(sorted(token_keys(word)))
        digests = [self._digest(k) for k in keys]
        info = _Word(
            keys=keys,
            particle="",
            capitalized=capitalized,
            starts=bool(self._ids("given", digests)),
            single=self._ids("full", digests),
            surname=self._ids("surnames", digests),
            given=self._ids("given", digests),
        )
        return info

    def _refresh(self, words: set[str]) -> None:
        new = words.difference(self._words)
        if not new:
            return
        if len(self._words) + len(new) > MAX_CACHED_WORDS:
            self._words.clear()
            self._interesting.clear()
            new = words
        for raw in new:
            info = self._learn(raw)
            self._words[raw] = info
            if info.interesting:
                self._interesting.add(raw)

    def _refresh_chunks(self, chunks: set[str]) -> None:
        """Learn whitespace-separated chunks ("al-Sabbagh,"): hot if one of their words is."""
        new = chunks.difference(self._chunks)
        if not new:
            return
        if len(self._chunks) + len(new) > MAX_CACHED_WORDS:
            self._chunks.clear()
            self._hot_chunks.clear()
            new = chunks
        for chunk in new:
            words = _splitter(chunk).split(chunk)[1::2]
            self._refresh(set(words))
            hot = not self._interesting.isdisjoint(words)
            self._chunks[chunk] = hot
            if hot:
                self._hot_chunks.add(chunk)

    # -- per document ---------------------------------------------------------------------------
    def scan(self, text: str) -> tuple[int, list[Hit]]:
        """(words in ``text``, roster hits).

        Most documents cost one ``str.split`` and two set operations: their whitespace-separated
        chunks are all known, none of them holds a roster word. Only the others are split into
        words and walked.
        """
        chunks = text.split()
        distinct_chunks = set(chunks)
        self._refresh_chunks(distinct_chunks)
        hits: list[Hit] = []
        if not distinct_chunks.isdisjoint(self._hot_chunks):
            pieces = _splitter(text).split(text)  # separator, word, separator, ..., separator
            words = pieces[1::2]
            distinct = set(words)
            self._refresh(distinct)
            present = distinct & self._interesting
            hits = _Walk(self, text, pieces, words).hits(present) if present else []
        if self.has_handles and ("@" in text or "/" in text):
            hits.extend(self._handles(text))
        if not hits:
            return len(chunks), []
        return len(chunks), _confirm_and_merge(text, hits)

    def _handles(self, text: str) -> list[Hit]:
        out = []
        for mention in iter_handle_mentions(text):
            ids = self._ids("handles", [self._digest(mention.account)])
            if ids:
                out.append(Hit(mention.start, mention.end, ids, SCORE_HANDLE, [REASON_HANDLE]))
        return out


class _Walk:
    """The token-level look at one document that shares a word with the roster.

    Only the positions of the shared words are visited; offsets come from the split pieces.
    """

    def __init__(self, index: RosterIndex, text: str, pieces: list[str], words: list[str]):
        self.index = index
        self.text = text
        self.pieces = pieces
        self.words = words
        self.infos = index._words
        self.offsets = [0, *accumulate(map(len, pieces))]  # offsets[k]: start of pieces[k]

    def info(self, i: int) -> _Word:
        return self.infos[self.words[i]]

    def span(self, i: int) -> tuple[int, int]:
        """Offsets of word ``i`` without quotes or a possessive ending ("Karim’s" → "Karim")."""
        start = self.offsets[2 * i + 1]
        raw = self.words[i]
        inner = strip_possessive(raw.rstrip(_APOSTROPHES)) if len(raw) > 2 else raw
        lead = len(inner) - len(inner.lstrip(_APOSTROPHES))
        inner = inner.strip(_APOSTROPHES) or raw
        return start + lead, start + lead + len(inner)

    def gap(self, i: int) -> str:
        """The characters between word ``i`` and word ``i + 1``."""
        return self.pieces[2 * i + 2]

    def positions(self, present: set[str]) -> list[int]:
        found: list[int] = []
        for word in present:
            i = -1
            with contextlib.suppress(ValueError):
                while True:
                    i = self.words.index(word, i + 1)
                    found.append(i)
        return sorted(found)

    def hits(self, present: set[str]) -> list[Hit]:
        out: list[Hit] = []
        free = 0  # words before this index belong to a whole name already found
        for i in self.positions(present):
            if i < free:
                continue
            info = self.info(i)
            full = self.whole_name(i) if info.starts else None
            if full is not None:
                out.append(full[0])
                free = full[1] + 1
                continue
            if not info.capitalized:
                continue
            start, end = self.span(i)
            if info.single:
                start = self.leading_particles(i)
                out.append(Hit(start, end, info.single, SCORE_FULL, [REASON_SINGLE_ALIAS]))
            elif info.surname:
                out.append(Hit(start, end, info.surname, SCORE_SURNAME, [REASON_SURNAME]))
            elif info.given:
                out.append(Hit(start, end, info.given, SCORE_GIVEN, [REASON_GIVEN]))
        return out

    def whole_name(self, i: int) -> tuple[Hit, int] | None:
        """The longest whole roster name of two or more identifying words starting at ``i``."""
        chosen = [i]
        j = i
        while len(chosen) < MAX_NAME_WORDS and j + 1 < len(self.words):
            if not _NAME_GAP_RE.fullmatch(self.gap(j)):
                break
            j += 1
            info = self.info(j)
            if info.particle:
                if info.particle == "spaced" or self.gap(j)[:1] in _HYPHENS_SET:
                    continue
                break
            chosen.append(j)
        for length in range(len(chosen), 1, -1):
            keys = _compose([self.info(k).keys for k in chosen[:length]])
            ids = self.index._ids("full", [self.index._digest(k) for k in keys])
            if ids:
                last = chosen[length - 1]
                start = self.leading_particles(i)
                return Hit(start, self.span(last)[1], ids, SCORE_FULL, [REASON_FULL]), last
        return None

    def leading_particles(self, i: int) -> int:
        """Start of a name with the particles written before it ("Abu Layth", "al-Halabi")."""
        start = self.span(i)[0]
        k = i - 1
        while k >= 0 and self.info(k).particle in ("spaced", "hyphen"):
            gap = self.gap(k)
            if not _NAME_GAP_RE.fullmatch(gap):
                break
            if self.info(k).particle == "hyphen" and gap not in _HYPHENS_SET:
                break
            start = self.offsets[2 * k + 1]
            k -= 1
        return start


def _splitter(text: str) -> re.Pattern[str] | regex.Pattern[str]:
    """The word splitter for ``text`` (captured words alternate with the separators)."""
    if text.isascii() or not _SLOW_CHARS_RE.search(text):
        return _FAST_SPLIT_RE
    return _SPLIT_RE


def _compose(part_keys: list[tuple[str, ...]]) -> frozenset[str]:
    """``name_keys`` of an n-gram from its words' sorted keys (same order and cap)."""
    variants: list[str] = [""]
    for keys in part_keys:
        variants = [f"{v} {k}".strip() for v in variants for k in keys][:NAME_KEY_VARIANTS]
    return frozenset(v for v in variants if v)


def _confirm_and_merge(text: str, hits: list[Hit]) -> list[Hit]:
    """Drop given names whose entry is not named otherwise; join adjacent parts of one entry."""
    named = {i for h in hits if REASON_GIVEN not in h.reasons for i in h.entry_ids}
    kept: list[Hit] = []
    for hit in hits:
        if REASON_GIVEN in hit.reasons:
            confirmed = tuple(sorted(set(hit.entry_ids) & named))
            if not confirmed:
                continue
            hit.entry_ids = confirmed
        kept.append(hit)
    return merge_adjacent(text, kept, _joined)


def _joined(text: str, start: int, end: int) -> bool:
    gap = text[start:end]
    return bool(gap) and all(ch in " \t-‐‑" for ch in gap)
