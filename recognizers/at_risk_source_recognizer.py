"""AT_RISK_SOURCE: a named resident, activist, witness, medic, detainee or relative.

Strong cues are role nouns next to the name ("his brother, X", "X, a nurse in ..."). A weak cue is
being quoted to the outlet ("X told Syria Direct") with no public role: it classifies a person
only when nothing stronger does (score below ``STRONG``).
"""

from __future__ import annotations

import re
from functools import lru_cache

from recognizers.base import MentionRecognizer, describes
from recognizers.entities import AT_RISK_SOURCE
from recognizers.lexicon import alternation, cue_regex, phrases
from recognizers.person_mentions import Mention
from recognizers.public_role_grammar import is_institution_noun, local_modifiers

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
POSSESSOR_RE = re.compile(r"\b(?:(\w+)\s+)?(\w+)(?:’s|'s)\s")


def _is_institutional(cue: str) -> bool:
    cue = cue.lower()
    return cue in INSTITUTIONAL or cue.rstrip("s") in INSTITUTIONAL


def _of_institution(phrase: str) -> bool:
    """'the UN's', 'Amnesty's', 'the watchdog's' (not 'the local council's'): the role noun
    after it is a post of that institution."""
    if INSTITUTION_RE.search(phrase):
        return True
    for match in POSSESSOR_RE.finditer(phrase):
        before, owner = (match.group(1) or "").lower(), match.group(2)
        if is_institution_noun(owner) and before not in local_modifiers():
            return True
    return False


@lru_cache(maxsize=1)
def _clause_regex() -> re.Pattern[str]:
    """'a commander of a rebel unit who was detained': a relative clause of the appositive that
    says the person is detained, in hiding, fled or defected, however long the role before it."""
    return re.compile(
        r"\bwho(?: \w+){0,3}? (?P<cue>" + alternation(phrases(CUE_FILE)) + r")(?![\w-])",
        re.IGNORECASE,
    )


def _modifies_institution(appositive: str, cue_end: int) -> bool:
    """'the head of the UN refugee agency': the cue word is a modifier of an institution noun."""
    nxt = re.match(r"[’']?\s+([A-Za-z]+)", appositive[cue_end:])
    return bool(nxt) and is_institution_noun(nxt.group(1))


def _head_cue(appositive: str, hit: re.Match[str] | None) -> re.Match[str] | None:
    """The first cue of the appositive that is not a modifier of an institution noun: 'a student
    union activist' is an activist; 'the head of the UN refugee agency' has no at-risk cue."""
    while hit is not None and _modifies_institution(appositive, hit.end("cue")):
        hit = cue_regex(CUE_FILE).search(appositive, hit.end("cue"), hit.end("cue") + 60)
    return hit


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


_DETENTION = (
    r"(?:detained|arrested|abducted|kidnapped|disappeared|tortured|summoned|sentenced|jailed|"
    r"imprisoned|held|taken into custody|interrogated|seized)"
)
DETAINED_SUBJECT_RE = re.compile(
    r"^(?:’s|'s)?\s*(?:,[^,;.]{1,140},\s*|\s*\([^()]{1,140}\)\s*)?(?:who\s+)?"
    r"(?:(?:has|have|had)\s+)?(?:was|were|been|is|are|remains|remained)\s+(?:\w+\s+)?"
    + _DETENTION
    + r"\b"
)
"""'X, a UN human rights officer, was detained in June': the subject of a detention, whatever
role the appositive gives (staff of an institution are held as anyone else is)."""
DETAINED_OBJECT_RE = re.compile(
    r"\b(?:(?:detained|arrested|abducted|kidnapped|jailed|imprisoned|sentenced|tortured|"
    r"interrogated|summoned|seized|freed|released|executed|murdered|killed)|(?:the )?(?:arrest|"
    r"detention|abduction|kidnapping|disappearance|release|imprisonment|trial|execution|killing|"
    r"murder) of)\s+(?:(?:Dr|Mr|Mrs|Ms|Prof)\.?\s+)?$"
)
"""'Houthi forces detained X', 'the release of X', 'the militia executed Dr X': the person a
detention or killing was done to, an honorific between (an honorific makes nobody public, so
the job title in the appositive does not outrank it). Not 'assassinated': public figures are."""


def _detained(mention: Mention) -> list[str] | None:
    if DETAINED_SUBJECT_RE.match(mention.right):
        return ["subject of a detention ('was detained', 'has been held')"]
    if DETAINED_OBJECT_RE.search(mention.left[-60:]):
        return ["object of a detention ('detained X', 'the release of X')"]
    return None


class AtRiskSourceRecognizer(MentionRecognizer):
    ENTITY = AT_RISK_SOURCE

    def classify(self, mention: Mention, text: str) -> tuple[float, list[str]] | None:
        if mention.credit:
            return None
        before, appositive, weak = _regexes()
        hit = before.search(mention.left[-80:])
        if (
            hit
            and _is_institutional(hit.group("cue"))
            and _of_institution(hit.string[: hit.start()])
        ):
            hit = None  # "the watchdog's program coordinator, X"
        if hit:
            cue = hit.group("cue").lower()
            if cue in KINSHIP and NAMED_POSSESSOR_RE.search(mention.left[: hit.start()]):
                # "Bakri's son Hadi": a relative introduced through a named person is at risk
                # only as much as that person; a public role of his own outranks this.
                return 0.5, [f"relative ('{cue}') of a named person"]
            return 0.85, [f"role cue '{cue}' before the name"]
        if describes(mention):
            hit = _head_cue(mention.appositive, appositive.match(mention.appositive))
            hit = hit or _clause_regex().search(mention.appositive)
            if (
                hit
                and _is_institutional(hit.group("cue"))
                and _of_institution(mention.appositive[: hit.start("cue")])
            ):
                hit = None  # "the UN's humanitarian coordinator": staff of an institution
            if hit:
                cue = hit.group("cue").lower()
                cue = "relative of someone at risk" if cue.startswith("whose") else cue
                return 0.8, [f"described as '{cue}' after the name"]
        detained = _detained(mention)
        if detained:
            return 0.75, detained
        hit = weak.match(mention.right)
        if hit:
            return 0.4, ["quoted to the outlet without a public role"]
        return None
