"""PERSON: every candidate person mention, classified or not.

Role recognizers only fire on cues; this one guarantees that a named person with no cue at all is
still an identity, which the ``publish`` policy replaces ("unclassified" fails safe).
"""

from __future__ import annotations

from recognizers.base import MentionRecognizer
from recognizers.entities import PERSON
from recognizers.person_mentions import Mention


class PersonRecognizer(MentionRecognizer):
    ENTITY = PERSON

    def classify(self, mention: Mention, text: str) -> tuple[float, list[str]] | None:
        return (0.85 if mention.from_ner else 0.6), list(mention.evidence)
