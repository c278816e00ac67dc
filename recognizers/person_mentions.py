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
from recognizers.name_keys import ARABIC_ARTICLES, HONORIFICS, KUNYA_PREFIXES, name_parts
from recognizers.organisation_names import names_organisation
from recognizers.public_role_grammar import is_institution_noun

CACHE_KEY = "sourceguard.person_mentions"

WORD_RE = re.compile(r"[^\W\d_](?:[\w’'\-]*[^\W_])?")
POSSESSIVE_RE = re.compile(r"(?:’|')s?$")
RUN_GAP = frozenset({" ", "\u00a0"})
INITIAL_GAP = frozenset({".", ". ", ".\u00a0"})
"""After an initial ("R.K. Verma", "K.Ö. Ak") a full stop does not end the name."""
NAME_PARTICLES_INSIDE = frozenset(phrases("person_mentions/name_particles_inside.txt"))

PUBLIC_TITLE_WORDS = frozenset(phrases("person_mentions/public_title_words.txt"))
"""Titles that put a person on the public record ('Minister', 'General', ...)."""

PRIVATE_TITLE_WORDS = frozenset(phrases("person_mentions/private_title_words.txt"))
"""Honorifics and descriptors that precede a name but make nobody public."""

TITLE_WORDS = PUBLIC_TITLE_WORDS | PRIVATE_TITLE_WORDS
"""Capitalised words that precede a name without being part of it."""

MONTHS_AND_DAYS = frozenset(phrases("person_mentions/months_and_days.txt"))

SPEECH_AFTER_RE = re.compile(
    r"^(?:’s|'s)?\s*(?:,[^,.;]{0,80},\s*)?(?:has |had |have |also |then |later |previously |again )?"
    r"(?:said|says|told|tells|added|adds|recalled|recalls|explained|explains|wrote|writes|posted|"
    r"described|describes|denied|denies|urged|urges|called|calls|warned|warns|confirmed|asked|"
    r"insisted|stressed|noted|estimated|demanded|claimed|continued|agreed|replied|spoke|speaks)\b"
)
SPEECH_BEFORE_RE = re.compile(
    r"(?:\b(?:said|says|added|according to|wrote|asked|recalled|explained)|[”\"],?)\s*$",
    re.IGNORECASE,
)
AGE_AFTER_RE = re.compile(r"^\s*,\s*(?:aged\s+)?\d{1,3}\s*(?:,|\)|;|\.(?!\d)|$)")
CREDIT_BEFORE_RE = re.compile(
    r"(?:(?:^|\n)[\s*_>#\[]*By|(?:Photo|Photos|Photograph|Image|Picture|Video|Map|Graphic|"
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
FOOTNOTE_MARK_RE = re.compile(r"\\?[*†‡]{1,3}")
FOOTNOTE_EVIDENCE = "footnote mark after the name"
"""Drafts mark changed names with a footnote ("Iryna*"); spaCy then often mistags the word."""
APPOSITIVE_RE = re.compile(
    r"^(?:’s|'s)?\s*(?:(?:,|\(|—|–|-)\s*(?:(?:aged\s+)?\d{1,3}\s*,\s*)?(?P<app>[^,;:()\n]{1,140})"
    r"|\s+(?P<who>(?:who|whose|is|was)\b[^;:()\n]{1,140}))"
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
    from_ner: bool = False
    credit: bool = False

    @property
    def is_multiword(self) -> bool:
        return len(self.parts) > 1


@lru_cache(maxsize=1)
def _non_person_heads() -> re.Pattern[str]:
    heads = alternation(phrases("non_person_words.txt"))
    return re.compile(
        r"^(?:’s|'s)?\s+(?:(?:and|or|&)\s+(?:[A-Z][\w’'\-]*\s+){1,4})?" + heads + r"(?:e?s)?\b",
        re.IGNORECASE,
    )


@lru_cache(maxsize=1)
def _non_person_head_words() -> frozenset[str]:
    return frozenset(p.lower() for p in phrases("non_person_words.txt") if " " not in p)


@lru_cache(maxsize=1)
def _non_person_prefixes() -> frozenset[str]:
    return frozenset(phrases("non_person_prefixes.txt"))


@lru_cache(maxsize=1)
def _person_cue_regex() -> re.Pattern[str]:
    """Union of every role cue: used only to decide that a run is a person at all."""
    items = (
        phrases("citizen_journalist_cues.txt")
        + phrases("at_risk_cues.txt")
        + (
            "(?:a|an|the) (?:\\w+ ){0,3}(?:spokes(?:man|woman|person)|official|leader|head|director|member|founder|editor|chief|officer)",
        )
    )
    return re.compile(r"(?<![\w-])" + alternation(items, plural=True) + r"(?![\w-])", re.IGNORECASE)


@lru_cache(maxsize=1)
def _role_before_regex() -> re.Pattern[str]:
    """A role cue directly before the name: 'citizen journalist X', 'his brother, X'."""
    return re.compile(_person_cue_regex().pattern + r"\s*,?\s*$", re.IGNORECASE)


@lru_cache(maxsize=1)
def _role_start_regex() -> re.Pattern[str]:
    """A singular role noun opening an appositive: 'X, director of ...', 'X, a nurse ...'."""
    items = (
        phrases("citizen_journalist_cues.txt")
        + phrases("at_risk_cues.txt")
        + (
            "head",
            "director",
            "chief",
            "spokes(?:man|woman|person)",
            "leader",
            "member",
            "founder",
            "editor",
            "officer",
            "official",
        )
    )
    return re.compile(
        r"^(?:(?:a|an|the|his|her|their|another|one of (?:the|his|her|their))\s+)?(?:[\w’'\-]+\s+){0,4}?"
        + alternation(items)
        + r"(?![\w-])",
        re.IGNORECASE,
    )


def is_article_word(word: str) -> bool:
    head, sep, tail = word.partition("-")
    return bool(sep) and head in ARABIC_ARTICLES and tail[:1].isupper()


ADJECTIVE_SUFFIXES = frozenset(phrases("person_mentions/adjective_suffixes.txt"))


def _is_namey(word: str) -> bool:
    """Capitalised or article-prefixed, but not an adjective like 'Hamdaniyah-based'."""
    if "-" in word and word.rsplit("-", 1)[1] in ADJECTIVE_SUFFIXES:
        return False
    return word[:1].isupper() or is_article_word(word)


def _is_initial(word: str) -> bool:
    return len(word) <= 2 and word.isupper()


def _iter_runs(text: str) -> list[list[tuple[int, int]]]:
    """Runs of capitalised words joined by single spaces, name particles allowed inside."""
    words = [(m.start(), m.end()) for m in WORD_RE.finditer(text)]
    runs: list[list[tuple[int, int]]] = []
    current: list[tuple[int, int]] = []
    pending_particle: tuple[int, int] | None = None
    for i, (s, e) in enumerate(words):
        word = text[s:e]
        joined = bool(current) and (
            text[current[-1][1] : s] in RUN_GAP
            or (
                text[current[-1][1] : s] in INITIAL_GAP
                and _is_initial(text[current[-1][0] : current[-1][1]])
            )
        )
        if pending_particle is not None and not (
            text[pending_particle[1] : s] in RUN_GAP and _is_namey(word)
        ):
            pending_particle = None
        if _is_namey(word):
            if (
                current
                and (joined or pending_particle is not None)
                and not POSSESSIVE_RE.search(text[current[-1][0] : current[-1][1]])
            ):
                if pending_particle is not None:
                    current.append(pending_particle)
                current.append((s, e))
            else:
                if current:
                    runs.append(current)
                current = [(s, e)]
                if pending_particle is not None and not joined:
                    current = [pending_particle, (s, e)]
            pending_particle = None
        elif word in NAME_PARTICLES_INSIDE and i + 1 < len(words):
            if current and not joined:
                runs.append(current)
                current = []
            pending_particle = (s, e)
        else:
            if current:
                runs.append(current)
            current = []
            pending_particle = None
    if current:
        runs.append(current)
    return runs


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
        for run in _iter_runs(self.text):
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

PUBLIC_ROLE_HEADS = frozenset(phrases("person_mentions/public_role_heads.txt"))
"""Nouns that end a job title before a name ("Health Minister", "Council head", "Researcher")."""


KINSHIP_WORDS = frozenset(phrases("person_mentions/kinship_words.txt"))


@lru_cache(maxsize=1)
def _at_risk_role_heads() -> frozenset[str]:
    """Single-word role nouns of the cue files ("Resident", "Fixer", "Witness") used as titles."""
    words: set[str] = set()
    for filename in ("at_risk_cues.txt", "citizen_journalist_cues.txt"):
        for phrase in phrases(filename):
            if re.fullmatch(r"[a-z]+", phrase):
                words.add(phrase)
    # Kinship words open names ("Son Heung-min") more often than they title them.
    return frozenset(words - KINSHIP_WORDS)


def is_role_head(word: str) -> bool:
    """A capitalised role noun standing as a title before a name."""
    bare = POSSESSIVE_RE.sub("", word)
    if not bare[:1].isupper() or bare != word:
        return False
    lower = bare.lower()
    return lower in PUBLIC_ROLE_HEADS or lower in _at_risk_role_heads()


def _institution_end(text: str, run: list[tuple[int, int]]) -> list[int]:
    """'Head of Kherson Regional Military Administration Yaro Petrak': an organisation's name
    (two words or more, ending in an institution noun) before a name of two words or more."""
    ends = [i for i, (s, e) in enumerate(run[1:-2], start=1) if is_institution_noun(text[s:e])]
    return ends[-1:]


def _strip_leading(
    text: str, run: list[tuple[int, int]], index: _DocIndex
) -> tuple[list[tuple[int, int]], list[str], bool]:
    """Drop titles, honorifics and sentence-initial common words from the front of a run."""
    stripped: list[str] = []
    honorific = False
    # Title grammar: "Parliament Chief X", "North Africa Researcher X", "Resident X": everything
    # up to the last role noun before the final word is the title, not the name.
    heads = [i for i, (s, e) in enumerate(run[:-1]) if is_role_head(text[s:e])]
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
    r"(?:father|mother|son|sons|daughter|daughters|brother|brothers|sister|sisters|wife|husband|"
    r"children|child|family|cousin|uncle|aunt|nephew|niece|grandson|granddaughter|widow|"
    r"parents|fianc[ée]e?)\b"
)
"""'Samer's father': only a person has relatives."""


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
    return run


def _build_mention(run: list[tuple[int, int]], index: _DocIndex) -> Mention | None:
    text = index.text
    run, stripped, honorific = _strip_leading(text, _strip_trailing_role(text, run), index)
    if not run:
        return None
    start, end = run[0][0], run[-1][1]
    last_word = text[run[-1][0] : end]
    possessive = POSSESSIVE_RE.search(last_word)
    if possessive and possessive.start() > 0:
        end = run[-1][0] + possessive.start()
    name = text[start:end]
    parts = name_parts(name)
    if not parts or all(len(p.strip(".")) <= 1 for p in parts):
        return None  # no name is made of initials alone ("the U.S.")
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
    mention = Mention(start=start, end=end, text=name, parts=parts, left=left, right=right)
    if footnoted:
        mention.evidence.append(FOOTNOTE_EVIDENCE)
    if stripped and any(
        w in PUBLIC_TITLE_WORDS or w.lower() in PUBLIC_ROLE_HEADS for w in stripped
    ):
        mention.title = " ".join(stripped)
        mention.evidence.append("title before the name")
    if any(w.lower() in _at_risk_role_heads() for w in stripped):
        mention.evidence.append("role cue before the name")
    if honorific:
        mention.evidence.append("honorific before the name")
    app = APPOSITIVE_RE.match(right)
    if app:
        mention.appositive = (app.group("app") or app.group("who") or "").strip()
    mention.from_ner = index.overlaps_person(start, end)
    if mention.from_ner:
        mention.evidence.append("spaCy named-entity recognizer: PERSON")
    mention.credit = bool(CREDIT_BEFORE_RE.search(text[max(line_start, start - 40) : start]))
    if mention.credit:
        mention.evidence.append("byline or credit")
    first = text[start : run[0][1]]
    if first.lower() in KUNYA_PREFIXES and len(run) > 1:
        mention.evidence.append("kunya (Abu/Umm) name")
    if SPEECH_AFTER_RE.match(right):
        mention.evidence.append("speech verb after the name")
    elif SPEECH_BEFORE_RE.search(left[-40:]):
        mention.evidence.append("speech attribution before the name")
    elif _speech_subject(index, start, end):
        mention.evidence.append("subject of a verb of saying (parse)")
    if KINSHIP_AFTER_RE.match(text, end):
        mention.evidence.append("possessor of a relative ('X's father')")
    if len(run) == 1 and not mention.evidence and _is_verb_subject(index, run[0][0], end):
        mention.evidence.append("proper noun as the subject of a verb")
    if AGE_AFTER_RE.match(right):
        mention.evidence.append("age given after the name")
    if mention.appositive and _role_start_regex().match(mention.appositive):
        mention.evidence.append("role described after the name")
    if _role_before_regex().search(left[-60:]):
        mention.evidence.append("role cue before the name")
    return mention


NAME_ANCHORS = frozenset(
    {
        "title before the name",
        "honorific before the name",
        "kunya (Abu/Umm) name",
        "byline or credit",
    }
)
"""Evidence that survives every place signal: nobody writes "President Hamdaniyah"."""
ROLE_EVIDENCE = frozenset(
    {"role described after the name", "role cue before the name", "age given after the name"}
)
PERSON_GRAMMAR = ROLE_EVIDENCE | {
    "speech verb after the name",
    "kunya (Abu/Umm) name",
    "subject of a verb of saying (parse)",
    "possessor of a relative ('X's father')",
}
"""Grammar that only a person has: word lists about places never outweigh it."""


def _is_non_person(
    mention: Mention, all_words: list[str], run_words: list[str], run_start: int, index: _DocIndex
) -> str | None:
    """A reason why this run names a place, building or group, or None."""
    text = index.text
    evidence = set(mention.evidence)
    after = text[mention.end : mention.end + 60]
    if _non_person_heads().match(after) and not (
        # "Fares Bakri's National Guard": the possessor of an institution is a person.
        POSSESSIVE_RE.match(after[:2]) and mention.is_multiword
    ):
        return "followed by a place or organisation word"
    if len(all_words) == 1 and run_words[0].lower() in _non_person_head_words():
        return "a place or organisation word"
    # A word list never vetoes person evidence: "Mr Robert Hill said" is a person.
    personal = "honorific before the name" in evidence or (evidence & PERSON_GRAMMAR)
    if not personal and any(w.lower() in _non_person_head_words() for w in all_words[1:]):
        return "contains a place or organisation word"
    if POSSESSIVE_RE.sub("", run_words[0]) in _non_person_prefixes():
        return "starts like a place or faction name"
    if all(w.isupper() and len(w) > 1 for w in run_words) and not mention.credit:
        return "written in capitals"
    label = index.other_label(mention.start, mention.end)
    if label in ("GPE", "LOC") and not mention.from_ner and not personal:
        return f"spaCy calls it {label}"
    possessive = bool(POSSESSIVE_RE.search(run_words[-1]))
    before = text[max(0, run_start - 40) : mention.start]
    title_or_credit = (
        bool(mention.title) or mention.credit or "honorific before the name" in evidence
    )
    if not possessive and not title_or_credit and STRONG_PLACE_PREPOSITION_RE.search(before):
        return "after a place preposition"
    if evidence & NAME_ANCHORS:
        return None
    if not possessive and PLACE_PREPOSITION_RE.search(before):
        return "after a place preposition"
    if re.search(r"\b[Tt]he\s+(?:[A-Z][\w’'\-]*\s+){0,2}$", before):
        return "after 'the'"
    if len(run_words) == 1 and not mention.from_ner and FOOTNOTE_EVIDENCE not in evidence:
        token = index.token_at.get(mention.start)
        if token is not None and token.pos_ not in ("PROPN", "X"):
            return "a capitalised common word"
    if label and label != "ORG" and not mention.from_ner and not personal:
        return f"spaCy calls it {label}"
    if evidence & ROLE_EVIDENCE:
        return None
    if all(w in index.place_words for w in (w.lower() for w in WORD_RE.findall(mention.text))):
        return "used as a place elsewhere in the draft"
    return None


def find_mentions(doc: Doc) -> list[Mention]:
    """Every candidate person mention of the draft, in document order (cached on the doc)."""
    cached = doc.user_data.get(CACHE_KEY)
    if cached is not None:
        return cached
    index = _DocIndex(doc)
    mentions: list[Mention] = []
    for run in _iter_runs(index.text):
        mention = _build_mention(run, index)
        if mention is None or not mention.evidence:
            continue
        words = [index.text[s:e] for s, e in run if s >= mention.start]
        all_words = [index.text[s:e] for s, e in run]
        if _is_non_person(mention, all_words, words, run[0][0], index):
            continue
        mentions.append(mention)
    doc.user_data[CACHE_KEY] = mentions
    doc.user_data[CACHE_KEY + ".place_words"] = index.place_words
    return mentions


def place_words(doc: Doc) -> frozenset[str]:
    """Lower-cased words the draft uses as places (computed with the mentions)."""
    find_mentions(doc)
    return doc.user_data[CACHE_KEY + ".place_words"]
