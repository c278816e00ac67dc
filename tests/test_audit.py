"""Audit record building: digests and keyed fingerprints only, never the screened text."""

from __future__ import annotations

import hashlib
import hmac
import json
import re

import pytest

from policies.types import PolicyInfo
from service.audit.records import (
    GENESIS_HASH,
    DuplicateKeyError,
    build_record,
    canonical_json,
    chain_hash,
    checkpoint_problem,
    fingerprint,
    sha256_text,
    sign_checkpoint,
    strict_json,
)
from service.core.findings import Finding, ScreeningResult

KEY = b"k" * 32
# Invented names: the point is that they never reach a record.
TEXT = "Citizen journalist Zelda Qorvani told us that Qorvani's brother, a medic, saw the convoy."
NAME = "Zelda Qorvani"
SURNAME_AT = TEXT.index("Qorvani's")


def _result(findings: list[Finding]) -> ScreeningResult:
    return ScreeningResult(
        sanitized_text="Citizen journalist [citizen journalist A] told us ...",
        findings=findings,
        policy=PolicyInfo(name="publish", version="3", digest="sha256:abc"),
        summary={"findings": len(findings), "by_type": {"CITIZEN_JOURNALIST": 2}},
        engine={"sourceguard": "0.1.0", "spacy": "3.8.0"},
    )


def _findings() -> list[Finding]:
    start = TEXT.index(NAME)
    return [
        Finding(
            start=start,
            end=start + len(NAME),
            entity_type="CITIZEN_JOURNALIST",
            score=0.95,
            recognizer="CitizenJournalistRecognizer",
            reasons=["cue: citizen journalist"],
            identity="P1",
            action="placeholder",
            replacement="[citizen journalist A]",
        ),
        Finding(
            start=SURNAME_AT,
            end=SURNAME_AT + len("Qorvani"),
            entity_type="CITIZEN_JOURNALIST",
            score=0.9,
            recognizer="IdentityResolver",
            identity="P1",
            action="hash",
            replacement="hash:" + "ab" * 8,
        ),
        Finding(
            start=TEXT.index("a medic"),
            end=TEXT.index("a medic") + len("a medic"),
            entity_type="QUASI_IDENTIFIER",
            score=0.6,
            recognizer="AnonymousSourceRecognizer",
            action="flag",
            risk="high",
            kind="occupation",
        ),
    ]


# -- fingerprint ------------------------------------------------------------------------------
def test_fingerprint_format_and_value() -> None:
    value = fingerprint(NAME, KEY)
    assert re.fullmatch(r"hmac-sha256:[0-9a-f]{32}", value)
    expected = hmac.new(KEY, b"zelda qorvani", hashlib.sha256).hexdigest()[:32]
    assert value == "hmac-sha256:" + expected


@pytest.mark.parametrize(
    "variant",
    [
        "zelda qorvani",
        "  ZELDA   QORVANI \n",
        "Zelda\tQorvani",
        "Ｚｅｌｄａ Ｑｏｒｖａｎｉ",  # fullwidth letters (NFKC)
        "Zelda\u00a0Qorvani",  # no-break space
    ],
)
def test_fingerprint_normalizes_case_width_and_whitespace(variant: str) -> None:
    assert fingerprint(variant, KEY) == fingerprint(NAME, KEY)


def test_fingerprint_depends_on_key_and_value() -> None:
    assert fingerprint(NAME, KEY) != fingerprint(NAME, b"q" * 32)
    assert fingerprint(NAME, KEY) != fingerprint("Zelda Qorvanii", KEY)


@pytest.mark.parametrize("key", [b"", b"short", "k" * 32])
def test_fingerprint_refuses_weak_or_wrong_keys(key: object) -> None:
    with pytest.raises(ValueError, match="audit key"):
        fingerprint(NAME, key)  # type: ignore[arg-type]


# -- sha256_text ------------------------------------------------------------------------------
def test_sha256_text() -> None:
    assert sha256_text("") == (
        "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    )
    assert sha256_text("é") == "sha256:" + hashlib.sha256("é".encode()).hexdigest()


# -- build_record -----------------------------------------------------------------------------
def _record(**overrides: object) -> dict:
    kwargs: dict = {
        "operation": "sanitize",
        "actor": "t0123456789",
        "request_id": "req-1",
        "text": TEXT,
        "result": _result(_findings()),
        "audit_key": KEY,
        "output_text": "sanitized output",
    }
    kwargs.update(overrides)
    return build_record(**kwargs)


def test_build_record_fields() -> None:
    record = _record(details={"source": "api"})
    assert list(record) == [
        "operation",
        "actor",
        "request_id",
        "policy",
        "input_sha256",
        "output_sha256",
        "engine",
        "summary",
        "findings",
        "details",
    ]
    assert record["operation"] == "sanitize"
    assert record["actor"] == "t0123456789"
    assert record["request_id"] == "req-1"
    assert record["policy"] == {"name": "publish", "version": "3", "digest": "sha256:abc"}
    assert record["input_sha256"] == sha256_text(TEXT)
    assert record["output_sha256"] == sha256_text("sanitized output")
    assert record["engine"] == {"sourceguard": "0.1.0", "spacy": "3.8.0"}
    assert record["summary"]["findings"] == 3
    assert record["details"] == {"source": "api"}


def test_build_record_findings() -> None:
    findings = _record()["findings"]
    start = TEXT.index(NAME)
    assert findings[0] == {
        "start": start,
        "end": start + len(NAME),
        "entity_type": "CITIZEN_JOURNALIST",
        "identity": "P1",
        "recognizer": "CitizenJournalistRecognizer",
        "score": 0.95,
        "action": "placeholder",
        "fingerprint": fingerprint(NAME, KEY),
    }
    # None-valued attributes are dropped; risk and kind appear when set.
    assert "identity" not in findings[2]
    assert findings[2]["risk"] == "high"
    assert findings[2]["kind"] == "occupation"
    assert findings[1]["fingerprint"] == fingerprint("Qorvani", KEY)
    for entry in findings:
        assert "replacement" not in entry
        assert "reasons" not in entry
        assert None not in entry.values()


def test_build_record_analyze_has_no_output_digest_and_empty_details() -> None:
    record = _record(operation="analyze", output_text=None)
    assert record["output_sha256"] is None
    assert record["details"] == {}


def test_build_record_never_contains_the_text() -> None:
    record = _record(details=None)
    dumped = json.dumps(record, ensure_ascii=False) + canonical_json(record).decode("ascii")
    lowered = dumped.lower()
    for piece in (TEXT, NAME, "Zelda", "Qorvani", "medic", "convoy", "brother"):
        assert piece.lower() not in lowered
    for finding in _findings():
        assert TEXT[finding.start : finding.end].lower() not in lowered
        assert finding.replacement is None or finding.replacement not in dumped


def test_build_record_empty_findings() -> None:
    record = _record(result=_result([]))
    assert record["findings"] == []


# -- canonical_json / chain_hash ----------------------------------------------------------------
def test_canonical_json_is_sorted_compact_ascii() -> None:
    assert canonical_json({"b": 1, "a": [1, 2], "é": "ü"}) == (
        b'{"a":[1,2],"b":1,"\\u00e9":"\\u00fc"}'
    )
    assert canonical_json({"x": 1, "y": 2}) == canonical_json({"y": 2, "x": 1})


def test_canonical_json_refuses_nan() -> None:
    with pytest.raises(ValueError):
        canonical_json({"score": float("nan")})


def test_genesis_hash() -> None:
    assert GENESIS_HASH == "hmac-sha256:" + "0" * 64


CHAIN_KEY = b"test-chain-key-0123456789abcdef"


def test_chain_hash() -> None:
    stored = {"id": 1, "time": "2025-01-01T00:00:00Z", "prev_hash": GENESIS_HASH, "x": "y"}
    message = GENESIS_HASH.encode() + b"\n" + canonical_json(stored)
    expected = hmac.new(CHAIN_KEY, message, hashlib.sha256).hexdigest()
    assert chain_hash(GENESIS_HASH, stored, CHAIN_KEY) == "hmac-sha256:" + expected
    # The record's own hash is not part of what is hashed.
    assert chain_hash(GENESIS_HASH, {**stored, "hash": "x"}, CHAIN_KEY) == chain_hash(
        GENESIS_HASH, stored, CHAIN_KEY
    )
    assert chain_hash("hmac-sha256:" + "1" * 64, stored, CHAIN_KEY) != chain_hash(
        GENESIS_HASH, stored, CHAIN_KEY
    )
    assert chain_hash(GENESIS_HASH, {**stored, "x": "z"}, CHAIN_KEY) != chain_hash(
        GENESIS_HASH, stored, CHAIN_KEY
    )
    assert chain_hash(GENESIS_HASH, stored, b"k" * 32) != chain_hash(
        GENESIS_HASH, stored, CHAIN_KEY
    )
    with pytest.raises(ValueError):
        chain_hash(GENESIS_HASH, stored, b"short")


def test_strict_json_refuses_duplicate_keys() -> None:
    assert strict_json('{"a": 1, "b": {"c": 2}}') == {"a": 1, "b": {"c": 2}}
    with pytest.raises(DuplicateKeyError):
        strict_json('{"a": 1, "a": 2}')
    with pytest.raises(DuplicateKeyError):
        strict_json('{"b": {"c": 1, "c": 1}}')
    with pytest.raises(ValueError):
        strict_json('{"a": NaN}')


def test_checkpoint_signature() -> None:
    checkpoint = sign_checkpoint(7, "hmac-sha256:" + "a" * 64, "2025-01-01T00:00:00Z", CHAIN_KEY)
    assert checkpoint_problem(checkpoint, CHAIN_KEY) is None
    assert "signature" in (checkpoint_problem(checkpoint, b"k" * 32) or "")
    assert checkpoint_problem({**checkpoint, "id": 8}, CHAIN_KEY) is not None
    assert checkpoint_problem({**checkpoint, "time": "2026"}, CHAIN_KEY) is not None
    assert checkpoint_problem([], CHAIN_KEY) is not None


def test_finding_to_dict_is_the_set_fields_with_copied_lists() -> None:
    """What ``dataclasses.asdict`` gave (unset fields dropped), without its deep copy."""
    from dataclasses import asdict

    full = Finding(
        0, 4, "PERSON", 0.9, "r", ["said"], "p1", "replace", "[A]", "high", "x", 0.8, True
    )
    bare = Finding(5, 9, "PHONE_NUMBER", 0.5, "r")
    for finding in (full, bare):
        expected = {k: v for k, v in asdict(finding).items() if v is not None}
        assert finding.to_dict() == expected
        assert list(finding.to_dict()) == list(expected)  # same key order in the JSON
    out = full.to_dict()
    out["reasons"].append("changed")
    assert full.reasons == ["said"]
