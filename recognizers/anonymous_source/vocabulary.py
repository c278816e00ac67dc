"""Vocabulary of the anonymous-source recognizer, read from ``recognizers/data/anonymous_source/``.

One phrase (or, for the cue file, one regular expression) per line, so a newsroom can extend the
lists without touching code.
"""

from __future__ import annotations

from recognizers.lexicon import phrases

_DIR = "anonymous_source/"

ANONYMITY_CUE_PATTERNS: tuple[str, ...] = phrases(_DIR + "anonymity_cue_patterns.txt")
"""Regexes (case-insensitive, whole words) for phrases that mark a source as anonymous."""

SUBJECT_PRONOUNS: frozenset[str] = frozenset(phrases(_DIR + "subject_pronouns.txt"))

INDEFINITE_DETERMINERS: frozenset[str] = frozenset(phrases(_DIR + "indefinite_determiners.txt"))

RELATIVE_PRONOUNS: frozenset[str] = frozenset(phrases(_DIR + "relative_pronouns.txt"))

SUBORDINATORS: frozenset[str] = frozenset(phrases(_DIR + "subordinators.txt"))
"""Words opening a clause inside a noun phrase: its first verb is not the sentence's main verb."""

SPEECH_VERBS: frozenset[str] = frozenset(phrases(_DIR + "speech_verbs.txt"))
"""Verbs that end the subject noun phrase of a source ("A nurse ..., said")."""

FINITE_FALLBACK_VERBS: frozenset[str] = frozenset(phrases(_DIR + "finite_fallback_verbs.txt"))
"""Finite verbs recognised when the text comes without part-of-speech tags."""

FAMILY_NOUNS: tuple[str, ...] = phrases(_DIR + "family_nouns.txt")

ASSOCIATE_NOUNS: tuple[str, ...] = phrases(_DIR + "associate_nouns.txt")
"""People around a source other than family; details about them are kind ``other``."""

JOB_NOUNS: tuple[str, ...] = phrases(_DIR + "job_nouns.txt")
"""Occupations and roles (singular; plurals in -s/-es are matched too)."""

GENERIC_JOB_HEADS: frozenset[str] = frozenset(phrases(_DIR + "generic_job_heads.txt"))
"""Heads that identify nobody on their own: kept only with a modifier ("rebel military source")."""

JOB_MODIFIERS: frozenset[str] = frozenset(phrases(_DIR + "job_modifiers.txt"))
"""Modifiers kept in a job phrase even without part-of-speech tags."""

PERSON_NOUNS: frozenset[str] = frozenset(phrases(_DIR + "person_nouns.txt"))
"""Nouns for people: an introducing noun phrase must contain one (or a job, or an age)."""

JOB_STOP_MODIFIERS: frozenset[str] = frozenset(phrases(_DIR + "job_stop_modifiers.txt"))

WORKPLACE_NOUNS: tuple[str, ...] = phrases(_DIR + "workplace_nouns.txt")
"""Workplaces and units: "at a penal colony in X", "for the local council", "in the brigade"."""

UNIT_NAME_WORDS: tuple[str, ...] = phrases(_DIR + "unit_name_words.txt")

PLACE_WORDS: tuple[str, ...] = phrases(_DIR + "place_words.txt")
"""Words after a capitalised name that make it a place finer than a city."""

COUNTRIES: tuple[str, ...] = phrases(_DIR + "countries.txt")

LARGE_CITIES: tuple[str, ...] = phrases(_DIR + "large_cities.txt")

REGIONS: tuple[str, ...] = phrases(_DIR + "regions.txt")
"""Countries, large cities and regions: a place at this scale identifies nobody."""

NOT_PLACE_WORDS: frozenset[str] = frozenset(phrases(_DIR + "not_place_words.txt"))
