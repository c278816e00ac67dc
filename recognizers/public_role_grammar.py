"""Title and organisation grammar: does a phrase next to a name give that person a public role?

A public role is built from two parts, never from a list of phrasings:

* a *role head*: the last noun of a role phrase, either a public office that needs nothing else
  ("minister", "lawmaker", "ombudsman": ``public_offices.txt``) or a role noun
  ("head", "spokesman", "coordinator", "officer": ``public_role_nouns.txt``);
* for a role noun, an *institutional anchor* in the same phrase: a spaCy ORG/GPE/NORP entity, a
  proper noun, or an institution noun (``public_institutions.txt``), as possessor ("the UN's
  humanitarian coordinator", "the country's top diplomat"), as modifier ("Army spokesman",
  "a senior police officer") or in a prepositional phrase ("head of the regional council",
  "spokesperson for the ministry").

A role head without an anchor ("a local leader", "a commander in his neighbourhood") is no
evidence, and a phrase with a local or private modifier (``public_local_modifiers.txt``:
"community leader", "head of the neighbourhood committee", "spokesman for the family") is none
either: such people are decided by other evidence or replaced and marked for review.

The phrase is read where journalism puts it: after the name (", the ...", "(...)", " — ...",
a signature line "Name / Head of the X desk", "who heads the X"), before the name as a compound
("interior ministry spokesman X", "Ukraine's human rights ombudsman X") or as a phrase the name
stands in apposition to ("The head of the regional administration, X, said").

spaCy's parser is not part of the pipeline (``service.pipeline.nlp``), so the phrase is chunked
from part-of-speech tags and entity labels: determiner, possessor ("... 's"), modifiers, head,
then prepositional phrases. Every walk is bounded by ``MAX_PHRASE`` tokens: linear in the draft.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from spacy.tokens import Doc, Token

from recognizers.lexicon import phrases

MAX_PHRASE = 18
"""Longest role phrase read, in tokens."""
OFFICES_FILE = "public_offices.txt"
ROLE_NOUNS_FILE = "public_role_nouns.txt"
INSTITUTIONS_FILE = "public_institutions.txt"
LOCAL_FILE = "public_local_modifiers.txt"
LEAD_VERBS_FILE = "public_lead_verbs.txt"
STAFF_FILE = "public_staff_roles.txt"
SENIORITY_FILE = "public_seniority.txt"

ANCHOR_LABELS = frozenset({"ORG", "GPE", "NORP"})
PREPOSITIONS = frozenset({"of", "for", "at", "to", "in", "with", "on", "from", "within", "inside"})
DETERMINERS = frozenset({"a", "an", "the", "its", "their", "one", "another"})
CLAUSE_OPENERS = frozenset({",", ";", ":", "“", "”", '"', "—", "–"})
"""What may stand before a role phrase that opens its clause ('“…,” the bloc's envoy, X, said')."""
SPEAKS_FOR = frozenset({"speaks"})
SPEAKING = frozenset({"speaking"})
INDEFINITE = frozenset({"a", "an", "one", "another"})
PERSONAL = frozenset({"his", "her", "my", "our", "your"})
"""A role owned by a person ("her leader", "in his neighbourhood") is nobody's public office."""
OPENERS = frozenset({",", "(", "—", "–", "-", "--"})
CLOSERS = frozenset({",", ";", ":", ")", "—", "–", "--", ".", "!", "?", "“", "”", '"', "‘", "’"})
POSSESSIVE = frozenset({"'s", "’s", "'", "’"})
COPULAS = frozenset({"is", "remains"})
"""Present tense only: 'who was a senior official' is a past job, often a victim's."""
RELATIVES = frozenset({"who", "whose", "which", "that"})
PHRASE_POS = frozenset({"DET", "ADJ", "NOUN", "PROPN", "NUM", "PART", "CCONJ", "ADP", "ADV"})
PARTICIPLES = frozenset({"VBN", "VBG"})
"""Word classes a role phrase is made of (plus hyphens, the possessive and participles used as
modifiers: "Russian-installed official", "acting president")."""


def _in_phrase(t: Token) -> bool:
    return t.pos_ in PHRASE_POS or t.tag_ in PARTICIPLES or t.text in POSSESSIVE or t.text == "-"


@dataclass(frozen=True)
class Role:
    """A public role found next to a name: what the head was and what anchored it."""

    head: str
    anchor: str
    needs_voice: bool = False
    """A staff role without seniority: public only if the person speaks in that capacity."""

    @property
    def reason(self) -> str:
        if self.anchor:
            return f"public role '{self.head}' of an institution ('{self.anchor}')"
        return f"public office '{self.head}'"


@lru_cache(maxsize=1)
def _lexicon() -> tuple[frozenset[str], frozenset[str], frozenset[str], frozenset[str]]:
    return (
        frozenset(phrases(OFFICES_FILE)),
        frozenset(phrases(ROLE_NOUNS_FILE)),
        frozenset(phrases(INSTITUTIONS_FILE)),
        frozenset(phrases(LOCAL_FILE)),
    )


@lru_cache(maxsize=1)
def lead_verbs() -> frozenset[str]:
    return frozenset(phrases(LEAD_VERBS_FILE))


def _singular(word: str) -> str:
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith("men") and len(word) > 4:
        return word[:-3] + "man"
    if word.endswith("s") and not word.endswith("ss") and len(word) > 3:
        return word[:-1]
    return word


def _surface(tokens: Sequence[Token]) -> str:
    """Tokens as written, lower case ("secretary-general", "prime minister")."""
    out = ""
    for i, t in enumerate(tokens):
        out += t.lower_ + (t.whitespace_ if i + 1 < len(tokens) else "")
    return out.replace(" - ", "-")


@lru_cache(maxsize=1)
def _staff() -> tuple[frozenset[str], frozenset[str]]:
    return frozenset(phrases(STAFF_FILE)), frozenset(phrases(SENIORITY_FILE))


def role_head(core: Sequence[Token]) -> tuple[str, bool] | None:
    """The role that ends ``core`` (longest of its last three words) and whether it is an office."""
    offices, nouns, _, _ = _lexicon()
    nouns = nouns | _staff()[0]
    for n in (3, 2, 1):
        if len(core) < n:
            continue
        words = list(core[-n:])
        if words[0].text in ("-", "’s", "'s"):
            continue
        text = _surface(words)
        for candidate in (text, _singular(text)):
            if candidate in offices:
                return candidate, True
            if candidate in nouns:
                return candidate, False
    return None


def is_institution_noun(word: str) -> bool:
    """'ministry', 'agencies', 'police' (``public_institutions.txt``), any case."""
    _, _, institutions, _ = _lexicon()
    word = word.lower()
    return word in institutions or _singular(word) in institutions


def is_institution_word(token: Token) -> bool:
    return is_institution_noun(token.text)


def _anchor(token: Token, in_prep: bool) -> bool:
    """An institution: an entity of the right kind, a proper noun in a phrase, or an institution noun."""
    if token.ent_type_ in ANCHOR_LABELS:
        return True
    if token.ent_type_ == "PERSON" and not _after_the(token):
        return False
    if is_institution_word(token):
        return True
    return in_prep and token.pos_ == "PROPN" and token.text[:1].isupper()


def local_modifiers() -> frozenset[str]:
    return _lexicon()[3]


def _after_the(token: Token) -> bool:
    """'the Druze', 'the Houthis': a proper noun after "the" names a group, never a person."""
    return token.pos_ == "PROPN" and token.i > 0 and token.doc[token.i - 1].lower_ == "the"


def _is_local(tokens: Sequence[Token]) -> bool:
    """A local or private word, unless a people names it ("the Druze community" is an
    institution of that people; "the community's leader" and "a community leader" are not)."""
    for k, t in enumerate(tokens):
        if t.lower_ in local_modifiers() and not (
            k > 0
            and t.lower_ == "community"
            and (tokens[k - 1].ent_type_ == "NORP" or tokens[k - 1].pos_ == "PROPN")
        ):
            return True
    return False


def read_phrase(tokens: Sequence[Token], compound: bool = False) -> Role | None:
    """A role phrase: [det] [possessor 's] modifiers HEAD [prep NP]...; its role if public.

    ``compound``: the phrase is a title right before the name ("protection officer X"), which
    says as little about seniority as an indefinite article does.
    """
    if not tokens or _is_local(tokens):
        return None
    i = 0
    while i < len(tokens) and (tokens[i].lower_ in DETERMINERS or tokens[i].lower_ == "former"):
        i += 1
    if i < len(tokens) and tokens[i].lower_ in PERSONAL:
        return None
    # the core runs up to the first preposition; a possessor ends at its "'s"
    end = next((k for k in range(i, len(tokens)) if tokens[k].lower_ in PREPOSITIONS), len(tokens))
    core = list(tokens[i:end])
    possessor: list[Token] = []
    marks = [k for k, t in enumerate(core) if t.text in POSSESSIVE]
    if marks:
        possessor, core = core[: marks[-1]], core[marks[-1] + 1 :]
    found = role_head(core)
    conj = next((k for k, t in enumerate(core) if t.pos_ == "CCONJ"), None)
    if found is None and conj:  # "the vice president and first lady"
        core = core[:conj]
        found = role_head(core)
    if found is None:
        return None
    head, office = found
    anchors = [t for t in possessor if t.lower_ not in DETERMINERS and _anchor(t, in_prep=True)]
    # a proper noun modifying a lower-case role is its institution ("Civil Defence spokesman");
    # before a title-case role ("Programme Director") it is part of the title
    lower_head = core[-1].text.islower()
    anchors += [t for t in core[:-1] if _anchor(t, in_prep=lower_head)]
    prep = list(tokens[end:])
    if prep and not (len(prep) > 1 and prep[1].lower_ in PERSONAL):
        anchors += [t for t in prep if t.pos_ != "ADP" and _anchor(t, in_prep=True)]
    # "the UN's humanitarian coordinator", "coordinator of the programme": the one holder of a
    # post; "a protection officer with the agency": one of its staff
    staff, seniority = _staff()
    indefinite = compound or tokens[0].lower_ in INDEFINITE
    needs_voice = (
        indefinite
        and _singular(head) in staff
        and not any(t.lower_ in seniority for t in core[:-1])
    )
    if anchors:
        return Role(head, anchors[0].text, needs_voice)
    return Role(head, "") if office else None


@dataclass
class _Index:
    doc: Doc
    starts: list[int]


def _index(doc: Doc) -> _Index:
    key = "sourceguard.public_role_grammar"
    cached = doc.user_data.get(key)
    if cached is None:
        cached = _Index(doc, [t.idx for t in doc])
        doc.user_data[key] = cached
    return cached


def _first_at(index: _Index, char: int) -> int:
    """Index of the first token starting at or after ``char``."""
    import bisect

    return bisect.bisect_left(index.starts, char)


QUOTES = frozenset({"“", "”", '"', "‘", "’", "'"})


def _scare_quotes(doc: Doc, lo: int, hi: int) -> set[int]:
    """Tokens a role phrase reads through: quote marks around a role word ('the
    Russian-installed “governor”': a title the outlet disputes is still the title the person
    holds) and an acronym in parentheses ('the Journalists Syndicate (YJS) head'). Indices in
    [lo, hi)."""
    found: set[int] = set()
    k = max(lo, 0)
    hi = min(hi, len(doc))
    while k < hi:
        acronym = k + 2 < len(doc) and doc[k + 1].is_upper and doc[k + 2].text == ")"
        if doc[k].text == "(" and acronym:  # "the Journalists Syndicate (YJS) head X"
            found.update((k, k + 1, k + 2))
            k += 3
            continue
        if doc[k].text in QUOTES:
            close = next((m for m in range(k + 2, min(k + 5, hi)) if doc[m].text in QUOTES), None)
            inner = doc[k + 1 : close] if close else []
            if close and all(t.is_alpha or t.text == "-" for t in inner) and role_head(inner):
                found.update((k, close))
                k = close
        k += 1
    return found


def _phrase_forward(doc: Doc, i: int) -> list[Token]:
    """Tokens of a phrase from ``i`` to a clause boundary (bounded)."""
    out: list[Token] = []
    quotes = _scare_quotes(doc, i, i + MAX_PHRASE)
    for t in doc[i : i + MAX_PHRASE]:
        if t.i in quotes:
            continue
        if t.text in POSSESSIVE and out and out[-1].pos_ in ("NOUN", "PROPN"):
            out.append(t)  # "the occupation authorities’ deputy head"
            continue
        if t.text in CLOSERS or t.lower_ in RELATIVES or (t.is_sent_start and out):
            break
        if not _in_phrase(t):
            break
        out.append(t)
    return out


def role_after(doc: Doc, end_char: int) -> Role | None:
    """', the UN's humanitarian coordinator', '(head of the X)', 'who leads the X party', a
    signature line 'Head of the X desk' (the canonical text joins it to the name line)."""
    index = _index(doc)
    i = _first_at(index, end_char)
    if i < len(doc) and doc[i].text in POSSESSIVE:
        return None  # "X's government": an institution owned, see the recognizer
    if i >= len(doc):
        return None
    first = doc[i]
    if first.text in OPENERS:
        i += 1
        while i < len(doc) and (doc[i].like_num or doc[i].text == ","):  # ", 63, the mayor"
            i += 1
    elif first.lower_ in ("who", "whose"):
        return _relative_clause(doc, i + 1)
    elif not (first.text[:1].isupper() and role_head([first])):
        return None
    if i < len(doc) and doc[i].lower_ in ("who", "whose"):
        return _relative_clause(doc, i + 1)
    if i + 1 < len(doc) and doc[i].lower_ in SPEAKING and doc[i + 1].lower_ == "for":
        return _lead_object(doc, i + 1, "speaks")  # ", speaking for the X Brigades, said"
    while i < len(doc) and doc[i].lower_ in ("now", "then", "currently", "also", "himself"):
        i += 1
    return read_phrase(_phrase_forward(doc, i))


def _relative_clause(doc: Doc, i: int) -> Role | None:
    """'who leads the Social Renewal party', 'who is the country's foreign minister'."""
    while i < len(doc) and doc[i].lower_ in ("also", "now", "currently", "still"):
        i += 1
    if i >= len(doc):
        return None
    verb = doc[i].lower_
    if verb in COPULAS:
        return read_phrase(_phrase_forward(doc, i + 1))
    if verb not in lead_verbs():
        return None
    if verb in SPEAKS_FOR and i + 1 < len(doc) and doc[i + 1].lower_ == "for":
        i += 1  # "who speaks for the movement"
    return _lead_object(doc, i, verb)


def _lead_object(doc: Doc, i: int, verb: str) -> Role | None:
    """The institution a lead verb at token ``i`` governs ('leads the X party')."""
    obj = _phrase_forward(doc, i + 1)
    # the object itself and what it is "of": "the electoral commission", "the party of X", not
    # where it is ("a bakery near the front line")
    cut = next((k for k, t in enumerate(obj) if t.pos_ == "ADP" and t.lower_ != "of"), len(obj))
    obj = obj[:cut]
    if not obj or _is_local(obj) or (obj[0].lower_ in PERSONAL):
        return None
    anchors = [t for t in obj if t.pos_ != "ADP" and _anchor(t, in_prep=True)]
    return Role(f"{verb} the", anchors[0].text) if anchors else None


def _phrase_backward(doc: Doc, j: int) -> list[Token]:
    """Tokens of a phrase ending at ``j`` (inclusive), back to a clause boundary (bounded)."""
    out: list[Token] = []
    k = j
    quotes = _scare_quotes(doc, j - MAX_PHRASE, j + 1)
    while k >= 0 and j - k < MAX_PHRASE:
        t = doc[k]
        if t.i in quotes:
            k -= 1
            continue
        if not _in_phrase(t):
            break
        if t.text in CLOSERS and t.text not in POSSESSIVE:
            break
        out.append(t)
        if t.is_sent_start:
            break
        k -= 1
    out.reverse()
    return out


def role_before(doc: Doc, start_char: int, skip: frozenset[str]) -> Role | None:
    """'interior ministry spokesman X', 'Ukraine's human rights ombudsman X', and 'The head of
    the regional administration, X': the name in apposition to a role phrase before it.

    ``skip`` are title words between the phrase and the name ("Brigadier", "Sheikh", "Dr").
    """
    index = _index(doc)
    j = _first_at(index, start_char) - 1
    while j >= 0 and (doc[j].text in skip or doc[j].text.rstrip(".") in skip or doc[j].text == "."):
        j -= 1
    if j < 0:
        return None
    comma = doc[j].text == ","
    if comma:
        j -= 1
    tokens = _phrase_backward(doc, j)
    if not tokens:
        return None
    if comma:
        # the phrase must open its clause: "Speaking to the group's leader, X said" is not X's role
        k = tokens[0].i - 1
        opener = tokens[0].is_sent_start or (k >= 0 and doc[k].text in CLAUSE_OPENERS)
        if tokens[0].pos_ == "ADP":
            opener = k >= 0 and doc[k].lower_ == "according" and tokens[0].lower_ == "to"
            tokens = tokens[1:]
        if not opener:
            return None
        return read_phrase(tokens)
    # a compound title: the role head is the word right before the name
    while tokens and tokens[0].pos_ == "ADP":
        tokens = tokens[1:]
    cut = max((k for k, t in enumerate(tokens) if t.pos_ == "ADP"), default=-1)
    if role_head(tokens[-3:]):
        return read_phrase(tokens[cut + 1 :], compound=True)
    return _title_with_object(tokens)


def _title_with_object(tokens: Sequence[Token]) -> Role | None:
    """'Ambassador to the U.N. X', 'High Commissioner for Refugees X': the title's own
    prepositional phrase stands between its head and the name; the phrase is read from the head's
    modifiers (after any earlier preposition) through that object."""
    adps = [k for k, t in enumerate(tokens) if t.pos_ == "ADP"]
    for n, a in enumerate(adps):
        if a == 0 or not role_head(tokens[max(0, a - 3) : a]):
            continue
        start = adps[n - 1] + 1 if n else 0
        return read_phrase(tokens[start:], compound=True)
    return None
