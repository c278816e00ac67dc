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
from recognizers.name_keys import name_parts
from recognizers.person_mentions import KINSHIP_WORDS, TITLE_WORDS

MAX_WORD = 40
CHARS = r"[\w’'\-]{0," + str(MAX_WORD) + "}"
_WORD = r"(?:[A-Z]" + CHARS + r"|(?:al|el|a|ad|as|ash|at|az|ar|an)-[A-Z]" + CHARS + r")"
NAME = (
    r"(?<![\w’'\-])(?P<name>"
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
