"""One scan worker: the roster index (and, with ``--full``, the engine) loaded once per process.

``ScanWorker`` is a plain class so the plain loop of the benchmark and the tests can use it in one
process; ``service.archive.scan`` wraps it as a Ray actor. A batch result is a plain dict of
finished ids, output rows (fingerprints and offsets only), bad documents with their reasons and
counters, so it crosses process boundaries cheaply.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from service.archive.documents import Document, decode
from service.archive.labels import DocumentLabel, Labeler
from service.archive.roster_pass import ENTITY_TYPE, RECOGNIZER, Hit, RosterIndex
from service.archive.screening import FullScreener
from service.archive.sources import RawDocument
from service.core.errors import InputError, SourceguardError
from service.pipeline.roster import Roster

FULL_MODES = ("none", "flagged", "all")
ROSTER_TIER = "roster"


@dataclass
class WorkerConfig:
    """Everything a worker needs; sent once to each actor (digests and keys, never a name)."""

    roster_document: dict[str, Any]
    roster_key: bytes
    fingerprint_key: bytes
    max_chars: int
    full: str = "none"
    policy: str = "publish"
    model: str | None = None
    secrets: Any = None


class ScanWorker:
    def __init__(self, config: WorkerConfig) -> None:
        self.config = config
        roster = Roster.from_document(config.roster_document, config.roster_key, "roster")
        self.index = RosterIndex(roster)
        self.labels = Labeler(self.index, config.fingerprint_key)
        self.screener = (
            FullScreener(
                roster, config.policy, config.fingerprint_key, config.model, config.secrets
            )
            if config.full != "none"
            else None
        )

    def ready(self) -> bool:
        """Load what every document needs before the first batch (the engine for ``--full all``)."""
        if self.screener is not None and self.config.full == "all":
            _ = self.screener.engine
        return True

    def roster_hits(self, doc: Document) -> tuple[int, list[Hit], list[Hit]]:
        """(words, hits in original offsets, hits in reading offsets) of one document."""
        words, reading_hits = self.index.scan(doc.reading)
        hits = [
            Hit(*doc.to_original(h.start, h.end), h.entry_ids, h.score, h.reasons)
            for h in reading_hits
        ]
        if doc.extracted is not None:  # names in links, attributes and comments are published too
            _, raw_hits = self.index.scan(doc.text)
            for h in raw_hits:
                if not any(h.start < o.end and o.start < h.end for o in hits):
                    hits.append(
                        Hit(h.start, h.end, h.entry_ids, h.score, [*h.reasons, "in markup"])
                    )
        return words, hits, reading_hits

    def scan(self, batch: list[RawDocument]) -> dict[str, Any]:
        started = time.process_time()
        out: dict[str, Any] = {
            "ids": [], "rows": [], "bad": [], "words": 0, "flagged": 0, "screened": 0,
            "roster_cpu": 0.0,
        }  # fmt: skip
        for raw in batch:
            label = self.labels.label(raw.id)
            out["ids"].append(label.key)
            try:
                self._scan_one(raw, label, out)
            except InputError as exc:
                out["bad"].append([label.shown, str(exc)])
            except SourceguardError as exc:  # a configuration problem: the whole scan stops
                raise RuntimeError(f"screening cannot run: {exc}") from None
            except Exception as exc:  # a bug on one document must not hide the others
                out["bad"].append([label.shown, f"screening failed ({type(exc).__name__})"])
        out["cpu"] = time.process_time() - started
        return out

    def _scan_one(self, raw: RawDocument, label: DocumentLabel, out: dict[str, Any]) -> None:
        doc = decode(raw, self.config.max_chars)
        roster_started = time.process_time()
        words, hits, reading_hits = self.roster_hits(doc)
        out["roster_cpu"] += time.process_time() - roster_started
        out["words"] += words
        rows = [
            {
                "tier": ROSTER_TIER,
                "identity": h.identity,
                "entity_type": ENTITY_TYPE,
                "start": h.start,
                "end": h.end,
                "score": h.score,
                "recognizer": RECOGNIZER,
                "reasons": list(h.reasons),
                "action": None,
            }
            for h in sorted(hits, key=lambda h: (h.start, h.end))
        ]
        out["flagged"] += bool(hits)
        full = self.config.full
        if self.screener is not None and (full == "all" or (full == "flagged" and hits)):
            rows.extend(self.screener.rows(doc, reading_hits))
            out["screened"] += 1
        for row in rows:  # the id as shown (no roster name) and its fingerprint, never the raw id
            row["document"], row["document_key"] = label.shown, label.key
        out["rows"].extend(rows)
