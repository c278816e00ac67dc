"""How a gold mention is found in a text (case-insensitive, word-bounded), what counts as leaked,
kept, flagged, and the collateral word count; fingerprints of gold labels for reports.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from functools import lru_cache

from evaluation.gold import PSEUDONYM_ENTITY, SCORED_CLASSES, GoldDoc, GoldPerson
from service.core.findings import Finding

_MASK = "\x00"  # a non-word character: masked text never matches a mention nor joins a word


_EDGE_PUNCT_RE = re.compile(r"^\W+|\W+$")


@lru_cache(maxsize=4096)
def mention_pattern(mention: str) -> re.Pattern[str]:
    """Case-insensitive match of ``mention`` at word boundaries; ``_`` is a word character."""
    return re.compile(r"(?<!\w)" + re.escape(mention) + r"(?!\w)", re.IGNORECASE)


def count_mention(text: str, mention: str) -> int:
    return sum(1 for _ in mention_pattern(mention).finditer(text))


def mention_spans(text: str, mention: str) -> list[tuple[int, int]]:
    return [m.span() for m in mention_pattern(mention).finditer(text)]


def words(text: str) -> list[str]:
    """Whitespace-split words with punctuation stripped from both ends (’s stays attached)."""
    out = []
    for raw in text.split():
        word = _EDGE_PUNCT_RE.sub("", raw)
        if word:
            out.append(word)
    return out


def label_fingerprint(identity: str) -> str:
    """First 8 hex digits of SHA-256 of the identity label: lets reports refer to a person."""
    return hashlib.sha256(identity.encode("utf-8")).hexdigest()[:8]


def _mask(text: str, spans: Iterable[tuple[int, int]]) -> str:
    chars = list(text)
    for start, end in spans:
        chars[start:end] = _MASK * (end - start)
    return "".join(chars)


def leaked_identities(gold: GoldDoc, sanitized_text: str) -> list[GoldPerson]:
    """At-risk persons of ``gold`` with a mention still present in ``sanitized_text``.

    All mentions of at-risk, public and pseudonym persons are visited longest first. Occurrences
    of public/pseudonym mentions are masked as they are found; an at-risk mention is searched in
    the text masked so far. On equal length at-risk mentions go first (fail towards a leak).
    """
    entries: list[tuple[str, GoldPerson]] = [
        (m, p) for p in gold.persons if p.cls in SCORED_CLASSES for m in p.mentions
    ]
    entries.sort(key=lambda e: (-len(e[0]), e[1].cls != "at_risk"))
    masked = sanitized_text
    leaked: dict[int, GoldPerson] = {}
    for mention, person in entries:
        if person.cls == "at_risk":
            if id(person) not in leaked and mention_pattern(mention).search(masked):
                leaked[id(person)] = person
        else:
            spans = mention_spans(masked, mention)
            if spans:
                masked = _mask(masked, spans)
    return [p for p in gold.persons if id(p) in leaked]


def is_kept(person: GoldPerson, original_text: str, sanitized_text: str) -> bool:
    return all(
        count_mention(sanitized_text, m) >= count_mention(original_text, m) for m in person.mentions
    )


def is_flagged(person: GoldPerson, original_text: str, findings: Sequence[Finding]) -> bool:
    spans = [s for m in person.mentions for s in mention_spans(original_text, m)]
    return any(
        f.entity_type == PSEUDONYM_ENTITY and f.start < end and start < f.end
        for f in findings
        for start, end in spans
    )


def collateral_counts(gold: GoldDoc, original_text: str, sanitized_text: str) -> tuple[int, int]:
    """(words lost, words counted) for the collateral metric."""
    at_risk_words = {
        w.lower() for p in gold.persons_of("at_risk") for m in p.mentions for w in words(m)
    }
    remaining = [w for w in words(original_text) if w.lower() not in at_risk_words]
    lost = Counter(remaining) - Counter(words(sanitized_text))
    return sum(lost.values()), len(remaining)
