"""Capitalised runs that name an organisation because an organisation noun introduces them.

"The news website Free Valley said", "opposition party New Dawn": the common noun right before
the run says what the run names. ``person_mentions`` counts such a run's words among the draft's
non-person words, so the bare "Free Valley said" later is no person either. A verb other than one
of saying after the run ("the group Rami Haddad founded") makes it a person's name again, and so
does a clause boundary before it ("told the channel Rami Haddad said ...").
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import lru_cache

from spacy.tokens import Token

from recognizers.lexicon import phrases

INTRODUCERS_FILE = "non_person_introducers.txt"
_INTRODUCER_RE = re.compile(r"(?<![\w-])([a-z]+)[ \u00a0]$")
_TOLD_RE = re.compile(r"\b(?:told|tells|telling|to|for)\s+(?:the|a|an|his|her|their)?\s*$")
_SAYS_RE = re.compile(
    r"^(?:’s|'s)?\s*(?:has |had |also )?(?:said|says|told|tells|added|adds|announced|reported|"
    r"wrote|posted|published|stated|confirmed|denied|condemned|called)\b"
)


@lru_cache(maxsize=1)
def _introducers() -> frozenset[str]:
    return frozenset(phrases(INTRODUCERS_FILE))


def after_introducer(text: str, start: int) -> bool:
    """An organisation noun right before ``start``, not ending a clause of telling."""
    left = text[max(0, start - 40) : start]
    hit = _INTRODUCER_RE.search(left)
    if hit is None or hit.group(1) not in _introducers():
        return False
    return not _TOLD_RE.search(left, 0, hit.start())


def names_organisation(text: str, start: int, end: int, token_at: Mapping[int, Token]) -> bool:
    """The run ``text[start:end]`` is an organisation's name (bounded look-around: linear)."""
    if not after_introducer(text, start):
        return False
    after = text[end : end + 40]
    if _SAYS_RE.match(after):
        return True
    nxt = token_at.get(end + len(after) - len(after.lstrip()))
    return nxt is None or nxt.pos_ not in ("VERB", "AUX")
