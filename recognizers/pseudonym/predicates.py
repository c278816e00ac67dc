"""The concealment predicate: the part of a declaration that says a name is not the real one.

Built from the vocabulary's parts, so unseen combinations work:

* ``conceal``: a name noun phrase and a verb that hides it, passive or active ("her name be kept
  out of print", "his full name was left out", "whose identity we are protecting", "we have
  changed the names of everyone");
* ``publish``: a name noun phrase and a publishing verb under a negation ("her real name not be
  used", "none of them wanted their real names used", "declined to give his last name");
* ``alias``: "a pseudonym", "a nom de guerre", "an assumed name", "not her real name";
* ``partial``: "only her first name", "one name", "goes by";
* ``request``: "asked not to be named", "requested anonymity", "on condition that only ...".

Who the predicate is about is decided by ``scope``; this module only finds it and describes it
(kind, plural name noun, negated).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from recognizers.pseudonym import vocabulary as v

POSS = r"(?:his|her|their|my|this person[’']s|the source[’']s)"
_NAME_NP = (
    r"(?:(?P<det{n}>" + POSS + r"|whose|the|all(?: the)?|some|several|many|most|these|those) )?"
    r"(?:" + v.NAME_MODIFIERS + r"[ -]){{0,3}}(?P<noun{n}>" + v.NAME_HEADS + r")(?![\w-])"
)
# "names of the residents", "all names in this story": a bounded complement after the noun.
_COMPLEMENT = r"(?: (?:of|in|used in|for)\b[^.;:\n“”\"]{1,60}?)?"
_AUX = (
    r"(?:(?:has|have|had|was|were|is|are|am|be|been|being|will|would|should|shall|must|may|"
    r"might|can|could|to|also|all|now|then|we|they|" + v.OUTLET_SUBJECTS + r")\s+){0,4}"
)
_NEG_WORD = r"(?P<neg{n}>" + v.NEGATORS + r")"


def _np(n: int) -> str:
    return _NAME_NP.format(n=n)


def _partial(pattern: str) -> str:
    return pattern.replace("{poss}", POSS).replace("{name}", r"names?")


_KINDS: tuple[tuple[str, str], ...] = (
    (
        "conceal",
        _np(1) + _COMPLEMENT + r"\s+" + _AUX + r"(?:" + _NEG_WORD.format(n=1) + r"\s+)?"
        r"(?:be\s+)?" + v.CONCEAL_VERBS + r"(?![\w-])",
    ),
    ("active", v.CONCEAL_VERBS + r"\s+(?:(?:only|all|the|part of)\s+)?" + _np(2)),
    (
        "publish",
        r"(?:"
        + _NEG_WORD.format(n=3)
        + r"(?![\w-])[^.;:\n]{0,40}?)?"
        + _np(3)
        + _COMPLEMENT
        + r"\s+"
        + _AUX
        + r"(?:"
        + _NEG_WORD.format(n=4)
        + r"\s+)?(?:be\s+)?"
        + v.PUBLISH_VERBS
        + r"(?![\w-])",
    ),
    (
        "publish",
        _NEG_WORD.format(n=5)
        + r"\s+(?:[\w’'-]{1,20}\s+){0,3}?"
        + v.PUBLISH_VERBS
        + r"\s+(?:us\s+)?(?:out\s+)?"
        + _np(6),
    ),
    ("alias", r"(?:(?:a|an|his|her|their|the|whose|this|that) )?" + v.ALIAS_NOUNS + r"(?![\w-])"),
    (
        "alias",
        r"not " + POSS.replace("(?:", "(?:the|", 1) + r" (?:real|actual|true|full|given|"
        r"legal|own) names?(?![\w-])",
    ),
    *(("partial", _partial(p) + r"(?![\w-])") for p in v.PARTIAL_NAME_PATTERNS),
    *(("request", _partial(p) + r"(?![\w-])") for p in v.REQUEST_PATTERNS),
)
_RE = re.compile(
    # Every predicate starts at a word start (or at the "n't" of "doesn't"): the look-behind
    # rejects the other positions before the long alternation is tried (4x faster, same matches).
    r"(?:(?<![\w’'-])|(?=n[’']t))(?:"
    + "|".join(f"(?P<k{i}_{kind}>{pattern})" for i, (kind, pattern) in enumerate(_KINDS))
    + ")",
    re.IGNORECASE,
)
_PLURAL_RE = re.compile(r"(?:names|surnames|identities)$", re.I)
_PLURAL_ALIAS_RE = re.compile(r"\b(?:their|names|pseudonyms|aliases|noms)\b", re.I)
_WHOSE_RE = re.compile(r"whose\b", re.I)


@dataclass(frozen=True)
class Predicate:
    """One concealment predicate found in the text."""

    start: int
    end: int
    kind: str  # conceal | publish | alias | partial | request
    plural: bool  # the name noun is plural ("names"): it may cover a group
    possessive: str  # the possessive pronoun or determiner of the name noun ("her", "the", "")
    whose: bool  # the predicate opens with "whose": a relative clause on the name before it
    active: bool = False  # the hiding verb comes first ("changed the names"): whose act it is


def find_predicates(text: str) -> list[Predicate]:
    """Every concealment predicate of the text, in order (one pass of one compiled regex)."""
    found = []
    for match in _RE.finditer(text):
        group = match.lastgroup or ""
        kind = group.split("_", 1)[1]
        active = kind == "active"
        kind = "conceal" if active else kind
        groups = match.groupdict()
        negated = any(groups.get(f"neg{n}") for n in (1, 2))
        if kind == "publish" and not any(groups.get(f"neg{n}") for n in (3, 4, 5)):
            continue  # "their names were used": printing a name declares nothing
        if negated:
            continue  # "his name was not changed"
        noun = next((groups[f"noun{n}"] for n in range(1, 7) if groups.get(f"noun{n}")), "")
        det = next((groups[f"det{n}"] for n in range(1, 7) if groups.get(f"det{n}")), "") or ""
        found.append(
            Predicate(
                start=match.start(),
                end=match.end(),
                kind=kind,
                plural=bool(_PLURAL_RE.search(noun) or _PLURAL_ALIAS_RE.search(match.group())),
                possessive=det.lower(),
                whose=bool(_WHOSE_RE.match(text, match.start())),
                active=active,
            )
        )
    return found
