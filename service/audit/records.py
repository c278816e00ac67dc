"""Audit records: what was screened, by whom, under which policy, with what outcome — no text.

A record proves what happened without becoming a second copy of the draft. It holds digests of
the input and output, the policy, the engine versions, the summary and one entry per finding
(offsets, type, identity, action) with a keyed fingerprint of the matched text instead of the
text. The fingerprint lets an auditor who holds the audit key check whether a given name was
seen, and lets records be correlated across drafts; without the key it reveals nothing.

Records are chained: each stored record carries the hash of its predecessor, so an edited,
deleted, inserted or reordered record breaks the chain (``service.audit.store`` writes and verifies
it). This module only builds and hashes records; it does no I/O.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import unicodedata
from typing import Any

from service.core.findings import ScreeningResult

GENESIS_HASH = "sha256:" + "0" * 64
"""The ``prev_hash`` of the first record in a chain."""

FINGERPRINT_PREFIX = "hmac-sha256:"
FINGERPRINT_HEX_CHARS = 32
MIN_AUDIT_KEY_BYTES = 16
FINDING_FIELDS = (
    "start",
    "end",
    "entity_type",
    "identity",
    "recognizer",
    "score",
    "action",
    "risk",
    "kind",
)
"""Finding attributes copied into a record. ``replacement`` and ``reasons`` are left out: a
replacement may be a reversible ciphertext or a digest of the name."""


def _normalize(value: str) -> str:
    """NFKC, casefold, whitespace collapsed: "Ｋarim  AL-Sabbagh" and "karim al-sabbagh" agree."""
    return " ".join(unicodedata.normalize("NFKC", value).casefold().split())


def fingerprint(value: str, key: bytes) -> str:
    """Keyed digest of a matched span; comparable across records only by someone with the key."""
    if not isinstance(key, bytes | bytearray) or len(key) < MIN_AUDIT_KEY_BYTES:
        # An empty or short key would make fingerprints of names open to a dictionary attack.
        raise ValueError(f"audit key must be at least {MIN_AUDIT_KEY_BYTES} bytes")
    digest = hmac.new(bytes(key), _normalize(value).encode("utf-8"), hashlib.sha256).hexdigest()
    return FINGERPRINT_PREFIX + digest[:FINGERPRINT_HEX_CHARS]


def sha256_text(text: str) -> str:
    """Digest of a text (UTF-8), to show later which exact input or output a record is about."""
    return "sha256:" + hashlib.sha256(text.encode("utf-8")).hexdigest()


def build_record(
    *,
    operation: str,
    actor: str,
    request_id: str,
    text: str,
    result: ScreeningResult,
    audit_key: bytes,
    output_text: str | None,
    details: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The body of one audit record; the store adds id, time, prev_hash and hash.

    ``text`` is used only for digests and fingerprints: neither it nor any slice of it is copied
    into the record. ``output_text`` is None when no text was returned (analyze).
    """
    findings: list[dict[str, Any]] = []
    for finding in result.findings:
        entry = {name: getattr(finding, name) for name in FINDING_FIELDS}
        entry = {name: value for name, value in entry.items() if value is not None}
        entry["fingerprint"] = fingerprint(text[finding.start : finding.end], audit_key)
        findings.append(entry)
    return {
        "operation": operation,
        "actor": actor,
        "request_id": request_id,
        "policy": result.policy.to_dict(),
        "input_sha256": sha256_text(text),
        "output_sha256": sha256_text(output_text) if output_text is not None else None,
        "engine": dict(result.engine),
        "summary": result.summary,
        "findings": findings,
        "details": details or {},
    }


def canonical_json(obj: Any) -> bytes:
    """One byte string per value (sorted keys, no spaces, ASCII): what the chain hashes."""
    # allow_nan=False: NaN/Infinity are not JSON and would not survive a round trip.
    return json.dumps(
        obj, sort_keys=True, separators=(",", ":"), ensure_ascii=True, allow_nan=False
    ).encode("ascii")


def chain_hash(prev_hash: str, stored: dict[str, Any]) -> str:
    """Hash of a stored record (without its own ``hash``), bound to its predecessor's hash."""
    content = {key: value for key, value in stored.items() if key != "hash"}
    digest = hashlib.sha256(prev_hash.encode("utf-8") + b"\n" + canonical_json(content))
    return "sha256:" + digest.hexdigest()
