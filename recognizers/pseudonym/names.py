"""What a printed name looks like to the declaration grammar, and the people nouns that block it.

Every quantifier over word characters is bounded and a name starts only at a word start: with
``[\\w’'\\-]*`` a long hyphen chain ("Name-al-Name-al-...") made every start × every hyphen ×
every description word a backtracking attempt (cubic time). No name word is 40 letters long.
"""

from __future__ import annotations

import re
from functools import cache

from spacy.lang.en.stop_words import STOP_WORDS

from recognizers.anonymous_source.vocabulary import FAMILY_NOUNS, JOB_NOUNS, PERSON_NOUNS
from recognizers.lexicon import phrases
from recognizers.name_keys import name_parts
from recognizers.person_mentions import TITLE_WORDS
from recognizers.role_cues import KINSHIP_WORDS

MAX_WORD = 40
CHARS = r"[\w’'\-]{0," + str(MAX_WORD) + "}"
UPPER = "[A-Z" + "".join(c for c in map(chr, range(0xC0, 0x250)) if c.isupper()) + "]"
"""A capital letter, accented ones included ("Özlem", "Ángel", "Łukasz")."""
_WORD = r"(?:" + UPPER + CHARS + r"|(?:al|el|a|ad|as|ash|at|az|ar|an)-" + UPPER + CHARS + r")"
NAME = (
    r"(?<![\w’\-])(?<!\w')(?P<name>"
    + _WORD
    + r"(?:[ \u00a0](?:bin |ibn |de |al |el )?"
    + _WORD
    + r"){0,3})"
)
"""One to four capitalised words, with the particles that join Arabic names."""
OPEN_QUOTE = r"[“\"'‘]"
CLOSE_QUOTE = r"[”\"'’]"


def clean_span(text: str, start: int, end: int) -> tuple[int, int] | None:
    """Drop leading titles and stop words; refuse spans that are no name at all."""
    while end > start and text[end - 1] in "'’-":
        end -= 1  # a closing quotation mark or a possessive apostrophe is no part of the name
    words = text[start:end].split()
    while words and (words[0] in TITLE_WORDS or words[0].lower() in STOP_WORDS):
        start += len(words[0]) + 1
        words = words[1:]
    if not words or not name_parts(" ".join(words)):
        return None
    return start, end


@cache
def person_noun_re() -> re.Pattern[str]:
    """A common noun for a person ("her brother", "a man", "the nurse"), singular or plural.

    Between a name and a pronoun it is the nearer antecedent, so the declaration is not the
    name's: "X said the soldiers took her brother. His name has been withheld."
    """
    words = set(PERSON_NOUNS) | set(FAMILY_NOUNS) | set(JOB_NOUNS) | set(KINSHIP_WORDS)
    ordered = sorted((re.escape(w) for w in words if w and " " not in w), key=len, reverse=True)
    return re.compile(r"(?<![\w’'\-])(?:" + "|".join(ordered) + r")(?:e?s)?(?![\w’'\-])", re.I)


FEMALE_NOUNS = frozenset(phrases("pseudonym/female_nouns.txt"))
MALE_NOUNS = frozenset(phrases("pseudonym/male_nouns.txt"))
PLURAL_PERSON_NOUNS = frozenset(phrases("pseudonym/plural_person_nouns.txt"))
_PRONOUN_CLASS = {
    "she": "f",
    "her": "f",
    "hers": "f",
    "he": "m",
    "his": "m",
    "him": "m",
    "they": "p",
    "their": "p",
    "them": "p",
}


def pronoun_class(word: str) -> str:
    """ "f", "m", "p" (plural) or "" for a personal or possessive pronoun."""
    return _PRONOUN_CLASS.get(word.lower(), "")


def blocks(noun: str, pronoun: str) -> bool:
    """Whether a person noun can be the antecedent of a pronoun of class ``pronoun``.

    "X said her husband was taken. She asked ..." — "husband" cannot be "she", so X is still the
    nearest possible antecedent; "the soldiers" cannot be "she" either. An unknown pronoun class
    is blocked by every person noun (the safe side: no pseudonym).
    """
    word = noun.lower()
    plural = word in PLURAL_PERSON_NOUNS or (
        word.endswith("s") and word not in MALE_NOUNS | FEMALE_NOUNS and not word.endswith("ss")
    )
    if not pronoun:
        return True
    if pronoun == "p":
        return plural
    if plural:
        return False
    return word not in (MALE_NOUNS if pronoun == "f" else FEMALE_NOUNS)
