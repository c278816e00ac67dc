"""Transliteration-insensitive keys for personal names.

The same Arabic, Slavic or Persian name reaches an English draft in many spellings: al-Halabi,
el-Halaby and Alhalabi; Mohammad, Muhammad and Mohammed; Yunis and Younes; Hrytsenko and
Gritsenko. Matching on a *key* that erases those differences lets one identity keep all its
mentions and lets the protected-source roster match a name it was registered under differently.

The key is deliberately lossy (every vowel run becomes "a", doubled letters collapse): a false
match costs one extra placeholder, a missed match can cost a life.
"""

from __future__ import annotations

import re
import unicodedata

from recognizers.letters import read_text

ARABIC_ARTICLES: frozenset[str] = frozenset(
    [
        "al",
        "el",
        "il",
        "ul",
        "a",
        "e",
        "ad",
        "ed",
        "as",
        "es",
        "ash",
        "esh",
        "at",
        "et",
        "ath",
        "az",
        "ar",
        "er",
        "an",
        "en",
        "ad-d",
    ]
)
"""Definite-article forms written before a surname with a hyphen or a space (al-/el-/a-/ash-)."""

NAME_PARTICLES: frozenset[str] = ARABIC_ARTICLES | frozenset(
    [
        "bin",
        "ben",
        "ibn",
        "bint",
        "abu",
        "abou",
        "abo",
        "umm",
        "um",
        "om",
        "de",
        "di",
        "da",
        "del",
        "della",
        "du",
        "la",
        "le",
        "van",
        "von",
        "der",
        "den",
        "ter",
        "dos",
        "das",
        "mac",
    ]
)
"""Words inside a name that never identify anyone on their own."""

HONORIFICS: frozenset[str] = frozenset(
    [
        "mr",
        "mrs",
        "ms",
        "miss",
        "dr",
        "prof",
        "sheikh",
        "shaikh",
        "sheik",
        "haji",
        "hajji",
        "hajj",
        "sayyid",
        "sayed",
        "imam",
        "mullah",
        "molavi",
        "maulana",
        "mawlana",
        "ustadh",
        "ustaz",
        "ma",
        "ko",
        "maung",
        "daw",
        "u",
        "saya",
        "sayama",
    ]
)
"""Titles and honorifics that may precede a name but are not part of it."""

KUNYA_PREFIXES: frozenset[str] = frozenset({"abu", "abou", "abo", "umm", "um", "om"})

_APOSTROPHES = "'’‘`ʼʻʿʾ"
_POSSESSIVE_RE = re.compile(r"[" + _APOSTROPHES + r"]s?$", re.IGNORECASE)
_JOINED_ARTICLE_RE = re.compile(r"^(?:al|el)(?=[a-z]{4,})")
_SPLIT_RE = re.compile(r"[\s\-]+")

# Ordered digraph and letter equivalences used by common English transliterations.
_EQUIVALENCES: tuple[tuple[str, str], ...] = (
    ("x", "ks"),
    ("ph", "f"),
    ("ck", "k"),
    ("q", "k"),
    ("kh", "h"),
    ("gh", "g"),
    ("dh", "d"),
    ("th", "t"),
    ("sch", "sh"),
    ("tch", "ch"),
    ("zh", "j"),
    ("dj", "j"),
    ("w", "v"),
    ("y", "i"),
    ("c", "k"),
)
_VOWEL_RUN_RE = re.compile(r"[aeiou]+")
_DOUBLE_RE = re.compile(r"(.)\1+")
# Slavic initial H/G (Belarusian and Ukrainian H where Russian has G): Hrytsenko = Gritsenko.
_INITIAL_H_BEFORE_CONSONANT_RE = re.compile(r"^h(?=[rl])")


def fold(text: str) -> str:
    """Lower-case and strip diacritics and apostrophes; read look-alikes and invisibles first
    (the canonical reading), so a roster name and a draft's spelling of it fold alike."""
    if not text.isascii():
        text = read_text(text)
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return "".join(ch for ch in stripped.casefold() if ch not in _APOSTROPHES)


def strip_possessive(token: str) -> str:
    """'Karimi’s' -> 'Karimi'; "Idris'" -> 'Idris'."""
    return _POSSESSIVE_RE.sub("", token) if len(token) > 2 else token


def skeleton(word: str) -> str:
    """Spelling-insensitive key of one already folded word."""
    key = _INITIAL_H_BEFORE_CONSONANT_RE.sub("g", word)
    for src, dst in _EQUIVALENCES:
        key = key.replace(src, dst)
    key = _DOUBLE_RE.sub(r"\1", key)
    key = _VOWEL_RUN_RE.sub("a", key)
    return key


def split_name(name: str) -> list[str]:
    """Folded words of a name, possessive removed, hyphens and spaces as separators."""
    return [w for w in _SPLIT_RE.split(fold(strip_possessive(name.strip()))) if w]


def name_parts(name: str) -> list[str]:
    """The identifying words of a name: no honorifics, articles or kunya prefixes."""
    words = split_name(name)
    return [w for w in words if w not in NAME_PARTICLES and w not in HONORIFICS]


def token_keys(word: str) -> frozenset[str]:
    """All keys of one folded name word: with and without a joined article (Alhalabi/Halabi)."""
    word = fold(strip_possessive(word))
    keys = {skeleton(word)}
    joined = _JOINED_ARTICLE_RE.match(word)
    if joined:
        keys.add(skeleton(word[joined.end() :]))
    return frozenset(k for k in keys if k)


def name_key(name: str) -> str:
    """One key for a whole name, order preserved: 'al-Halabi, Alaa' style input is not reordered."""
    return " ".join(sorted(token_keys(p), key=len)[0] for p in name_parts(name))


def name_keys(name: str) -> frozenset[str]:
    """Every key of a whole name (each combination of joined-article variants, capped)."""
    variants: list[str] = [""]
    for part in name_parts(name):
        keys = sorted(token_keys(part))
        variants = [f"{v} {k}".strip() for v in variants for k in keys][:16]
    return frozenset(v for v in variants if v)
