"""How one letter reads: the character-level part of the canonical reading of a draft.

A name must be the same name however its letters are written: fullwidth or mathematical forms,
NFD accents, invisible characters inside it (soft hyphen, zero-width space, U+034F, BOM), or
look-alike letters from another script (Cyrillic "а" for Latin "a"). ``read_text`` gives the
reading; the draft's canonical view (``service.drafts.canonical``) and the name keys of the
roster and of identities (``recognizers.name_keys``) both use it, so they always agree.
Unicode's confusables data comes from the maintained ``confusable-homoglyphs`` package.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from functools import cache

INVISIBLE_EXTRA = frozenset("\u034f\u115f\u1160\u17b4\u17b5\u180e\u3164\uffa0")
"""Invisible characters outside category Cf: combining grapheme joiner, Hangul and Khmer fillers."""

HYPHENS = frozenset("\u2010\u2011\u2043\ufe63\uff0d")
"""Hyphen look-alikes read as ``-`` (NFKC keeps U+2010/U+2011 as they are)."""


@cache
def _skeleton_map() -> dict[str, str]:
    """Non-ASCII letter → the ASCII letter it is confusable with (Unicode TR39 data)."""
    from confusable_homoglyphs.utils import load

    data = load("confusables.json")
    out: dict[str, str] = {}
    for char, glyphs in data.items():
        if len(char) != 1 or char.isascii() or not char.isalpha():
            continue
        latin = [
            g["c"] for g in glyphs if len(g["c"]) == 1 and g["c"].isascii() and g["c"].isalpha()
        ]
        if not latin:
            continue
        same_case = [c for c in latin if c.isupper() == char.isupper()] or latin
        out[char] = same_case[0]
    return out


def read_char(ch: str) -> str:
    """How one character (or a grapheme: base + marks) reads: NFKC, no invisibles, Latin skeleton."""
    if len(ch) == 1 and ch.isascii():
        return ch
    out = []
    for c in unicodedata.normalize("NFKC", ch):
        if is_invisible(c):
            continue
        if c in HYPHENS:
            out.append("-")
            continue
        out.append(_skeleton_map().get(c, c))
    return "".join(out)


def read_text(text: str) -> str:
    """``read_char`` over a whole string, grapheme by grapheme (roster names, keys)."""
    return "".join(read_char(g) for g in _graphemes(text))


def is_invisible(ch: str) -> bool:
    if ch in INVISIBLE_EXTRA or "\ufe00" <= ch <= "\ufe0f" or "\U000e0100" <= ch <= "\U000e01ef":
        return True
    return unicodedata.category(ch) == "Cf"


def _graphemes(text: str) -> Iterable[str]:
    """A base character with the combining marks after it (enough for composing accents)."""
    start = 0
    for i in range(1, len(text) + 1):
        if i == len(text) or not is_mark(text[i]):
            yield text[start:i]
            start = i


def is_mark(ch: str) -> bool:
    return not ch.isascii() and unicodedata.category(ch)[0] == "M" and not is_invisible(ch)
