"""Screening of the free text the service stores (override reasons, token names).

A stored note is not a draft: it is short, typed in a hurry, often in capitals or lowercase, and
it tends to name the draft's people in another spelling ("KAREEM SABAGH CONSENTED"), with an
odd hyphen, or through a relative ("his brother fadi sabbagh confirmed"). Anything it keeps ends
up in the audit log, which must never hold a name. So it is screened harder than a draft:

1. control characters (a NUL byte...) make it unusable: ``InputError``, the caller refuses the
   request — nothing is stored raw;
2. the canonical form is what is screened and stored: NFKC, format characters (zero-width,
   bidirectional marks) dropped, every dash a "-", every space a " ";
3. the engine's full screening runs on it as written and again with words in capitals
   recased ("KAREEM" → "Kareem": the model misreads capitals);
4. any word whose transliteration-insensitive key matches a part of a person's name from the
   draft (``known_names``) or a roster digest is a name too, and so is a noun-like neighbour
   of such a word ("fadi" in "his brother fadi sabbagh"): names come in runs, and a lowercase
   given name is invisible to the model.

Every person and contact found becomes "[name]" / "[contact]". When in doubt a word is replaced:
a reason with one word too few is still a reason; a reason with a name is a leak.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from recognizers.entities import CONTACT_TYPES, PERSON_TYPES
from recognizers.name_keys import name_parts, token_keys
from service.core.errors import InputError
from service.pipeline.engine import Engine

NAME_MARK = "[name]"
CONTACT_MARK = "[contact]"
MIN_KEY_CHARS = 3
"""Shorter name keys ("al", "li") match too many ordinary words to be worth replacing."""
_WORD_RE = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")
_SCREENED_TYPES = frozenset(PERSON_TYPES) | frozenset(CONTACT_TYPES)


@dataclass(frozen=True)
class ScreenedNote:
    text: str  # canonical form with every name and contact replaced
    replaced: int  # how many spans were replaced


def canonical_note(text: str) -> str:
    """NFKC, no format or control characters, one kind of dash and space; InputError on
    control characters (they are refused, never silently dropped)."""
    if any(unicodedata.category(c) == "Cc" and c not in "\t\n\r" for c in text):
        raise InputError("the text contains control characters (a NUL byte?)")
    out = []
    for char in unicodedata.normalize("NFKC", text):
        category = unicodedata.category(char)
        if category == "Cf":
            continue
        if category == "Pd":
            char = "-"
        elif category == "Zs" or char in "\t\n\r":
            char = " "
        out.append(char)
    return "".join(out)


def capitalised(text: str) -> str:
    """Words in capitals recased to a capital and lowercase rest, same length as ``text``."""

    def one(char: str, upper: bool) -> str:
        changed = char.upper() if upper else char.lower()
        return changed if len(changed) == 1 else char

    def word(match: re.Match[str]) -> str:
        value = match.group()
        if len(value) < 2 or not value.isupper():
            return value
        return "".join(one(c, i == 0) for i, c in enumerate(value))

    return _WORD_RE.sub(word, text)


def _name_keys(names: Iterable[str]) -> set[str]:
    keys: set[str] = set()
    for name in names:
        for part in name_parts(canonical_note(name)):
            keys.update(k for k in token_keys(part) if len(k) >= MIN_KEY_CHARS)
    return keys


NOUN_LIKE = frozenset({"PROPN", "NOUN", "ADJ", "X", "INTJ"})


def _is_name_word(word: str, known: set[str], engine: Engine) -> bool:
    for part in name_parts(word):
        keys = {k for k in token_keys(part) if len(k) >= MIN_KEY_CHARS}
        if keys & known or (
            keys and (engine.roster.match_surname(keys) or engine.roster.match_given(keys))
        ):
            return True
    return False


def _word_spans(text: str, known: set[str], engine: Engine) -> list[tuple[int, int, str]]:
    """Words matching a known name or the roster, and their noun-like neighbours."""
    tokens = [t for t in engine.nlp.process_text(text, "en").tokens if _WORD_RE.fullmatch(t.text)]
    hits = {i for i, t in enumerate(tokens) if _is_name_word(t.text, known, engine)}
    spans = []
    for i, token in enumerate(tokens):
        neighbour = (i - 1 in hits or i + 1 in hits) and (
            token.pos_ in NOUN_LIKE and not token.is_stop
        )
        if i in hits or neighbour:
            spans.append((token.idx, token.idx + len(token.text), NAME_MARK))
    return spans


def _engine_spans(engine: Engine, text: str) -> list[tuple[int, int, str]]:
    result = engine.screen(text, "strict", apply=False)
    return [
        (f.start, f.end, CONTACT_MARK if f.entity_type in CONTACT_TYPES else NAME_MARK)
        for f in result.findings
        if f.entity_type in _SCREENED_TYPES
    ]


def screen_note(
    engine: Engine, text: str, known_names: Iterable[str] = (), *, recase: bool = True
) -> ScreenedNote:
    """The note with every name and contact replaced (see the module docstring).

    Raises ``InputError`` for control characters and whatever the engine raises if it cannot
    screen: the caller must then refuse the request, never store the note.
    """
    note = canonical_note(text)
    if not note.strip():
        return ScreenedNote(note, 0)
    spans = _engine_spans(engine, note)
    variant = capitalised(note)
    if recase and variant != note:
        spans += _engine_spans(engine, variant)
    spans += _word_spans(note, _name_keys(known_names), engine)
    merged: list[tuple[int, int, str]] = []
    for start, end, mark in sorted(spans):
        if merged and start <= merged[-1][1]:
            last_start, last_end, last_mark = merged[-1]
            merged[-1] = (last_start, max(end, last_end), last_mark)
        else:
            merged.append((start, end, mark))
    pieces, cursor = [], 0
    for start, end, mark in merged:
        pieces += [note[cursor:start], mark]
        cursor = end
    pieces.append(note[cursor:])
    return ScreenedNote("".join(pieces), len(merged))
