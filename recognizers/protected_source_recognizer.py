"""PROTECTED_SOURCE: names and handles on the newsroom's protected-source roster.

A roster entry is the strongest signal sourceguard has: the newsroom itself said this person must
never be named. The roster holds only keyed digests of transliteration-insensitive name keys, so
this recognizer finds every capitalized, name-shaped run of words in the draft (by regular
expression, not spaCy, so it also works where the model misses an unfamiliar name), computes the
same keys for each contiguous sub-run and looks their digests up:

* a whole-name match ("Kareem as-Sabagh" for a registered "Karim al-Sabbagh") scores 1.0;
* a single word matching a registered surname scores 0.9 (reporters shorten names);
* a single word matching a registered given name scores 0.85, but only when the same entry is
  also named in this draft: "Karim" alone is too common to flag on its own;
* an ``@handle`` or profile link whose account is registered is a match too.

Digests are cached per call, so a 50,000-word draft costs one HMAC per distinct key.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Protocol, TypeVar

import regex
from presidio_analyzer import AnalysisExplanation, EntityRecognizer, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts

from recognizers.entities import PROTECTED_SOURCE, REASONS_KEY, ROSTER_ID_KEY
from recognizers.handle_recognizer import iter_handle_mentions
from recognizers.name_keys import NAME_PARTICLES, fold, name_parts, token_keys

MAX_NAME_WORDS = 5
"""Longest sub-run (in name words) compared with the roster."""

SPACED_PREFIXES: frozenset[str] = frozenset(
    "al el abu abou abo umm um om bin ibn bint ben ould van von de di da del della dos das du "
    "le la mac ter der den".split()
)
"""Particles that belong to the following name even when separated by a space ("Abu Layth",
"bin Rashed"). Other article forms (a-, as-, ad-, ...) only count when hyphenated, because "As",
"At" and "A" also start English sentences."""

INNER_ARTICLES: tuple[str, ...] = (
    "al el il ul ad ed as es ash esh at et ath az ar er an en a e".split()
)
"""Lower-case article forms glued to a name with a hyphen: al-, el-, a-, ad-, as-, ash-, ..."""

COMMON_CAPITALIZED_WORDS: frozenset[str] = frozenset(
    "the this that these those he she it they we you i a an and but or nor if in on at as by "
    "for from of to with when where while what who whom whose why how after before during since "
    "until our their his her its my your there here then now so yet also not no yes one some "
    "many most all each every both".split()
)
"""Function words that start sentences; never a one-word surname or given-name match."""

REASON_FULL = "matches protected-source roster entry (full name)"
REASON_SINGLE_ALIAS = "matches protected-source roster entry (registered single-word name or alias)"
REASON_SURNAME = "roster surname"
REASON_GIVEN = "roster given name, entry also named in this draft"
REASON_HANDLE = "roster handle"

SCORE_FULL = 1.0
SCORE_SURNAME = 0.9
SCORE_GIVEN = 0.85
SCORE_HANDLE = 1.0

_L = r"[\p{L}\p{M}]"
_APOS = "'’ʼ"
_CAP = rf"\p{{Lu}}{_L}*(?:[{_APOS}](?!s(?!{_L})){_L}+)*"
_HYPHEN = r"[-‐‑]"
_ARTICLE = "(?:" + "|".join(sorted(INNER_ARTICLES, key=len, reverse=True)) + ")"
_WORD = rf"(?:{_ARTICLE}{_HYPHEN})?{_CAP}(?:{_HYPHEN}(?:{_ARTICLE}{_HYPHEN})?{_CAP})*"
_GAP = r"(?:[^\S\n]+|[^\S\n]*\n[^\S\n]*)"
_CONNECTOR = "(?:" + "|".join(sorted(SPACED_PREFIXES, key=len, reverse=True)) + ")"
NAME_RUN_REGEX = (
    rf"(?<![\w@{_APOS}\-])(?:{_CONNECTOR}{_GAP})*{_WORD}(?:{_GAP}(?:{_CONNECTOR}{_GAP})*{_WORD})*"
)
"""A run of capitalized name-like words with the particles that may sit inside names."""

_RUN_RE = regex.compile(NAME_RUN_REGEX)
_ANY_CASE_RUN_RE = regex.compile(NAME_RUN_REGEX.replace(r"\p{Lu}", r"\p{L}"))
"""The roster matches case-insensitively: "karim al-sabbagh" in an SMS quote is still the name.
Every run of words is a candidate; only a word whose key starts a roster name is looked at."""
_PIECE_RE = regex.compile(r"[^\s\-‐‑]+")
_POSSESSIVE_TAIL_RE = regex.compile(rf"[{_APOS}]s?$")
_UNICODE_HYPHENS_RE = regex.compile(r"[‐‑]")
NAME_KEY_VARIANTS = 16  # the cap ``name_keys`` applies; test_protected_source_recognizer checks


@dataclass
class _Unit:
    """One identifying word of a run, with the particles attached before it."""

    start: int
    end: int
    parts: list[str]


@dataclass
class _Hit:
    start: int
    end: int
    score: float
    entry_ids: tuple[str, ...]
    reasons: list[str] = field(default_factory=list)


def _units(text: str, run_start: int, run_end: int) -> list[_Unit]:
    units: list[_Unit] = []
    pending: int | None = None  # start of particles waiting for their word
    for piece in _PIECE_RE.finditer(text, run_start, run_end):
        word = fold(piece.group())
        hyphen_after = piece.end() < run_end and text[piece.end()] in "-‐‑"
        if word in NAME_PARTICLES and (hyphen_after or word in SPACED_PREFIXES):
            if pending is None:
                pending = piece.start()
            continue
        start = pending if pending is not None else piece.start()
        pending = None
        end = piece.end()
        trimmed = _POSSESSIVE_TAIL_RE.sub("", text[start:end])
        end = start + len(trimmed)
        units.append(_Unit(start, end, name_parts(_UNICODE_HYPHENS_RE.sub("-", text[start:end]))))
    return units


def _in_address(text: str, start: int, end: int) -> bool:
    """A lower-case word glued to a URL, path, handle or identifier."""
    before = text[start - 1] if start > 0 else " "
    after = text[end] if end < len(text) else " "
    return (
        before in "/.:_@#" or after in "_/@" or (after == "." and text[end + 1 : end + 2].isalnum())
    )


def _compose_keys(part_keys: list[list[str]]) -> frozenset[str]:
    """``name_keys`` of a sub-run from its parts' sorted token keys (same order and cap)."""
    variants: list[str] = [""]
    for keys in part_keys:
        variants = [f"{v} {k}".strip() for v in variants for k in keys][:NAME_KEY_VARIANTS]
    return frozenset(v for v in variants if v)


class RosterLookup(Protocol):
    """What the recognizer needs of a roster: keyed digests and the entries that hold them.

    The service's ``Roster`` (``service/pipeline/roster.py``) implements it; the recognizer never
    sees a name, only keys it digests under the roster's own key.
    """

    def __len__(self) -> int: ...

    def key_digest(self, key_str: str) -> str: ...

    def ids_for_digests(self, kind: str, digests: Iterable[str]) -> tuple[str, ...]: ...


class ProtectedSourceRecognizer(EntityRecognizer):
    """PROTECTED_SOURCE from a hashed roster; needs no NLP artifacts."""

    def __init__(
        self, roster: RosterLookup, supported_language: str = "en", name: str | None = None
    ) -> None:
        self.roster = roster
        super().__init__(
            supported_entities=[PROTECTED_SOURCE],
            name=name or "ProtectedSourceRecognizer",
            supported_language=supported_language,
        )

    def load(self) -> None:
        pass

    def analyze(
        self,
        text: str,
        entities: list[str] | None = None,
        nlp_artifacts: NlpArtifacts | None = None,
    ) -> list[RecognizerResult]:
        if entities and PROTECTED_SOURCE not in entities:
            return []
        roster = self.roster
        if roster is None or len(roster) == 0 or not text:
            return []

        return [self._result(hit) for hit in _RosterMatch(roster, text).hits()]

    def _result(self, hit: _Hit) -> RecognizerResult:
        explanation = AnalysisExplanation(
            recognizer=self.name,
            original_score=hit.score,
            textual_explanation="; ".join(hit.reasons),
        )
        return RecognizerResult(
            entity_type=PROTECTED_SOURCE,
            start=hit.start,
            end=hit.end,
            score=hit.score,
            analysis_explanation=explanation,
            recognition_metadata={
                RecognizerResult.RECOGNIZER_NAME_KEY: self.name,
                RecognizerResult.RECOGNIZER_IDENTIFIER_KEY: self.id,
                ROSTER_ID_KEY: hit.entry_ids[0],
                REASONS_KEY: list(hit.reasons),
            },
        )


class _RosterMatch:
    """One text against one roster: full names first, then lone surnames, handles, given names.

    Digests and token keys are cached per call, so each distinct word is hashed once. A given
    name alone counts only when its entry is also named otherwise in the same text.
    """

    def __init__(self, roster: RosterLookup, text: str) -> None:
        self.roster = roster
        self.text = text
        self.digests: dict[str, str] = {}
        self.keys: dict[str, list[str]] = {}
        self.found: list[_Hit] = []
        self.given_candidates: list[tuple[_Unit, tuple[str, ...]]] = []
        self.named: set[str] = set()

    def hits(self) -> list[_Hit]:
        for run in _ANY_CASE_RUN_RE.finditer(self.text):
            self._scan_run(_units(self.text, run.start(), run.end()))
        for mention in iter_handle_mentions(self.text):
            ids = self.lookup("handles", frozenset({mention.account}))
            if ids:
                self._hit(mention.start, mention.end, SCORE_HANDLE, ids, REASON_HANDLE)
        for unit, ids in self.given_candidates:
            confirmed = tuple(sorted(set(ids) & self.named))
            if confirmed:
                self.found.append(
                    _Hit(unit.start, unit.end, SCORE_GIVEN, confirmed, [REASON_GIVEN])
                )
        return merge_adjacent(self.text, self.found)

    def lookup(self, kind: str, keys: Iterable[str]) -> tuple[str, ...]:
        digests = []
        for k in keys:
            d = self.digests.get(k)
            if d is None:
                d = self.digests[k] = self.roster.key_digest(k)
            digests.append(d)
        return self.roster.ids_for_digests(kind, digests)

    def part_keys(self, part: str) -> list[str]:
        found = self.keys.get(part)
        if found is None:
            found = self.keys[part] = sorted(token_keys(part))
        return found

    def _hit(self, start: int, end: int, score: float, ids: tuple[str, ...], reason: str) -> None:
        self.found.append(_Hit(start, end, score, ids, [reason]))
        self.named.update(ids)

    def _scan_run(self, units: list[_Unit]) -> None:
        i = 0
        while i < len(units):
            unit = units[i]
            if not unit.parts:
                i += 1
                continue
            first = frozenset(self.part_keys(unit.parts[0]))
            if not self.lookup("given", first) and not self.lookup("surnames", first):
                i += 1  # every roster name starts with a registered given name or alias
                continue
            lower = not any(c.isupper() for c in self.text[unit.start : unit.end])
            if lower and _in_address(self.text, unit.start, unit.end):
                i += 1  # "t.me/tariq_frontline": part of an address, not prose
                continue
            best = self._longest_full_name(units, i)
            if best is not None:
                j, ids = best
                single = sum(len(u.parts) for u in units[i : j + 1]) == 1
                reason = REASON_SINGLE_ALIAS if single else REASON_FULL
                self._hit(unit.start, units[j].end, SCORE_FULL, ids, reason)
                i = j + 1
                continue
            i += 1
            self._single_word(unit, lower)

    def _longest_full_name(self, units: list[_Unit], i: int) -> tuple[int, tuple[str, ...]] | None:
        """The last unit of the longest roster name starting at ``units[i]`` (at most
        ``MAX_NAME_WORDS`` units: bounded work per position), with its entry ids."""
        window = units[i : i + MAX_NAME_WORDS]
        window_keys = [[self.part_keys(p) for p in u.parts] for u in window]
        for j in range(i + len(window) - 1, i - 1, -1):
            if not units[j].parts:
                continue
            ids = self.lookup(
                "full", _compose_keys([k for u in window_keys[: j - i + 1] for k in u])
            )
            if ids:
                return j, ids
        return None

    def _single_word(self, unit: _Unit, lower: bool) -> None:
        """A lone surname is a mention; a lone given name (or a lower-case word) waits for its
        entry to be named elsewhere in the text."""
        if len(unit.parts) != 1 or fold(self.text[unit.start : unit.end]) in (
            COMMON_CAPITALIZED_WORDS
        ):
            return
        word_keys = frozenset(self.part_keys(unit.parts[0]))
        ids = self.lookup("surnames", word_keys)
        if ids and lower:  # a lower-case word alone ("baker") counts only with the name
            self.given_candidates.append((unit, ids))
        elif ids:
            self._hit(unit.start, unit.end, SCORE_SURNAME, ids, REASON_SURNAME)
        else:
            ids = self.lookup("given", word_keys)
            if ids:
                self.given_candidates.append((unit, ids))


_JOIN_RE = regex.compile(r"[\s\-‐‑]+")


class MergeableHit(Protocol):
    """A roster hit that can absorb its neighbour (the recognizer's and the archive pass's)."""

    start: int
    end: int
    score: float
    entry_ids: tuple[str, ...]
    reasons: list[str]


HitT = TypeVar("HitT", bound=MergeableHit)


def joined_by_space_or_hyphen(text: str, start: int, end: int) -> bool:
    gap = text[start:end]
    return not gap or _JOIN_RE.fullmatch(gap) is not None


def merge_adjacent(
    text: str,
    hits: Iterable[HitT],
    joined: Callable[[str, int, int], bool] = joined_by_space_or_hyphen,
) -> list[HitT]:
    """ "Karim" (given) + "al-Sabbagh" (surname) of one entry side by side become one span.

    One pass over the hits in text order, so linear after the sort; ``joined`` says which gaps
    still make one name (the archive pass does not join across line breaks).
    """
    merged: list[HitT] = []
    for hit in sorted(hits, key=lambda h: (h.start, -h.end)):
        if merged:
            last = merged[-1]
            shared = set(last.entry_ids) & set(hit.entry_ids)
            if shared and hit.start >= last.end and joined(text, last.end, hit.start):
                last.end = hit.end
                last.score = max(last.score, hit.score)
                last.entry_ids = tuple(sorted(shared))
                last.reasons.extend(r for r in hit.reasons if r not in last.reasons)
                continue
        merged.append(hit)
    return merged
