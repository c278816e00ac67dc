"""Loading of the phrase lists under ``recognizers/data``.

Phrase lists live in data files so that a newsroom can read and extend them without touching code.
Each file holds one phrase or regular expression per line; ``#`` starts a comment line.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

DATA_DIR = Path(__file__).parent / "data"


@cache
def phrases(filename: str) -> tuple[str, ...]:
    """Non-empty, non-comment lines of a data file (cached: files are read once per process)."""
    lines = (DATA_DIR / filename).read_text(encoding="utf-8").splitlines()
    return tuple(line.strip() for line in lines if line.strip() and not line.startswith("#"))


def alternation(items: tuple[str, ...], plural: bool = False) -> str:
    """One regex alternation, longest first so that 'citizen journalist' beats 'journalist'."""
    suffix = r"(?:e?s)?" if plural else ""
    ordered = sorted(items, key=len, reverse=True)
    return "(?:" + "|".join(f"(?:{item}){suffix}" for item in ordered) + ")"


@cache
def cue_regex(filename: str, plural: bool = True, ignore_case: bool = True) -> re.Pattern[str]:
    """Whole-word regex over every phrase of a cue file, with a named group ``cue``."""
    flags = re.IGNORECASE if ignore_case else 0
    return re.compile(
        r"(?<![\w-])(?P<cue>" + alternation(phrases(filename), plural) + r")(?![\w-])", flags
    )
