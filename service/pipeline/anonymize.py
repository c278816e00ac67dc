"""Apply a redaction policy to a draft's findings.

Why this is not Presidio's ``AnonymizerEngine``: sourceguard needs one readable placeholder per
*person* (not per string), the action of a person's most protective role on every mention,
deterministic overlap resolution that never leaves part of a rewritten span behind, and a report
that keeps every finding. Presidio's AES cipher is reused for ``encrypt``.

Offsets in findings always refer to the original text.
"""

from __future__ import annotations

import base64
import binascii
import bisect
import hashlib
import hmac
import os
import re
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from presidio_anonymizer.operators.aes_cipher import AESCipher

from policies.loader import CHANGING_ACTIONS, Policy, Rule
from recognizers.entities import PERSON_TYPES, precedence
from service.core.config import action_keys
from service.core.errors import ConfigurationError
from service.core.findings import Finding
from service.drafts.canonical import read_text

HASH_KEY_ENV = "SOURCEGUARD_HASH_KEY"
ENCRYPTION_KEY_ENV = "SOURCEGUARD_ENCRYPTION_KEY"
MIN_HASH_KEY_BYTES = 16
COVERED = "covered by another finding"
WIDENED = "replacement widened to cover overlapping findings"

DEFAULT_REDACT_TEXT = "[redacted]"
DEFAULT_MASK_CHAR = "█"
DEFAULT_GENERAL_TEXT = "[detail]"
GENERAL_KINDS = {
    "age": "[age]",
    "place": "[place]",
    "job": "[occupation]",
    "family": "[family detail]",
    "unit": "[unit]",
    "time": "[time]",
}
GCM_NONCE_BYTES = 12
ENC_TOKEN_RE = re.compile(r"\[enc:([A-Za-z0-9_\-]+=*)\]")


class SecretsError(ConfigurationError):
    """A key the policy needs is missing or invalid: the request must be refused."""


@dataclass
class Secrets:
    hash_key: bytes | None = None
    encryption_key: bytes | None = None

    @classmethod
    def from_env(cls) -> Secrets:
        """The action keys as configured (``config.action_keys``), not validated until used."""
        hash_key, encryption_key = action_keys()
        return cls(hash_key=hash_key, encryption_key=encryption_key)

    def require_hash_key(self) -> bytes:
        if not self.hash_key:
            raise SecretsError(f"policy needs a hash key: set {HASH_KEY_ENV}")
        if len(self.hash_key) < MIN_HASH_KEY_BYTES:
            # Names are low-entropy; a short key would let anyone brute-force the hashes.
            raise SecretsError(f"{HASH_KEY_ENV} must be at least {MIN_HASH_KEY_BYTES} bytes")
        return self.hash_key

    def require_encryption_key(self) -> bytes:
        if not self.encryption_key:
            raise SecretsError(f"policy needs an encryption key: set {ENCRYPTION_KEY_ENV}")
        if not AESCipher.is_valid_key_size(self.encryption_key):
            raise SecretsError(
                f"{ENCRYPTION_KEY_ENV} must be 16, 24 or 32 bytes, or base64 of such a key"
            )
        return self.encryption_key


def _normalize(value: str) -> str:
    """Case, width, invisible-character, look-alike and whitespace variants hash alike."""
    return " ".join(read_text(unicodedata.normalize("NFKC", value)).casefold().split())


def hash_value(value: str, key: bytes) -> str:
    digest = hmac.new(key, _normalize(value).encode("utf-8"), hashlib.sha256).hexdigest()
    return f"[id:{digest[:10]}]"


def encrypt_value(value: str, secrets: Secrets) -> str:
    """AES-GCM (authenticated: a changed token fails to decrypt instead of yielding garbage).

    Token payload: URL-safe base64 of a random 96-bit nonce followed by ciphertext and tag.
    """
    nonce = os.urandom(GCM_NONCE_BYTES)
    sealed = AESGCM(secrets.require_encryption_key()).encrypt(nonce, value.encode("utf-8"), None)
    return f"[enc:{base64.urlsafe_b64encode(nonce + sealed).decode('ascii')}]"


def decrypt_value(token: str, secrets: Secrets) -> str:
    """Reverse one ``[enc:...]`` token (or its bare base64 payload)."""
    key = secrets.require_encryption_key()
    match = ENC_TOKEN_RE.fullmatch(token)
    payload = match.group(1) if match else token
    try:
        raw = base64.urlsafe_b64decode(payload)
        nonce, sealed = raw[:GCM_NONCE_BYTES], raw[GCM_NONCE_BYTES:]
        return AESGCM(key).decrypt(nonce, sealed, None).decode("utf-8")
    except (ValueError, binascii.Error, InvalidTag):
        # Wrong key or damaged token; say nothing about the content.
        raise SecretsError("cannot decrypt token: wrong key or damaged token") from None


def decrypt_text(text: str, secrets: Secrets) -> str:
    """Reverse every ``[enc:...]`` token in ``text``."""
    return ENC_TOKEN_RE.sub(lambda m: decrypt_value(m.group(0), secrets), text)


def placeholder_letters(n: int) -> str:
    """0 → A, 25 → Z, 26 → AA, 27 → AB (spreadsheet-column lettering)."""
    out = ""
    n += 1
    while n:
        n, rem = divmod(n - 1, 26)
        out = chr(ord("A") + rem) + out
    return out


def _default_label(entity_type: str) -> str:
    return entity_type.lower().replace("_", " ")


def _rules_by_finding(findings: list[Finding], policy: Policy) -> list[Rule]:
    """Each finding's rule; every mention of one person gets the rule of that person's strongest
    role, so one identity never ends up half placeholder, half kept."""
    strongest: dict[str, Finding] = {}
    for f in findings:
        if f.identity is None or f.entity_type not in PERSON_TYPES:
            continue
        best = strongest.get(f.identity)
        if best is None or (precedence(f.entity_type), f.start) < (
            precedence(best.entity_type),
            best.start,
        ):
            strongest[f.identity] = f
    rules = []
    for f in findings:
        source = f
        if f.identity is not None and f.entity_type in PERSON_TYPES:
            source = strongest[f.identity]
        rules.append(policy.rule_for(source.entity_type, source.risk))
    return rules


def _check_secrets(rules: list[Rule], secrets: Secrets) -> None:
    """Fail before touching anything if any rule needs a key that is not there."""
    actions = {r.action for r in rules}
    if "hash" in actions:
        secrets.require_hash_key()
    if "encrypt" in actions:
        secrets.require_encryption_key()


def _resolve_overlaps(findings: list[Finding], rules: list[Rule]) -> list[tuple[int, int, int]]:
    """Group overlapping text-changing findings; return (start, end, winner index) per group.

    The winner (stronger precedence, then longer, then earlier) supplies the replacement for the
    group's whole extent, so no character of any text-changing finding survives.
    """
    changing = sorted(
        (i for i, r in enumerate(rules) if r.action in CHANGING_ACTIONS),
        key=lambda i: (findings[i].start, -findings[i].end),
    )
    groups: list[list[int]] = []
    group_end = -1
    for i in changing:
        f = findings[i]
        if groups and f.start < group_end:
            groups[-1].append(i)
            group_end = max(group_end, f.end)
        else:
            groups.append([i])
            group_end = f.end

    def rank(i: int) -> tuple[int, int, int]:
        f = findings[i]
        return (precedence(f.entity_type), f.start - f.end, f.start)

    regions = []
    for group in groups:
        winner = min(group, key=rank)
        regions.append(
            (min(findings[i].start for i in group), max(findings[i].end for i in group), winner)
        )
    return regions


def _add_reason(finding: Finding, reason: str) -> None:
    if reason not in finding.reasons:
        finding.reasons.append(reason)


def apply_policy(
    text: str,
    findings: list[Finding],
    policy: Policy,
    secrets: Secrets,
    overrides: Mapping[str, Rule] | None = None,
    segments: Callable[[int, int], list[tuple[int, int]]] | None = None,
    in_target: Callable[[int, int], bool] | None = None,
) -> tuple[str, list[Finding]]:
    """Set ``action``/``replacement`` on every finding and return the sanitized text.

    ``segments`` splits a replaced span into its visible pieces (``CanonicalText.segments``):
    the replacement goes into the first piece, the others are removed, and the markup between
    them stays, so a sanitized HTML or Markdown draft keeps its own tags. ``in_target`` tells a
    span inside a link target or slug, where the replacement is written as a slug
    (``citizen-journalist-a``) so the address stays an address.

    ``overrides`` maps an identity id to the rule an editor chose for all of its mentions
    (keep a name the source agreed to publish, or replace one the policy keeps).

    Findings are updated in place and returned in their input order; none is dropped. Raises
    ``SecretsError`` before changing anything if a needed key is missing, and ``ValueError``
    for a span outside the text.
    """
    for f in findings:
        if not 0 <= f.start < f.end <= len(text):
            raise ValueError(f"finding span {f.start}:{f.end} outside text of length {len(text)}")
    rules = _rules_by_finding(findings, policy)
    if overrides:
        rules = [
            overrides.get(f.identity or "", rule) for f, rule in zip(findings, rules, strict=True)
        ]
    _check_secrets(rules, secrets)

    for f, rule in zip(findings, rules, strict=True):
        f.action = rule.action
        f.replacement = None
        f.reasons[:] = [r for r in f.reasons if r not in (COVERED, WIDENED)]  # re-application
    regions = _resolve_overlaps(findings, rules)
    winners = {w for _, _, w in regions}

    placeholders: dict[tuple[str, object], str] = {}
    letter_count: dict[str, int] = {}

    def make_placeholder(i: int) -> str:
        f, rule = findings[i], rules[i]
        label = rule.label or _default_label(f.entity_type)
        key = (label, f.identity if f.identity is not None else ("finding", i))
        if key not in placeholders:
            n = letter_count.get(label, 0)
            letter_count[label] = n + 1
            placeholders[key] = f"[{label} {placeholder_letters(n)}]"
        return placeholders[key]

    builders: dict[str, Callable[[int, int, int], str]] = {
        "placeholder": lambda i, s, e: make_placeholder(i),
        "redact": lambda i, s, e: str(rules[i].params.get("text", DEFAULT_REDACT_TEXT)),
        "mask": lambda i, s, e: str(rules[i].params.get("char", DEFAULT_MASK_CHAR)) * (e - s),
        "hash": lambda i, s, e: hash_value(
            text[findings[i].start : findings[i].end], secrets.require_hash_key()
        ),
        "encrypt": lambda i, s, e: encrypt_value(text[s:e], secrets),
        "generalize": lambda i, s, e: _generalized(rules[i], findings[i].kind),
    }

    # Forward pass so placeholder letters follow document order.
    for start, end, i in regions:
        findings[i].replacement = builders[rules[i].action](i, start, end)
        if (start, end) != (findings[i].start, findings[i].end):
            _add_reason(findings[i], WIDENED)

    # Splice right to left, collecting pieces so the cost stays linear in the text length.
    pieces: list[str] = []
    cursor = len(text)
    for start, end, i in reversed(regions):
        pieces.append(text[end:cursor])
        replacement = findings[i].replacement or ""
        if in_target is not None and in_target(start, end):
            replacement = slug(replacement)
        pieces.append(_spliced(text, start, end, replacement, segments))
        cursor = start
    pieces.append(text[:cursor])

    starts = [s for s, _, _ in regions]
    for i, f in enumerate(findings):
        if i in winners:
            continue
        pos = bisect.bisect_right(starts, f.start) - 1
        inside = pos >= 0 and regions[pos][1] >= f.end
        if rules[i].action in CHANGING_ACTIONS or inside:
            _add_reason(f, COVERED)
    return "".join(reversed(pieces)), findings


def _spliced(
    text: str,
    start: int,
    end: int,
    replacement: str,
    segments: Callable[[int, int], list[tuple[int, int]]] | None,
) -> str:
    """The replacement in the first visible piece of ``[start, end)``, markup between kept."""
    if segments is None:
        return replacement
    inner: list[str] = []
    last = start
    for n, (a, b) in enumerate(segments(start, end)):
        inner.append(text[last:a])
        inner.append(replacement if n == 0 else "")
        last = b
    inner.append(text[last:end])
    return "".join(inner)


def slug(replacement: str) -> str:
    """A replacement as it is written inside an address: ``[person A]`` → ``person-a``."""
    return re.sub(r"[^a-z0-9]+", "-", replacement.lower()).strip("-") or "x"


def _generalized(rule: Rule, kind: str | None) -> str:
    kinds = rule.params.get("kinds", {})
    if kind is not None and kind in kinds:
        return str(kinds[kind])
    if "text" in rule.params:
        return str(rule.params["text"])
    return GENERAL_KINDS.get(kind or "", DEFAULT_GENERAL_TEXT)
