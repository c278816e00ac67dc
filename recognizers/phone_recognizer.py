"""Phone numbers: the most direct way from a published draft back to a source.

A fixer's WhatsApp number pasted into a draft from Khartoum or Taiz identifies them to anyone
with the phone company's records. Drafts carry numbers in every international style (+963, 00967,
"(+95)"), often invented or reformatted, so ``+``/``00`` numbers are accepted on shape alone and
``phonenumbers`` only raises the score of numbers it knows to be valid. Local numbers without a
prefix are ambiguous with counts and dates, so they need a contact cue (WhatsApp, Signal, phone,
call, ...) a few words away. Years, ISO dates, year ranges, comma-grouped counts ("250,000") and
percentages never match.
"""

from __future__ import annotations

import re

import phonenumbers
from presidio_analyzer import RecognizerResult

from recognizers.base import ContactRecognizer
from recognizers.entities import PHONE_NUMBER
from recognizers.intervals import Intervals

_SPACE = r"[^\S\r\n]"
_SEP = rf"(?:{_SPACE}?[-.–]{_SPACE}?|{_SPACE}{{1,2}}|\){_SPACE}?)"
_GROUP = rf"(?:\(\d{{1,4}}\){_SPACE}?)?\d+"
_END = r"(?!\w)(?![.,]\d)(?!\s?%)"

INTERNATIONAL_PLUS_REGEX = (
    rf"(?<![\w+/=.,-])(?:\({_SPACE}?)?\+{_SPACE}?\d+(?:{_SEP}{_GROUP})*{_END}"
)
"""``+963 944 612 087``, ``+249-91-234-5678``, ``(+95) 9 420 123 456``, ``+44 (0)20 7946 0000``."""

INTERNATIONAL_00_REGEX = rf"(?<![\w+/=.,:-])(?:\({_SPACE}?)?00{_SPACE}?\d+(?:{_SEP}{_GROUP})*{_END}"
"""``00967 777 123 456``: the international prefix dialled from most of the world."""

LOCAL_REGEX = rf"(?<![\w+/=.,:-])(?:\(\d{{2,5}}\){_SPACE}?)?\d{{2,}}(?:{_SEP}\d{{2,}})*{_END}"
"""A number without an international prefix; only reported next to a contact cue."""

PATTERNS: tuple[tuple[str, str, float], ...] = (
    ("international_plus", INTERNATIONAL_PLUS_REGEX, 0.85),
    ("international_00", INTERNATIONAL_00_REGEX, 0.75),
    ("local_with_contact_cue", LOCAL_REGEX, 0.7),
)
"""(pattern name, regex, base score); scores are adjusted in ``analyze``."""

CONTACT_CUES: tuple[str, ...] = (
    "WhatsApp",
    "Whats App",
    "Signal",
    "Telegram",
    "Viber",
    "imo",
    "Thuraya",
    "satellite phone",
    "sat phone",
    "phone",
    "phones",
    "telephone",
    "phone number",
    "mobile",
    "cell",
    "cellphone",
    "call",
    "calls",
    "calling",
    "dial",
    "reachable on",
    "reachable at",
    "reached on",
    "reached at",
    "tel",
    "SMS",
    "text",
    "texts",
    "number",
    "hotline",
    "landline",
    "contact",
)
"""Words that make a bare digit group a phone number when they precede it by a few words."""

CUE_WORDS_BEFORE = 4
"""How many words may stand between a contact cue and the number it introduces."""
CUE_WORDS_AFTER = 2
"""How many words may stand between the number and a cue after it: "0944 612 087 (Signal)"."""

MIN_INTERNATIONAL_DIGITS = 8
MAX_INTERNATIONAL_DIGITS = 15  # E.164, country code included
MIN_LOCAL_DIGITS = 7
MAX_LOCAL_DIGITS = 13

SCORE_VALID_PLUS = 0.95
SCORE_KNOWN_CC_PLUS = 0.85
SCORE_UNKNOWN_CC_PLUS = 0.75
SCORE_VALID_00 = 0.9
SCORE_KNOWN_CC_00 = 0.75
SCORE_LOCAL = 0.7
SCORE_LOCAL_VALIDISH = 0.75
CUE_BONUS = 0.05
MAX_SCORE = 0.95

_CUE_RE = re.compile(
    r"(?<!\w)(?:"
    + "|".join(
        re.escape(c).replace(r"\ ", r"\s+") for c in sorted(CONTACT_CUES, key=len, reverse=True)
    )
    + r")(?!\w)",
    re.IGNORECASE,
)
_CUE_LABELS = {c.casefold(): c for c in CONTACT_CUES}
_WORD_RE = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")
_SENTENCE_BREAK_RE = re.compile(r"[!?]|\.\s+[A-Z]|\n\s*\n")
_DIGITS_RE = re.compile(r"\d")
_DIGIT_GROUP_RE = re.compile(r"\d+")
_YEAR_RE = re.compile(r"(?:1[89]|20)\d\d")
_DATE_SHAPES: tuple[re.Pattern[str], ...] = (
    re.compile(r"\d{4}\s?[-./–]\s?\d{1,2}\s?[-./–]\s?\d{1,2}"),  # 2024-03-15
    re.compile(r"\d{1,2}\s?[-./–]\s?\d{1,2}\s?[-./–]\s?\d{2,4}"),  # 15.03.2024
)
_COUNTRY_CODES: frozenset[int] = frozenset(phonenumbers.COUNTRY_CODE_TO_REGION_CODE)


def _digits(s: str) -> str:
    return "".join(_DIGITS_RE.findall(s))


def _country_code(digits: str) -> int | None:
    """The ITU country code that starts ``digits`` (codes are prefix-free), if any."""
    for length in (1, 2, 3):
        if len(digits) > length and int(digits[:length]) in _COUNTRY_CODES:
            return int(digits[:length])
    return None


def _is_valid(e164_digits: str) -> bool:
    try:
        parsed = phonenumbers.parse("+" + e164_digits, None)
    except phonenumbers.NumberParseException:
        return False
    return phonenumbers.is_valid_number(parsed)


def _looks_like_date_or_years(candidate: str) -> bool:
    if any(shape.fullmatch(candidate) for shape in _DATE_SHAPES):
        return True
    groups = _DIGIT_GROUP_RE.findall(candidate)
    return all(len(g) == 4 and _YEAR_RE.fullmatch(g) for g in groups)


def _trim_groups(text: str, start: int, end: int, max_digits: int) -> int:
    """Drop trailing digit groups so the candidate holds at most ``max_digits`` digits."""
    total = 0
    cut = start
    for group in _DIGIT_GROUP_RE.finditer(text, start, end):
        total += len(group.group())
        if total > max_digits:
            break
        cut = group.end()
    else:
        return end
    return cut


def _strip_unbalanced_paren(text: str, start: int, end: int) -> int:
    """In prose like "(+963 944 612 087)" the opening parenthesis belongs to the sentence."""
    if text[start] == "(" and ")" not in text[start:end]:
        return start + 1
    return start


def _cue_label(match: re.Match[str]) -> str:
    return _CUE_LABELS.get(" ".join(match.group(0).split()).casefold(), match.group(0))


def _cue_near(text: str, start: int, end: int) -> str | None:
    """The contact cue a few words before (or just after) ``text[start:end]``, if any."""
    before = text[max(0, start - 120) : start]
    cues = list(_CUE_RE.finditer(before))
    if cues:
        between = before[cues[-1].end() :]
        if (
            not _SENTENCE_BREAK_RE.search(between)
            and len(_WORD_RE.findall(between)) <= CUE_WORDS_BEFORE
        ):
            return _cue_label(cues[-1])
    match = _CUE_RE.search(text, end, min(len(text), end + 60))
    if match:
        between = text[end : match.start()]
        if (
            not _SENTENCE_BREAK_RE.search(between)
            and "." not in between
            and len(_WORD_RE.findall(between)) <= CUE_WORDS_AFTER
        ):
            return _cue_label(match)
    return None


class PhoneRecognizer(ContactRecognizer):
    """PHONE_NUMBER: international numbers (+/00 prefix, any country code) and cued local ones."""

    ENTITY = PHONE_NUMBER
    DEFAULT_NAME = "PhoneRecognizer"

    def __init__(self, supported_language: str = "en", name: str | None = None) -> None:
        super().__init__(PATTERNS, supported_language, name)
        self._compiled = {n: re.compile(r) for n, r, _ in PATTERNS}

    def find(self, text: str) -> list[RecognizerResult]:
        results: list[RecognizerResult] = []
        taken = Intervals()
        for prefix, regex_name in (("+", "international_plus"), ("00", "international_00")):
            for match in self._compiled[regex_name].finditer(text):
                found = self._international(text, match.start(), match.end(), prefix, regex_name)
                if found is not None:
                    results.append(found)
                    taken.add(found.start, found.end)
        for match in self._compiled["local_with_contact_cue"].finditer(text):
            start, end = match.span()
            if taken.overlaps(start, end):
                continue
            found = self._local(text, start, end)
            if found is not None:
                results.append(found)
        return results

    def _international(
        self, text: str, start: int, end: int, prefix: str, pattern_name: str
    ) -> RecognizerResult | None:
        start = _strip_unbalanced_paren(text, start, end)
        prefix_digits = len(prefix) if prefix == "00" else 0
        end = _trim_groups(text, start, end, MAX_INTERNATIONAL_DIGITS + prefix_digits)
        digits = _digits(text[start:end])[prefix_digits:]
        if not MIN_INTERNATIONAL_DIGITS <= len(digits) <= MAX_INTERNATIONAL_DIGITS:
            return None
        cc = _country_code(digits)
        valid = cc is not None and _is_valid(digits)
        if prefix == "+":
            score = (
                SCORE_VALID_PLUS
                if valid
                else SCORE_KNOWN_CC_PLUS
                if cc is not None
                else SCORE_UNKNOWN_CC_PLUS
            )
        else:
            if cc is None:
                return None  # "00" + unknown code: more likely a serial number than a phone
            score = SCORE_VALID_00 if valid else SCORE_KNOWN_CC_00
        reasons = [
            f"international phone number (+{cc})"
            if cc is not None
            else "international phone number (unrecognized country code)"
        ]
        if prefix == "00":
            reasons.append("'00' international dialling prefix")
        if valid:
            reasons.append("valid number for its country's numbering plan")
        cue = _cue_near(text, start, end)
        if cue:
            reasons.append(f"contact cue '{cue}' nearby")
            score += CUE_BONUS
        return self._result(start, end, min(score, MAX_SCORE), pattern_name, reasons)

    def _local(self, text: str, start: int, end: int) -> RecognizerResult | None:
        candidate = text[start:end]
        digits = _digits(candidate)
        if not MIN_LOCAL_DIGITS <= len(digits) <= MAX_LOCAL_DIGITS:
            return None
        if _looks_like_date_or_years(candidate):
            return None
        if text[max(0, start - 1) : start] in {"$", "€", "£"}:
            return None
        cue = _cue_near(text, start, end)
        if cue is None:
            return None
        reasons = ["local phone number", f"contact cue '{cue}' nearby"]
        score = SCORE_LOCAL
        if digits.startswith("0") and 9 <= len(digits) <= 11:
            score = SCORE_LOCAL_VALIDISH
            reasons.append("trunk prefix 0 and national length")
        return self._result(start, end, score, "local_with_contact_cue", reasons)
