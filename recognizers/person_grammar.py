"""Person evidence read in a few words around a lone name that spaCy calls a place, or nothing.

Real drafts name people by a single given name that spaCy's small model tags GPE, ORG or not at
all ("Shirin heard knocking", "told Marivonne"). Without the parser, these cues read bounded
windows at the name's edges: a verb only people do, the person spoken to, a form's name field,
a body part, a caption's position word. Each is evidence for ``person_vetoes`` to weigh, never a
role: the role recognizers still decide who is at risk or public.
"""

from __future__ import annotations

import re
from functools import lru_cache

from recognizers.lexicon import alternation, phrases
from recognizers.person_vetoes import ADDRESSEE, CAPTION_POSITION, FORM_FIELD, HUMAN_SUBJECT

BODY_AFTER_RE = re.compile(
    r"(?:’s|'s)\s+(?:(?:own|left|right|tired|swollen|lifeless)\s+)?(?:eyes|hands|hair|tears|"
    r"cheeks|wrists|shoulders|forehead|legs|fingers|lips|body|corpse|funeral|grave)\b"
)
"""'Amal's eyes', 'Yusuf's hands': only a person has a body (not 'arms' or 'face': 'Russia's
arms', 'the face of the city')."""
CAPTION_POSITION_RE = re.compile(
    r"(?:\s*,\s*|\s*\(\s*)(?:(?:second|third|far|top|bottom|front|back|standing|seated)\s+)?"
    r"(?:from\s+)?(?:left|right|center|centre|middle|front|back|rear)\s*(?:[,)]|and\b)"
)
"""'X, center, with Y', 'X (left) and Y': a photo caption places people. It outweighs spaCy's
place label, which real captions' lone given names often get ("Shirin" GPE): a map caption
naming bare towns by position is the rarer case, and failing closed replaces it."""
FORM_FIELD_RE = re.compile(
    r"(?:^|\n)[ \t*_>#-]{0,6}(?:(?:Full|Real|Given) )?[Nn]ame[*_]{0,2}\s?:[ \t*_]{0,4}$"
)
"""'Name: X' opening a line: a form or fact box names a person in its name field."""
INFINITIVE_AFTER_RE = re.compile(r"\s+to\b")
"""'asked Beijing to ...': a country asked to act is a government, not a person spoken to."""


@lru_cache(maxsize=1)
def _human_subject_regex() -> re.Pattern[str]:
    """A verb only people do, right after the name, an adverb allowed: 'X heard knocking' (no
    '^': matched at the name's end with ``match(text, end)``)."""
    verbs = alternation(phrases("person_mentions/person_subject_verbs.txt"))
    return re.compile(
        r"\s+(?:(?:then|later|also|once|still|quietly|finally)\s+)?" + verbs + r"\b", re.I
    )


@lru_cache(maxsize=1)
def _addressee_regex() -> re.Pattern[str]:
    """A verb of saying right before the name, which is the person spoken to: 'told X'."""
    verbs = alternation(phrases("person_mentions/addressee_verbs.txt"))
    return re.compile(r"(?<![\w-])" + verbs + r"\s+$", re.IGNORECASE)


def _addressed(text: str, end: int, left: str, label: str | None) -> bool:
    """The name is the person spoken to ('told X', 'said to X'): not an outlet spaCy calls an
    organisation or a people, nor a place asked to do something."""
    if not _addressee_regex().search(left[-25:]) or label in ("ORG", "NORP"):
        return False
    return label is None or not INFINITIVE_AFTER_RE.match(text, end)


def local_evidence(
    text: str, start: int, end: int, left: str, label: str | None, plural: bool
) -> list[str]:
    """The evidence of this module for the name at ``start:end`` (``left``: the text before it
    in its sentence; ``label``: spaCy's place or group label; ``plural``: tagged NNPS, as
    "Kurds" in "Kurds wept", a people rather than a person)."""
    found: list[str] = []
    if not plural and (_human_subject_regex().match(text, end) or BODY_AFTER_RE.match(text, end)):
        found.append(HUMAN_SUBJECT)
    if CAPTION_POSITION_RE.match(text, end):
        found.append(CAPTION_POSITION)
    if _addressed(text, end, left, label):
        found.append(ADDRESSEE)
    line_start = text.rfind("\n", 0, start) + 1
    if FORM_FIELD_RE.search(text[max(line_start, start - 20) : start]):
        found.append(FORM_FIELD)
    return found
