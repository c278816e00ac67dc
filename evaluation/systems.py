"""The systems compared: sourceguard's engine and the plain-Presidio baseline (Presidio's default
analyzer and anonymizer on the same model, with offline e-mail validation).
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any, Protocol

from evaluation.gold import Sanitizer
from service.core.errors import ConfigurationError
from service.core.findings import Finding


class _Sanitizing(Protocol):
    def sanitize(self, text: str, policy: str = ...) -> Any: ...


def engine_sanitizer(engine: _Sanitizing, policy: str = "publish") -> Sanitizer:
    """Adapt ``Engine.sanitize`` (returning a ScreeningResult) to the Sanitizer signature."""

    def sanitize(text: str) -> tuple[str, Sequence[Finding]]:
        result = engine.sanitize(text, policy=policy)
        return result.sanitized_text, result.findings

    return sanitize


@lru_cache(maxsize=1)
def _offline_tld_extractor():  # type: ignore[no-untyped-def]
    import tldextract

    # No suffix-list URLs and no disk cache: the bundled PSL snapshot, never the network.
    return tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None, fallback_to_snapshot=True)


def _offline_email_recognizer_class():  # type: ignore[no-untyped-def]
    from presidio_analyzer.predefined_recognizers import EmailRecognizer

    class OfflineEmailRecognizer(EmailRecognizer):
        """Presidio's EmailRecognizer with domain validation against the bundled PSL snapshot."""

        def validate_result(self, pattern_text: str) -> bool:
            return _offline_tld_extractor()(pattern_text).fqdn != ""

    return OfflineEmailRecognizer


class PlainPresidio:
    """Presidio's defaults: analyzer with the default registry, spaCy NER, ``<ENTITY_TYPE>``."""

    def __init__(self, model_name: str | None = None) -> None:
        import spacy
        from presidio_analyzer import AnalyzerEngine, RecognizerRegistry
        from presidio_analyzer.nlp_engine import SpacyNlpEngine
        from presidio_anonymizer import AnonymizerEngine

        from service.core.config import configured_model_name

        self.model_name = model_name or configured_model_name()
        # Presidio's SpacyNlpEngine would try to *download* a missing model; refuse instead.
        if not (spacy.util.is_package(self.model_name) or Path(self.model_name).exists()):
            raise ConfigurationError(f"spaCy model {self.model_name!r} is not installed")
        nlp_engine = SpacyNlpEngine(models=[{"lang_code": "en", "model_name": self.model_name}])
        try:
            nlp_engine.load()
        except Exception as exc:
            raise ConfigurationError(f"spaCy model {self.model_name!r} cannot be loaded") from exc

        registry = RecognizerRegistry()
        registry.load_predefined_recognizers(languages=["en"], nlp_engine=nlp_engine)
        offline_email = _offline_email_recognizer_class()
        replaced = [
            # Same recognizer name as stock Presidio, so findings read the same.
            offline_email(supported_language=r.supported_language, name=r.name)
            for r in registry.recognizers
            if r.name == "EmailRecognizer"
        ]
        registry.remove_recognizer("EmailRecognizer")
        for recognizer in replaced:
            registry.add_recognizer(recognizer)

        self.analyzer = AnalyzerEngine(
            registry=registry, nlp_engine=nlp_engine, supported_languages=["en"]
        )
        self.anonymizer = AnonymizerEngine()

    @property
    def recognizer_names(self) -> list[str]:
        return sorted({r.name for r in self.analyzer.registry.recognizers})

    def __call__(self, text: str) -> tuple[str, list[Finding]]:
        results = self.analyzer.analyze(text=text, language="en")
        anonymized = self.anonymizer.anonymize(text=text, analyzer_results=results)
        findings = [
            Finding(
                start=r.start,
                end=r.end,
                entity_type=r.entity_type,
                score=float(r.score),
                recognizer=str((r.recognition_metadata or {}).get("recognizer_name", "presidio")),
                action="replace",
                replacement=f"<{r.entity_type}>",
            )
            for r in results
        ]
        return anonymized.text, findings


def plain_presidio_sanitizer(model_name: str | None = None) -> PlainPresidio:
    """The baseline: a callable ``text -> (sanitized_text, findings)`` (see module docstring)."""
    return PlainPresidio(model_name)


def _engine_model_name(engine: Any) -> str | None:
    for path in ("model_name", "nlp_engine.model_name", "nlp.model_name"):
        obj = engine
        for attr in path.split("."):
            obj = getattr(obj, attr, None)
        if isinstance(obj, str) and obj:
            return obj
    return None
