"""PSEUDONYM: a name the draft itself declares protective.

A declared pseudonym is safe to publish and must be kept, so this recognizer looks for the
declaration itself rather than for person cues; it finds names spaCy never saw. A declaration is
a concealment predicate (``predicates``) with a scope (``scope``), or a naming clause before the
name (``naming``), or a footnote mark. A first name printed on its own at the source's request is
a partial name the outlet chose to print, so it is kept and reported as a pseudonym too.

Scores say how sure the attachment is: a declaration attached to the name by the grammar is
``ATTACHED_SCORE``; one reached through a pronoun ``PRONOUN_SCORE``; a group declaration
("we have changed the names of everyone in this story") covers every candidate person and is
``GROUP_SCORE`` (``WEAK_GROUP_SCORE``, shown for review, when it may not cover everyone: "some
names have been changed"). ``service/pipeline/identities.py`` lets public evidence outrank a group
declaration, so a minister near "the names of the residents have been changed" stays public.
"""

from __future__ import annotations

import bisect
import re

from presidio_analyzer import EntityRecognizer, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts

from recognizers.base import make_result
from recognizers.entities import PSEUDONYM
from recognizers.person_mentions import Mention, find_mentions
from recognizers.pseudonym import vocabulary as v
from recognizers.pseudonym.naming import names_after, starred_names
from recognizers.pseudonym.predicates import Predicate, find_predicates
from recognizers.pseudonym.scope import (
    Scope,
    attach,
    coordinated_before,
    introduced_names,
    nearest_person_before,
    predicate_pronoun,
    sentence_left,
)

ATTACHED_SCORE = 0.95
PRONOUN_SCORE = 0.85
GROUP_SCORE = 0.8
WEAK_GROUP_SCORE = 0.65
GROUP_REASON = "the draft declares that the names of the people it quotes were changed"
_WHOLE_TEXT_WORDS = ("this story", "this article", "this report", "this piece", "throughout")


class PseudonymRecognizer(EntityRecognizer):
    def __init__(self) -> None:
        super().__init__(
            supported_entities=[PSEUDONYM], name="PseudonymRecognizer", supported_language="en"
        )

    def load(self) -> None:
        pass

    def analyze(
        self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None
    ) -> list[RecognizerResult]:
        found: dict[tuple[int, int], tuple[float, str]] = {}
        for span, reason in names_after(text).items():
            found.setdefault(span, (ATTACHED_SCORE, reason))
        mentions = _mentions(nlp_artifacts)  # in document order
        ends = [m.end for m in mentions]
        groups: list[tuple[Predicate, Scope]] = []
        organisations = _organisation_starts(nlp_artifacts)
        for predicate in find_predicates(text):
            scope = _organisation_subject(text, attach(text, predicate), predicate, organisations)
            if scope.span is not None:
                found.setdefault(scope.span, (ATTACHED_SCORE, scope.reason))
                if predicate.plural or predicate.possessive == "their":
                    for span in coordinated_before(text, scope.span[0]):
                        found.setdefault(span, (ATTACHED_SCORE, scope.reason))
            elif scope.pronoun:
                self._through_pronoun(text, predicate, scope, (mentions, ends), found)
            if scope.group:
                groups.append((predicate, scope))
        for span, reason in starred_names(text, declared_elsewhere=bool(groups)).items():
            found.setdefault(span, (ATTACHED_SCORE, reason))
        if groups:
            mentions = _with_introduced(text, mentions, nlp_artifacts)
        _cover_groups(text, groups, mentions, found)
        return [
            make_result(PSEUDONYM, s, e, score, self, [reason])
            for (s, e), (score, reason) in sorted(found.items())
        ]

    @staticmethod
    def _through_pronoun(
        text: str,
        predicate: Predicate,
        scope: Scope,
        indexed: tuple[list[Mention], list[int]],
        found: dict[tuple[int, int], tuple[float, str]],
    ) -> None:
        """The nearest person before the predicate's sentence takes a pronoun's declaration."""
        mentions, ends = indexed
        sentence_start, _ = sentence_left(text, predicate.start)
        pronoun = predicate_pronoun(text, sentence_start, predicate)
        index = nearest_person_before(text, sentence_start, ends, pronoun)
        if index is None:
            return
        m = mentions[index]
        if m.title or m.credit or (predicate.kind == "partial" and len(m.parts) > 1):
            return  # "only her first name" speaks of a one-word name
        found.setdefault((m.start, m.end), (PRONOUN_SCORE, scope.reason))


def _mentions(nlp_artifacts: NlpArtifacts | None) -> list[Mention]:
    if nlp_artifacts is None or nlp_artifacts.tokens is None:
        return []
    return find_mentions(nlp_artifacts.tokens)


_ORGANISATION_LABELS = ("ORG", "ORGANIZATION")
MAX_SUBJECT_GAP = 40
_NOT_VERB_RE = re.compile(
    r"(?i:(?:not|never|no longer)\s+(?:fully\s+|yet\s+)?" + v.PUBLISH_VERBS + r")(?![\w-])"
)
"""A negated publishing verb before the name noun: the subject acts on the name ("not using"),
unlike a wish about it ("did not want her real name used")."""


def _organisation_starts(nlp_artifacts: NlpArtifacts | None) -> frozenset[int]:
    """Where spaCy's organisations start (a place name may be a person's: "Jordan")."""
    entities = nlp_artifacts.entities if nlp_artifacts is not None else None
    return frozenset(e.start_char for e in entities or () if e.label_ in _ORGANISATION_LABELS)


def _organisation_subject(
    text: str, scope: Scope, predicate: Predicate, organisations: frozenset[int]
) -> Scope:
    """ "NPR is not using her real name": an organisation subject hides the name of the person
    "her" stands for, who is found through the pronoun, not the organisation itself. Only a
    subject right before a verb it does to the name: spaCy also tags some people's names as
    organisations, and "X said, giving only his first name" stays X's."""
    if scope.span is None or scope.span[0] not in organisations:
        return scope
    gap = text[scope.span[1] : predicate.start]
    acts = predicate.active or (
        predicate.kind == "publish" and bool(_NOT_VERB_RE.match(text, predicate.start))
    )
    if not acts or len(gap) > MAX_SUBJECT_GAP or "," in gap or "(" in gap:
        return scope  # "X asked that her name be withheld" is the subject's own request
    if predicate.possessive in ("his", "her", "their"):
        return Scope(pronoun=True, reason="the draft says it printed only this name")
    return Scope()


def _with_introduced(
    text: str, mentions: list[Mention], nlp_artifacts: NlpArtifacts | None
) -> list[Mention]:
    """The mentions plus the names a sentence introduces as a person that spaCy saw as none
    ("X, a teacher in her 30s, said"), in document order, for a group declaration to cover."""
    proper_starts = {
        t.idx
        for t in (nlp_artifacts.tokens if nlp_artifacts is not None else None) or ()
        if t.pos_ == "PROPN"
    }
    starts = [m.start for m in mentions]
    extra = [
        Mention(start=s, end=e, text=text[s:e], parts=text[s:e].split())
        for s, e in introduced_names(text, proper_starts.__contains__)
        if not _overlaps(mentions, starts, s, e)
    ]
    return sorted(mentions + extra, key=lambda m: m.start) if extra else mentions


def _overlaps(mentions: list[Mention], starts: list[int], start: int, end: int) -> bool:
    """Whether a span overlaps a mention (its neighbours in document order; no scan)."""
    i = bisect.bisect_left(starts, end)
    return i > 0 and mentions[i - 1].end > start


def _cover_groups(
    text: str,
    groups: list[tuple[Predicate, Scope]],
    mentions: list[Mention],
    found: dict[tuple[int, int], tuple[float, str]],
) -> None:
    """Every candidate person a group declaration covers: those after it, or the whole text when
    it speaks of the whole story or stands in the last paragraph (an editor's note).

    One pass over the mentions for all declarations together (sorted by where they start to
    apply), so a draft that repeats the declaration costs no more than one that states it once.
    """
    if not groups:
        return
    last_break = text.rstrip().rfind("\n")
    reach: list[tuple[int, float]] = []
    for predicate, scope in groups:
        sentence = text[max(0, predicate.start - 120) : predicate.end + 80].lower()
        whole = predicate.start > last_break or any(w in sentence for w in _WHOLE_TEXT_WORDS)
        reach.append(
            (0 if whole else predicate.start, WEAK_GROUP_SCORE if scope.weak else GROUP_SCORE)
        )
    reach.sort()
    best, j = 0.0, 0
    for m in mentions:  # document order
        while j < len(reach) and reach[j][0] <= m.start:
            best = max(best, reach[j][1])
            j += 1
        if best and not m.title and not m.credit:
            found.setdefault((m.start, m.end), (best, GROUP_REASON))
