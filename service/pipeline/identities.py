"""Identities: turn recognizer results into people, each with one role, and find every mention.

Stage three of the flow. All mentions of one person (full name, surname later, first name,
possessive, another spelling) become one identity keyed by transliteration-insensitive name keys;
every further occurrence of its name parts is found, including the ones spaCy missed
("As-Sabbagh’s" at the start of a sentence, "KHALED" in a heading).

The role is decided once per identity from the evidence of *all* its mentions. Each piece of
evidence has a kind (the entity type a recognizer proposed), a weight (its score) and reasons.
One precedence decides (``PRECEDENCE``):

1. roster match (``PROTECTED_SOURCE``): the newsroom said so;
2. declared pseudonym (``PSEUDONYM``): the draft itself says the name is not a real one, so an
   at-risk role word next to it ("my neighbour Umm Yasser*") describes the person behind it.
   A declaration for a group (score below ``STRONG_PSEUDONYM``: "the names of the residents
   have been changed") covers a person only if no public evidence says otherwise;
3. at-risk evidence of weight >= ``STRONG_AT_RISK`` (a role noun, a detention verb, a family tie);
4. on-the-record public evidence (a title, a public role, the gazetteer, the allow list);
5. weak at-risk evidence (quoted to the outlet, nothing more);
6. a byline or credit, which classifies only someone who appears nowhere else;
7. unclassified (``PERSON``), replaced by the publish policy.

Public status needs positive evidence; nothing is kept by default. Every identity carries its
reasons and a confidence; a decision taken against conflicting evidence, or on evidence that is
weak, is marked ``review`` so that the editor sees it (API, page and ``check``) instead of it
being decided silently.
"""

from __future__ import annotations

import bisect
import itertools
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from presidio_analyzer import RecognizerResult
from spacy.lang.en.stop_words import STOP_WORDS

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
    MONTHS_AND_DAYS,
    POSSESSIVE_RE,
    STRONG_PLACE_PREPOSITION_RE,
    TITLE_WORDS,
    WORD_RE,
    is_article_word,
    is_role_head,
)
from service.core.findings import Finding
from service.pipeline.cluster_index import ClusterIndex

STRONG_AT_RISK = 0.6
"""At-risk evidence below this score (quoted to the outlet, nothing more) never outranks a public role."""
STRONG_PSEUDONYM = 0.85
"""A pseudonym declaration below this score covers a group ("the names of the residents have been
changed"), not one named person: public evidence outranks it, so a minister stays public."""
REVIEW_BELOW = 0.7
"""An identity decided with less confidence than this is shown to the editor for review."""
CREDIT_REASON = "byline or credit"
MIN_PROPAGATED_PART = 3
"""Name keys shorter than this (``Hiya`` -> ``ha``) propagate only to the same spelling."""
_NAME_GAP_RE = re.compile(r"^[ \t\u00a0\-]*$")
"""Two mentions with only this between them are one name; a line break is a block boundary
(the canonical text has already joined a break inside a name), so a credit line "Photo: X" and
the "X, who lives in ..." that opens the next paragraph stay two mentions."""
_ALIAS_GAP_RE = re.compile(
    r"^[’'s]*,?\s*(?:\(\s*)?(?:(?:also|widely|better|popularly|commonly|locally|often) )?"
    r"(?:known|nicknamed|called) as\s*[“\"‘']?$"
)
"""'X, widely known as Y': Y is another name of X, not another person."""


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
    words: list[str] = field(default_factory=list)

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
    confidence: float = 0.0
    review: bool = False

    @property
    def surfaces(self) -> set[str]:
        """Folded single words this identity is written with (for short-key propagation)."""
        return {w for m in self.mentions for w in m.words}

    _ends: list[int] = field(default_factory=list, repr=False, compare=False)
    _first: int = 0

    def add(self, mention: MentionSpan) -> None:
        """Append a mention, keeping the sorted positions ``distance`` reads."""
        self.mentions.append(mention)
        if len(self._ends) == len(self.mentions) - 1:
            bisect.insort(self._ends, mention.end)
            self._first = (
                mention.start if len(self.mentions) == 1 else min(self._first, mention.start)
            )

    def invalidate(self) -> None:
        """Mentions were replaced or edited in place: ``distance`` re-indexes on next use."""
        self._ends = []

    def distance(self, pos: int) -> tuple[int, int]:
        """(0, characters back to the last mention ending before ``pos``), else (1, ahead)."""
        if len(self._ends) != len(self.mentions):  # changed without add(): re-index
            self._ends = sorted(m.end for m in self.mentions)
            self._first = min(m.start for m in self.mentions)
        i = bisect.bisect_right(self._ends, pos) - 1
        return (0, pos - self._ends[i]) if i >= 0 else (1, self._first - pos)

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
        names = name_parts(text[span.start : span.end])
        span.parts = [token_keys(p) for p in names]
        span.words = names
        span.evidence = [e for e in span.evidence if not _partial_roster_word(text, e, span)]
    return [s for s in spans if s.parts and s.evidence]


def _partial_roster_word(text: str, evidence: Evidence, span: MentionSpan) -> bool:
    """A roster first name or surname inside a longer, different name ("Alexander <Other>")."""
    single_word = len(name_parts(text[evidence.start : evidence.end])) <= 1
    inside = evidence.start > span.start or evidence.end < span.end
    return evidence.entity_type == PROTECTED_SOURCE and single_word and inside


def _nearest(candidates: list[PersonIdentity], pos: int) -> PersonIdentity:
    """The identity mentioned most recently before ``pos`` (journalistic back-reference)."""

    return min(candidates, key=lambda identity: identity.distance(pos))


def _cluster(spans: list[MentionSpan]) -> list[PersonIdentity]:
    """Multi-word mentions first (they define identities), then single words join them."""
    identities: list[PersonIdentity] = []
    by_roster: dict[str, PersonIdentity] = {}
    index = ClusterIndex()

    def place(span: MentionSpan, candidates: Callable[[], list[PersonIdentity]]) -> None:
        roster_ids = {e.roster_id for e in span.evidence if e.roster_id}
        target = next((by_roster[r] for r in roster_ids if r in by_roster), None)
        if target is None:
            matches = candidates()
            target = _nearest(matches, span.start) if matches else None
        if target is None:
            target = PersonIdentity()
            identities.append(target)
            index.created(target)
        target.add(span)
        index.added(target, span)
        for r in roster_ids:
            by_roster.setdefault(r, target)

    for span in (s for s in spans if len(s.parts) > 1):
        keys = frozenset(k for part in span.parts for k in part)
        place(span, lambda keys=keys: index.multiword_matches(keys))
    for span in (s for s in spans if len(s.parts) == 1):
        keys = frozenset(span.parts[0])
        place(span, lambda keys=keys: index.sharing(keys))
    return identities


def _merge_aliases(text: str, identities: list[PersonIdentity]) -> list[PersonIdentity]:
    """Join 'X, widely known as Y' into one identity (one pass over the mentions in order)."""
    owner: dict[int, PersonIdentity] = {}
    ordered: list[MentionSpan] = []
    for identity in identities:
        for m in identity.mentions:
            owner[id(m)] = identity
            ordered.append(m)
    ordered.sort(key=lambda m: m.start)
    for prev, m in itertools.pairwise(ordered):
        a, b = owner[id(prev)], owner[id(m)]
        if a is b or m.start - prev.end > 40 or not _ALIAS_GAP_RE.match(text[prev.end : m.start]):
            continue
        a.mentions.extend(b.mentions)
        for moved in b.mentions:
            owner[id(moved)] = a
        b.mentions = []
        a.invalidate()
        b.invalidate()
    return [i for i in identities if i.mentions]


def _best(
    evidence: list[Evidence], types: tuple[str, ...], min_score: float = 0.0
) -> Evidence | None:
    pool = [e for e in evidence if e.entity_type in types and e.score >= min_score]
    return max(pool, key=lambda e: (e.score, -types.index(e.entity_type))) if pool else None


def _is_credit(evidence: Evidence) -> bool:
    return any(CREDIT_REASON in r for r in evidence.reasons)


def _has_public(evidence: list[Evidence]) -> bool:
    """On-the-record public evidence other than a credit."""
    return any(e.entity_type == PUBLIC_FIGURE and not _is_credit(e) for e in evidence)


AT_RISK_ROLES = (CITIZEN_JOURNALIST, AT_RISK_SOURCE)
PRECEDENCE: tuple[tuple[str, Callable[[list[Evidence]], Evidence | None]], ...] = (
    ("roster match", lambda ev: _best(ev, (PROTECTED_SOURCE,))),
    ("declared pseudonym", lambda ev: _best(ev, (PSEUDONYM,), STRONG_PSEUDONYM)),
    (
        "group pseudonym declaration",
        lambda ev: None if _has_public(ev) else _best(ev, (PSEUDONYM,)),
    ),
    ("at-risk evidence", lambda ev: _best(ev, AT_RISK_ROLES, STRONG_AT_RISK)),
    (
        "public evidence",
        lambda ev: _best([e for e in ev if not _is_credit(e)], (PUBLIC_FIGURE,)),
    ),
    ("weak at-risk evidence", lambda ev: _best(ev, AT_RISK_ROLES)),
    ("byline or credit only", lambda ev: _best(ev, (PUBLIC_FIGURE,))),
    ("no role evidence", lambda ev: _best(ev, (PERSON,))),
)
"""The one role precedence (see the module docstring), strongest first."""


def _decide(everything: list[Evidence]) -> tuple[str, Evidence | None]:
    """The first precedence step that has evidence, and that evidence."""
    for rule, pick in PRECEDENCE:
        decision = pick(everything)
        if decision is not None:
            return rule, decision
    return "no role evidence", None


def _credit_only(identity: PersonIdentity) -> bool:
    """Every mention of the identity is a byline or credit (it appears nowhere else)."""
    return all(any(_is_credit(e) for e in m.evidence) for m in identity.mentions)


def _resolve_role(identity: PersonIdentity) -> None:
    """Apply the role precedence to everything known about one identity."""
    everything = [e for m in identity.mentions for e in m.evidence]
    if not _credit_only(identity):
        # A credit classifies only someone who appears nowhere else: "Photo: Dr. X" does not make
        # a doctor quoted in the story public. The mention is still part of the identity.
        everything = [
            e for e in everything if not (e.entity_type == PUBLIC_FIGURE and _is_credit(e))
        ]
    rule, decision = _decide(everything)
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
        reasons.append("also had cues for " + ", ".join(overruled) + f"; decided by {rule}")
    identity.confidence, identity.review = _confidence(identity.role, decision, everything)
    if identity.review:
        reasons.append(f"low confidence ({identity.confidence:.2f}): an editor should check")
    identity.reasons = reasons


def _confidence(role: str, decision: Evidence, everything: list[Evidence]) -> tuple[float, bool]:
    """How sure the decision is: its weight, less the weight of conflicting evidence.

    A kept person (public) with any at-risk cue, a replaced person with no role at all, and a
    decision on weak evidence are the cases an editor must see.
    """
    if role == PROTECTED_SOURCE:
        return 1.0, False
    conflicting = [
        e.score
        for e in everything
        if e.entity_type not in (role, PERSON)
        and not (role in AT_RISK_ROLES and e.entity_type in AT_RISK_ROLES)
        # A role word next to a declared pseudonym describes the person behind it.
        and not (role == PSEUDONYM and e.entity_type in AT_RISK_ROLES)
        # A group declaration does not speak of a public figure the draft quotes on the record.
        and not (
            role == PUBLIC_FIGURE and e.entity_type == PSEUDONYM and e.score < STRONG_PSEUDONYM
        )
    ]
    confidence = decision.score
    if conflicting:
        confidence -= 0.5 * max(conflicting)
    if role == PERSON:
        confidence = min(confidence, 0.5)
    confidence = round(max(0.0, min(1.0, confidence)), 2)
    return confidence, confidence < REVIEW_BELOW


def _is_place_context(text: str, start: int, end: int) -> bool:
    if POSSESSIVE_RE.search(text[end : end + 2]):
        return False
    return bool(STRONG_PLACE_PREPOSITION_RE.search(text[max(0, start - 30) : start]))


Owners = dict[str, list["PersonIdentity"]]


def _owner_index(identities: list[PersonIdentity]) -> tuple[Owners, Owners]:
    """Name key -> identities having it, and (for short keys) folded word -> identities."""
    owners: Owners = {}
    short_owners: Owners = {}
    for identity in identities:
        for key in identity.keys:
            if len(key) >= MIN_PROPAGATED_PART:
                owners.setdefault(key, []).append(identity)
        for word in identity.surfaces:
            if len(word) >= 2:
                short_owners.setdefault(word, []).append(identity)
    return owners, short_owners


def _propagate(text: str, identities: list[PersonIdentity]) -> None:
    """Find every other occurrence of every identity's name parts (capitalised or in capitals),
    and the known names inside hyphen compounds and family plurals."""
    owners, short_owners = _owner_index(identities)
    taken = sorted((m.start, m.end) for i in identities for m in i.mentions)
    starts = [s for s, _ in taken]
    for match in WORD_RE.finditer(text):
        start, end = match.start(), match.end()
        i = bisect.bisect_right(starts, start) - 1
        if i >= 0 and taken[i][1] > start:
            continue
        if not _propagate_word(text, start, end, owners, short_owners):
            for s, e, keys in _name_pieces(text, match.group(), start, owners):
                _add_propagated(text, owners, s, e, keys)


def _propagate_word(text: str, start: int, end: int, owners: Owners, short: Owners) -> bool:
    """Add the word as a mention of the identity it names; False if it names none as a whole."""
    word = text[start:end]
    if not (word[:1].isupper() or is_article_word(word)):
        return False
    possessive = POSSESSIVE_RE.search(word)
    if possessive and possessive.start() > 0:
        end = start + possessive.start()
    parts = name_parts(text[start:end])
    if len(parts) != 1:
        return False
    keys = token_keys(parts[0])
    candidates = {id(c): c for k in keys for c in owners.get(k, [])}
    if not candidates:
        candidates = {id(c): c for c in short.get(parts[0], [])}
    if not candidates:
        return False
    if not _is_place_context(text, start, end):
        target = _nearest(list(candidates.values()), start)
        target.add(MentionSpan(start, end, [keys], propagated=True, words=list(parts)))
    return True


def _name_pieces(
    text: str, word: str, offset: int, owners: Owners
) -> list[tuple[int, int, frozenset[str]]]:
    """Known name keys inside a word that is no name as a whole: a hyphen compound
    ("pro-Zhukov", "Zhukov-led") or a family plural ("the Zhukovs"). Constant work per word."""
    pieces: list[tuple[int, int, frozenset[str]]] = []
    if "-" in word and not is_article_word(word):
        pos = 0
        for segment in word.split("-"):
            keys = token_keys(segment) if len(segment) >= MIN_PROPAGATED_PART else frozenset()
            if segment[:1].isupper() and any(k in owners for k in keys):
                pieces.append((offset + pos, offset + pos + len(segment), keys))
            pos += len(segment) + 1
    elif word[:1].isupper() and word.endswith("s") and len(word) >= 6 and _after_the(text, offset):
        keys = token_keys(word[:-1])
        if any(k in owners for k in keys):
            pieces.append((offset, offset + len(word), keys))
    return pieces


def _after_the(text: str, offset: int) -> bool:
    """'the Zhukovs': a family plural follows the article (a bounded look back)."""
    before = text[max(0, offset - 5) : offset]
    return before[-4:] in ("the ", "The ") and (len(before) < 5 or not before[0].isalnum())


def _add_propagated(text: str, owners: Owners, start: int, end: int, keys: frozenset[str]) -> None:
    candidates = {id(c): c for k in keys for c in owners.get(k, [])}
    if candidates and not _is_place_context(text, start, end):
        target = _nearest(list(candidates.values()), start)
        target.add(MentionSpan(start, end, [keys], propagated=True, words=[text[start:end]]))


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
            prev.words = prev.words + m.words
            prev.evidence = prev.evidence + m.evidence
            prev.propagated = prev.propagated and m.propagated
        else:
            joined.append(m)
    identity.mentions = joined
    identity.invalidate()


_WORD_BEFORE_RE = re.compile(r"(?<![\w’'\-.])([A-Z][\w’'\-]*)[ \u00a0]$")
REPLACED_ROLES = (PROTECTED_SOURCE, CITIZEN_JOURNALIST, AT_RISK_SOURCE, PERSON)


def _widen_to_whole_name(text: str, identities: list[PersonIdentity]) -> None:
    """A replacement covers the whole contiguous name: 'Khaled Mansour' where only 'Mansour' was
    found becomes one span, so no given name is left beside a placeholder.

    Only for people the policy replaces, only leftwards over capitalised words that are no title,
    role noun, function word or another person's mention. One step per mention: linear.
    """
    starts = sorted(m.start for i in identities for m in i.mentions)
    ends = {m.end for i in identities for m in i.mentions}
    for identity in identities:
        if identity.role not in REPLACED_ROLES:
            continue
        for m in identity.mentions:
            for _ in range(3):
                match = _WORD_BEFORE_RE.search(text, max(0, m.start - 40), m.start)
                if match is None:
                    break
                word = match.group(1)
                taken = match.end(1) in ends or bisect.bisect_left(starts, match.start(1)) != (
                    bisect.bisect_left(starts, match.end(1))
                )
                opening = text[max(0, match.start(1) - 3) : match.start(1)].rstrip(' \u00a0“"‘(')
                if (
                    taken
                    or not opening
                    or opening[-1] in ".!?:\n—–"
                    or word in MONTHS_AND_DAYS
                    or word in TITLE_WORDS
                    or word.lower() in STOP_WORDS
                    or is_role_head(word)
                    or POSSESSIVE_RE.search(word)
                    or not name_parts(word)
                ):
                    break
                m.start = match.start(1)


OTHER_SCRIPT_AFTER_RE = re.compile(
    r"[ \u00a0]?\((?=[^()\n]{0,40}[^\x00-\u024f\s()])[^()\n]{1,40}\)"
)
"""' (文丽华)', ' (محمد علي)': the same name in a script other than Latin, right after it (a
letter of that script anywhere inside: canonical reading turns look-alike letters Latin)."""


def _cover_other_script(text: str, identities: list[PersonIdentity]) -> None:
    """A replacement covers the name written again in another script in brackets after it:
    'Wen Lihua (文丽华)' would otherwise print the person's name beside the placeholder. One match
    at each mention's end: linear."""
    for identity in identities:
        if identity.role not in REPLACED_ROLES:
            continue
        for m in identity.mentions:
            match = OTHER_SCRIPT_AFTER_RE.match(text, m.end)
            if match is not None:
                m.end = match.end()


def resolve(
    text: str, results: list[RecognizerResult]
) -> tuple[list[Finding], list[PersonIdentity]]:
    """Person findings (one per mention, identity-consistent) and the identities behind them."""
    person_results = [r for r in results if r.entity_type in PERSON_TYPES]
    identities = _cluster(_merge_spans(text, person_results))
    # Propagate first: a name found again in the body is no longer "only in a credit".
    _propagate(text, identities)
    identities = _merge_aliases(text, identities)
    for identity in identities:
        _join_adjacent(text, identity)
        _resolve_role(identity)
    _widen_to_whole_name(text, identities)
    _cover_other_script(text, identities)
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
                    confidence=identity.confidence,
                    review=True if identity.review else None,
                )
            )
    findings.sort(key=lambda f: (f.start, f.end))
    return findings, identities
