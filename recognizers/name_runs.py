"""Runs of capitalised words: the raw material of person mentions.

A run is a sequence of capitalised (or article-prefixed: "al-Sabbagh") words joined by single
spaces, with name particles inside ("bin", "de", "van der") and initials ("K.Ö. Ak"). Whether a
run names a person is decided later (``person_mentions``, ``person_vetoes``); here nothing is
thrown away but adjectives ("Hamdaniyah-based") and possessive boundaries.
"""

from __future__ import annotations

import re

from recognizers.lexicon import phrases
from recognizers.name_keys import ARABIC_ARTICLES
from recognizers.role_cues import POSSESSIVE_RE

WORD_RE = re.compile(r"[^\W\d_](?:[\w’'\-]*[^\W_])?")
NAME_PARTICLES_INSIDE = frozenset(phrases("person_mentions/name_particles_inside.txt"))
INITIAL_GAP = frozenset({".", ". ", ".\u00a0"})
"""After an initial ("R.K. Verma", "K.Ö. Ak") a full stop does not end the name."""
RUN_GAP = frozenset({" ", "\u00a0"})


def is_article_word(word: str) -> bool:
    head, sep, tail = word.partition("-")
    return bool(sep) and head in ARABIC_ARTICLES and tail[:1].isupper()


ADJECTIVE_SUFFIXES = frozenset(phrases("person_mentions/adjective_suffixes.txt"))


def _is_namey(word: str) -> bool:
    """Capitalised or article-prefixed, but not an adjective like 'Hamdaniyah-based'."""
    if "-" in word and word.rsplit("-", 1)[1] in ADJECTIVE_SUFFIXES:
        return False
    return word[:1].isupper() or is_article_word(word)


def _is_initial(word: str) -> bool:
    return len(word) <= 2 and word.isupper()


def iter_runs(text: str) -> list[list[tuple[int, int]]]:
    """Runs of capitalised words joined by single spaces, name particles allowed inside."""
    words = [(m.start(), m.end()) for m in WORD_RE.finditer(text)]
    runs: list[list[tuple[int, int]]] = []
    current: list[tuple[int, int]] = []
    pending_particle: tuple[int, int] | None = None
    for i, (s, e) in enumerate(words):
        word = text[s:e]
        joined = bool(current) and (
            text[current[-1][1] : s] in RUN_GAP
            or (
                text[current[-1][1] : s] in INITIAL_GAP
                and _is_initial(text[current[-1][0] : current[-1][1]])
            )
        )
        if pending_particle is not None and not (
            text[pending_particle[1] : s] in RUN_GAP and _is_namey(word)
        ):
            pending_particle = None
        if _is_namey(word):
            if (
                current
                and (joined or pending_particle is not None)
                and not POSSESSIVE_RE.search(text[current[-1][0] : current[-1][1]])
            ):
                if pending_particle is not None:
                    current.append(pending_particle)
                current.append((s, e))
            else:
                if current:
                    runs.append(current)
                current = [(s, e)]
                if pending_particle is not None and not joined:
                    current = [pending_particle, (s, e)]
            pending_particle = None
        elif word in NAME_PARTICLES_INSIDE and i + 1 < len(words):
            if current and not joined:
                runs.append(current)
                current = []
            pending_particle = (s, e)
        else:
            if current:
                runs.append(current)
            current = []
            pending_particle = None
    if current:
        runs.append(current)
    return runs
