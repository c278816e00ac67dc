"""apply_policy on hand-built findings: no spaCy, so these stay fast."""

from __future__ import annotations

import base64
import time
from pathlib import Path

import pytest

from policies.loader import Policy, load_policy
from service.core.config import derive_key
from service.core.findings import Finding
from service.pipeline.anonymize import (
    COVERED,
    Secrets,
    SecretsError,
    apply_policy,
    decrypt_text,
    decrypt_value,
    encrypt_value,
    placeholder_letters,
)

HASH_KEY = b"h" * 32
AES_KEY = bytes(range(32))
KEYS = Secrets(hash_key=HASH_KEY, encryption_key=AES_KEY)


def find(text: str, needle: str, entity_type: str, nth: int = 0, **kw: object) -> Finding:
    """A finding for the nth occurrence of ``needle``."""
    start = -1
    for _ in range(nth + 1):
        start = text.index(needle, start + 1)
    return Finding(start, start + len(needle), entity_type, 0.9, "test", **kw)  # type: ignore[arg-type]


def custom_policy(tmp_path: Path, rules: str, name: str = "custom") -> Policy:
    body = f'name: {name}\nversion: "0.1.0"\nrules:\n{rules}\ndefault: {{action: flag}}\n'
    path = tmp_path / f"{name}.yaml"
    path.write_text(body, encoding="utf-8")
    return load_policy(path)


def test_placeholders_consistent_and_lettered_in_document_order() -> None:
    text = "Rami filmed it. Huda called Rami. Omar, a resident, and Huda left. Sami spoke."
    findings = [
        find(text, "Sami", "PERSON", identity="p-sami"),
        find(text, "Huda", "CITIZEN_JOURNALIST", nth=1, identity="p-huda"),
        find(text, "Rami", "CITIZEN_JOURNALIST", identity="p-rami"),
        find(text, "Huda", "PERSON", identity="p-huda"),  # weaker role, same person
        find(text, "Rami", "PERSON", nth=1, identity="p-rami"),
        find(text, "Omar", "AT_RISK_SOURCE", identity="p-omar"),
    ]
    out, result = apply_policy(text, findings, load_policy("publish"), Secrets())
    assert out == (
        "[citizen journalist A] filmed it. [citizen journalist B] called "
        "[citizen journalist A]. [source A], a resident, and [citizen journalist B] left. "
        "[person A] spoke."
    )
    assert result is findings
    assert all(f.action == "placeholder" for f in findings)


def test_finding_without_identity_gets_its_own_placeholder() -> None:
    text = "Ali and Ali"
    findings = [find(text, "Ali", "PERSON"), find(text, "Ali", "PERSON", nth=1)]
    out, _ = apply_policy(text, findings, load_policy("publish"), Secrets())
    assert out == "[person A] and [person B]"


def test_strongest_role_decides_every_mention(tmp_path: Path) -> None:
    text = "Abu Karam posted. Karam was later detained."
    findings = [
        find(text, "Abu Karam", "PSEUDONYM", identity="k"),
        find(text, "Karam", "AT_RISK_SOURCE", nth=1, identity="k"),
    ]
    out, _ = apply_policy(text, findings, load_policy("publish"), Secrets())
    assert out == "[source A] posted. [source A] was later detained."
    assert [f.action for f in findings] == ["placeholder", "placeholder"]


def test_placeholder_label_falls_back_to_entity_type(tmp_path: Path) -> None:
    policy = custom_policy(tmp_path, "  PROTECTED_SOURCE: {action: placeholder}")
    text = "Lina said."
    out, _ = apply_policy(text, [find(text, "Lina", "PROTECTED_SOURCE")], policy, Secrets())
    assert out == "[protected source A] said."


@pytest.mark.parametrize(
    ("n", "letters"), [(0, "A"), (25, "Z"), (26, "AA"), (27, "AB"), (51, "AZ"), (52, "BA")]
)
def test_placeholder_letters(n: int, letters: str) -> None:
    assert placeholder_letters(n) == letters


def test_redact_mask_and_generalize(tmp_path: Path) -> None:
    policy = custom_policy(
        tmp_path,
        "  PHONE_NUMBER: {action: redact, text: '[phone number removed]'}\n"
        "  EMAIL_ADDRESS: {action: redact}\n"
        "  PERSON: {action: mask, char: '*'}\n"
        "  PSEUDONYM: {action: mask}\n"
        "  QUASI_IDENTIFIER: {action: generalize, kinds: {unit: '[a unit]'}}\n"
        "  ANONYMOUS_SOURCE: {action: generalize, text: '[a source]'}",
    )
    text = "Call +963 11 555 0101 or a@b.org. Noura and Abu Z: 34-year-old nurse in the 4th unit."
    findings = [
        find(text, "+963 11 555 0101", "PHONE_NUMBER"),
        find(text, "a@b.org", "EMAIL_ADDRESS"),
        find(text, "Noura", "PERSON"),
        find(text, "Abu Z", "PSEUDONYM"),
        find(text, "34-year-old", "QUASI_IDENTIFIER", kind="age"),
        find(text, "nurse", "QUASI_IDENTIFIER", kind="job"),
        find(text, "4th unit", "QUASI_IDENTIFIER", kind="unit"),
        find(text, "the", "QUASI_IDENTIFIER"),
    ]
    out, _ = apply_policy(text, findings, policy, Secrets())
    assert out == (
        "Call [phone number removed] or [redacted]. ***** and █████: [age] [occupation] in "
        "[detail] [a unit]."
    )
    assert findings[2].replacement == "*****"


def test_hash_is_deterministic_normalized_and_keyed(tmp_path: Path) -> None:
    policy = custom_policy(tmp_path, "  PERSON: {action: hash}")
    text = "Yusuf Haddad, then YUSUF  HADDAD, then Maya."
    findings = [
        find(text, "Yusuf Haddad", "PERSON"),
        find(text, "YUSUF  HADDAD", "PERSON"),
        find(text, "Maya", "PERSON"),
    ]
    out, _ = apply_policy(text, findings, policy, KEYS)
    a, b, c = (f.replacement for f in findings)
    assert a == b != c
    assert a is not None and a.startswith("[id:") and len(a) == len("[id:]") + 10
    assert "Yusuf" not in out and "Maya" not in out

    again = [find(text, "Yusuf Haddad", "PERSON")]
    apply_policy(text, again, policy, KEYS)
    assert again[0].replacement == a
    other = [find(text, "Yusuf Haddad", "PERSON")]
    apply_policy(text, other, policy, Secrets(hash_key=b"k" * 32))
    assert other[0].replacement != a


def test_encrypt_round_trip() -> None:
    text = "Reach Mahmoud at +249 91 234 5678 or @mahmoud_k; the Minister declined."
    findings = [
        find(text, "Mahmoud", "CITIZEN_JOURNALIST", identity="m"),
        find(text, "+249 91 234 5678", "PHONE_NUMBER"),
        find(text, "@mahmoud_k", "SOCIAL_HANDLE"),
        find(text, "the Minister", "PUBLIC_FIGURE"),
    ]
    out, _ = apply_policy(text, findings, load_policy("internal"), KEYS)
    assert "Mahmoud" not in out and "5678" not in out and "mahmoud_k" not in out
    assert out.count("[enc:") == 3
    assert decrypt_text(out, KEYS) == text
    assert decrypt_value(findings[0].replacement or "", KEYS) == "Mahmoud"
    with pytest.raises(SecretsError):
        decrypt_text(out, Secrets(encryption_key=bytes(32)))


def test_secrets_from_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for var in ("SOURCEGUARD_HASH_KEY", "SOURCEGUARD_SECRET_KEY", "SOURCEGUARD_ENCRYPTION_KEY"):
        monkeypatch.delenv(var, raising=False)
    assert Secrets.from_env() == Secrets(None, None)
    monkeypatch.setenv("SOURCEGUARD_SECRET_KEY", "s" * 20)
    monkeypatch.setenv("SOURCEGUARD_ENCRYPTION_KEY", base64.b64encode(AES_KEY).decode())
    assert Secrets.from_env() == Secrets(derive_key(b"s" * 20, "hash"), AES_KEY)
    monkeypatch.delenv("SOURCEGUARD_ENCRYPTION_KEY")
    derived = Secrets.from_env()  # same derivation as the service: one master, same results
    assert derived.encryption_key == derive_key(b"s" * 20, "encryption")
    assert len(derived.encryption_key) == 32 and derived.hash_key != derived.encryption_key
    monkeypatch.setenv("SOURCEGUARD_HASH_KEY", "h" * 20)
    monkeypatch.setenv("SOURCEGUARD_ENCRYPTION_KEY", "0123456789abcdef")
    assert Secrets.from_env() == Secrets(b"h" * 20, b"0123456789abcdef")


@pytest.mark.parametrize(
    ("rules", "secrets", "message"),
    [
        ("  PERSON: {action: hash}", Secrets(), "SOURCEGUARD_HASH_KEY"),
        ("  PERSON: {action: hash}", Secrets(hash_key=b"short"), "at least 16 bytes"),
        ("  PERSON: {action: encrypt}", Secrets(hash_key=HASH_KEY), "SOURCEGUARD_ENCRYPTION_KEY"),
        ("  PERSON: {action: encrypt}", Secrets(encryption_key=b"x" * 17), "16, 24 or 32"),
    ],
)
def test_missing_or_bad_key_fails_closed(
    tmp_path: Path, rules: str, secrets: Secrets, message: str
) -> None:
    text = "Samar spoke."
    findings = [find(text, "Samar", "PERSON")]
    with pytest.raises(SecretsError, match=message) as excinfo:
        apply_policy(text, findings, custom_policy(tmp_path, rules), secrets)
    assert "Samar" not in str(excinfo.value)
    assert findings[0].replacement is None


def test_keys_only_needed_when_used() -> None:
    text = "Samar spoke."
    out, _ = apply_policy(text, [find(text, "Samar", "PERSON")], load_policy("publish"), Secrets())
    assert out == "[person A] spoke."


@pytest.mark.parametrize("policy_name", ["review", "publish"])
def test_keep_and_flag_leave_text_unchanged(policy_name: str) -> None:
    text = "Abu Jandal, the Governor, and a doctor from the camp said so."
    findings = [
        find(text, "Abu Jandal", "PSEUDONYM"),
        find(text, "the Governor", "PUBLIC_FIGURE"),
        find(text, "a doctor from the camp", "ANONYMOUS_SOURCE", risk="medium"),
        find(text, "doctor", "QUASI_IDENTIFIER", kind="job", risk="medium"),
    ]
    out, _ = apply_policy(text, findings, load_policy(policy_name), Secrets())
    assert out == text
    assert all(f.replacement is None for f in findings)
    assert [f.action for f in findings][1:] == ["keep", "flag", "flag"]
    assert all(COVERED not in f.reasons for f in findings)


OVERLAP_RULES = (
    "  PERSON: {action: placeholder, label: person}\n"
    "  CITIZEN_JOURNALIST: {action: placeholder, label: citizen journalist}\n"
    "  PUBLIC_FIGURE: {action: keep}\n"
    "  ANONYMOUS_SOURCE: {action: generalize, text: '[a source]'}\n"
    "  QUASI_IDENTIFIER: {action: generalize}\n"
    "  PHONE_NUMBER: {action: redact}"
)
TEXT = "A cousin of Reem Saleh, 41, told us."

# (case id, findings as (needle, type, kind), expected text, winner needles, covered needles)
OVERLAPS = [
    (
        "source-contains-quasi",
        [
            ("A cousin of Reem Saleh, 41", "ANONYMOUS_SOURCE", None),
            ("41", "QUASI_IDENTIFIER", "age"),
        ],
        "[a source], told us.",
        ["A cousin of Reem Saleh, 41"],
        ["41"],
    ),
    (
        "person-inside-source-wins-by-precedence-and-covers-it",
        [("A cousin of Reem Saleh", "ANONYMOUS_SOURCE", None), ("Reem Saleh", "PERSON", None)],
        "[person A], 41, told us.",
        ["Reem Saleh"],
        ["A cousin of Reem Saleh"],
    ),
    (
        "stronger-role-wins-over-longer-span",
        [("Reem Saleh", "PERSON", None), ("Reem", "CITIZEN_JOURNALIST", None)],
        "A cousin of [citizen journalist A], 41, told us.",
        ["Reem"],
        ["Reem Saleh"],
    ),
    (
        "same-role-longer-wins",
        [("Reem", "PERSON", None), ("Reem Saleh", "PERSON", None)],
        "A cousin of [person A], 41, told us.",
        ["Reem Saleh"],
        ["Reem"],
    ),
    (
        "same-role-same-length-earlier-wins",
        [("Saleh, 41", "QUASI_IDENTIFIER", "age"), ("Reem Sale", "QUASI_IDENTIFIER", "place")],
        "A cousin of [place], told us.",
        ["Reem Sale"],
        ["Saleh, 41"],
    ),
    (
        "changing-beats-keep",
        [("Reem Saleh", "PUBLIC_FIGURE", None), ("Saleh, 41", "QUASI_IDENTIFIER", "age")],
        "A cousin of Reem [age], told us.",
        ["Saleh, 41"],
        [],
    ),
    (
        "keep-fully-inside-is-marked-covered",
        [("Reem Saleh, 41", "QUASI_IDENTIFIER", None), ("Saleh", "PUBLIC_FIGURE", None)],
        "A cousin of [detail], told us.",
        ["Reem Saleh, 41"],
        ["Saleh"],
    ),
    (
        "disjoint-spans-both-replaced",
        [("cousin", "QUASI_IDENTIFIER", "family"), ("41", "QUASI_IDENTIFIER", "age")],
        "A [family detail] of Reem Saleh, [age], told us.",
        ["cousin", "41"],
        [],
    ),
    (
        "chain-of-partial-overlaps-replaced-as-one",
        [
            ("cousin of Reem", "QUASI_IDENTIFIER", "family"),
            ("Reem Saleh", "PERSON", None),
            ("Saleh, 41", "QUASI_IDENTIFIER", "age"),
        ],
        "A [person A], told us.",
        ["Reem Saleh"],
        ["cousin of Reem", "Saleh, 41"],
    ),
]


@pytest.mark.parametrize(
    ("spec", "expected", "winners", "covered"),
    [case[1:] for case in OVERLAPS],
    ids=[case[0] for case in OVERLAPS],
)
def test_overlap_resolution(
    tmp_path: Path,
    spec: list[tuple[str, str, str | None]],
    expected: str,
    winners: list[str],
    covered: list[str],
) -> None:
    findings = [find(TEXT, needle, etype, kind=kind) for needle, etype, kind in spec]
    out, result = apply_policy(TEXT, findings, custom_policy(tmp_path, OVERLAP_RULES), Secrets())
    assert out == expected
    assert len(result) == len(spec)
    by_needle = {TEXT[f.start : f.end]: f for f in result}
    for needle in winners:
        assert by_needle[needle].replacement is not None
        assert COVERED not in by_needle[needle].reasons
    for needle in covered:
        assert by_needle[needle].replacement is None
        assert COVERED in by_needle[needle].reasons
        assert by_needle[needle].action  # keeps its action in the report
    for f in result:
        if f.replacement is not None or COVERED in f.reasons:
            assert TEXT[f.start : f.end] not in out


def test_reapplying_does_not_duplicate_reasons(tmp_path: Path) -> None:
    findings = [
        find(TEXT, "A cousin of Reem Saleh", "ANONYMOUS_SOURCE"),
        find(TEXT, "Reem Saleh", "PERSON"),
    ]
    policy = custom_policy(tmp_path, OVERLAP_RULES)
    apply_policy(TEXT, findings, policy, Secrets())
    apply_policy(TEXT, findings, policy, Secrets())
    assert findings[0].reasons == [COVERED]
    apply_policy(TEXT, findings, load_policy("review"), Secrets())
    assert findings[0].reasons == []


def test_span_outside_text_is_refused() -> None:
    with pytest.raises(ValueError, match="outside text"):
        apply_policy("short", [Finding(2, 99, "PERSON", 1.0, "t")], load_policy("publish"), KEYS)


def test_large_input_is_fast() -> None:
    """50,000 words and 5,000 findings must stay linear-ish, well under a second."""
    words = [f"w{i % 97}" for i in range(50_000)]
    findings: list[Finding] = []
    offset = 0
    spans = []
    for i, word in enumerate(words):
        spans.append((offset, offset + len(word)))
        offset += len(word) + 1
        if i % 10 == 0:
            s, e = spans[-1]
            etype = ("CITIZEN_JOURNALIST", "PERSON", "PHONE_NUMBER", "QUASI_IDENTIFIER")[i % 4]
            findings.append(Finding(s, e, etype, 0.9, "t", identity=f"id{i % 300}"))
    # Nested anonymous-source spans around every 50th finding.
    for f in findings[::50]:
        findings.append(Finding(max(0, f.start - 5), f.end + 5, "ANONYMOUS_SOURCE", 0.5, "t"))
    text = " ".join(words)
    assert len(findings) > 5_000

    began = time.perf_counter()
    out, result = apply_policy(text, findings, load_policy("strict"), Secrets())
    elapsed = time.perf_counter() - began
    assert len(result) == len(findings)
    assert "[citizen journalist A]" in out and "[phone number removed]" in out
    assert elapsed < 1.0, f"apply_policy took {elapsed:.2f}s"


def test_encryption_is_authenticated() -> None:
    """AES-GCM: a token changed by one character does not decrypt (no silent garbage)."""
    secrets = Secrets(encryption_key=AES_KEY)
    token = encrypt_value("Rami Haddad", secrets)
    assert decrypt_value(token, secrets) == "Rami Haddad"
    assert encrypt_value("Rami Haddad", secrets) != token  # a fresh nonce every time
    payload = token[len("[enc:") : -1]
    flipped = payload[:10] + ("A" if payload[10] != "A" else "B") + payload[11:]
    with pytest.raises(SecretsError):
        decrypt_value(f"[enc:{flipped}]", secrets)
