"""Why a capitalised run with person evidence is still not a person, and what evidence overrides it.

``person_mentions`` gathers the facts about a run (the words around it, spaCy's label, the draft's
own place words) into ``RunFacts``; this module only decides. Each veto is a small pure function,
tried in order, that names a place signal and says which person evidence outweighs it. The rule
that holds everything together: **a word list never vetoes person grammar**. A place word, a
faction prefix or a place preposition is a guess about the *words*; an honorific, an age, a
relative or a role is something only a person has ("Mr Robert Hill", "Hayat, 34, a nurse",
"Hayat's son", "a message from Khaled Mansour, a resident of the town").
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

HONORIFIC = "honorific before the name"
AGE = "age given after the name"
KINSHIP = "possessor of a relative ('X's father')"
COLLECTIVE_KINSHIP = "possessor of relatives ('X's children')"
RELATIVE_WHO = "relative clause with 'who' after the name"
PERSON_OBJECT = "object of a verb only people undergo ('detained X')"
ROLE_AFTER = "role described after the name"
ROLE_BEFORE = "role cue before the name"
SPEECH_AFTER = "speech verb after the name"
KUNYA = "kunya (Abu/Umm) name"
FOOTNOTE = "footnote mark after the name"
NER_EVIDENCE = "spaCy named-entity recognizer: PERSON"
HUMAN_SUBJECT = "subject of a verb only people do ('X wept')"
ADDRESSEE = "the person spoken to ('told X')"
FORM_FIELD = "name field of a form ('Name: X')"
CAPTION_POSITION = "placed in a photo caption ('X, left,')"

NAME_ANCHORS = frozenset(
    {"title before the name", HONORIFIC, KUNYA, "byline or credit", FORM_FIELD}
)
"""Evidence that survives every place signal: nobody writes "President Hamdaniyah"."""
ROLE_EVIDENCE = frozenset({ROLE_AFTER, ROLE_BEFORE, AGE})
PERSON_GRAMMAR = ROLE_EVIDENCE | {
    SPEECH_AFTER,
    KUNYA,
    "subject of a verb of saying (parse)",
    KINSHIP,
    COLLECTIVE_KINSHIP,
    RELATIVE_WHO,
    PERSON_OBJECT,
    HUMAN_SUBJECT,
    ADDRESSEE,
    FORM_FIELD,
    CAPTION_POSITION,
}
"""Grammar that only a person has: word lists about places never outweigh it."""
FIRM_GRAMMAR = frozenset({AGE, KINSHIP, ROLE_BEFORE, KUNYA, PERSON_OBJECT, HUMAN_SUBJECT})
"""Person grammar that no place or group has, even in a loose sentence: an age (", 34,"), a
relative ("X's son", not "Gaza's children"), a role noun right before the name, the object of a
verb only people undergo ("police detained X"), the subject of one only people do ("X wept"). A role *after* the name counts only
when it closes an appositive (``RunFacts.closed_role``): in "From Raqqa, a resident told us" the
role noun is the subject of the next clause, not a description of Raqqa. A speech verb is not
firm: places and institutions "say" things too ("Damascus said"), and spaCy tags "a source in
east Aleppo told us" PERSON."""


@dataclass(frozen=True)
class RunFacts:
    """What ``person_mentions`` observed about one candidate run (no decision yet)."""

    evidence: frozenset[str]
    multiword: bool
    from_ner: bool
    credit: bool
    titled: bool
    label: str | None
    possessive: bool
    followed_by_place_word: bool
    possessive_after: bool
    single_place_word: bool
    contains_place_word: bool
    place_prefix: bool
    all_capitals: bool
    after_strong_place_preposition: bool
    after_place_preposition: bool
    after_the: bool
    common_word: bool
    used_as_place: bool
    closed_role: bool

    @property
    def personal(self) -> bool:
        """An honorific or any person grammar: enough to outweigh a word list."""
        return HONORIFIC in self.evidence or bool(self.evidence & PERSON_GRAMMAR)

    @property
    def firm(self) -> bool:
        """Person grammar that outweighs a place signal of the sentence itself."""
        return HONORIFIC in self.evidence or bool(self.evidence & FIRM_GRAMMAR) or self.closed_role


def _place_word_after(f: RunFacts) -> str | None:
    # "Fares Bakri's National Guard": the possessor of an institution is a person.
    # "Name: X Y Town: ...": the value of a name field, with the next field's label after it.
    if FORM_FIELD in f.evidence:
        return None
    if f.followed_by_place_word and not (f.possessive_after and f.multiword):
        return "followed by a place or organisation word"
    return None


def _place_word_alone(f: RunFacts) -> str | None:
    # "Park, 34, said": a surname that is also a place word, with an age.
    if f.single_place_word and not f.firm:
        return "a place or organisation word"
    return None


def _contains_place_word(f: RunFacts) -> str | None:
    # A word list never vetoes person evidence: "Mr Robert Hill said" is a person.
    if f.contains_place_word and not f.personal:
        return "contains a place or organisation word"
    return None


def _place_prefix(f: RunFacts) -> str | None:
    # "Jabal Badro" is a mountain, "Hayat, 34, a nurse" is a woman.
    if f.place_prefix and not f.firm:
        return "starts like a place or faction name"
    return None


def _capitals(f: RunFacts) -> str | None:
    if f.all_capitals and not f.credit:
        return "written in capitals"
    return None


def _spacy_place(f: RunFacts) -> str | None:
    if f.label in ("GPE", "LOC") and not f.from_ner and not f.personal:
        return f"spaCy calls it {f.label}"
    return None


def _strong_place_preposition(f: RunFacts) -> str | None:
    anchored = f.titled or f.credit or HONORIFIC in f.evidence
    if not f.possessive and not anchored and f.after_strong_place_preposition:
        return "after a place preposition"
    return None


def _weak_place_preposition(f: RunFacts) -> str | None:
    if f.evidence & NAME_ANCHORS or f.firm:
        return None
    if not f.possessive and f.after_place_preposition:
        return "after a place preposition"
    return None


def _after_the(f: RunFacts) -> str | None:
    if f.after_the and not f.evidence & NAME_ANCHORS:
        return "after 'the'"
    return None


def _common_word(f: RunFacts) -> str | None:
    # "Hope, 34, said": a given name that is also a noun, with an age.
    # "told Marivonne": spaCy's tagger misreads rare given names as nouns; nobody tells a noun.
    if f.evidence & (NAME_ANCHORS | {FOOTNOTE, ADDRESSEE}) or f.firm or f.from_ner:
        return None
    if f.common_word:
        return "a capitalised common word"
    return None


def _spacy_other(f: RunFacts) -> str | None:
    if f.evidence & NAME_ANCHORS:
        return None
    # "The detention of Syrians", "police detained Kurds": a people is no person; only the
    # grammar of one individual (an age, a relative, a role, a singular subject that wept)
    # outweighs spaCy's NORP.
    individual = f.evidence & (FIRM_GRAMMAR - {PERSON_OBJECT}) or f.closed_role
    if f.label == "NORP" and not f.from_ner and not individual:
        return "spaCy calls it NORP"
    if f.label and f.label != "ORG" and not f.from_ner and not f.personal:
        return f"spaCy calls it {f.label}"
    return None


def _place_elsewhere(f: RunFacts) -> str | None:
    # spaCy's GPE tag on "Yulia" elsewhere does not outweigh "Yulia's husband". The tag on the
    # name itself counts as "elsewhere" too, so being the one spoken to ("told X") or placed in a
    # caption ("X, left,") outweighs it.
    if f.evidence & (NAME_ANCHORS | ROLE_EVIDENCE | {ADDRESSEE, CAPTION_POSITION}) or f.firm:
        return None
    if f.used_as_place:
        return "used as a place elsewhere in the draft"
    return None


VETOES: tuple[Callable[[RunFacts], str | None], ...] = (
    _place_word_after,
    _place_word_alone,
    _contains_place_word,
    _place_prefix,
    _capitals,
    _spacy_place,
    _strong_place_preposition,
    _weak_place_preposition,
    _after_the,
    _common_word,
    _spacy_other,
    _place_elsewhere,
)
"""The vetoes in the order they are tried; the first that fires names the reason."""


def non_person_reason(facts: RunFacts) -> str | None:
    """A reason why this run names a place, building or group, or None."""
    for veto in VETOES:
        reason = veto(facts)
        if reason is not None:
            return reason
    return None
