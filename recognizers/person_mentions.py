"""Candidate person mentions, found once per draft and shared by every person recognizer.

spaCy's small English model misses many Arabic, Burmese or Tigrinya names and calls districts and
factions PERSON. So candidates come from two sources: spaCy PERSON entities, and runs of
capitalised words (with name particles such as al-, bin, de) that carry *person evidence* of their
own: a title, an honorific, a kunya, a role cue, a speech verb, an age. Runs that name places,
buildings or factions are dropped. Role recognizers then read each mention's context windows
(``left``, ``appositive``) with their own cue lists.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from functools import lru_cache

from spacy.tokens import Doc

from recognizers.lexicon import alternation, phrases
from recognizers.mention_links import Candidate, link_named_together
from recognizers.name_keys import HONORIFICS, KUNYA_PREFIXES, name_parts
from recognizers.name_runs import WORD_RE, is_article_word, iter_runs
from recognizers.organisation_names import names_organisation
from recognizers.person_grammar import local_evidence
from recognizers.person_vetoes import (
    COLLECTIVE_KINSHIP,
    FOOTNOTE,
    KINSHIP,
    NER_EVIDENCE,
    PERSON_OBJECT,
    RELATIVE_WHO,
    RunFacts,
    non_person_reason,
)
from recognizers.public_role_grammar import is_institution_noun
from recognizers.role_cues import (
    PERSON_NOUN_WORDS,
    POSSESSIVE_RE,
    PUBLIC_ROLE_HEADS,
    at_risk_role_heads,
    is_role_head,
    public_plural,
    role_before_regex,
    role_head_lemma,
    role_start_regex,
)

CACHE_KEY = "sourceguard.person_mentions"


PUBLIC_TITLE_WORDS = frozenset(phrases("person_mentions/public_title_words.txt"))
"""Titles that put a person on the public record ('Minister', 'General', ...)."""

PRIVATE_TITLE_WORDS = frozenset(phrases("person_mentions/private_title_words.txt"))
"""Honorifics and descriptors that precede a name but make nobody public."""

TITLE_WORDS = PUBLIC_TITLE_WORDS | PRIVATE_TITLE_WORDS
"""Capitalised words that precede a name without being part of it."""

MONTHS_AND_DAYS = frozenset(phrases("person_mentions/months_and_days.txt"))

SPEECH_AFTER_RE = re.compile(
    r"^(?:’s|'s)?\s*(?:,[^,.;]{0,80},\s*|\([^()\n]{0,80}\)\s*)?(?:has |had |have |also |then |later |previously |again )?"
    r"(?:said|says|told|tells|added|adds|recalled|recalls|explained|explains|wrote|writes|posted|"
    r"described|describes|denied|denies|urged|urges|called|calls|warned|warns|confirmed|asked|"
    r"insisted|stressed|noted|estimated|demanded|claimed|continued|agreed|replied|spoke|speaks)\b"
)
SPEECH_BEFORE_RE = re.compile(
    r"(?:\b(?:said|says|added|according to|wrote|asked|recalled|explained)|[”\"],?)\s*$",
    re.IGNORECASE,
)
AGE_AFTER_RE = re.compile(r"^\s*(?:,|\(|—|–)\s*(?:aged\s+)?\d{1,3}\s*(?:,|\)|;|—|–|\.(?!\d)|$)")
"""', 29,' '(29)' '— 29 —': an age apposition, whatever the punctuation."""
CREDIT_BEFORE_RE = re.compile(
    r"(?:(?:^|\n)[\s*_>#\[\-–—]*By:?|(?-i:(?<=[^\W\d])\s+By:?)|©\s*(?:[A-Z][\w&.\-]*\s*/\s*)?|"
    r"photo\s*/|(?:(?:^|\n|\()\s*|interviews? (?:was |were )?)conducted by|(?:Photo|Photos|Photograph|Image|Picture|Video|Map|Graphic|"
    r"Illustration|Credit|Credits|Reporting|Additional reporting|Reported|Edited|Editing|Writing|"
    r"Written|Produced|Photography|Photographs|Translated|Translation)(?: courtesy of| by)?:?)\s*$",
    re.IGNORECASE,
)
_PREPOSITIONS = (
    r"(?i:in|outside|near|towards|toward|into|across|around|through|between|at|from|via|along)"
)
_STRONG_PREPOSITIONS = r"(?i:in|outside|near|towards|toward|into|between)"
_CAP_WORD = r"(?:[A-Z][\w’'\-]*|(?:al|el|a|ad|as|ash|at|az|ar|an)-[A-Z][\w’'\-]*)"
_CAP_RUN = _CAP_WORD + r"(?:[ \u00a0]" + _CAP_WORD + r")*"
PLACE_PREPOSITION_RE = re.compile(
    r"\b" + _PREPOSITIONS + r"\s+(?:the\s+)?(?:" + _CAP_WORD + r"\s+){0,3}$"
)
STRONG_PLACE_PREPOSITION_RE = re.compile(
    r"\b" + _STRONG_PREPOSITIONS + r"\s+(?:the\s+)?(?:" + _CAP_WORD + r"\s+){0,3}$"
)
PLACE_LIST_RE = re.compile(
    r"\b"
    + _STRONG_PREPOSITIONS
    + r"\s+(?:the\s+)?("
    + _CAP_RUN
    + r"(?:(?:,\s*|,?\s+and\s+|,?\s+or\s+)"
    + _CAP_RUN
    + r")*)"
)
AFTER_THE_RE = re.compile(r"\b[Tt]he\s+(?:[A-Z][\w’'\-]*\s+){0,2}$")
FOOTNOTE_MARK_RE = re.compile(r"\\?[*†‡]{1,3}")
FOOTNOTE_EVIDENCE = FOOTNOTE
"""Drafts mark changed names with a footnote ("Iryna*"); spaCy then often mistags the word."""
APPOSITIVE_RE = re.compile(
    r"^(?:’s|'s)?\s*(?:(?:,|\(|—|–|-)\s*(?:(?:aged\s+)?\d{1,3}\s*,\s*)?(?P<app>[^,;:()\n]{1,140})"
    r"|\s+(?P<who>(?:who|whose|is|was|are|were|has|have|had)\b[^;:()\n]{1,140}))"
)


@dataclass
class Mention:
    """A candidate name span with the context windows the role recognizers read."""

    start: int
    end: int
    text: str
    parts: list[str]
    evidence: list[str] = field(default_factory=list)
    title: str = ""
    left: str = ""
    appositive: str = ""
    right: str = ""
    appositive_start: int = -1
    from_ner: bool = False
    credit: bool = False

    @property
    def is_multiword(self) -> bool:
        return len(self.parts) > 1


@lru_cache(maxsize=1)
def _non_person_heads() -> re.Pattern[str]:
    """'X Street', 'X and Y Streets': the capitalised words of the list stay case-sensitive
    (else 'Nadia and her husband fled the city' reads as one place name ending in 'city')."""
    heads = alternation(phrases("non_person_words.txt"))
    return re.compile(
        r"^(?:’s|'s)?\s+(?:(?:and|or|&)\s+(?-i:[A-Z][\w’'\-]*\s+){1,4})?" + heads + r"(?:e?s)?\b",
        re.IGNORECASE,
    )


@lru_cache(maxsize=1)
def _non_person_head_words() -> frozenset[str]:
    return frozenset(p.lower() for p in phrases("non_person_words.txt") if " " not in p)


@lru_cache(maxsize=1)
def _non_person_prefixes() -> frozenset[str]:
    return frozenset(phrases("non_person_prefixes.txt"))


class _DocIndex:
    """Per-draft lookups: sentence bounds, token at a character offset, entity labels."""

    def __init__(self, doc: Doc) -> None:
        self.doc = doc
        self.text = doc.text
        self.sent_starts = [s.start_char for s in doc.sents] or [0]
        self.token_at = {t.idx: t for t in doc}
        self.person_chars: list[tuple[int, int]] = []
        self.other_ent_chars: list[tuple[int, int, str]] = []
        for ent in doc.ents:
            if ent.label_ == "PERSON":
                self.person_chars.append((ent.start_char, ent.end_char))
            elif ent.label_ in ("GPE", "LOC", "FAC", "ORG", "NORP"):
                self.other_ent_chars.append((ent.start_char, ent.end_char, ent.label_))
        self._person_starts = [s for s, _ in self.person_chars]
        self._other_starts = [s for s, _, _ in self.other_ent_chars]
        self.place_words = self._collect_place_words()

    def _collect_place_words(self) -> frozenset[str]:
        """Capitalised words the draft itself uses as places ("Hamdaniyah district")."""
        words: set[str] = set()
        for s, e, label in self.other_ent_chars:
            if label in ("GPE", "LOC", "FAC"):
                words.update(w.lower() for w in WORD_RE.findall(self.text[s:e]))
        for match in PLACE_LIST_RE.finditer(self.text):
            for item in re.split(r",\s*|,?\s+(?:and|or)\s+", match.group(1)):
                if not POSSESSIVE_RE.search(item):
                    words.update(w.lower() for w in WORD_RE.findall(item))
        heads = _non_person_heads()
        for run in iter_runs(self.text):
            end = run[-1][1]
            if heads.match(self.text[end : end + 60]) or names_organisation(
                self.text, run[0][0], end, self.token_at
            ):
                words.update(self.text[s:e].lower() for s, e in run)
        return frozenset(words)

    def sentence_bounds(self, pos: int) -> tuple[int, int]:
        i = bisect.bisect_right(self.sent_starts, pos) - 1
        start = self.sent_starts[max(i, 0)]
        end = self.sent_starts[i + 1] if i + 1 < len(self.sent_starts) else len(self.text)
        return start, end

    def overlaps_person(self, start: int, end: int) -> bool:
        i = bisect.bisect_right(self._person_starts, end) - 1
        while i >= 0:
            s, e = self.person_chars[i]
            if e > start:
                return True
            if e <= start and s < start - 200:
                break
            i -= 1
        return False

    def other_label(self, start: int, end: int) -> str | None:
        i = bisect.bisect_right(self._other_starts, start) - 1
        for j in (i, i + 1):
            if 0 <= j < len(self.other_ent_chars):
                s, e, label = self.other_ent_chars[j]
                if s <= start and e >= end:
                    return label
        return None


FUNCTION_POS = frozenset(phrases("person_mentions/function_pos.txt"))
"""A sentence-initial capitalised word of these classes is not a name ("Then Rima ..."); a noun,
adjective or proper noun may be one ("Rima al-Nouri lost her son")."""


LIST_AFTER_RE = re.compile(r"\s*(?:,|and\b|&)")


def _title_head(text: str, run: list[tuple[int, int]], i: int, index: _DocIndex) -> bool:
    """Run word ``i`` is a role noun titling the name after it. A plural title ("Residents X and
    Y said") heads a list of names, so it needs one, and a name word after it, not a function
    word ("Reporters Without Borders" is an organisation)."""
    s, e = run[i]
    word = text[s:e]
    token = index.token_at.get(s)
    if i == 0 and token is not None and token.is_sent_start and word.lower() in PERSON_NOUN_WORDS:
        return True  # "Photographer Ihar Zhuk was held": a person noun opening the sentence
    if not is_role_head(word):
        return False
    if role_head_lemma(word) == word.lower() and not public_plural(word.lower()):
        return True
    following = index.token_at.get(run[i + 1][0])
    named = following is None or not (following.is_stop or following.pos_ in FUNCTION_POS)
    return named and bool(LIST_AFTER_RE.match(text, run[-1][1]))


def _institution_end(text: str, run: list[tuple[int, int]]) -> list[int]:
    """'Head of Kherson Regional Military Administration Yaro Petrak': an organisation's name
    (two words or more, ending in an institution noun) before a name of two words or more."""
    ends = [i for i, (s, e) in enumerate(run[1:-2], start=1) if is_institution_noun(text[s:e])]
    return ends[-1:]


def _drop_acronym(text: str, run: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """'the U.N. Caroline Ward': initials right after 'the' spell an acronym, not a name's initials.

    A person's initials never take the article, so the dotted letters are dropped from the front
    of the run and the name starts after them.
    """
    s = run[0][0]
    if text[max(0, s - 4) : s].lower() != "the " or len(run) < 2:
        return run
    n = 0
    while n < len(run) - 1 and _is_dotted_initial(text, run[n]):
        n += 1
    return run[n:] if n else run


def _is_dotted_initial(text: str, word: tuple[int, int]) -> bool:
    s, e = word
    return e - s == 1 and text[s].isupper() and text[e : e + 1] == "."


def _strip_leading(
    text: str, run: list[tuple[int, int]], index: _DocIndex
) -> tuple[list[tuple[int, int]], list[str], bool]:
    """Drop titles, honorifics and sentence-initial common words from the front of a run."""
    stripped: list[str] = []
    honorific = False
    run = _drop_acronym(text, run)
    # Title grammar: "Parliament Chief X", "North Africa Researcher X", "Resident X": everything
    # up to the last role noun before the final word is the title, not the name.
    heads = [i for i, (s, e) in enumerate(run[:-1]) if _title_head(text, run, i, index)]
    heads += _institution_end(text, run)
    if heads:
        cut = max(heads) + 1
        stripped.extend(POSSESSIVE_RE.sub("", text[s:e]) for s, e in run[:cut])
        run = run[cut:]
    while run:
        s, e = run[0]
        word = text[s:e]
        bare = POSSESSIVE_RE.sub("", word)
        token = index.token_at.get(s)
        if bare in TITLE_WORDS:
            stripped.append(bare)
            honorific = honorific or (bare in PRIVATE_TITLE_WORDS and len(run) > 1)
        elif bare.lower() in HONORIFICS and len(run) > 1:
            honorific = True
            stripped.append(bare)
        elif stripped and stripped[-1].lower() in HONORIFICS:
            break  # after "Mr" every word is the name, even "Can" or "May" ("Mr Can Sivas")
        elif bare in MONTHS_AND_DAYS or (
            token is not None
            and token.is_sent_start
            and (token.is_stop or token.pos_ in FUNCTION_POS)
            and not index.overlaps_person(s, e)
            and len(run) > 1
        ):
            pass
        elif (
            token is not None
            and token.pos_ == "ADJ"
            and len(run) > 1
            and bare.endswith(("an", "ian", "ish", "ese", "i"))
            and not is_article_word(bare)
        ):
            pass  # demonyms: "Russian Foreign Minister ..."
        elif token is not None and token.is_stop:
            pass
        else:
            break
        run = run[1:]
    return run, stripped, honorific


def _is_verb_subject(index: _DocIndex, start: int, end: int) -> bool:
    """'Dima would never ...': a lone proper noun followed by a verb, not a known place or group."""
    token = index.token_at.get(start)
    if token is None or token.pos_ != "PROPN" or token.i + 1 >= len(index.doc):
        return False
    nxt = index.doc[token.i + 1]
    return nxt.idx >= end and nxt.pos_ in ("AUX", "VERB") and index.other_label(start, end) is None


SPEECH_LEMMAS = frozenset(phrases("person_mentions/speech_lemmas.txt"))
KINSHIP_AFTER_RE = re.compile(
    r"(?:’s|'s)\s+(?:(?:late|elder|eldest|younger|youngest|older|only|two|three|\d+-year-old)\s+)*"
    r"(?P<kin>father|mother|son|sons|daughter|daughters|brother|brothers|sister|sisters|wife|"
    r"husband|children|child|family|cousin|uncle|aunt|nephew|niece|grandson|granddaughter|widow|"
    r"parents|fianc[ée]e?)\b"
)
"""'Samer's father': only a person has relatives."""
WITH_KIN_RE = re.compile(
    r"(?:,\s*\d{1,3}\s*,)?,?\s+(?:and|with|along with)\s+(?:his|her)\s+"
    r"(?:(?:late|elder|eldest|younger|youngest|older|only|two|three|\d+-year-old)\s+)*"
    + KINSHIP_AFTER_RE.pattern.split(")*", 1)[1]
)
"""'X and her husband', 'X, 40, with his two sons': a person's own relatives beside the name
(a place or group has 'its' relatives, never 'his' or 'her')."""
COLLECTIVE_KIN = frozenset({"sons", "daughters", "brothers", "sisters", "children", "child"})
COLLECTIVE_KIN |= {"family", "parents"}
"""'Gaza's children', 'Syria's sons': places have these too, so they are weaker evidence."""
RELATIVE_WHO_RE = re.compile(r"^(?:’s|'s)?\s*,\s*(?:(?:aged\s+)?\d{1,3}\s*,\s*)?who(?:m|se)?\b")
"""'X, who works for ...': the relative pronoun of people (places take 'which' or 'where')."""


@lru_cache(maxsize=1)
def _person_object_regex() -> re.Pattern[str]:
    """A verb only people undergo, right before the name: 'police detained X'."""
    verbs = alternation(phrases("person_mentions/person_object_verbs.txt"))
    return re.compile(r"(?<![\w-])" + verbs + r"\s+$", re.IGNORECASE)


def _speech_subject(index: _DocIndex, start: int, end: int) -> bool:
    """The name's head token is the subject of a verb of saying, however far the verb is."""
    token = index.token_at.get(start)
    if token is None:
        return False
    while token.i + 1 < len(index.doc) and index.doc[token.i + 1].idx < end:
        token = index.doc[token.i + 1]  # the last token of the name is its syntactic head
    return token.dep_ in ("nsubj", "nsubjpass") and token.head.lemma_ in SPEECH_LEMMAS


def _strip_trailing_role(text: str, run: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """'Jonathan Doe Head of the X desk': a signature line that the canonical text joined to the
    name line. The role noun closing the run is the start of the role, not part of the name."""
    if len(run) >= 3 and is_role_head(text[run[-1][0] : run[-1][1]]):
        return run[:-1]
    line_start = text.rfind("\n", 0, run[0][0]) + 1
    if len(run) >= 2 and text.startswith(":", run[-1][1]) and ":" in text[line_start : run[0][0]]:
        return run[:-1]  # "Name: X Y Town: ...": fields joined on one line; "Town" is a label
    return run


def _mention_span(
    text: str, run: list[tuple[int, int]], honorific: bool
) -> tuple[int, int, list[str]] | None:
    """Start, end (a possessive ending cut off) and name parts of a stripped run."""
    start, end = run[0][0], run[-1][1]
    possessive = POSSESSIVE_RE.search(text[run[-1][0] : end])
    if possessive and possessive.start() > 0:
        end = run[-1][0] + possessive.start()
    parts = name_parts(text[start:end])
    if not parts:
        return None
    if all(len(p.strip(".")) <= 1 for p in parts) and not honorific:
        return None  # no name is made of initials alone ("the U.S."), unless "Mr P." says so
    return start, end, parts


def _with_context(index: _DocIndex, start: int, end: int, parts: list[str]) -> Mention:
    """The mention with its left, right and appositive windows read off the sentence."""
    text = index.text
    sent_start, sent_end = index.sentence_bounds(start)
    line_start = text.rfind("\n", 0, start) + 1
    left = text[max(sent_start, line_start, start - 160) : start]
    # A footnote mark right after the name ("Iryna*, a nurse") must not hide what follows it.
    # spaCy may even end the sentence at the mark, so the right context is read past it.
    footnoted = FOOTNOTE_MARK_RE.match(text, end)
    right_start = footnoted.end() if footnoted else end
    if footnoted and right_start < len(text):
        sent_end = max(sent_end, index.sentence_bounds(right_start)[1])
    right = text[right_start : min(sent_end, right_start + 200)]
    mention = Mention(
        start=start, end=end, text=text[start:end], parts=parts, left=left, right=right
    )
    if footnoted:
        mention.evidence.append(FOOTNOTE_EVIDENCE)
    app = APPOSITIVE_RE.match(right)
    if app:
        group = "app" if app.group("app") is not None else "who"
        mention.appositive = (app.group(group) or "").strip()
        raw = app.group(group) or ""
        mention.appositive_start = right_start + app.start(group) + len(raw) - len(raw.lstrip())
    return mention


def _anchor_evidence(mention: Mention, stripped: list[str], honorific: bool) -> None:
    """What the words stripped from the front of the run say: a title, a role, an honorific."""
    if stripped and any(
        w in PUBLIC_TITLE_WORDS or w.lower() in PUBLIC_ROLE_HEADS for w in stripped
    ):
        mention.title = " ".join(stripped)
        mention.evidence.append("title before the name")
    if any(role_head_lemma(w) in at_risk_role_heads() | PERSON_NOUN_WORDS for w in stripped):
        mention.evidence.append("role cue before the name")
    if honorific:
        mention.evidence.append("honorific before the name")


def _grammar_evidence(mention: Mention, index: _DocIndex, run: list[tuple[int, int]]) -> None:
    """Person grammar around the name: a credit, a kunya, speech, relatives, an age, a role."""
    text, start, end = index.text, mention.start, mention.end
    left, right = mention.left, mention.right
    mention.from_ner = index.overlaps_person(start, end)
    if mention.from_ner:
        mention.evidence.append(NER_EVIDENCE)
    line_start = text.rfind("\n", 0, start) + 1
    mention.credit = bool(CREDIT_BEFORE_RE.search(text[max(line_start, start - 40) : start]))
    if mention.credit:
        mention.evidence.append("byline or credit")
    if text[start : run[0][1]].lower() in KUNYA_PREFIXES and len(run) > 1:
        mention.evidence.append("kunya (Abu/Umm) name")
    if SPEECH_AFTER_RE.match(right):
        mention.evidence.append("speech verb after the name")
    elif SPEECH_BEFORE_RE.search(left[-40:]):
        mention.evidence.append("speech attribution before the name")
    elif _speech_subject(index, start, end):
        mention.evidence.append("subject of a verb of saying (parse)")
    kin = KINSHIP_AFTER_RE.match(text, end) or WITH_KIN_RE.match(text, end)
    if kin and kin.group("kin") in COLLECTIVE_KIN:
        mention.evidence.append(COLLECTIVE_KINSHIP)
    elif kin:
        mention.evidence.append(KINSHIP)
    if RELATIVE_WHO_RE.match(right):
        mention.evidence.append(RELATIVE_WHO)
    if _person_object_regex().search(left[-40:]):
        mention.evidence.append(PERSON_OBJECT)
    last = index.token_at.get(run[-1][0])
    label = index.other_label(start, end)
    mention.evidence.extend(
        local_evidence(text, start, end, left, label, last is not None and last.tag_ == "NNPS")
    )
    if len(run) == 1 and not mention.evidence and _is_verb_subject(index, run[0][0], end):
        mention.evidence.append("proper noun as the subject of a verb")
    if AGE_AFTER_RE.match(right):
        mention.evidence.append("age given after the name")
    if mention.appositive and role_start_regex().match(mention.appositive):
        mention.evidence.append("role described after the name")
    if role_before_regex().search(left[-60:]):
        mention.evidence.append("role cue before the name")


def _build_mention(run: list[tuple[int, int]], index: _DocIndex) -> Mention | None:
    run, stripped, honorific = _strip_leading(
        index.text, _strip_trailing_role(index.text, run), index
    )
    if not run:
        return None
    # "Mr P." is a person; "U.S." is not, though "U" is a Burmese honorific.
    span = _mention_span(index.text, run, honorific and len(stripped[-1]) > 1)
    if span is None:
        return None
    mention = _with_context(index, *span)
    _anchor_evidence(mention, stripped, honorific)
    _grammar_evidence(mention, index, run)
    return mention


def _closed_role(mention: Mention, index: _DocIndex) -> bool:
    """The role noun after the name closes an appositive ("X, a resident of Y"), rather than
    opening the next clause ("From Raqqa, a resident told us")."""
    match = role_start_regex().match(mention.appositive) if mention.appositive else None
    if match is None or mention.appositive_start < 0:
        return False
    pos = mention.appositive_start + match.end()
    while pos < len(index.text) and index.text[pos] in " \u00a0":
        pos += 1
    token = index.token_at.get(pos)
    return token is None or token.pos_ not in ("VERB", "AUX")


def _run_facts(
    mention: Mention, all_words: list[str], run_words: list[str], run_start: int, index: _DocIndex
) -> RunFacts:
    """Everything the vetoes weigh, read once from bounded windows around the run."""
    text = index.text
    after = text[mention.end : mention.end + 60]
    before = text[max(0, run_start - 40) : mention.start]
    head_words = _non_person_head_words()
    token = index.token_at.get(mention.start)
    folded = (w.lower() for w in WORD_RE.findall(mention.text))
    return RunFacts(
        evidence=frozenset(mention.evidence),
        multiword=mention.is_multiword,
        from_ner=mention.from_ner,
        credit=mention.credit,
        titled=bool(mention.title),
        label=index.other_label(mention.start, mention.end),
        possessive=bool(POSSESSIVE_RE.search(run_words[-1])),
        followed_by_place_word=bool(_non_person_heads().match(after)),
        possessive_after=bool(POSSESSIVE_RE.match(after[:2])),
        single_place_word=len(all_words) == 1 and run_words[0].lower() in head_words,
        contains_place_word=any(w.lower() in head_words for w in all_words[1:]),
        place_prefix=POSSESSIVE_RE.sub("", run_words[0]) in _non_person_prefixes(),
        all_capitals=all(w.isupper() and len(w) > 1 for w in run_words),
        after_strong_place_preposition=bool(STRONG_PLACE_PREPOSITION_RE.search(before)),
        after_place_preposition=bool(PLACE_PREPOSITION_RE.search(before)),
        after_the=bool(AFTER_THE_RE.search(before)),
        common_word=len(run_words) == 1 and token is not None and token.pos_ not in ("PROPN", "X"),
        used_as_place=all(w in index.place_words for w in folded),
        closed_role=_closed_role(mention, index),
    )


def _judge(candidate: Candidate, index: _DocIndex) -> bool:
    """Whether the candidate's mention, with the evidence it has, names a person."""
    mention, run = candidate.mention, candidate.run
    if mention is None or not mention.evidence:
        return False
    words = [index.text[s:e] for s, e in run if s >= mention.start]
    all_words = [index.text[s:e] for s, e in run]
    return non_person_reason(_run_facts(mention, all_words, words, run[0][0], index)) is None


def _token_facts(index: _DocIndex, start: int, end: int) -> tuple[str | None, str | None]:
    """(part of speech of the first token, spaCy's place or group label) of a span."""
    token = index.token_at.get(start)
    return (token.pos_ if token is not None else None), index.other_label(start, end)


def find_mentions(doc: Doc) -> list[Mention]:
    """Every candidate person mention of the draft, in document order (cached on the doc)."""
    cached = doc.user_data.get(CACHE_KEY)
    if cached is not None:
        return cached
    index = _DocIndex(doc)
    candidates = [Candidate(run, _build_mention(run, index)) for run in iter_runs(index.text)]
    for candidate in candidates:
        candidate.person = _judge(candidate, index)
    link_named_together(
        candidates,
        index.text,
        lambda c: _judge(c, index),
        lambda s, e: _token_facts(index, s, e),
    )
    mentions = [c.mention for c in candidates if c.person and c.mention is not None]
    doc.user_data[CACHE_KEY] = mentions
    doc.user_data[CACHE_KEY + ".place_words"] = index.place_words
    return mentions


def place_words(doc: Doc) -> frozenset[str]:
    """Lower-cased words the draft uses as places (computed with the mentions)."""
    find_mentions(doc)
    return doc.user_data[CACHE_KEY + ".place_words"]
