"""HandleRecognizer: @handles and profile/chat links, never e-mail domains or "@ 5pm"."""

from __future__ import annotations

import pytest

from recognizers.entities import SOCIAL_HANDLE
from recognizers.handle_recognizer import HandleRecognizer, iter_handle_mentions

H = SOCIAL_HANDLE


@pytest.fixture(scope="module")
def recognizer() -> HandleRecognizer:
    return HandleRecognizer()


def spans(recognizer: HandleRecognizer, text: str) -> list[tuple[int, int, str]]:
    return [(r.start, r.end, r.entity_type) for r in recognizer.analyze(text, None, None)]


def span_of(text: str, needle: str) -> tuple[int, int, str]:
    start = text.index(needle)
    return (start, start + len(needle), H)


MATCHES: list[tuple[str, str]] = [
    ("Footage first appeared on @kyiv_ledger.", "@kyiv_ledger"),
    ("The channel @rana.reports posted it.", "@rana.reports"),
    ("(@Mosul_Eye_2 deleted the post)", "@Mosul_Eye_2"),
    ("@abcd", "@abcd"),
    ("@ledger_of_darfur's last video", "@ledger_of_darfur"),
    ("Join t.me/ghouta_watch, then wait.", "t.me/ghouta_watch"),
    ("Invite link: https://t.me/+AbCdEf12345", "https://t.me/+AbCdEf12345"),
    ("Old link telegram.me/ghouta_watch still works", "telegram.me/ghouta_watch"),
    ("Message him via https://wa.me/963944612087.", "https://wa.me/963944612087"),
    ("Profile: facebook.com/profile.php?id=1000123456.", "facebook.com/profile.php?id=1000123456"),
    ("See https://m.facebook.com/sudan.dispatch for more", "https://m.facebook.com/sudan.dispatch"),
    ("Her page www.instagram.com/aleppo.lens/ shows it", "www.instagram.com/aleppo.lens/"),
    (
        "Posted at https://x.com/taiz_notes/status/1790000000000",
        "https://x.com/taiz_notes/status/1790000000000",
    ),
    ("Older: twitter.com/taiz_notes!", "twitter.com/taiz_notes"),
    ("A clip at tiktok.com/@kharkiv_kid went viral", "tiktok.com/@kharkiv_kid"),
]


@pytest.mark.parametrize(("text", "needle"), MATCHES)
def test_matches(recognizer: HandleRecognizer, text: str, needle: str) -> None:
    assert spans(recognizer, text) == [span_of(text, needle)]


NON_MATCHES: list[str] = [
    "Write to lina.qaddour@example.org today.",
    "Her address is w_mardini@example.net.",
    "Meet @ 5pm by the gate.",
    "Meet @5pm by the gate.",
    "Curfew @10am, then @1500hrs, then @22:00.",
    "Short @abc handles are not handles here.",
    "The box.com/shared folder is corporate.",
    "x.com/home and facebook.com/sharer.php are pages, not people.",
    "Our site example.org/t.me is not Telegram.",
    "Prices rose @ 3% a week.",
]


@pytest.mark.parametrize("text", NON_MATCHES)
def test_non_matches(recognizer: HandleRecognizer, text: str) -> None:
    assert spans(recognizer, text) == []


def test_email_and_handle_side_by_side(recognizer: HandleRecognizer) -> None:
    text = "Mail nour.h@example.org or DM @nour_h_reports."
    assert spans(recognizer, text) == [span_of(text, "@nour_h_reports")]


def test_reasons_name_the_platform_not_the_account(recognizer: HandleRecognizer) -> None:
    text = "Ask t.me/ghouta_watch and @kyiv_ledger."
    results = recognizer.analyze(text, None, None)
    reasons = [r.recognition_metadata["sg_reasons"] for r in results]
    assert reasons == [["Telegram link (t.me)"], ["@handle (Telegram/X/Instagram style)"]]
    for result in results:
        assert all("ghouta" not in r and "kyiv" not in r for r in reasons[0] + reasons[1])
        assert result.recognition_metadata["recognizer_name"] == recognizer.name
        assert 0.7 <= result.score <= 0.95


def test_iter_handle_mentions_gives_lowercase_accounts() -> None:
    text = "@Kyiv_Ledger and https://www.instagram.com/Aleppo.Lens/ and t.me/s/ghouta"
    accounts = [m.account for m in iter_handle_mentions(text)]
    assert sorted(accounts) == ["aleppo.lens", "ghouta", "kyiv_ledger"]
