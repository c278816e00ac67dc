"""EmailRecognizer: addresses by shape only, no tldextract, no network."""

from __future__ import annotations

import importlib
import sys

import pytest

from recognizers.email_recognizer import EmailRecognizer
from recognizers.entities import EMAIL_ADDRESS

E = EMAIL_ADDRESS


@pytest.fixture(scope="module")
def recognizer() -> EmailRecognizer:
    return EmailRecognizer()


def spans(recognizer: EmailRecognizer, text: str) -> list[tuple[int, int, str]]:
    return [(r.start, r.end, r.entity_type) for r in recognizer.analyze(text, None, None)]


def span_of(text: str, needle: str) -> tuple[int, int, str]:
    start = text.index(needle)
    return (start, start + len(needle), E)


MATCHES: list[tuple[str, str]] = [
    ("Write to lina.qaddour@example.org for the files.", "lina.qaddour@example.org"),
    ("tips+syria@newsdesk.example.co.uk is monitored.", "tips+syria@newsdesk.example.co.uk"),
    ("Her address (w.mardini_77@mail.example.net) leaked.", "w.mardini_77@mail.example.net"),
    ("Contact: ZAHRA-K@EXAMPLE.ORG.", "ZAHRA-K@EXAMPLE.ORG"),
    ("The fixer uses ferhat@örnek.example.tr now.", "ferhat@örnek.example.tr"),
    ("Mail idris.h@example.protonmail, then wait.", "idris.h@example.protonmail"),
    ("Obfuscated: noor.k [at] example [dot] org", "noor.k [at] example [dot] org"),
    ("Also samir(at)example.org works.", "samir(at)example.org"),
    ("Typo, no space:end.of.line.rana@example.org", "end.of.line.rana@example.org"),
]


@pytest.mark.parametrize(("text", "needle"), MATCHES)
def test_matches(recognizer: EmailRecognizer, text: str, needle: str) -> None:
    assert spans(recognizer, text) == [span_of(text, needle)]


NON_MATCHES: list[str] = [
    "Meet @ 5pm at the bakery.",
    "Follow @kyiv_ledger for updates.",
    "user@localhost is not a public address.",
    "The @ sign alone.",
    "x@y",
    "foo@bar.com@baz is garbage.",
    "They met him (at) the market.",
    "Email me at the office.",
]


@pytest.mark.parametrize("text", NON_MATCHES)
def test_non_matches(recognizer: EmailRecognizer, text: str) -> None:
    assert spans(recognizer, text) == []


def test_reasons_do_not_contain_the_address(recognizer: EmailRecognizer) -> None:
    text = "Send it to lina.qaddour@example.org please."
    [result] = recognizer.analyze(text, None, None)
    assert result.recognition_metadata["sg_reasons"] == ["e-mail address"]
    assert result.recognition_metadata["recognizer_name"] == recognizer.name
    assert result.recognition_metadata["recognizer_identifier"] == recognizer.id
    assert result.score >= 0.9


def test_two_addresses(recognizer: EmailRecognizer) -> None:
    text = "a.one@example.org, b.two@example.net."
    assert spans(recognizer, text) == [
        span_of(text, "a.one@example.org"),
        span_of(text, "b.two@example.net"),
    ]


def test_works_without_tldextract(monkeypatch: pytest.MonkeyPatch) -> None:
    """tldextract fetches a suffix list over the network; this recognizer must not need it."""
    monkeypatch.setitem(sys.modules, "tldextract", None)  # any import of it now fails
    module = importlib.reload(importlib.import_module("recognizers.email_recognizer"))
    text = "Reach lina.qaddour@example.org."
    assert spans(module.EmailRecognizer(), text) == [span_of(text, "lina.qaddour@example.org")]
