"""CITIZEN_JOURNALIST: a named citizen journalist, media activist, local reporter or fixer.

They are the people most exposed by a careless draft: the outlet quotes them precisely because
they are inside the besieged or occupied place.
"""

from __future__ import annotations

import re
from functools import lru_cache

from recognizers.base import MentionRecognizer, describes
from recognizers.entities import CITIZEN_JOURNALIST
from recognizers.lexicon import alternation, phrases
from recognizers.person_mentions import Mention

CUE_FILE = "citizen_journalist_cues.txt"


@lru_cache(maxsize=1)
def _regexes() -> tuple[re.Pattern[str], re.Pattern[str]]:
    cues = alternation(phrases(CUE_FILE))
    before = re.compile(r"(?<![\w-])(?P<cue>" + cues + r")(?:e?s)?\s*,?\s*$", re.IGNORECASE)
    appositive = re.compile(
        r"^(?:(?:a|an|the|another|one of (?:the|his|her|their)|who is an?|is an?|was an?)\s+)?"
        r"(?:[\w’'\-]+\s+){0,4}?(?P<cue>" + cues + r")(?![\w-])",
        re.IGNORECASE,
    )
    return before, appositive


class CitizenJournalistRecognizer(MentionRecognizer):
    ENTITY = CITIZEN_JOURNALIST

    def classify(self, mention: Mention, text: str) -> tuple[float, list[str]] | None:
        before, appositive = _regexes()
        hit = before.search(mention.left[-80:])
        if hit:
            return 0.9, [f"role cue '{hit.group('cue').lower()}' before the name"]
        if describes(mention):
            hit = appositive.match(mention.appositive)
            if hit:
                return 0.85, [f"described as '{hit.group('cue').lower()}' after the name"]
        return None
