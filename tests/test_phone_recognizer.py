"""PhoneRecognizer: international and cued local numbers, never counts, years or dates."""

from __future__ import annotations

import pytest

from recognizers.entities import PHONE_NUMBER
from recognizers.phone_recognizer import PhoneRecognizer

P = PHONE_NUMBER


@pytest.fixture(scope="module")
def recognizer() -> PhoneRecognizer:
    return PhoneRecognizer()


def spans(recognizer: PhoneRecognizer, text: str) -> list[tuple[int, int, str]]:
    return [(r.start, r.end, r.entity_type) for r in recognizer.analyze(text, None, None)]


def span_of(text: str, needle: str) -> tuple[int, int, str]:
    start = text.index(needle)
    return (start, start + len(needle), P)


MATCHES: list[tuple[str, str]] = [
    ("Reach the fixer on +963 944 612 087 after curfew.", "+963 944 612 087"),
    ("His cousin answered at +249-91-234-5678 yesterday.", "+249-91-234-5678"),
    ("The clinic line, 00967 777 123 456, rang out.", "00967 777 123 456"),
    ("Try (+95) 9 420 123 456 in the evening.", "(+95) 9 420 123 456"),
    ("Her number (+380 67 123 4567) was disconnected.", "+380 67 123 4567"),
    ("Dial +375.29.765.43.21 from abroad.", "+375.29.765.43.21"),
    ("The office uses +218 91 555 0147 now.", "+218 91 555 0147"),
    ("Call +251 911 23 45 67 for the convoy.", "+251 911 23 45 67"),
    ("A Gaza line +970 59 987 6543 went silent.", "+970 59 987 6543"),
    ("The Beirut desk: +961 3 123 456.", "+961 3 123 456"),
    ("Mosul contact +964 770 123 4567 stopped replying.", "+964 770 123 4567"),
    ("Kabul: +93 70 123 4567.", "+93 70 123 4567"),
    ("Tehran relative +98 912 345 6789 was questioned.", "+98 912 345 6789"),
    ("The Istanbul office, +90 (212) 555 01 23, is closed.", "+90 (212) 555 01 23"),
    ("London desk +44 (0)20 7946 0321 confirmed.", "+44 (0)20 7946 0321"),
    ("Unallocated code +999 123 456 789 still counts.", "+999 123 456 789"),
    ("No separators: +963944612087.", "+963944612087"),
    ("WhatsApp: 0944 612 087 is her only line.", "0944 612 087"),
    ("He is reachable on Signal at 091-234-5678 most nights.", "091-234-5678"),
    ("Her mobile number is 0777 123 456.", "0777 123 456"),
    ("Tel. 21 345 6789 (office).", "21 345 6789"),
    ("Message 0912 345 678 (Telegram) after dark.", "0912 345 678"),
    ("phone 944612087", "944612087"),
]


@pytest.mark.parametrize(("text", "needle"), MATCHES)
def test_matches(recognizer: PhoneRecognizer, text: str, needle: str) -> None:
    assert spans(recognizer, text) == [span_of(text, needle)]


NON_MATCHES: list[str] = [
    "Each 2,000-litre tank served a street.",
    "About 250,000 residents fled the district.",
    "They demanded the release of 1,000 political prisoners.",
    "The siege began in 2022 and ended in 2024.",
    "Prices rose 45% in a month; 12.5 % of homes lost power.",
    "The strike was on 2024-03-15 at dawn.",
    "Call records from 2014-2022 were seized.",
    "He was due to phone on 15.03.2024.",
    "WhatsApp groups shared 1 200 photos.",
    "She said 0944 612 087 was not hers.",  # a number, but no contact cue
    "The report lists 3,412,907 displaced people.",
    "Coordinates 36.2021, 37.1343 mark the bakery.",
    "Call $1 250 000 a ransom, not a number.",
    "Flight time 12:00 9671234 is not a phone.",
    "Version 1.2.3 of the app, +5 points.",
    "A loss of +3.5% in the quarter.",
    "Reference ID-0096 344 12 appears twice.",
]


@pytest.mark.parametrize("text", NON_MATCHES)
def test_non_matches(recognizer: PhoneRecognizer, text: str) -> None:
    assert spans(recognizer, text) == []


def test_reasons_name_the_country_code_and_cue_but_not_the_number(
    recognizer: PhoneRecognizer,
) -> None:
    text = "Her WhatsApp is +967 777 123 456."
    [result] = recognizer.analyze(text, None, None)
    reasons = result.recognition_metadata["sg_reasons"]
    assert "international phone number (+967)" in reasons
    assert "contact cue 'WhatsApp' nearby" in reasons
    assert all("777" not in r and "123 456" not in r for r in reasons)
    assert result.recognition_metadata["recognizer_name"] == recognizer.name
    assert result.recognition_metadata["recognizer_identifier"] == recognizer.id
    assert 0.7 <= result.score <= 0.95


def test_scores_rank_valid_above_invented(recognizer: PhoneRecognizer) -> None:
    valid = recognizer.analyze("+963 944 612 087", None, None)[0].score
    unknown = recognizer.analyze("+999 123 456 789", None, None)[0].score
    local = recognizer.analyze("call 0944 612 087", None, None)[0].score
    assert valid > unknown
    assert 0.7 <= local < valid


def test_entities_filter(recognizer: PhoneRecognizer) -> None:
    assert recognizer.analyze("+963 944 612 087", ["EMAIL_ADDRESS"], None) == []
    assert recognizer.analyze("+963 944 612 087", [PHONE_NUMBER], None)


def test_several_numbers_in_one_text(recognizer: PhoneRecognizer) -> None:
    text = "Numbers: +963 944 612 087, 00249 91 234 5678 and call 0912 345 678."
    assert spans(recognizer, text) == [
        span_of(text, "+963 944 612 087"),
        span_of(text, "00249 91 234 5678"),
        span_of(text, "0912 345 678"),
    ]


def test_long_digit_runs_stay_fast(recognizer: PhoneRecognizer) -> None:
    text = "+" + "1" * 20000 + " " + "1 " * 20000 + " call " + "12 " * 10000
    assert recognizer.analyze(text, None, None) == []
