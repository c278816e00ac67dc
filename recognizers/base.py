"""Shared plumbing for recognizers that classify candidate person mentions.

Each role recognizer only says *whether* a mention carries its cue and *why*; finding the mentions
(``person_mentions``) and packaging Presidio results happen here once.
"""

from __future__ import annotations

import re

from presidio_analyzer import (
    AnalysisExplanation,
    EntityRecognizer,
    Pattern,
    PatternRecognizer,
    RecognizerResult,
)
from presidio_analyzer.nlp_engine import NlpArtifacts

from recognizers.entities import METADATA_PREFIX, REASONS_KEY
from recognizers.person_mentions import SPEECH_AFTER_RE, Mention, find_mentions

ACCORDING_TO_RE = re.compile(r"\b[Aa]ccording to\s+(?:[\w’'\-.]+\s+){0,6}$")


def describes(mention: Mention) -> bool:
    """The text after the name's comma describes the person: not 'X, said the journalist was a
    spy' (the predicate) nor 'According to X, 200 people were detained' (the main clause)."""
    return bool(mention.appositive) and not (
        ACCORDING_TO_RE.search(mention.left[-80:]) or SPEECH_AFTER_RE.match(mention.appositive)
    )


def make_result(
    entity_type: str,
    start: int,
    end: int,
    score: float,
    recognizer: EntityRecognizer,
    reasons: list[str],
    pattern_name: str | None = None,
    **metadata: object,
) -> RecognizerResult:
    """A Presidio result whose metadata carries human-readable reasons (never the matched text).

    With ``pattern_name`` it also carries Presidio's ``AnalysisExplanation`` (shown by
    ``return_decision_process``), as pattern recognizers do.
    """
    meta: dict[str, object] = {
        RecognizerResult.RECOGNIZER_NAME_KEY: recognizer.name,
        RecognizerResult.RECOGNIZER_IDENTIFIER_KEY: recognizer.id,
        REASONS_KEY: list(reasons),
    }
    meta.update({METADATA_PREFIX + k: v for k, v in metadata.items()})
    explanation = None
    if pattern_name is not None:
        explanation = AnalysisExplanation(
            recognizer=recognizer.name,
            original_score=score,
            pattern_name=pattern_name,
            textual_explanation="; ".join(reasons),
        )
    return RecognizerResult(
        entity_type,
        start,
        end,
        score,
        analysis_explanation=explanation,
        recognition_metadata=meta,
    )


class MentionRecognizer(EntityRecognizer):
    """Base class: classify each candidate person mention from its context windows."""

    ENTITY: str = ""

    def __init__(self, name: str | None = None) -> None:
        super().__init__(
            supported_entities=[self.ENTITY],
            name=name or type(self).__name__,
            supported_language="en",
        )

    def load(self) -> None:  # nothing to load: cue lists are read lazily and cached
        pass

    def classify(self, mention: Mention, text: str) -> tuple[float, list[str]] | None:
        raise NotImplementedError

    def analyze(
        self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None
    ) -> list[RecognizerResult]:
        if nlp_artifacts is None or nlp_artifacts.tokens is None:
            return []
        results = []
        for mention in find_mentions(nlp_artifacts.tokens):
            verdict = self.classify(mention, text)
            if verdict:
                score, reasons = verdict
                results.append(
                    make_result(self.ENTITY, mention.start, mention.end, score, self, reasons)
                )
        return results


class ContactRecognizer(PatternRecognizer):
    """Frame shared by the contact recognizers (phone, e-mail, handle).

    They are ``PatternRecognizer``s so Presidio lists their patterns, but each finds its matches
    itself (``find``), with validation and reasons a plain regex cannot give.
    """

    ENTITY: str = ""
    DEFAULT_NAME: str = ""

    def __init__(
        self,
        patterns: list[tuple[str, str, float]],
        supported_language: str = "en",
        name: str | None = None,
    ) -> None:
        super().__init__(
            supported_entity=self.ENTITY,
            name=name or self.DEFAULT_NAME,
            supported_language=supported_language,
            patterns=[Pattern(name=n, regex=r, score=s) for n, r, s in patterns],
            context=None,
        )

    def analyze(
        self,
        text: str,
        entities: list[str] | None = None,
        nlp_artifacts: NlpArtifacts | None = None,
        regex_flags: int | None = None,
    ) -> list[RecognizerResult]:
        if entities and self.ENTITY not in entities:
            return []
        return sorted(self.find(text), key=lambda r: (r.start, r.end))

    def find(self, text: str) -> list[RecognizerResult]:
        raise NotImplementedError

    def _result(
        self, start: int, end: int, score: float, pattern_name: str, reasons: list[str]
    ) -> RecognizerResult:
        return make_result(self.ENTITY, start, end, round(score, 4), self, reasons, pattern_name)
