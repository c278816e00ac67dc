"""Audit records: what was screened, by whom, under which policy, with what outcome — no text.

A record proves what happened without becoming a second copy of the draft. It holds digests of
the input and output, the policy, the engine versions, the summary and one entry per finding
(offsets, type, identity, action) with a keyed fingerprint of the matched text instead of the
text. The fingerprint lets an auditor who holds the audit key check whether a given name was
seen, and lets records be correlated across drafts; without the key it reveals nothing.

Records are chained: each stored record carries the keyed hash (HMAC-SHA256 under the chain
key, derived from the service secret) of its predecessor, so an edited, deleted, inserted or
reordered record breaks the chain, and someone who can write the database but does not hold the
key cannot re-chain what follows an edit. A signed checkpoint (id, hash, time, HMAC signature)
kept outside the database pins the chain up to that record, even against a key holder, and shows
records removed from its tail. ``service.audit.store`` writes and verifies the chain; this module only
builds, hashes and signs; it does no I/O.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import unicodedata
from typing import Any

from service.core.findings import ScreeningResult

CHAIN_PREFIX = "hmac-sha256:"
GENESIS_HASH = CHAIN_PREFIX + "0" * 64
"""The ``prev_hash`` of the first record in a keyed chain."""
LEGACY_PREFIX = "sha256:"
LEGACY_GENESIS_HASH = LEGACY_PREFIX + "0" * 64
"""The ``prev_hash`` of the first record of a v1 store (plain SHA-256 chain, no key)."""
CHECKPOINT_FORMAT = "sourceguard-audit-checkpoint/1"

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


def _chain_message(prev_hash: str, stored: dict[str, Any]) -> bytes:
    content = {key: value for key, value in stored.items() if key != "hash"}
    return prev_hash.encode("utf-8") + b"\n" + canonical_json(content)


def _check_chain_key(key: Any) -> bytes:
    if not isinstance(key, bytes | bytearray) or len(key) < MIN_AUDIT_KEY_BYTES:
        raise ValueError(f"audit chain key must be at least {MIN_AUDIT_KEY_BYTES} bytes")
    return bytes(key)


def chain_hash(prev_hash: str, stored: dict[str, Any], key: bytes) -> str:
    """Keyed hash of a stored record (without its own ``hash``), bound to its predecessor's."""
    digest = hmac.new(_check_chain_key(key), _chain_message(prev_hash, stored), hashlib.sha256)
    return CHAIN_PREFIX + digest.hexdigest()


def legacy_chain_hash(prev_hash: str, stored: dict[str, Any]) -> str:
    """The v1 plain SHA-256 chain hash: only to verify a v1 store before it is re-keyed."""
    return LEGACY_PREFIX + hashlib.sha256(_chain_message(prev_hash, stored)).hexdigest()


class DuplicateKeyError(ValueError):
    """A JSON object names the same member twice: parsers disagree on which value counts."""


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise DuplicateKeyError("duplicate key in a JSON object")
        out[key] = value
    return out


def strict_json(text: str) -> Any:
    """``json.loads`` that refuses duplicate object keys (DuplicateKeyError) and NaN/Infinity."""

    def no_constants(name: str) -> Any:
        raise ValueError(f"{name} is not JSON")

    return json.loads(text, object_pairs_hook=_no_duplicates, parse_constant=no_constants)


def _checkpoint_key(chain_key: bytes) -> bytes:
    """Checkpoints are signed with their own key, derived from the chain key."""
    return hmac.new(_check_chain_key(chain_key), b"sourceguard/checkpoint", hashlib.sha256).digest()


def _checkpoint_message(checkpoint: dict[str, Any]) -> bytes:
    fields = {k: checkpoint.get(k) for k in ("format", "id", "hash", "time")}
    return canonical_json(fields)


def sign_checkpoint(
    record_id: int, record_hash: str, time: str, chain_key: bytes
) -> dict[str, Any]:
    """A checkpoint of the chain head for an editor to keep outside the database."""
    checkpoint = {"format": CHECKPOINT_FORMAT, "id": record_id, "hash": record_hash, "time": time}
    signature = hmac.new(_checkpoint_key(chain_key), _checkpoint_message(checkpoint), "sha256")
    return {**checkpoint, "signature": CHAIN_PREFIX + signature.hexdigest()}


def checkpoint_problem(checkpoint: Any, chain_key: bytes) -> str | None:
    """Why ``checkpoint`` is not a well-formed checkpoint signed with this key (None if it is)."""
    if not isinstance(checkpoint, dict) or checkpoint.get("format") != CHECKPOINT_FORMAT:
        return "the checkpoint is not a sourceguard audit checkpoint"
    if set(checkpoint) != {"format", "id", "hash", "time", "signature"}:
        return "the checkpoint has missing or extra fields"
    record_id, record_hash = checkpoint["id"], checkpoint["hash"]
    if type(record_id) is not int or record_id < 0 or not isinstance(record_hash, str):
        return "the checkpoint id or hash is malformed"
    if not isinstance(checkpoint["time"], str) or not isinstance(checkpoint["signature"], str):
        return "the checkpoint time or signature is malformed"
    expected = sign_checkpoint(record_id, record_hash, checkpoint["time"], chain_key)
    if not hmac.compare_digest(
        expected["signature"].encode("ascii"), checkpoint["signature"].encode("utf-8")
    ):
        return "the checkpoint signature is not valid for this service's key"
    return None
