"""Document ids as the scan writes them: a roster name never appears in an output or checkpoint.

An archive's ids are often file paths or slugs ("2019/interview-with-<name>.md"), so an id can name
the very person the scan protects. Each id is read with the same keyed roster index as the
documents, as words (slug separators become spaces, each word capitalised, so a lowercase surname
in a slug still counts), and the parts that name a roster entry are replaced by ``PLACEHOLDER`` in
what the output and the summary show. Every id also gets a keyed fingerprint: the output carries
it beside the shown id (two ids that differ only in a protected name stay apart), and the
checkpoint stores fingerprints only.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from service.archive.roster_pass import RosterIndex
from service.audit.records import fingerprint

PLACEHOLDER = "[protected]"
_SLUG_SEPARATORS = re.compile(r"[_\-/\\.+~]")
"""Read as spaces; one character for one, so offsets into the id hold."""


@dataclass(frozen=True)
class DocumentLabel:
    shown: str
    key: str


class Labeler:
    """Labels ids with one roster index and the scan's fingerprint key (one per worker)."""

    def __init__(self, index: RosterIndex, key: bytes) -> None:
        self.index = index
        self.key = key

    def key_of(self, doc_id: str) -> str:
        return fingerprint(doc_id, self.key)

    def label(self, doc_id: str) -> DocumentLabel:
        return DocumentLabel(self.shown(doc_id), self.key_of(doc_id))

    def shown(self, doc_id: str) -> str:
        """``doc_id`` with every span that names a roster entry replaced by ``PLACEHOLDER``."""
        words = _as_words(doc_id)
        _, hits = self.index.scan(words)
        if not hits:
            return doc_id
        parts: list[str] = []
        pos = 0
        for hit in sorted(hits, key=lambda h: h.start):
            if hit.start < pos:
                pos = max(pos, hit.end)
                continue
            parts += [doc_id[pos : hit.start], PLACEHOLDER]
            pos = hit.end
        parts.append(doc_id[pos:])
        return "".join(parts)


def _as_words(doc_id: str) -> str:
    """ "2019/karim-al-sabbagh_notes.md" -> "2019 Karim Al Sabbagh Notes Md" (same length)."""
    spaced = _SLUG_SEPARATORS.sub(" ", doc_id)
    return re.sub(r"\w+", _capitalised, spaced)


def _capitalised(word: re.Match[str]) -> str:
    first = word.group()[0]
    upper = first.upper()
    return (upper if len(upper) == 1 else first) + word.group()[1:]
