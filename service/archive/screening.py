"""The ``--full`` tier: the whole engine and a policy, once per worker process.

Rows carry offsets in the original document, the entity type, the recognizer, its reasons, the
policy's action and an *identity fingerprint* that is comparable across documents: the roster
entry id for a person the roster pass linked to the roster, otherwise a keyed HMAC of the
person's transliteration-insensitive name key (so "Kareem" in one article and "Karim" in the next
count as one person), or of the normalised span for contact details and anonymous sources.
Findings the policy keeps (public figures on the record) are not exposures and are not written.
"""

from __future__ import annotations

import hashlib
import hmac
from typing import Any

from recognizers.entities import PERSON_TYPES
from recognizers.name_keys import name_key
from service.archive.documents import Document
from service.archive.roster_pass import Hit
from service.audit.records import fingerprint
from service.pipeline.roster import Roster

TIER = "full"
FINGERPRINT_PREFIX = "fp-"
FINGERPRINT_HEX_CHARS = 24


def person_fingerprint(key: bytes, mention: str) -> str:
    """Keyed digest of a person's name key; the same person in any spelling, any document."""
    key_text = name_key(mention)
    if not key_text:
        return fingerprint(mention, key)
    digest = hmac.new(key, key_text.encode("utf-8"), hashlib.sha256).hexdigest()
    return FINGERPRINT_PREFIX + digest[:FINGERPRINT_HEX_CHARS]


class FullScreener:
    """Screens documents with one ``Engine`` loaded on first use (never per document)."""

    def __init__(
        self,
        roster: Roster,
        policy: str,
        fingerprint_key: bytes,
        model: str | None = None,
        secrets: Any = None,
    ) -> None:
        self.roster = roster
        self.policy = policy
        self.key = fingerprint_key
        self.model = model
        self.secrets = secrets
        self._engine: Any = None

    @property
    def engine(self) -> Any:
        if self._engine is None:
            from service.pipeline.engine import Engine

            self._engine = Engine.create(
                model_name=self.model, roster=self.roster, secrets=self.secrets
            )
            self._engine.policy(self.policy)  # an unusable policy fails at start, not per row
        return self._engine

    def rows(self, doc: Document, reading_hits: list[Hit]) -> list[dict[str, Any]]:
        """Exposure rows of one document; ``reading_hits`` are roster hits in reading offsets."""
        text = doc.reading
        if not text.strip():
            return []
        result = self.engine.analyze(text, self.policy)
        findings = [f for f in result.findings if f.action != "keep"]
        identities = self._identities(text, findings, reading_hits)
        rows = []
        for f in findings:
            start, end = doc.to_original(f.start, f.end)
            if f.identity and (f.identity, f.entity_type) in identities:
                identity = identities[(f.identity, f.entity_type)]
            else:
                identity = fingerprint(text[f.start : f.end], self.key)
            rows.append(
                {
                    "tier": TIER,
                    "identity": identity,
                    "entity_type": f.entity_type,
                    "start": start,
                    "end": end,
                    "score": float(f.score),
                    "recognizer": f.recognizer,
                    "reasons": list(f.reasons),
                    "action": f.action,
                }
            )
        return rows

    def _identities(
        self, text: str, findings: list[Any], hits: list[Hit]
    ) -> dict[tuple[str, str], str]:
        """(per-document identity, type) → fingerprint shared across documents."""
        mentions: dict[tuple[str, str], list[Any]] = {}
        for f in findings:
            if f.identity and f.entity_type in PERSON_TYPES:
                mentions.setdefault((f.identity, f.entity_type), []).append(f)
        out: dict[tuple[str, str], str] = {}
        for ident, group in mentions.items():
            linked = [
                h.identity for f in group for h in hits if h.start < f.end and f.start < h.end
            ]
            if linked:
                out[ident] = sorted(linked)[0]
                continue
            longest = max(group, key=lambda f: (f.end - f.start, -f.start))
            out[ident] = person_fingerprint(self.key, text[longest.start : longest.end])
        return out
