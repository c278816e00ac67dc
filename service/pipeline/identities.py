"""Identities: turn recognizer results into people, each with one role, and find every mention.

Stage three of the flow. All mentions of one person (full name, surname later, first name,
possessive, another spelling) become one identity keyed by transliteration-insensitive name keys;
the identity's role follows the precedence roster > at-risk cues > pseudonym > public figure >
unclassified; and every further occurrence of its name parts is found, including the ones spaCy
missed ("As-Sabbagh’s" at the start of a sentence, "KHALED" in a heading).
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from presidio_analyzer import RecognizerResult

from recognizers.entities import (
    AT_RISK_SOURCE,
    CITIZEN_JOURNALIST,
    PERSON,
    PERSON_TYPES,
    PROTECTED_SOURCE,
    PSEUDONYM,
    PUBLIC_FIGURE,
    REASONS_KEY,
    ROSTER_ID_KEY,
)
from recognizers.name_keys import name_parts, token_keys
from recognizers.person_mentions import (
    POSSESSIVE_RE,
    STRONG_PLACE_PREPOSITION_RE,
    WORD_RE,
    is_article_word,
)
from service.core.findings import Finding

STRONG_AT_RISK = 0.6
"""At-risk evidence below this score (quoted to the outlet, nothing more) never outranks a public role."""
MIN_PROPAGATED_PART = 3
_NAME_GAP_RE = re.compile(r"^[\s\u00a0\-]*$")


@dataclass
class Evidence:
    entity_type: str
    score: float
    recognizer: str
    reasons: list[str]
    roster_id: str | None = None
    start: int = 0
    end: int = 0


@dataclass
class MentionSpan:
    start: int
    end: int
    parts: list[frozenset[str]]
    evidence: list[Evidence] = field(default_factory=list)
    propagated: bool = False

    def has(self, entity_type: str, min_score: float = 0.0) -> bool:
        return any(e.entity_type == entity_type and e.score >= min_score for e in self.evidence)


@dataclass
class PersonIdentity:
    mentions: list[MentionSpan] = field(default_factory=list)
    id: str = ""
    role: str = PERSON
    score: float = 0.0
    recognizer: str = ""
    reasons: list[str] = field(default_factory=list)

    @property
    def keys(self) -> set[str]:
        return {k for m in self.mentions for part in m.parts for k in part}

    @property
    def multiword_keys(self) -> list[set[str]]:
        return [{k for part in m.parts for k in part} for m in self.mentions if len(m.parts) > 1]


def _evidence(result: RecognizerResult) -> Evidence:
    meta = result.recognition_metadata or {}
    return Evidence(
        entity_type=result.entity_type,
        score=float(result.score),
        recognizer=str(meta.get(RecognizerResult.RECOGNIZER_NAME_KEY, "unknown")),
        reasons=list(meta.get(REASONS_KEY, [])),
        roster_id=meta.get(ROSTER_ID_KEY),
        start=result.start,
        end=result.end,
    )


def _merge_spans(text: str, results: Iterable[RecognizerResult]) -> list[MentionSpan]:
    """One span per run of overlapping person results; the longest extent wins."""
    ordered = sorted(results, key=lambda r: (r.start, -r.end))
    spans: list[MentionSpan] = []
    for result in ordered:
        if spans and result.start < spans[-1].end:
            span = spans[-1]
            span.end = max(span.end, result.end)
        else:
            span = MentionSpan(result.start, result.end, [])
            spans.append(span)
        span.evidence.append(_evidence(result))
    for span in spans:
        span.parts = [token_keys(p) for p in name_parts(text[span.start : span.end])]
        span.evidence = [e for e in span.evidence if not _partial_roster_word(text, e, span)]
    return [s for s in spans if s.parts and s.evidence]


def _partial_roster_word(text: str, evidence: Evidence, span: MentionSpan) -> bool:
    """A roster first name or surname inside a longer, different name ("Alexander <Other>")."""
    single_word = len(name_parts(text[evidence.start : evidence.end])) <= 1
    inside = evidence.start > span.start or evidence.end < span.end
    return evidence.entity_type == PROTECTED_SOURCE and single_word and inside


def _same_person(a: set[str], b: set[str]) -> bool:
    return a <= b or b <= a


def _nearest(candidates: list[PersonIdentity], pos: int) -> PersonIdentity:
    """The identity mentioned most recently before ``pos`` (journalistic back-reference)."""

    def distance(identity: PersonIdentity) -> tuple[int, int]:
        before = [m.end for m in identity.mentions if m.end <= pos]
        if before:
            return (0, pos - max(before))
        return (1, min(m.start for m in identity.mentions) - pos)

    return min(candidates, key=distance)


def _cluster(spans: list[MentionSpan]) -> list[PersonIdentity]:
    """Multi-word mentions first (they define identities), then single words join them."""
    identities: list[PersonIdentity] = []
    by_roster: dict[str, PersonIdentity] = {}

    def place(span: MentionSpan, same: Callable[[PersonIdentity], bool]) -> None:
        roster_ids = {e.roster_id for e in span.evidence if e.roster_id}
        target = next((by_roster[r] for r in roster_ids if r in by_roster), None)
        if target is None:
            matches = [i for i in identities if same(i)]
            target = _nearest(matches, span.start) if matches else None
        if target is None:
            target = PersonIdentity()
            identities.append(target)
        target.mentions.append(span)
        for r in roster_ids:
            by_roster.setdefault(r, target)

    for span in (s for s in spans if len(s.parts) > 1):
        keys = {k for part in span.parts for k in part}
        place(span, lambda i, keys=keys: any(_same_person(keys, mk) for mk in i.multiword_keys))
    for span in (s for s in spans if len(s.parts) == 1):
        keys = span.parts[0]
        place(span, lambda i, keys=keys: bool(keys & i.keys))
    return identities


def _best(
    evidence: list[Evidence], types: tuple[str, ...], min_score: float = 0.0
) -> Evidence | None:
    pool = [e for e in evidence if e.entity_type in types and e.score >= min_score]
    return max(pool, key=lambda e: (e.score, -types.index(e.entity_type))) if pool else None


def _resolve_role(identity: PersonIdentity) -> None:
    """Apply the role precedence to everything known about one identity."""
    everything = [e for m in identity.mentions for e in m.evidence]
    declared = [m for m in identity.mentions if m.has(PSEUDONYM)]
    # Role cues inside a pseudonym's own declaration describe the pseudonymous person; they do not
    # make the declared name a real one. Cues on other mentions still outrank the pseudonym.
    undeclared = [e for m in identity.mentions if not m.has(PSEUDONYM) for e in m.evidence]
    at_risk_types = (CITIZEN_JOURNALIST, AT_RISK_SOURCE)
    decision = (
        _best(everything, (PROTECTED_SOURCE,))
        or _best(undeclared if declared else everything, at_risk_types, STRONG_AT_RISK)
        or _best(everything, (PSEUDONYM,))
        or _best(everything, (PUBLIC_FIGURE,))
        or _best(everything, at_risk_types)
        or _best(everything, (PERSON,))
    )
    if decision is None:  # only possible with an unknown entity type
        decision = Evidence(PERSON, 0.5, "PersonRecognizer", [])
    identity.role = decision.entity_type
    identity.score = decision.score
    identity.recognizer = decision.recognizer
    reasons = list(decision.reasons)
    for e in everything:
        if e.entity_type == identity.role:
            reasons.extend(r for r in e.reasons if r not in reasons)
    overruled = sorted({e.entity_type for e in everything} - {identity.role, PERSON})
    if overruled:
        reasons.append("also had cues for " + ", ".join(overruled) + "; role precedence decided")
    identity.reasons = reasons


def _is_place_context(text: str, start: int, end: int) -> bool:
    if POSSESSIVE_RE.search(text[end : end + 2]):
        return False
    return bool(STRONG_PLACE_PREPOSITION_RE.search(text[max(0, start - 30) : start]))


def _propagate(text: str, identities: list[PersonIdentity]) -> None:
    """Find every other occurrence of every identity's name parts (capitalised or in capitals)."""
    owners: dict[str, list[PersonIdentity]] = {}
    for identity in identities:
        for key in identity.keys:
            if len(key) >= MIN_PROPAGATED_PART:
                owners.setdefault(key, []).append(identity)
    taken = sorted((m.start, m.end) for i in identities for m in i.mentions)
    starts = [s for s, _ in taken]
    for match in WORD_RE.finditer(text):
        word = match.group()
        if not (word[:1].isupper() or is_article_word(word)):
            continue
        start, end = match.start(), match.end()
        possessive = POSSESSIVE_RE.search(word)
        if possessive and possessive.start() > 0:
            end = start + possessive.start()
        i = bisect.bisect_right(starts, start) - 1
        if i >= 0 and taken[i][1] > start:
            continue
        parts = name_parts(text[start:end])
        if len(parts) != 1:
            continue
        keys = token_keys(parts[0])
        candidates = {id(c): c for k in keys for c in owners.get(k, [])}
        if not candidates or _is_place_context(text, start, end):
            continue
        target = _nearest(list(candidates.values()), start)
        target.mentions.append(MentionSpan(start, end, [keys], propagated=True))


def _join_adjacent(text: str, identity: PersonIdentity) -> None:
    """'Hnin' 'Ei' 'Phyu' found one by one become one mention again."""
    mentions = sorted(identity.mentions, key=lambda m: m.start)
    joined: list[MentionSpan] = []
    for m in mentions:
        if (
            joined
            and _NAME_GAP_RE.match(text[joined[-1].end : m.start])
            and m.start >= joined[-1].end
        ):
            prev = joined[-1]
            prev.end = max(prev.end, m.end)
            prev.parts = prev.parts + m.parts
            prev.evidence = prev.evidence + m.evidence
            prev.propagated = prev.propagated and m.propagated
        else:
            joined.append(m)
    identity.mentions = joined


def resolve(
    text: str, results: list[RecognizerResult]
) -> tuple[list[Finding], list[PersonIdentity]]:
    """Person findings (one per mention, identity-consistent) and the identities behind them."""
    person_results = [r for r in results if r.entity_type in PERSON_TYPES]
    identities = _cluster(_merge_spans(text, person_results))
    for identity in identities:
        _resolve_role(identity)
    _propagate(text, identities)
    for identity in identities:
        _join_adjacent(text, identity)
    identities.sort(key=lambda i: min(m.start for m in i.mentions))
    findings: list[Finding] = []
    for n, identity in enumerate(identities, start=1):
        identity.id = f"P{n}"
        for m in identity.mentions:
            reasons = list(identity.reasons)
            if m.propagated:
                reasons.insert(0, f"another mention of {identity.id}")
            findings.append(
                Finding(
                    start=m.start,
                    end=m.end,
                    entity_type=identity.role,
                    score=round(identity.score, 2),
                    recognizer=identity.recognizer,
                    reasons=reasons,
                    identity=identity.id,
                )
            )
    findings.sort(key=lambda f: (f.start, f.end))
    return findings, identities
