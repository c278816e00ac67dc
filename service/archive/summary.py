"""The scan's totals and exit code, built from the checkpoint's batch records.

Because the totals come from the records, a resumed scan reports the whole archive, not only the
part scanned after the interruption. Exit codes: 0 nothing found, 1 some document exposes
someone, 2 some document could not be read (the scan is incomplete; this wins over 1).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

EXIT_CLEAN, EXIT_FOUND, EXIT_BAD = 0, 1, 2
SHOWN_BAD = 20
"""Bad documents listed in the text summary (all of them are in the JSON summary)."""
SHOWN_IDENTITIES = 50
"""Identities listed in the text summary, most documents first (all of them in the JSON)."""


@dataclass
class Summary:
    documents: int = 0
    words: int = 0
    flagged: int = 0
    screened: int = 0
    found: int = 0
    rows: int = 0
    cpu_seconds: float = 0.0
    roster_cpu_seconds: float = 0.0
    bad: list[tuple[str, str]] = field(default_factory=list)
    identity_documents: Counter[str] = field(default_factory=Counter)
    identity_mentions: Counter[str] = field(default_factory=Counter)
    skipped: int = 0  # finished before this run (resumed)
    seconds: float = 0.0  # scanning, after the workers were ready
    startup_seconds: float = 0.0  # starting Ray and the workers (loading the engine)
    interrupted: bool = False

    def add(self, record: dict[str, Any]) -> None:
        self.documents += len(record.get("ids", []))
        self.words += record.get("words", 0)
        self.flagged += record.get("flagged", 0)
        self.screened += record.get("screened", 0)
        self.found += record.get("found", 0)
        self.rows += record.get("rows", 0)
        self.cpu_seconds += record.get("cpu", 0.0)
        self.roster_cpu_seconds += record.get("roster_cpu", 0.0)
        self.bad.extend((str(i), str(r)) for i, r in record.get("bad", []))
        for identity, (docs, mentions) in record.get("identities", {}).items():
            self.identity_documents[identity] += docs
            self.identity_mentions[identity] += mentions

    @property
    def exit_code(self) -> int:
        if self.bad:
            return EXIT_BAD
        return EXIT_FOUND if self.found else EXIT_CLEAN

    def to_dict(self) -> dict[str, Any]:
        return {
            "documents": self.documents,
            "scanned": self.documents - len(self.bad),
            "bad": len(self.bad),
            "bad_documents": [{"id": i, "reason": r} for i, r in self.bad],
            "flagged_by_roster": self.flagged,
            "screened_in_full": self.screened,
            "documents_with_findings": self.found,
            "rows": self.rows,
            "words": self.words,
            "identities": {
                identity: {
                    "documents": self.identity_documents[identity],
                    "mentions": self.identity_mentions[identity],
                }
                for identity in sorted(self.identity_documents)
            },
            "resumed_from_checkpoint": self.skipped,
            "seconds": round(self.seconds, 3),
            "startup_seconds": round(self.startup_seconds, 3),
            "worker_cpu_seconds": round(self.cpu_seconds, 3),
            "roster_pass_words_per_cpu_second": round(self.words / self.roster_cpu_seconds)
            if self.roster_cpu_seconds
            else None,
            "interrupted": self.interrupted,
            "exit_code": self.exit_code,
        }

    def render(self) -> str:
        lines = [
            f"documents: {self.documents} ({self.skipped} from the checkpoint), "
            f"{self.words} words, {self.seconds:.1f} s (+{self.startup_seconds:.1f} s start-up)",
            f"flagged by the roster pass: {self.flagged}; screened in full: {self.screened}; "
            f"with findings: {self.found} ({self.rows} rows)",
        ]
        if self.identity_documents:
            lines.append("identities (fingerprint: documents, mentions):")
            for identity, docs in self.identity_documents.most_common(SHOWN_IDENTITIES):
                lines.append(f"  {identity}: {docs}, {self.identity_mentions[identity]}")
            if len(self.identity_documents) > SHOWN_IDENTITIES:
                more = len(self.identity_documents) - SHOWN_IDENTITIES
                lines.append(f"  ... {more} more in the JSON summary")
        if self.bad:
            lines.append(f"bad documents: {len(self.bad)}")
            for doc_id, reason in self.bad[:SHOWN_BAD]:
                lines.append(f"  {doc_id}: {reason}")
            if len(self.bad) > SHOWN_BAD:
                lines.append(f"  ... {len(self.bad) - SHOWN_BAD} more in the JSON summary")
        if self.interrupted:
            lines.append("interrupted: run the same command with --resume to continue")
        return "\n".join(lines) + "\n"


def batch_record(result: dict[str, Any], output_length: int) -> dict[str, Any]:
    """What the checkpoint keeps of one batch result (no rows: those are in the output)."""
    documents: Counter[str] = Counter()
    mentions: Counter[str] = Counter()
    found = set()
    seen: set[tuple[str, str]] = set()
    for row in result["rows"]:
        found.add(row["document_key"])
        mentions[row["identity"]] += 1
        if (row["document_key"], row["identity"]) not in seen:
            seen.add((row["document_key"], row["identity"]))
            documents[row["identity"]] += 1
    return {
        "ids": result["ids"],
        "bad": result["bad"],
        "words": result["words"],
        "flagged": result["flagged"],
        "screened": result["screened"],
        "found": len(found),
        "rows": len(result["rows"]),
        "identities": {k: [documents[k], mentions[k]] for k in sorted(documents)},
        "cpu": round(result.get("cpu", 0.0), 6),
        "roster_cpu": round(result.get("roster_cpu", 0.0), 6),
        "output": output_length,
    }
