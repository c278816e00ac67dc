"""PUBLIC_FIGURE: people on the record in a public capacity, who must NOT be redacted.

Signals, strongest first: the newsroom's allow list; a formal title directly before the name
("Foreign Minister X", "UN Special Envoy for Yemen, X", ``public_titles.txt``); a public role read
by the title and organisation grammar (``public_role_grammar``: a role head with an institutional
anchor, after the name, as a compound title before it, or as a phrase the name stands in
apposition to; local and private roles are no evidence); the possessor of an institution
("X's National Guard"); the leader of a named organisation ("the X Forces, led by Y"); a gazetteer
of well-known figures that a newsroom can extend; a byline or credit. The allow list only ever
produces PUBLIC_FIGURE results, and role precedence means nothing here can release a roster or
at-risk match.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from presidio_analyzer import RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts
from spacy.tokens import Doc

from recognizers.base import MentionRecognizer, make_result
from recognizers.entities import PUBLIC_FIGURE
from recognizers.lexicon import DATA_DIR, alternation, phrases
from recognizers.name_keys import (
    HONORIFICS,
    fold,
    name_keys,
    name_parts,
    strip_possessive,
    token_keys,
)
from recognizers.person_mentions import (
    CREDIT_BEFORE_RE,
    SPEECH_AFTER_RE,
    TITLE_WORDS,
    WORD_RE,
    Mention,
    find_mentions,
)
from recognizers.public_role_grammar import local_modifiers, role_after, role_before
from recognizers.role_cues import public_plural

TITLE_FILE = "public_titles.txt"
GAZETTEER_FILE = DATA_DIR / "public_figures.txt"
MIN_ALIAS_KEY = 4
INSTITUTION_AFTER_RE = re.compile(
    r"^(?:’s|'s)\s+(?:[A-Z][\w’'\-]*\s+){0,3}(?:Guard|Guards|Army|Forces|Government|Party|"
    r"Movement|Ministry|Administration|Cabinet|Council|Regime|Militia|Brigades?|Division|Office|"
    r"Foundation|regime|government|administration|forces|army|militia|party|cabinet)\b"
)
LEADS_BEFORE_RE = re.compile(
    r"[A-Z][\w’'\-]*[)”\"]?,?\s+(?:which is |that is |now |then )?(?P<cue>(?:led|headed|commanded|chaired|"
    r"founded|directed|run) by)\s+(?:[A-Z][\w.]*\s+){0,3}$"
)
"""'The Rapid Support Forces, led by X': the head of a named organisation."""


@dataclass(frozen=True)
class Gazetteer:
    """Name keys of known public figures: full names and single-word aliases."""

    full: frozenset[str]
    single: frozenset[str]
    single_words: frozenset[str] = frozenset()

    def has_single(self, word: str) -> bool:
        """A one-word alias: by spelling-insensitive key, or by exact spelling if the key is short.

        A short key ("sas") is shared by too many unrelated words ("Sousa", "Sisi") to decide
        that someone is on the public record.
        """
        keys = token_keys(word)
        if any(len(k) >= MIN_ALIAS_KEY for k in keys & self.single):
            return True
        return bool(keys & self.single) and fold(strip_possessive(word)) in self.single_words

    @classmethod
    def from_lines(cls, lines: Iterable[str]) -> Gazetteer:
        full: set[str] = set()
        single: set[str] = set()
        words: set[str] = set()
        for line in lines:
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            for variant in (v.strip() for v in line.split("|")):
                if len(name_parts(variant)) > 1:
                    full.update(name_keys(variant))
                elif name_parts(variant):
                    single.update(token_keys(name_parts(variant)[0]))
                    words.add(name_parts(variant)[0])
        return cls(frozenset(full), frozenset(single), frozenset(words))

    @classmethod
    def load(cls, extra: Path | None = None) -> Gazetteer:
        lines = GAZETTEER_FILE.read_text(encoding="utf-8").splitlines()
        if extra is not None:
            lines += extra.read_text(encoding="utf-8").splitlines()
        return cls.from_lines(lines)


@lru_cache(maxsize=1)
def _title_regex() -> re.Pattern[str]:
    titles = alternation(phrases(TITLE_FILE))
    # "Foreign Minister X", "UN Special Envoy for Yemen, X", "the head of the council, X"
    return re.compile(
        r"(?<![\w-])(?P<cue>" + titles + r")(?:\s+(?:for|of|to|on)\s+[^,.;:]{1,80},)?\s*,?\s*$",
        re.IGNORECASE,
    )


_WORDS_BEFORE_RE = re.compile(r"(?:[\w’'\-]+\s+){0,3}$")


def _is_local_phrase(text: str) -> bool:
    """'community leader', 'spokesman for the family': a local or private role, not a public one."""
    return any(w.lower() in local_modifiers() for w in WORD_RE.findall(text))


def _title_before(mention: Mention) -> tuple[float, list[str]] | None:
    """A public title right before the name ("Foreign Minister X", "Judge X", "Army spokesman")."""
    left = mention.left[-120:]
    hit = _title_regex().search(left)
    if hit:
        words_before = _WORDS_BEFORE_RE.search(left, 0, hit.start())
        phrase = (words_before.group() if words_before else "") + hit.group()
        if not _is_local_phrase(phrase):
            return 0.9, [f"public title '{hit.group('cue')}' before the name"]
    if mention.title and not _is_local_phrase(mention.title):
        return 0.85, [f"public title '{mention.title}' before the name"]
    return None


SPEECH_EVIDENCE = frozenset(
    {
        "speech verb after the name",
        "speech attribution before the name",
        "subject of a verb of saying (parse)",
    }
)
"""Mention evidence that the person speaks: a staff member speaking is on the record."""
SKIP_BEFORE_NAME = frozenset(TITLE_WORDS | {h.capitalize() for h in HONORIFICS} | HONORIFICS)
"""Ranks and honorifics between a role phrase and the name ("Army spokesman Brigadier X")."""


def _grammar(mention: Mention, doc: Doc) -> tuple[float, list[str]] | None:
    """A public role phrase before or after the name (``public_role_grammar``)."""
    speaks = bool(set(mention.evidence) & SPEECH_EVIDENCE)
    role = role_before(doc, mention.start, SKIP_BEFORE_NAME)
    if role is not None and (speaks or not role.needs_voice):
        return 0.85, [role.reason + " before the name"]
    role = role_after(doc, mention.end)
    if role is not None and (speaks or not role.needs_voice):
        return 0.85, [role.reason + " after the name"]
    return None


CREDIT_JOIN_RE = re.compile(r"^\s*(?:,\s*(?:and\s+)?|and\s+|&\s*)$")
"""What joins two names of one credit line ("By X and Y", "Reporting by X, Y")."""
CREDITED_NAME_BEFORE_RE = re.compile(
    r"(?:[A-Z][\w.’'\-]*\s+){1,4}(?:and|&)\s+$|(?:[A-Z][\w.’'\-]*\s+){0,3}[A-Z][\w.’'\-]*,\s+$"
)
"""The first name of a credit line and its joint, read back from the second name ('By X and ')."""


def _second_of_credit(mention: Mention) -> bool:
    """The second name of a credit line whose first name spaCy did not find ('By X and Y')."""
    left = mention.left[-CREDIT_LEFT:]
    if len(mention.left) > CREDIT_LEFT:
        left = "x" + left  # a cut window starts mid-line: no line-initial "By" there
    first = CREDITED_NAME_BEFORE_RE.search(left)
    if not first:
        return False
    # The run may have swallowed the cue's own capitalised words ("Reporting By X and "):
    # try each word start of the run as the start of the first name (at most four).
    starts = [first.start()] + [
        first.start() + w.start() for w in _WORD_START_RE.finditer(first.group())
    ]
    return any(CREDIT_BEFORE_RE.search(left, 0, pos) for pos in starts)


_WORD_START_RE = re.compile(r"(?<=\s)(?=[A-Z])")


SIGNATURE_RE = re.compile(
    r"(?P<sep>[ \t]*/[ \t]*|,[ \t]+|[ \t]+\()(?P<what>@\w{1,30}\)|[A-Z][^\n/()]{0,60}?)[ \t]*(?:\n|$)"
)
"""The rest of a signature line after the name: '/ Agency', ', Agency', ', <date>', '(@handle)'."""
LINE_OPENING_RE = re.compile(r"^[ \t]*(?:[—–\-*>]+[ \t]*)?$")
"""All that may stand before the name on its line (``Mention.left`` stops at the line start)."""
SIGNATURE_LABELS = frozenset({"ORG", "DATE"})
SIGNATURE_READ = 90
"""Characters read after the name for the rest of its line (bounded: linear cost)."""


def _signature_line(mention: Mention, text: str, doc: Doc) -> bool:
    """A name alone at the start of a line with only a credit after it: 'X / Agency',
    'X, Agency' (an ORG entity), 'X, December 5, 2018' (a DATE), '— X (@handle)' (a post's
    author). A place after the comma ('X, Aleppo') is a caption, not a credit."""
    line_start = mention.start - len(mention.left)
    if line_start > 0 and text[line_start - 1] != "\n":
        return False  # the context window opens at a sentence, not at a line
    if not LINE_OPENING_RE.search(mention.left):
        return False
    hit = SIGNATURE_RE.match(text, mention.end, mention.end + SIGNATURE_READ)
    if not hit:
        return False
    sep, what = hit.group("sep").strip(), hit.group("what")
    if sep == "/":
        return True
    if sep == "(":
        return what.startswith("@")
    span = doc.char_span(hit.start("what"), hit.end("what"), alignment_mode="expand")
    return span is not None and all(t.ent_type_ in SIGNATURE_LABELS or t.is_punct for t in span)


CREDIT_LEFT = 80
"""Characters read back from the second name of a credit line."""
AFFILIATION_PREPOSITIONS = frozenset({"of", "for", "from", "at"})
AFFILIATION_SKIP = frozenset({"the"})


def _org_after(doc: Doc, i: int) -> int | None:
    """The token after an ORG entity that starts at token ``i`` (after an optional 'the')."""
    if i < len(doc) and doc[i].lower_ in AFFILIATION_SKIP and doc[i].ent_iob_ != "B":
        i += 1
    if not (i < len(doc) and doc[i].ent_type_ == "ORG" and doc[i].ent_iob_ == "B"):
        return None
    end = i + 1
    while end < len(doc) and doc[end].ent_iob_ == "I" and end - i < AFFILIATION_WINDOW:
        end += 1
    return end


def _affiliation(mention: Mention, text: str, doc: Doc) -> tuple[float, list[str]] | None:
    """A named organisation the person speaks for: 'X of Human Rights Watch said', 'AFP's X'.

    Before the name the organisation's possessive ('Amnesty International's X') names its own
    staff. After the name ('of/for/from/at' + an ORG entity) only a person who speaks is read as
    its voice ('X of the opposition group' may be a member), and the organisation must close the
    attribution: a verb of saying or the end of the sentence or quote follows it. Anything else
    ('X of the ORG, who was held for a month') describes the person where the at-risk grammar,
    which reads next to the name, may not see it: no public evidence then. A GPE or NORP
    ('X of Aleppo') is a place of residence, never an affiliation. At-risk evidence still wins.
    """
    span = doc.char_span(mention.start, mention.end, alignment_mode="expand")
    if span is None:
        return None
    before = span.start - 1
    if before >= 1 and doc[before].text in POSSESSIVE_MARKS and doc[before - 1].ent_type_ == "ORG":
        return 0.8, [f"possessive of the organisation '{doc[before - 1].text}' before the name"]
    after = span.end
    if after >= len(doc) or doc[after].lower_ not in AFFILIATION_PREPOSITIONS:
        return None
    end = _org_after(doc, after + 1)
    if end is None:
        return None
    tail = doc[end].idx if end < len(doc) else len(text)
    speech_next = bool(SPEECH_AFTER_RE.match(text[tail : tail + SPEECH_WINDOW]))
    closes = end >= len(doc) or doc[end].text in ATTRIBUTION_END or speech_next
    speaks = speech_next or bool(set(mention.evidence) & SPEECH_EVIDENCE)
    if closes and speaks:
        return 0.8, [f"speaks for an organisation ('{doc[after].text}' + ORG) after the name"]
    return None


POSSESSIVE_MARKS = frozenset({"'s", "’s", "'", "’"})
ATTRIBUTION_END = frozenset({".", "!", "?", "”", '"', ":"})
AFFILIATION_WINDOW = 12
"""Longest organisation name read after 'of', in tokens."""
SPEECH_WINDOW = 200
"""Characters read after the organisation for a verb of saying (bounded: linear cost)."""


class _Reach:
    """Is a word inside one of the (sorted) spans? Asked in text order, so one forward sweep."""

    def __init__(self, spans: list[tuple[int, int]]) -> None:
        self.spans = spans
        self.i = 0
        self.max_end = 0

    def inside(self, start: int, end: int) -> bool:
        while self.i < len(self.spans) and self.spans[self.i][0] <= start:
            self.max_end = max(self.max_end, self.spans[self.i][1])
            self.i += 1
        return self.max_end >= end


CREDIT_VERDICT = (0.6, ["byline or credit: named on the record by the publication"])


def _plural_title(mention: Mention) -> str | None:
    """'Senators X and Y', 'Foreign Ministers X, Y and Z': a plural public title covers the list."""
    words = mention.title.split()
    if words and public_plural(words[-1].lower()) and not _is_local_phrase(mention.title):
        return mention.title
    return None


class _Lists:
    """What a name inherits from the name it is listed with, read in text order: the credit of a
    credit line ("By X and Y") and a plural public title ("Foreign Ministers X and Y")."""

    def __init__(self, text: str, doc: Doc) -> None:
        self.text, self.doc = text, doc
        self.previous: Mention | None = None
        self.credited = False
        self.title: str | None = None

    def read(
        self, mention: Mention, verdict: tuple[float, list[str]] | None
    ) -> tuple[float, list[str]] | None:
        previous, self.previous = self.previous, mention
        joined = previous is not None and bool(
            CREDIT_JOIN_RE.match(self.text[previous.end : mention.start])
        )
        self.credited = (
            (joined and self.credited)
            or mention.credit
            or _second_of_credit(mention)
            or _signature_line(mention, self.text, self.doc)
        )
        self.title = _plural_title(mention) or (self.title if joined else None)
        if verdict:
            return verdict
        if joined and self.title:
            return 0.85, [f"plural public title '{self.title}' before the list of names"]
        return CREDIT_VERDICT if self.credited else None


class PublicFigureRecognizer(MentionRecognizer):
    ENTITY = PUBLIC_FIGURE

    def __init__(self, gazetteer: Gazetteer | None = None, allow_list: Iterable[str] = ()) -> None:
        super().__init__()
        if gazetteer is None:  # the service passes its configured list (engine._gazetteer)
            gazetteer = Gazetteer.load()
        allowed = Gazetteer.from_lines(allow_list)
        self.gazetteer = gazetteer
        self.allowed = allowed

    def set_allowed(self, allow_list: Iterable[str]) -> None:
        """Replace the allow list (the service adds the newsroom's stored "always public")."""
        self.allowed = Gazetteer.from_lines(allow_list)

    def classify(self, mention: Mention, text: str) -> tuple[float, list[str]] | None:
        """Without the parse: the allow list, titles, possessions, the gazetteer, credits."""
        return self.judge(mention, text, None)

    def judge(self, mention: Mention, text: str, doc: Doc | None) -> tuple[float, list[str]] | None:
        keys = name_keys(mention.text)
        if keys & self.allowed.full or (
            len(mention.parts) == 1 and self.allowed.has_single(mention.parts[0])
        ):
            return 0.9, ["on the newsroom's allow list"]
        verdict = _title_before(mention) or (doc is not None and _grammar(mention, doc)) or None
        if verdict:
            return verdict
        if INSTITUTION_AFTER_RE.match(mention.right):
            return 0.75, ["owns an institution ('X's National Guard'): on the public record"]
        hit = LEADS_BEFORE_RE.search(mention.left[-60:])
        if hit:
            return 0.85, [
                f"'{hit.group('cue')}' after an organisation: its leader is on the record"
            ]
        if keys & self.gazetteer.full:
            return 0.8, ["well-known public figure (gazetteer)"]
        if len(mention.parts) == 1 and self.gazetteer.has_single(mention.parts[0]):
            return 0.7, ["well-known public figure (gazetteer alias)"]
        verdict = (doc is not None and _affiliation(mention, text, doc)) or None
        if verdict:
            return verdict
        if mention.credit:
            return CREDIT_VERDICT
        return None

    def analyze(
        self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None
    ) -> list[RecognizerResult]:
        if nlp_artifacts is None or nlp_artifacts.tokens is None:
            return []
        doc = nlp_artifacts.tokens
        mentions = find_mentions(doc)
        results = []
        lists = _Lists(text, doc)
        for mention in mentions:
            verdict = lists.read(mention, self.judge(mention, text, doc))
            if verdict:
                score, reasons = verdict
                results.append(
                    make_result(self.ENTITY, mention.start, mention.end, score, self, reasons)
                )
        covered = sorted([(r.start, r.end) for r in results] + [(m.start, m.end) for m in mentions])
        results.extend(self._single_word_aliases(text, covered))
        return results

    def _single_word_aliases(
        self, text: str, covered: list[tuple[int, int]]
    ) -> list[RecognizerResult]:
        """Nicknames and surnames the gazetteer knows ("Hemedti") even where spaCy saw nothing.

        A word inside a longer mention is not looked up on its own: a given name that sounds like
        a famous surname does not make "<that name> <other surname>" public.
        """
        if not self.gazetteer.single and not self.allowed.single:
            return []
        out = []
        reach = _Reach(covered)
        for match in WORD_RE.finditer(text):
            word = match.group()
            if not word[:1].isupper() or reach.inside(match.start(), match.end()):
                continue
            if self.allowed.has_single(word):
                reason = "on the newsroom's allow list"
            elif self.gazetteer.has_single(word):
                reason = "well-known public figure (gazetteer alias)"
            else:
                continue
            end = match.end() - (2 if word.endswith(("’s", "'s")) else 0)
            out.append(make_result(PUBLIC_FIGURE, match.start(), end, 0.7, self, [reason]))
        return out
