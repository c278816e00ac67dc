"""E-mail addresses, found by regular expression only.

An address is as identifying as a name: it is tied to an account, a recovery phone and often the
person's real name. Presidio's stock EmailRecognizer validates the domain with ``tldextract``,
which downloads the public-suffix list and hangs on an offline newsroom machine, so this
recognizer checks the shape alone: any top-level domain of letters counts. Obfuscated forms that
drafts copy from sources ("name [at] domain [dot] org") are reported with a lower score.
"""

from __future__ import annotations

import re

from presidio_analyzer import RecognizerResult

from recognizers.base import ContactRecognizer
from recognizers.entities import EMAIL_ADDRESS
from recognizers.intervals import Intervals

# Bounded repetitions (RFC 5321: local part <= 64, label <= 63, a few labels): unbounded ones let
# every word start after a hyphen rescan the rest of a long hyphenated run (quadratic).
_LOCAL = r"[^\W_](?:[\w%+\-]|\.(?!\.)){0,63}"
_LABEL = r"[^\W_](?:[\w\-]{0,61}[^\W_])?"
_TLD = r"[^\W\d_]{2,24}"

EMAIL_REGEX = rf"(?<![\w@])(?:{_LOCAL})(?<!\.)@(?:{_LABEL}\.){{1,8}}{_TLD}(?![\w\-@])"
"""Plain addresses: ``ahmad.k@example.org``, ``tips+desk@news.example.co.uk``."""

_AT = r"\s*(?:\[\s*at\s*\]|\(\s*at\s*\)|\{\s*at\s*\})\s*"
_DOT = r"\s*(?:\[\s*dot\s*\]|\(\s*dot\s*\)|\{\s*dot\s*\})\s*"
OBFUSCATED_EMAIL_REGEX = (
    rf"(?<![\w.%+\-])[^\W_][\w.%+\-]{{0,63}}{_AT}{_LABEL}(?:(?:{_DOT}|\.){_LABEL}){{0,8}}(?:{_DOT}|\.){_TLD}"
    r"(?![\w\-])"
)
"""Obfuscated addresses: ``ahmad [at] example [dot] org``, ``ahmad(at)example.org``."""

PATTERNS: tuple[tuple[str, str, float, str], ...] = (
    ("email", EMAIL_REGEX, 0.95, "e-mail address"),
    ("obfuscated_email", OBFUSCATED_EMAIL_REGEX, 0.8, "obfuscated e-mail address ([at]/[dot])"),
)
"""(pattern name, regex, score, reason)."""


class EmailRecognizer(ContactRecognizer):
    """EMAIL_ADDRESS by shape alone: no domain lookup, no network."""

    ENTITY = EMAIL_ADDRESS
    DEFAULT_NAME = "SourceguardEmailRecognizer"

    def __init__(self, supported_language: str = "en", name: str | None = None) -> None:
        super().__init__([(n, r, s) for n, r, s, _ in PATTERNS], supported_language, name)
        self._compiled = [(n, re.compile(r, re.IGNORECASE), s, why) for n, r, s, why in PATTERNS]

    def find(self, text: str) -> list[RecognizerResult]:
        results: list[RecognizerResult] = []
        taken = Intervals()
        for pattern_name, regex, score, reason in self._compiled:
            for match in regex.finditer(text):
                start, end = match.span()
                if taken.overlaps(start, end):
                    continue
                taken.add(start, end)
                results.append(self._result(start, end, score, pattern_name, [reason]))
        return results
