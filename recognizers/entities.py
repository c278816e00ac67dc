"""Entity types that sourceguard's recognizers emit, and how they relate.

Person roles are ordered by precedence: when several recognizers disagree about one identity, the
role that protects the person most wins (roster > at-risk cues > pseudonym > public figure >
unclassified).
"""

PROTECTED_SOURCE = "PROTECTED_SOURCE"
CITIZEN_JOURNALIST = "CITIZEN_JOURNALIST"
AT_RISK_SOURCE = "AT_RISK_SOURCE"
PSEUDONYM = "PSEUDONYM"
PUBLIC_FIGURE = "PUBLIC_FIGURE"
PERSON = "PERSON"  # a person no cue classified ("unclassified")

ANONYMOUS_SOURCE = "ANONYMOUS_SOURCE"
QUASI_IDENTIFIER = "QUASI_IDENTIFIER"

PHONE_NUMBER = "PHONE_NUMBER"
EMAIL_ADDRESS = "EMAIL_ADDRESS"
SOCIAL_HANDLE = "SOCIAL_HANDLE"

PERSON_TYPES: tuple[str, ...] = (
    PROTECTED_SOURCE,
    CITIZEN_JOURNALIST,
    AT_RISK_SOURCE,
    PSEUDONYM,
    PUBLIC_FIGURE,
    PERSON,
)
"""Person entity types, highest precedence first."""

AT_RISK_TYPES: frozenset[str] = frozenset({PROTECTED_SOURCE, CITIZEN_JOURNALIST, AT_RISK_SOURCE})
CONTACT_TYPES: tuple[str, ...] = (PHONE_NUMBER, EMAIL_ADDRESS, SOCIAL_HANDLE)
SOURCE_TYPES: tuple[str, ...] = (ANONYMOUS_SOURCE, QUASI_IDENTIFIER)
ALL_TYPES: tuple[str, ...] = PERSON_TYPES + SOURCE_TYPES + CONTACT_TYPES

# Keys of Presidio's recognition_metadata that carry sourceguard's own facts from a recognizer to
# identities and findings (``base.make_result`` writes ``METADATA_PREFIX + name``).
METADATA_PREFIX = "sg_"
REASONS_KEY = "sg_reasons"  # human-readable reasons, never the matched text
ROSTER_ID_KEY = "sg_roster_id"  # the roster entry a PROTECTED_SOURCE result matched
SOURCE_KEY = "sg_source"  # "anon-1", ...: the anonymous source a result belongs to
RISK_KEY = "sg_risk"  # jigsaw risk of that source
KIND_KEY = "sg_kind"  # kind of a quasi-identifier (place, job, ...)
KINDS_KEY = "sg_kinds"  # every kind described for a source

# Risk levels reported for anonymous sources (jigsaw identification) and findings in general.
RISK_LEVELS: tuple[str, ...] = ("none", "low", "medium", "high")


def precedence(entity_type: str) -> int:
    """Lower is stronger; non-person types sort after every person role."""
    try:
        return PERSON_TYPES.index(entity_type)
    except ValueError:
        return len(PERSON_TYPES)
