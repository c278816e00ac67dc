"""AT_RISK_SOURCE: a named resident, activist, witness, medic, detainee or relative.

Strong cues are role nouns next to the name ("his brother, X", "X, a nurse in ..."). A weak cue is
being quoted to the outlet ("X told Syria Direct") with no public role: it classifies a person
only when nothing stronger does (score below ``STRONG``).
"""

from __future__ import annotations

import re
from functools import lru_cache

from recognizers.base import MentionRecognizer
from recognizers.entities import AT_RISK_SOURCE
from recognizers.lexicon import alternation, phrases
from recognizers.person_mentions import Mention

CUE_FILE = "at_risk_cues.txt"
WEAK_CUE_FILE = "quoted_source_cues.txt"
STRONG = 0.6
FAMILY_CLAUSE = r"whose (?:\w+[- ]){0,3}(?:son|daughter|brother|sister|husband|wife|father|mother|cousin|nephew|niece|grandson|granddaughter|children|child|family|relatives?)"


KINSHIP = frozenset(
    """mother father son daughter brother sister wife husband widow widower cousin uncle aunt
    nephew niece grandson granddaughter grandmother grandfather grandchild parent relative""".split()
)
NAMED_POSSESSOR_RE = re.compile(r"\b[A-Z][\w\-]*(?:’s|'s)\s+$")
INSTITUTIONAL = frozenset({"coordinator", "coordinates", "official", "employee", "worker"})
"""Role nouns that mean at-risk staff locally and public staff of a named institution."""
INSTITUTION_RE = re.compile(r"\b[A-Z][\w.\-]*(?:’s|'s)\s|\b(?:UN|U\.N\.|EU|ICRC|WHO|UNICEF)\b")


@lru_cache(maxsize=1)
def _regexes() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    cues = alternation(phrases(CUE_FILE))
    before = re.compile(r"(?<![\w-])(?P<cue>" + cues + r")(?:e?s)?\s*,?\s*$", re.IGNORECASE)
    appositive = re.compile(
        r"^(?:(?:a|an|the|his|her|their|another|one of (?:the|his|her|their)|who is an?|is an?|was an?)\s+)?"
        r"(?:[\w’'\-]+\s+){0,4}?(?P<cue>" + cues + r"|" + FAMILY_CLAUSE + r")(?![\w-])",
        re.IGNORECASE,
    )
    weak = re.compile(
        r"^(?:’s|'s)?\s*(?:,[^,.;]{0,80},\s*)?(?:has |had |also )?(?P<cue>"
        + alternation(phrases(WEAK_CUE_FILE))
        + r")"
    )
    return before, appositive, weak


class AtRiskSourceRecognizer(MentionRecognizer):
    ENTITY = AT_RISK_SOURCE

    def classify(self, mention: Mention, text: str) -> tuple[float, list[str]] | None:
        if mention.credit:
            return None
        before, appositive, weak = _regexes()
        hit = before.search(mention.left[-80:])
        if hit:
            cue = hit.group("cue").lower()
            if cue in KINSHIP and NAMED_POSSESSOR_RE.search(mention.left[: hit.start()]):
                # "Bakri's son Hadi": a relative introduced through a named person is at risk
                # only as much as that person; a public role of his own outranks this.
                return 0.5, [f"relative ('{cue}') of a named person"]
            return 0.85, [f"role cue '{cue}' before the name"]
        if mention.appositive:
            hit = appositive.match(mention.appositive)
            if (
                hit
                and hit.group("cue").lower() in INSTITUTIONAL
                and INSTITUTION_RE.search(mention.appositive[: hit.start("cue")])
            ):
                hit = None  # "the UN's humanitarian coordinator": staff of an institution
            if hit:
                cue = hit.group("cue").lower()
                cue = "relative of someone at risk" if cue.startswith("whose") else cue
                return 0.8, [f"described as '{cue}' after the name"]
        hit = weak.match(mention.right)
        if hit:
            return 0.4, ["quoted to the outlet without a public role"]
        return None
