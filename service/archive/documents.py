"""From a raw document to the texts that are screened, or the reason it cannot be.

A document is UTF-8 (a BOM allowed), without NUL bytes, within ``SOURCEGUARD_MAX_CHARS``, as for
every other front end; anything else is a *bad document*: counted, listed by id with the reason,
never guessed at. Markdown and HTML are screened as the readable text the check extracts (what a
reader sees), with offsets mapped back to the original, and the roster pass also reads the raw
markup, because a name in a link, an attribute or a comment is published too.
"""

from __future__ import annotations

from dataclasses import dataclass

from service.archive.sources import RawDocument
from service.core.errors import InputError
from service.drafts.markup import Extracted, extract
from service.drafts.validation import utf8_text, validate_text


@dataclass
class Document:
    """A readable document: the original text and, for markup, its extracted reading view."""

    id: str
    text: str
    kind: str
    extracted: Extracted | None = None

    @property
    def reading(self) -> str:
        """What a reader sees (the engine's input)."""
        return self.extracted.text if self.extracted is not None else self.text

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        """Offsets in ``reading`` → offsets in the original document."""
        if self.extracted is None:
            return start, end
        return self.extracted.to_original(start, end)


def decode(raw: RawDocument, max_chars: int) -> Document:
    """A ``Document``, or ``InputError`` whose message is the bad-document reason (no content)."""
    if raw.problem is not None:
        raise InputError(raw.problem)
    data = raw.data
    if isinstance(data, bytes):
        data = utf8_text(data)
    if not isinstance(data, str):
        raise InputError("no text")
    if not data.strip():
        return Document(raw.id, data, raw.kind)
    try:
        validate_text(data, max_chars)
    except InputError as exc:
        raise InputError(str(exc).replace("text contains", "contains")) from None
    extracted = extract(data, raw.kind) if raw.kind != "text" else None
    return Document(raw.id, data, raw.kind, extracted)
