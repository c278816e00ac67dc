"""PSEUDONYM: a name the draft itself declares protective ("under the pseudonym of X",
"X (not her real name)", "nom de guerre X", "X*" with a footnote saying the name was changed).

A declared pseudonym is safe to publish and must be kept, so this recognizer looks for the
declaration itself rather than for person cues; it finds names spaCy never saw.
"""

from __future__ import annotations

import re

from presidio_analyzer import EntityRecognizer, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts

from recognizers.base import make_result
from recognizers.entities import PSEUDONYM
from recognizers.name_keys import name_parts
from recognizers.person_mentions import TITLE_WORDS

# Every quantifier over word characters is bounded, and a name starts only at a word start: with
# ``[\w’'\-]*`` a long hyphen chain ("Name-al-Name-al-...") made every start × every hyphen ×
# every description word a backtracking attempt (cubic time). No name word is 40 letters long.
MAX_WORD = 40
_CHARS = r"[\w’'\-]{0," + str(MAX_WORD) + "}"
_WORD = r"(?:[A-Z]" + _CHARS + r"|(?:al|el|a|ad|as|ash|at|az|ar|an)-[A-Z]" + _CHARS + r")"
NAME = (
    r"(?<![\w’'\-])(?P<name>"
    + _WORD
    + r"(?:[ \u00a0](?:bin |ibn |de |al |el )?"
    + _WORD
    + r"){0,3})"
)
_PRON = r"(?:his|her|their|the|this person's|the source's)"

DECLARATIONS_BEFORE: tuple[str, ...] = (
    r"under the (?:pseudonym|pen name|nom de guerre|alias|assumed name|name)(?: of)?",
    r"(?:using|uses|used|use|with|given|chose|chosen|adopted|took|takes) (?:the |a )?(?:pseudonym|pen name|nom de guerre|alias|assumed name|false name)(?: of)?",
    r"(?:the |a |his |her |their |whose )?(?:pseudonym|nom de guerre|pen name|assumed name|nickname for this (?:article|report|story))(?: is| was)?",
    r"(?:known|identified|referred to|described|named|called)(?: here| in this (?:article|report|story|piece))? (?:only )?(?:as|by the name)",
    r"asked to be (?:identified|called|named|referred to|known) (?:here )?(?:only )?(?:as|by the name)",
    r"(?:whom|who) (?:we|this (?:article|report|newspaper)) (?:are|is|will be|have been)? ?(?:calling|call|naming|refer to as|referring to as)",
    r"we (?:are|will|have) (?:calling|call|called|naming|name|named) (?:him|her|them)",
    r"(?:goes|go|went) by (?:the name )?",
    r"(?:a|an) (?:alias|pseudonym),?",
)
DECLARATIONS_AFTER: tuple[str, ...] = (
    r"(?:a|an|his|her|their) (?:pseudonym|nom de guerre|pen name|alias|assumed name|false name)",
    r"not " + _PRON + r" (?:real|actual|true|full|given|legal) name",
    r"(?:his |her |their |whose |the )?(?:real )?names? (?:has been |have been |was |were |is )?(?:changed|withheld|altered)",
    r"names? changed",
    r"(?:who|whose) (?:\w+ ){0,3}asked (?:to be|that (?:he|she|they) be) (?:identified|named|called|referred to) only by (?:his|her|their) (?:first|given|nick) ?name",
    r"(?:who|whose) (?:\w+ ){0,3}asked to be (?:identified|named|called|referred to) only as",
    r"(?:who|whose) (?:\w+ ){0,3}(?:asked|requested|wanted) (?:that )?(?:his|her|their) (?:real|full|last) name (?:not )?(?:be )?(?:used|published|withheld)",
    r"(?:who|whose) (?:\w+ ){0,3}(?:did not|didn't) want (?:his|her|their) (?:real|full) name (?:used|published)",
    r"(?:which|who) is (?:a|not (?:his|her|their) real) (?:pseudonym|name)",
    r"is (?:a pseudonym|not (?:his|her|their) real name)",
)
FOOTNOTE_RE = re.compile(
    r"(?m)^(?:[^\S\n]|[>_])*(?:\\?\*|†|‡)\s*(?:[A-Z][\w’'\-]{0,40}\s+)?(?:[Nn]ames?\b[^\n]{0,40}\b(?:changed|withheld|altered|pseudonym)|[Pp]seudonym|[Nn]ot (?:his|her|their) real name)"
)
NAME_STAR_RE = re.compile(NAME + r"(?:’s|'s)?\\?\*(?!\*)")

_BEFORE_RE = re.compile(
    r"(?i:" + "|".join(f"(?:{d})" for d in DECLARATIONS_BEFORE) + r")\s+[“\"']?" + NAME
)
# Between the name and its declaration only a lower-case description may stand ("Kamal, a
# 22-year-old student who asked ..."): another capitalised name would make the declaration its own.
_DESCRIPTION = r"(?:(?:a|an|the|[a-z0-9]" + _CHARS + r")[ ,]+){0,14}?"
_AFTER_RE = re.compile(
    NAME
    + r"(?:’s|'s)?[”\"']?\s*(?:,|\(|\[|—|–|-)\s*(?:(?:aged )?\d{1,3},\s*)?"
    + _DESCRIPTION
    + r"(?i:"
    + "|".join(f"(?:{d})" for d in DECLARATIONS_AFTER)
    + r")"
)
_IS_RE = re.compile(NAME + r"\s+(?i:is (?:a pseudonym|not (?:his|her|their) real name|an alias))")


def _clean_span(text: str, start: int, end: int) -> tuple[int, int] | None:
    """Drop leading titles and a trailing possessive; refuse spans that are no name at all."""
    words = text[start:end].split()
    while words and words[0] in TITLE_WORDS:
        start += len(words[0]) + 1
        words = words[1:]
    if not words or not name_parts(" ".join(words)):
        return None
    return start, end


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
        found: dict[tuple[int, int], str] = {}
        for regex, reason in (
            (_BEFORE_RE, "declared as a pseudonym before the name"),
            (_AFTER_RE, "declared as a pseudonym after the name"),
            (_IS_RE, "declared as a pseudonym after the name"),
        ):
            for match in regex.finditer(text):
                span = _clean_span(text, match.start("name"), match.end("name"))
                if span:
                    found.setdefault(span, reason)
        if FOOTNOTE_RE.search(text):
            for match in NAME_STAR_RE.finditer(text):
                span = _clean_span(text, match.start("name"), match.end("name"))
                if span:
                    found.setdefault(
                        span, "name marked with an asterisk and a footnote saying it was changed"
                    )
        return [
            make_result(PSEUDONYM, s, e, 0.95, self, [reason])
            for (s, e), reason in sorted(found.items())
        ]
