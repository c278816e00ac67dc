"""Names the sentence puts beside a person: "X and his brother Y", "X, Y and Z", "X (Y)",
"X, known as “Y”".

A run with no evidence of its own is a person when it is named together with one, in two linear
passes over neighbouring runs (never a pairwise scan). The partner must be *attested* (person
grammar of the draft, not spaCy's tag alone: spaCy tags lists of villages PERSON), or both must
be full names; the run itself must be a proper noun that spaCy does not read as a place or
group, and it still goes through every veto (``person_vetoes``).
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from recognizers.person_vetoes import NER_EVIDENCE

if TYPE_CHECKING:
    from recognizers.person_mentions import Mention

Judge = Callable[["Candidate"], bool]
"""Whether a candidate, with the evidence it has now, passes the vetoes."""
SpanFacts = Callable[[int, int], tuple[str | None, str | None]]
"""(part of speech of the first token, spaCy's place or group label) of a span."""

COORDINATED = "named together with a person ('X and Y', 'X (Y)', 'X, known as “Y”')"
COORDINATION_RE = re.compile(
    r"^(?:’s|'s)?\s*(?:,\s*\d{1,3}\s*)?,?\s*(?:and|or|&)\s+"
    r"(?:(?:his|her|their)\s+(?:[a-z][\w’'\-]*\s+){0,2})?$"
)
"""'X and Y', 'X, 34, and his brother Y': the gap between two people named together."""
LIST_COMMA_RE = re.compile(r"^\s*,\s*$")
ALIAS_AFTER_RE = re.compile(
    r"^(?:’s|'s)?\s*(?:,|—|–|\()?\s*(?:(?:also|widely|better|popularly|commonly|locally|often)\s+)?"
    r"(?:(?:known|referred to|spelled|written) as\s*[“\"‘']?|(?:nicknamed|dubbed|called)\s*[“\"‘'])$"
)
"""'X, known as “Y”', 'X — nicknamed “Y”': Y is another name of the person X."""
SCRIPT_BEFORE_RE = re.compile(r"^\s*\(\s*$")
"""'X (Y)' with Y a person: the name in another script or spelling, after the one in use."""


@dataclass
class Candidate:
    """One capitalised run on its way to being a mention (or not)."""

    run: list[tuple[int, int]]
    mention: Mention | None
    person: bool = False
    coordinated: bool = False

    @property
    def attested(self) -> bool:
        """A person on evidence of the draft's own grammar, not on spaCy's tag alone: spaCy
        tags lists of villages as people, and coordination must not spread that."""
        return (
            self.person
            and self.mention is not None
            and any(e != NER_EVIDENCE for e in self.mention.evidence)
        )

    def vouches_for(self, other: Candidate) -> bool:
        """This person makes a bare neighbour coordinated with it a person: when attested, or
        when spaCy's tag is on a full name beside another full name ("X Y and Z W")."""
        if self.attested:
            return True
        full = self.mention is not None and self.mention.is_multiword
        return self.person and full and other.mention is not None and other.mention.is_multiword

    @property
    def bare(self) -> bool:
        """A name-shaped run with no evidence of its own yet."""
        return self.mention is not None and not self.person and not self.mention.evidence


def _coordinate(
    candidate: Candidate, partner: Candidate, judge: Judge, facts: SpanFacts, alias: bool = False
) -> None:
    """A bare proper noun named together with a person is one too ("Ghiath and his brother
    Wissam were taken"), unless spaCy reads it as a place or group, or a veto fires. spaCy's ORG
    on a full name beside an attested full name is its usual slip ("police detained X Y and
    Z W"), and so is it on a name the draft gives as the person's alias."""
    mention = candidate.mention
    if mention is None or partner.mention is None:
        return
    pos, label = facts(mention.start, mention.end)
    if pos != "PROPN":
        return
    full_names = mention.is_multiword and partner.attested and partner.mention.is_multiword
    if label is not None and not (label == "ORG" and (full_names or alias)):
        return
    mention.evidence.append(COORDINATED)
    candidate.person = candidate.coordinated = judge(candidate)
    if not candidate.person:
        mention.evidence.remove(COORDINATED)


def link_named_together(
    candidates: list[Candidate], text: str, judge: Judge, facts: SpanFacts
) -> None:
    """Two linear passes over neighbouring runs: '[X], [Y] and PERSON' or '[X] (PERSON)', then
    'PERSON and [X]' or 'PERSON, known as “[X]”'."""
    for a, b in zip(reversed(candidates[:-1]), reversed(candidates[1:]), strict=True):
        if a.bare and b.vouches_for(a) and a.mention and b.mention:
            gap = text[a.mention.end : b.mention.start]
            listed = b.coordinated and LIST_COMMA_RE.match(gap)
            if COORDINATION_RE.match(gap) or listed or SCRIPT_BEFORE_RE.match(gap):
                _coordinate(a, b, judge, facts)
    for a, b in itertools.pairwise(candidates):
        gap = text[a.mention.end : b.mention.start] if a.mention and b.mention else ""
        alias = bool(ALIAS_AFTER_RE.match(gap))
        if b.bare and a.vouches_for(b) and (alias or COORDINATION_RE.match(gap)):
            _coordinate(b, a, judge, facts, alias)
