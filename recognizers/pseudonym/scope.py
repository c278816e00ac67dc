"""Who a concealment predicate is about: one printed name, a whole group, or nobody.

The pipeline runs spaCy without its dependency parser (``service/pipeline/nlp.py`` excludes it for
speed), so the attachment is read from a shallow clause grammar over the sentence left of the
predicate, in this order:

1. a possessor: "X's full name has been withheld";
2. a relative clause: "X, 34, who asked that ..." or "X, a teacher who ...": the antecedent of
   "who/whose". When the antecedent is a common noun ("her brother, who asked that his name be
   withheld") the declaration is about that unnamed person and nobody else;
3. an appositive: "X, a pseudonym", "X (not her real name)", "X — a name adopted to ...";
4. the subject: "X agreed to talk only if his full name was left out", "Yara is not her real
   name"; a negation between them ("X has never used a pseudonym") attaches nothing;
5. a pronoun: "She asked that her surname ..." at a sentence start, or "we are using only her
   first name": the nearest person mention before the sentence, unless a common person noun
   stands nearer ("the soldiers took her brother. His name ...");
6. a group: a plural name noun about people ("the names of everyone in this story", "none of them
   wanted their real names used") that is attached to no name covers every person it can.

Every window is bounded (``WINDOW`` characters to the left), so the cost is linear in the text.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable
from dataclasses import dataclass

from recognizers.person_mentions import TITLE_WORDS
from recognizers.pseudonym import vocabulary as v
from recognizers.pseudonym.names import (
    CHARS,
    CLOSE_QUOTE,
    NAME,
    OPEN_QUOTE,
    UPPER,
    blocks,
    clean_span,
    person_noun_re,
    pronoun_class,
)
from recognizers.pseudonym.predicates import Predicate

WINDOW = 220
MAX_NAME_CHARS = 80
PRONOUN_REACH = 300
"""How far before its sentence a pronoun's antecedent may stand."""

_SENTENCE_END_RE = re.compile(r"[.!?][”\"’')\]]*\s+(?=[“\"‘(]?" + UPPER + r"|$)|\n")
_AGE = r"(?:\s*,\s*(?:aged\s+)?\d{1,3}\s*(?=[,(—–]))?"
"""", 34," before a comma, a parenthesis or a dash ("X, 25 (not her real name)")."""
_PUNCT = r"(?:\s*(?:,|\(|\[|—|–|-)\s*)+"
_POSSESSOR_RE = re.compile(NAME + r"(?:’s|'s)\s*$")
_PARTICIPLES = (
    r"(?:asking|requesting|speaking|insisting|agreeing|preferring|declining|wishing|giving|using|"
    r"providing)(?![\w-])"
)
_PARTICIPLE_RE = re.compile(r"(?i:" + _PARTICIPLES + r")")
_RELATIVE_RE = re.compile(
    r"(?:(?:,\s*|\s+)(?:who|whose|whom)\s+"
    # a participle clause on the name before it: "said X, asking that her surname not be used"
    r"|,\s*(?=" + _PARTICIPLES + r"))"
    r"(?P<mid>[^,.;:\n“”\"]{0,80})$",
    re.I,
)
_ANTECEDENT_NAME_RE = re.compile(NAME + CLOSE_QUOTE + r"?" + _AGE + r"\s*$")
_APPOSITION_RE = re.compile(
    NAME + CLOSE_QUOTE + r"?" + _AGE + _PUNCT + r"(?P<desc>(?:(?:a|an|the|one|[a-z0-9])"
    r"[^,.;:\n()“”\"]{0,100}?)?)\s*$"
)
_SUBJECT_RE = re.compile(
    NAME
    + CLOSE_QUOTE
    + r"?"
    + _AGE
    # an interposed clause: "X, who fears reprisals, asked not to be named"
    + r"(?:\s*,(?P<between>[^,.;:\n“”\"]{1,100}),)?"
    + r",?\s+(?:(?:has|had|have|also|only|then|later|first|initially|reportedly|herself|himself)"
    r"\s+){0,3}(?:(?i:" + v.SUBJECT_VERBS + r")(?![\w’'-])(?P<tail>[^.;:\n“”\"]{0,90}))?$"
)
"""The verb is optional only for a request, which carries its own ("X asked not to be named")."""
_PRONOUN_SUBJECT_RE = re.compile(
    r"^\s*(?:He|She|They)\s+(?:(?:has|had|have|also|only|then|later)\s+){0,3}(?i:"
    + v.SUBJECT_VERBS
    + r")(?![\w’'-])(?P<tail>[^.;:\n“”\"]{0,90})$"
)
_PRONOUN_WORD_RE = re.compile(r"(?<![\w-])(?:she|he|they|her|his|their)(?![\w-])", re.I)
_SPEECH_TAIL_RE = re.compile(
    r"(?<=\w)\s+(?:said|says|added|adds|explained|explains|recalled|recalls|told us|tells us)$"
)
"""A verb of saying between a name and its relative clause ("X said, who asked ...")."""
_PERSONAL = ("his", "her", "their")
_PREPOSED_OPENER_RE = re.compile(
    r"[\s“\"‘(]*(?i:identified|speaking|asking|requesting|insisting|agreeing|wishing|preferring|"
    r"known|referred to|called|named|using|going)"
    r"(?:\s+(?:that|here|only|to us|by|on|the|condition|of|and)(?![\w-])){0,6}\s*",
)
_PREPOSED_NAME_RE = re.compile(r"[^.;:\n,“”\"]{0,60}?,\s*[“\"‘]?" + NAME)
_OF_NAME_RE = re.compile(r"(?i:\b(?:identity|(?:real |full )?name|surname) of )" + NAME)
_ORGANISATION_RE = re.compile(r"The\s")
"""A capitalised subject opened by "The" is an organisation (an outlet, a ministry), not a person."""
_HEAD_STRIP = " ,—–-("
_NAME_FOLLOWS_RE = re.compile(
    r"(?i:\s+(?:the |a |an |his |her |their )?(?:" + v.ALIAS_NOUNS + r"|names?))?"
    r"(?:\s+of|\s*,)?\s*[(“\"‘']?\s*" + UPPER
)
_OUTLET_RE = re.compile(r"(?<![\w-])(?i:" + v.OUTLET_SUBJECTS + r")\s+(?:[\w’'-]{1,20}\s+){0,3}$")
_WRITER_RE = re.compile(r"(?<![\w’'-])I\s+(?:[\w’'-]{1,20}\s+){0,3}$")
"""The writer in the first person: "I have changed her name"."""
_NEGATION_RE = re.compile(
    r"(?<![\w-])(?:not|never|no longer|n[’']t|denied|denies|deny)(?![\w-])", re.I
)
_NOT_IN_DESCRIPTION_RE = re.compile(
    r"(?<![\w-])(?:said|says|told|tells|added|his|her|their|whose)(?![\w-])", re.I
)
# A capitalised word in the tail that is not inside a prepositional phrase ("to The National").
_OTHER_NAME_RE = re.compile(
    r"(?<![\w’'\-])(?<!the )(?<!The )(?<!to )(?<!of )(?<!in )(?<!from )(?<!at )(?<!for )(?<!with )(?<!by )"
    + UPPER
    + CHARS
)
_CAPITAL_WORD_RE = re.compile(r"(?<![\w’'\-])" + UPPER + CHARS)
_GROUP_RE = re.compile(
    r"(?i:(?:names|identities|surnames) (?:of|in|used in)\s+(?:the\s+|all\s+|our\s+)?"
    # a determiner is no noun: "names in this story" is read by the "in this story" branch
    r"(?:" + v.GROUP_WORDS + r"|(?!(?:this|that|these|those)\b)(?P<noun>[a-z]{2,30}))(?![\w-])"
    r"|\b(?:none|all|some|most|many|several|each|both) of (?:them|those|the\s+[a-z]{2,30})"
    r"|\b(?:all|some|several|many|most|the other|these|those|their)(?: (?:real|full|last|sur))? "
    r"?names"
    r"|\b(?:like|as with) (?:all |the )?(?:other|many|most|the other)\b"
    # a plural possessor: "the interviewees’ names", "the women's real names"
    r"|\b(?P<owner>[a-z]{2,30})(?:s[’']|[’']s) (?:real |full |last |first )?names\b"
    r"|\bin this (?:story|article|report|piece|feature|film|series)"
    r"|^\W*(?:(?:real|all|some|the) )?names? (?:have|has|had|were|are) been)"
)
_LIKE_OTHERS_RE = re.compile(r"(?i:^\W*(?:like|as with|as for) (?:all |the |many )?other\b)")
_WEAK_GROUP_RE = re.compile(
    r"(?i:\b(?:some|several|many|most|a few|certain)\b|\b(?:like|as with) (?:all |the )?other\b)"
)


@dataclass(frozen=True)
class Scope:
    """What a predicate covers: a span of text (one name), ``group``, or ``blocked``."""

    span: tuple[int, int] | None = None
    reason: str = ""
    group: bool = False
    weak: bool = False  # a group that may not be everyone ("some names")
    blocked: bool = False  # attached to an unnamed person: covers nobody
    pronoun: bool = False  # resolved through a pronoun: the caller finds the antecedent


def sentence_left(text: str, start: int) -> tuple[int, str]:
    """The start and text of the predicate's sentence up to the predicate (bounded window)."""
    lo = max(0, start - WINDOW)
    window = text[lo:start]
    last = 0
    for m in _SENTENCE_END_RE.finditer(window):
        last = m.end()
    return lo + last, window[last:]


def _name_at(text: str, base: int, match: re.Match[str]) -> tuple[int, int] | None:
    return clean_span(text, base + match.start("name"), base + match.end("name"))


def attach(text: str, predicate: Predicate) -> Scope:
    """The scope of one predicate (see the module docstring for the order of the rules).

    "Like other refugees who spoke to us, X's full name has been withheld" names X and also
    covers the group, weakly."""
    base, left = sentence_left(text, predicate.start)
    scope = _attach(text, base, left, predicate)
    if scope.span is not None and _LIKE_OTHERS_RE.search(left):
        return Scope(scope.span, scope.reason, group=True, weak=True)
    return scope


_WITHHELD = "the draft says this person's real or full name is withheld"
_AFTER = "declared as a pseudonym after the name"


def _attach(text: str, base: int, left: str, predicate: Predicate) -> Scope:
    """The first rule that decides, in the order of the module docstring."""
    if (preposed := _preposed(text, base, left, predicate)) is not None:
        return preposed
    if predicate.kind in ("alias", "partial") and _NAME_FOLLOWS_RE.match(text, predicate.end):
        return Scope()  # "X, who goes by the nom de guerre Y": the name after it is the pseudonym
    for rule in (_possessor, _relative, _apposition, _subject, _group, _pronoun):
        scope = rule(text, base, left, predicate)
        if scope is not None:
            return scope
    return Scope()


def _possessor(text: str, base: int, left: str, predicate: Predicate) -> Scope | None:
    """ "the identity of X has been concealed", "X's full name has been withheld"."""
    if m := _OF_NAME_RE.search(text, predicate.start, predicate.end):
        span = _name_at(text, 0, m)
        if span:
            return Scope(span, _WITHHELD)
    if predicate.kind not in ("conceal", "publish") or predicate.possessive:
        return None
    m = _POSSESSOR_RE.search(left)
    span = _name_at(text, base, m) if m else None
    return Scope(span, _WITHHELD) if span else None


def _apposition(text: str, base: int, left: str, predicate: Predicate) -> Scope | None:
    """ "X, a pseudonym", "X (not her real name)", "X — a name adopted to ..."."""
    if predicate.kind not in ("alias", "partial", "conceal"):
        return None
    m = _APPOSITION_RE.search(left)
    if m is None or _NOT_IN_DESCRIPTION_RE.search(m.group("desc")):
        return None
    span = _name_at(text, base, m)
    return Scope(span, _AFTER) if span else None


def _subject(text: str, base: int, left: str, predicate: Predicate) -> Scope | None:
    """ "X agreed to talk only if his full name was left out"; a negation, a verb of saying or
    another name in between attaches nothing."""
    m = _SUBJECT_RE.search(left)
    if (
        m is not None
        and m.group("tail") is None
        and predicate.active
        and _ORGANISATION_RE.match(m.group("name"))
        and predicate.possessive in _PERSONAL
    ):
        # "The Herald has changed her name": the outlet hides the name of someone before
        return Scope(pronoun=True, reason="the draft says it changed this person's name")
    if m is None or (m.group("tail") is None and predicate.kind != "request"):
        return None
    tail = m.group("tail") or ""
    between = m.group("between") or ""
    if _NOT_IN_DESCRIPTION_RE.search(between) or person_noun_re().search(between):
        return None
    if _NEGATION_RE.search(tail) or _OTHER_NAME_RE.search(tail) or _says(tail):
        return None
    if _ORGANISATION_RE.match(m.group("name")):
        # "The Herald agreed to withhold her surname": the outlet hides someone else's name.
        if predicate.possessive in ("his", "her", "their"):
            return Scope(pronoun=True, reason="the draft says it printed only this name")
        return None
    span = _name_at(text, base, m)
    return Scope(span, _AFTER) if span else None


def _preposed(text: str, base: int, left: str, predicate: Predicate) -> Scope | None:
    """A participle clause before the name it describes: "Identified only by her first name, X
    said ...", "Asking that his surname be withheld, X said ..."; the name must follow its comma
    ("Speaking on condition that his name be withheld, the officer said X ..." attaches nothing).
    """
    opener = _PREPOSED_OPENER_RE.fullmatch(left) or (
        not left.strip(' “"‘(') and _PREPOSED_OPENER_RE.match(text, predicate.start)
    )
    if not opener or predicate.kind == "alias":
        return None
    m = _PREPOSED_NAME_RE.match(text, predicate.end)
    span = clean_span(text, m.start("name"), m.end("name")) if m else None
    return Scope(span, _AFTER) if span else None


def _group(text: str, base: int, left: str, predicate: Predicate) -> Scope | None:
    """A plural name noun about people, declared by the outlet or in the passive."""
    sentence = left + text[predicate.start : predicate.end + 60]
    if not predicate.plural or not _is_group(sentence):
        return None
    if predicate.active and not _OUTLET_RE.search(left):
        return None  # "the militia changed the names of ..." is no declaration of the outlet
    return Scope(
        group=True,
        weak=bool(_WEAK_GROUP_RE.search(sentence)),
        reason="the draft declares that the names of the people it quotes were changed",
    )


def _pronoun(text: str, base: int, left: str, predicate: Predicate) -> Scope | None:
    """ "She asked that her surname ...", "we are using only her first name"."""
    if predicate.active and not (_OUTLET_RE.search(left) or _WRITER_RE.search(left)):
        return None  # "The militia has changed his name in the records" declares nothing
    m = _PRONOUN_SUBJECT_RE.search(left)
    if m and not _NEGATION_RE.search(m.group("tail")) and not _says(m.group("tail")):
        return Scope(pronoun=True, reason="declared as a pseudonym in the next sentence")
    if (
        _possessive_pronoun(predicate)
        and not _names_in(left)
        and not _says(left)
        and not person_noun_re().search(left)
    ):
        return Scope(pronoun=True, reason="the draft says it printed only this name")
    return None


def _names_in(left: str) -> bool:
    """A capitalised word other than the sentence's first one (a name in the same sentence)."""
    return any(m.start() > 0 for m in _CAPITAL_WORD_RE.finditer(left.lstrip(' “"‘(')))


def _is_group(sentence: str) -> bool:
    """A plural name noun about people: "names of everyone", "names of the residents"."""
    for m in _GROUP_RE.finditer(sentence):
        noun = m.group("noun") or m.group("owner")
        if noun is None or person_noun_re().fullmatch(noun):
            return True
        if m.group("owner") and any(_person_or_group(w) for w in (noun, noun + "s")):
            return True
    return False


_GROUP_WORD_RE = re.compile(r"(?i:" + v.GROUP_WORDS + r")")


def _person_or_group(word: str) -> bool:
    return bool(person_noun_re().fullmatch(word) or _GROUP_WORD_RE.fullmatch(word))


def _says(tail: str) -> bool:
    return bool(re.search(r"(?<![\w-])(?:said|says|told|tells)(?![\w-])", tail, re.I))


def _possessive_pronoun(predicate: Predicate) -> bool:
    return predicate.possessive in ("his", "her", "their") or predicate.kind == "partial"


def _relative(text: str, base: int, left: str, predicate: Predicate) -> Scope | None:
    """The antecedent of "who/whose" before the predicate; blocked when it is a common noun."""
    if predicate.whose:
        head = left.rstrip(_HEAD_STRIP)
        mid_ok = True
    else:
        m = _RELATIVE_RE.search(left)
        if m is not None:
            head = left[: m.start()].rstrip(_HEAD_STRIP)
            mid_ok = not _NEGATION_RE.search(m.group("mid")) or predicate.kind in (
                "publish",
                "request",
            )
        elif left.rstrip().endswith(",") and _PARTICIPLE_RE.match(text, predicate.start):
            head, mid_ok = left.rstrip(_HEAD_STRIP), True  # "X said, giving only his first name"
        else:
            return None
    head = _SPEECH_TAIL_RE.sub("", head)  # "“...,” X said, who asked ...": X is the antecedent
    if not head:
        return None
    # "X, a mother of three from Homs, who ...": the appositive's head, not the last capital.
    m = _APPOSITION_RE.search(head)
    if m and m.group("desc") and not _NOT_IN_DESCRIPTION_RE.search(m.group("desc")):
        span = _name_at(text, base, m)
        if span and mid_ok:
            return Scope(span, "declared as a pseudonym after the name")
        return Scope(blocked=True)
    if m := _ANTECEDENT_NAME_RE.search(head):
        span = _name_at(text, base, m)
        if span and mid_ok:
            return Scope(span, "declared as a pseudonym after the name")
    return Scope(blocked=True)


def nearest_person_before(
    text: str, sentence_start: int, ends: list[int], pronoun: str
) -> int | None:
    """Index of the nearest mention before ``sentence_start`` with no person noun in between
    that could be the pronoun's antecedent (gender and number agree)."""
    i = bisect.bisect_right(ends, sentence_start) - 1
    if i < 0 or sentence_start - ends[i] > PRONOUN_REACH:
        return None
    for m in person_noun_re().finditer(text, ends[i], sentence_start):
        if blocks(m.group(), pronoun):
            return None
    return i


def predicate_pronoun(text: str, sentence_start: int, predicate: Predicate) -> str:
    """The class of the pronoun that carries the declaration ("She asked", "her first name")."""
    if predicate.possessive:
        return pronoun_class(predicate.possessive)
    m = _PRONOUN_WORD_RE.search(text, sentence_start, predicate.end)
    return pronoun_class(m.group()) if m else ""


_COORDINATED_RE = re.compile(
    NAME + CLOSE_QUOTE + r"?(?:,?\s+(?:and|&)\s+|,\s*)" + OPEN_QUOTE + r"?$"
)
MAX_COORDINATED = 5


def coordinated_before(text: str, start: int) -> list[tuple[int, int]]:
    """Names coordinated before a name ("A, B and C, who asked that their names ..."): one
    declaration covers them all. Each step reads a bounded window, so the cost is linear."""
    found = []
    for _ in range(MAX_COORDINATED):
        lo = max(0, start - 2 * MAX_NAME_CHARS)
        m = _COORDINATED_RE.search(text, lo, start)
        if m is None:
            break
        span = clean_span(text, m.start("name"), m.end("name"))
        if span is None:
            break
        found.append(span)
        start = span[0]
    return found


_INTRODUCED_RE = re.compile(
    r"(?:^|(?<=[.!?] )|(?<=[.!?][”\"’] )|(?<=\n)|(?<=— ))[“\"‘]?"
    r"(?:(?P<age>\d{1,3}-year-old )?" + NAME + r")" + CLOSE_QUOTE + r"?"
    r"(?P<desc>,\s*(?:\d{1,3}\s*,|(?:a|an|the|one)\s[^,.;:\n]{1,60}))?",
    re.M,
)
_DESC_PERSON_RE = re.compile(r"(?<![\w-])(?:her|his|she|he|\d{1,3})(?![\w-])", re.I)


def introduced_names(text: str, proper: Callable[[int], bool]) -> list[tuple[int, int]]:
    """Names a sentence opens with and describes as a person ("X, a teacher in her 30s, ...",
    "X, 30, said", "15-year-old X had"), which a group declaration covers even where spaCy saw
    no person. One pass of one bounded regex; a description without a person noun, an age or a
    personal pronoun ("Aleppo, a city in the north") introduces nobody, nor does a word the tagger
    does not read as a proper noun (``proper``: "Officials, a spokesman said") or a title."""
    found = []
    for m in _INTRODUCED_RE.finditer(text):
        desc = m.group("desc") or ""
        if not (m.group("age") or _DESC_PERSON_RE.search(desc) or person_noun_re().search(desc)):
            continue
        first = m.group("name").split()[0]
        if _ORGANISATION_RE.match(m.group("name")) or first in TITLE_WORDS:
            continue
        span = clean_span(text, m.start("name"), m.end("name"))
        if span is not None and proper(span[0]):
            found.append(span)
    return found
