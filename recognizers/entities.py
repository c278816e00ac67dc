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

# Risk levels reported for anonymous sources (jigsaw identification) and findings in general.
RISK_LEVELS: tuple[str, ...] = ("none", "low", "medium", "high")


def precedence(entity_type: str) -> int:
    """Lower is stronger; non-person types sort after every person role."""
    try:
        return PERSON_TYPES.index(entity_type)
    except ValueError:
        return len(PERSON_TYPES)
