"""Role nouns as person evidence: the cue words that tell a capitalised run is a person at all.

``person_mentions`` asks these before any role recognizer classifies the mention: a role noun
before the name ("citizen journalist X", "his brother, X"), opening an appositive ("X, a nurse"),
or standing as a capitalised title ("Resident X", "Residents X and Y", "Council head X"). The
cue files are those of the role recognizers, so a new cue is person evidence at once.
"""

from __future__ import annotations

import re
from functools import lru_cache

from recognizers.lexicon import alternation, phrases

POSSESSIVE_RE = re.compile(r"(?:’|')s?$")
PERSON_NOUNS = phrases("person_mentions/person_nouns.txt")
"""Nouns for people that are no role cue ("photographer", "poet"): evidence of a person only."""
PERSON_NOUN_WORDS = frozenset(p for p in PERSON_NOUNS if " " not in p and "-" not in p)


@lru_cache(maxsize=1)
def person_cue_regex() -> re.Pattern[str]:
    """Union of every role cue: used only to decide that a run is a person at all."""
    items = (
        phrases("citizen_journalist_cues.txt")
        + phrases("at_risk_cues.txt")
        + PERSON_NOUNS
        + (
            "(?:a|an|the) (?:\\w+ ){0,3}(?:spokes(?:man|woman|person)|official|leader|head|director|member|founder|editor|chief|officer)",
        )
    )
    return re.compile(r"(?<![\w-])" + alternation(items, plural=True) + r"(?![\w-])", re.IGNORECASE)


@lru_cache(maxsize=1)
def role_before_regex() -> re.Pattern[str]:
    """A role cue directly before the name: 'citizen journalist X', 'his brother, X', 'the
    photographer (X)'."""
    return re.compile(person_cue_regex().pattern + r"\s*[,(]?\s*$", re.IGNORECASE)


@lru_cache(maxsize=1)
def role_start_regex() -> re.Pattern[str]:
    """A singular role noun opening an appositive: 'X, director of ...', 'X, a nurse ...', 'X, a
    former U.S. soldier' (an abbreviation with stops among the modifiers)."""
    items = (
        phrases("citizen_journalist_cues.txt")
        + phrases("at_risk_cues.txt")
        + PERSON_NOUNS
        + (
            "head",
            "director",
            "chief",
            "spokes(?:man|woman|person)",
            "leader",
            "member",
            "founder",
            "editor",
            "officer",
            "official",
        )
    )
    return re.compile(
        r"^(?:(?:a|an|the|his|her|their|another|one of (?:the|his|her|their))\s+)?(?:(?:[\w’'\-]+|(?:[A-Z]\.){2,3})\s+){0,4}?"
        + alternation(items)
        + r"(?![\w-])",
        re.IGNORECASE,
    )


PUBLIC_ROLE_HEADS = frozenset(phrases("person_mentions/public_role_heads.txt"))
"""Nouns that end a job title before a name ("Health Minister", "Council head", "Researcher")."""


KINSHIP_WORDS = frozenset(phrases("person_mentions/kinship_words.txt"))


@lru_cache(maxsize=1)
def at_risk_role_heads() -> frozenset[str]:
    """Single-word role nouns of the cue files ("Resident", "Fixer", "Witness") used as titles.

    Not the person nouns: "Carpenter", "Porter" and "Bishop" are surnames as often as titles."""
    words: set[str] = set()
    for filename in ("at_risk_cues.txt", "citizen_journalist_cues.txt"):
        for phrase in phrases(filename):
            if re.fullmatch(r"[a-z]+", phrase):
                words.add(phrase)
    # Kinship words open names ("Son Heung-min") more often than they title them.
    return frozenset(words - KINSHIP_WORDS)


def role_head_lemma(word: str) -> str:
    """The lower-case singular of an at-risk role noun ("Residents" -> "resident"), else the
    lower-case word: a plural title covers every name it heads ("Residents X and Y said")."""
    lower = POSSESSIVE_RE.sub("", word).lower()
    for suffix in ("es", "s"):
        if lower.endswith(suffix) and lower[: -len(suffix)] in at_risk_role_heads():
            return lower[: -len(suffix)]
    return lower


def is_role_head(word: str) -> bool:
    """A capitalised role noun standing as a title before a name."""
    bare = POSSESSIVE_RE.sub("", word)
    if not bare[:1].isupper() or bare != word:
        return False
    lower = bare.lower()
    return (
        lower in PUBLIC_ROLE_HEADS
        or public_plural(lower)
        or role_head_lemma(bare) in at_risk_role_heads()
    )


def public_plural(lower: str) -> bool:
    """'ministers', 'senators': a plural public title heads a list of names ('Senators X and Y')."""
    return any(
        lower.endswith(suffix) and lower[: -len(suffix)] in PUBLIC_ROLE_HEADS
        for suffix in ("es", "s")
    )
