"""Social-media handles and profile links: an account is a person.

Citizen journalists and fixers are known by their Telegram channel, X account or Instagram page
long before anyone knows their name, and a ``t.me``/``wa.me`` link leads straight to the account
(and, for WhatsApp, the phone number). This recognizer finds ``@handles`` (letters, digits,
underscore, inner dots; 4–32 characters) and profile or chat links on the platforms drafts from
conflict zones cite. It never reports the part of an e-mail address after the ``@`` or an "@" used
as "at" before a time or number ("@ 5pm", "@10am").
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import NamedTuple

from presidio_analyzer import RecognizerResult

from recognizers.base import ContactRecognizer
from recognizers.entities import SOCIAL_HANDLE
from recognizers.intervals import Intervals

HANDLE_REGEX = r"(?<![\w@./+\-])@([A-Za-z0-9_][A-Za-z0-9_.]{2,30}[A-Za-z0-9_])(?![\w@])"
"""``@kyiv_watch``, ``@rana.reports``: Telegram, X, Instagram and TikTok style handles."""

NOT_A_HANDLE_REGEX = r"\d+(?:[.:]\d+)*(?:am|pm|a\.m|p\.m|h|hr|hrs|st|nd|rd|th|k|m|km|mm)?"
"""What follows an "@" meaning "at": a time, an amount or an ordinal ("@10am", "@1500hrs")."""

SOCIAL_SITES: tuple[tuple[str, str], ...] = (
    ("t.me", "Telegram link (t.me)"),
    ("telegram.me", "Telegram link (telegram.me)"),
    ("telegram.dog", "Telegram link (telegram.dog)"),
    ("wa.me", "WhatsApp chat link (wa.me)"),
    ("chat.whatsapp.com", "WhatsApp group invite link"),
    ("api.whatsapp.com", "WhatsApp chat link"),
    ("facebook.com", "Facebook profile URL"),
    ("fb.com", "Facebook profile URL"),
    ("fb.me", "Facebook profile URL"),
    ("instagram.com", "Instagram profile URL"),
    ("instagr.am", "Instagram profile URL"),
    ("x.com", "X/Twitter profile URL"),
    ("twitter.com", "X/Twitter profile URL"),
    ("tiktok.com", "TikTok profile URL"),
    ("vk.com", "VK profile URL"),
    ("youtube.com", "YouTube channel URL"),
)
"""(domain, reason) for the platforms whose links lead to one person's account."""

TELEGRAM_SITES: frozenset[str] = frozenset({"t.me", "telegram.me", "telegram.dog"})

SUBDOMAINS: tuple[str, ...] = ("www", "m", "mobile", "web", "mbasic", "business")
"""Host prefixes that still mean the same platform (m.facebook.com, mobile.twitter.com)."""

GENERIC_PATHS: frozenset[str] = frozenset(
    [
        "home",
        "search",
        "explore",
        "hashtag",
        "hashtags",
        "login",
        "signup",
        "share",
        "sharer",
        "sharer.php",
        "intent",
        "about",
        "privacy",
        "policies",
        "policy",
        "help",
        "settings",
        "legal",
        "terms",
        "watch",
        "results",
        "feed",
        "reel",
        "reels",
        "trending",
        "notifications",
        "messages",
    ]
)
"""First path segments that name a page of the platform, not an account."""

PROFILE_URL_REGEX = (
    r"(?<![\w.\-/@])(?:https?://)?(?:(?:"
    + "|".join(SUBDOMAINS)
    + r")\.)?(?P<site>"
    + "|".join(re.escape(d) for d, _ in sorted(SOCIAL_SITES, key=lambda s: -len(s[0])))
    + r")/(?P<path>[^\s<>\"'()\[\]{}]+)"
)
"""``t.me/kyiv_watch``, ``https://wa.me/963944612087``, ``facebook.com/profile.php?id=1000``."""

PATTERNS: tuple[tuple[str, str, float], ...] = (
    ("profile_url", PROFILE_URL_REGEX, 0.95),
    ("handle", HANDLE_REGEX, 0.85),
)
"""(pattern name, regex, score)."""

HANDLE_REASON = "@handle (Telegram/X/Instagram style)"
_TRAILING_PUNCT = ".,;:!?'\"’”…"
_HANDLE_RE = re.compile(HANDLE_REGEX)
_NOT_A_HANDLE_RE = re.compile(NOT_A_HANDLE_REGEX, re.IGNORECASE)
_URL_RE = re.compile(PROFILE_URL_REGEX, re.IGNORECASE)
_SITE_REASONS = dict(SOCIAL_SITES)
_SCORES = {name: score for name, _, score in PATTERNS}


class HandleMention(NamedTuple):
    """One account reference: its span, the account key (lower case, no "@") and why."""

    start: int
    end: int
    account: str
    pattern_name: str
    reason: str


def _url_account(site: str, path: str) -> str:
    """The account a profile path names: ``t.me/s/name`` (web preview) -> ``name``."""
    segments = [s for s in path.split("?", 1)[0].split("/") if s]
    if site in TELEGRAM_SITES and len(segments) > 1 and segments[0].casefold() == "s":
        segments = segments[1:]
    return segments[0].lstrip("@").lower() if segments else ""


def iter_handle_mentions(text: str) -> Iterator[HandleMention]:
    """Profile links first, then bare @handles outside them, in text order per kind."""
    taken = Intervals()
    for match in _URL_RE.finditer(text):
        path = match.group("path").rstrip(_TRAILING_PUNCT)
        first = path.split("/", 1)[0].split("?", 1)[0].casefold()
        if not first or first in GENERIC_PATHS:
            continue
        start = match.start()
        end = match.start("path") + len(path)
        taken.add(start, end)
        site = match.group("site").lower()
        yield HandleMention(
            start, end, _url_account(site, path), "profile_url", _SITE_REASONS[site]
        )
    for match in _HANDLE_RE.finditer(text):
        handle = match.group(1)
        if _NOT_A_HANDLE_RE.fullmatch(handle):
            continue
        start, end = match.span()
        if taken.overlaps(start, end):
            continue
        yield HandleMention(start, end, handle.lower(), "handle", HANDLE_REASON)


class HandleRecognizer(ContactRecognizer):
    """SOCIAL_HANDLE: @handles and Telegram/WhatsApp/Facebook/Instagram/X profile links."""

    ENTITY = SOCIAL_HANDLE
    DEFAULT_NAME = "HandleRecognizer"

    def __init__(self, supported_language: str = "en", name: str | None = None) -> None:
        super().__init__(PATTERNS, supported_language, name)

    def find(self, text: str) -> list[RecognizerResult]:
        return [
            self._result(m.start, m.end, _SCORES[m.pattern_name], m.pattern_name, [m.reason])
            for m in iter_handle_mentions(text)
        ]
