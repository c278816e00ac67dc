"""Vocabulary of the pseudonym recognizer, read from ``recognizers/data/pseudonym/``.

Each list is one part of a declaration (the name noun, the verb that hides it, the negation that
turns a publishing verb into concealment, ...); the grammar in ``predicates`` combines them, so a
newsroom extends a list and every combination follows.
"""

from __future__ import annotations

from recognizers.lexicon import phrases

_DIR = "pseudonym/"


def _alt(filename: str) -> str:
    """One non-capturing alternation over a regex list, longest first."""
    items = sorted(phrases(_DIR + filename), key=len, reverse=True)
    return "(?:" + "|".join(f"(?:{item})" for item in items) + ")"


NAME_HEADS = _alt("name_heads.txt")
NAME_MODIFIERS = _alt("name_modifiers.txt")
CONCEAL_VERBS = _alt("conceal_verbs.txt")
PUBLISH_VERBS = _alt("publish_verbs.txt")
NEGATORS = _alt("negators.txt")
ALIAS_NOUNS = _alt("alias_nouns.txt")
SUBJECT_VERBS = _alt("subject_verbs.txt")
NAMING_VERBS = _alt("naming_verbs.txt")
OUTLET_SUBJECTS = _alt("outlet_subjects.txt")
GROUP_WORDS = _alt("group_words.txt")
PARTIAL_NAME_PATTERNS: tuple[str, ...] = phrases(_DIR + "partial_name_patterns.txt")
REQUEST_PATTERNS: tuple[str, ...] = phrases(_DIR + "request_patterns.txt")
