"""Who the anonymous source is: the noun phrase that introduces them (the subject of the cue's
sentence, a phrase embedded after a quote, or the indefinite subject of the previous sentence)."""

from __future__ import annotations

import re

from recognizers.anonymous_source.details import _is_family_word, _mentions_person
from recognizers.anonymous_source.patterns import (
    _ADVERBS,
    _APPOSITION_OPENERS,
    _CLAUSE_OPENERS,
    _CONJUNCTIONS,
    _FINITE_TAGS,
    _LEAD_JUNK_RE,
    _WORD_RE,
)
from recognizers.anonymous_source.spans import _NP, _Context, _Tok
from recognizers.anonymous_source.vocabulary import (
    FINITE_FALLBACK_VERBS,
    INDEFINITE_DETERMINERS,
    NOT_PLACE_WORDS,
    RELATIVE_PRONOUNS,
    SPEECH_VERBS,
    SUBJECT_PRONOUNS,
    SUBORDINATORS,
)


def _anaphoric(np: _NP, text: str) -> bool:
    """'The commander, ...' / 'The 52-year-old, ...': a short definite head, no appositive."""
    head = re.split(r",|\s(?:who|whose|which)\b", text[np.start : np.end], maxsplit=1)[0]
    return len(_WORD_RE.findall(head)) <= 4


def _subject(ctx: _Context, s_start: int, s_end: int, cue_start: int, cue_end: int) -> _NP | None:
    """The noun phrase naming the speaker in one sentence, or None."""
    text = ctx.text
    lead = _LEAD_JUNK_RE.match(text, s_start, s_end)
    first_pos = lead.end() if lead else s_start
    toks = ctx.tokens(first_pos, s_end)
    toks = [t for t in toks if t.start >= first_pos]
    if not toks:
        return None
    first = toks[0]
    low = first.text.lower()
    if re.search(r"[“\"]|&ldquo;", text[s_start:first_pos]):
        # the sentence opens with a quote: its first words are the quote, not the subject
        return _embedded_subject(ctx, toks, s_end, cue_start, cue_end)
    if low in SUBJECT_PRONOUNS:
        return _NP(first.start, first.end, "pronoun")
    np: _NP | None = None
    if low in INDEFINITE_DETERMINERS or (first.tag == "NNS" and first.text[:1].isupper()):
        np = _np_from(ctx, toks, 0, s_end, "indef")
    elif low == "the":
        np = _np_from(ctx, toks, 0, s_end, "def")
        if re.search(r",\s+(?:an?|one)\s", text[np.start : np.end], re.IGNORECASE):
            np.kind = "def_intro"
    if np is not None:
        if _mentions_person(text[np.start : np.end]):
            return np
        # "The strikes continued, a local official told AFP, requesting anonymity."
        embedded = _embedded_subject(ctx, toks, s_end, cue_start, cue_end)
        if embedded is not None:
            return embedded
        return np if np.start <= cue_start <= np.end + 12 else None
    if low in ("his", "her", "their") and len(toks) > 1 and _is_family_word(toks[1].text.lower()):
        return _np_from(ctx, toks, 0, s_end, "def_intro")  # "Her husband, who ..."
    if _is_name_at(toks, 0):
        return _NP(first.start, first.end, "name")
    return _embedded_subject(ctx, toks, s_end, cue_start, cue_end)


def _is_name_at(toks: list[_Tok], i: int) -> bool:
    """A capitalised name (not a common noun at sentence start) heading a clause."""
    tok = toks[i]
    if not tok.text[:1].isupper() or tok.text.lower() in NOT_PLACE_WORDS:
        return False
    if tok.text.isupper() and len(tok.text) > 1:
        return False  # a dateline (KHARTOUM —) or an acronym
    if tok.tag and tok.tag not in ("NNP", "NNPS") and tok.ent != "PERSON":
        return False
    j = i
    while j + 1 < len(toks) and j - i < 4 and toks[j + 1].text[:1].isupper():
        j += 1
    if j + 1 >= len(toks):
        return False
    nxt = toks[j + 1].text
    return nxt in (",", "(", "*") or nxt.lower() == "who" or nxt.lower() in SPEECH_VERBS


def _embedded_subject(
    ctx: _Context, toks: list[_Tok], s_end: int, cue_start: int, cue_end: int
) -> _NP | None:
    """A speaker inside the sentence: '“...,” a rebel source told ...', 'said a nurse ...',
    'Speaking on condition of anonymity, a guard said ...'."""
    best_before: tuple[int, str] | None = None  # (token index, kind)
    best_after: tuple[int, str] | None = None
    last_name = -10
    for i, tok in enumerate(toks):
        low = tok.text.lower()
        is_det = low in ("a", "an", "one", "another")
        is_name = not is_det and _is_name_at(toks, i)
        if is_name:
            last_name = i
        if not (is_det or is_name) or i == 0:
            continue
        prev = toks[i - 1]
        prev_low = prev.text.lower()
        boundary = (
            prev.text in (",", "”", '"', "’", ":", "—", "–", "(", ";")
            or prev_low in SPEECH_VERBS
            or prev_low in _CLAUSE_OPENERS
            or (prev_low == "to" and i > 1 and toks[i - 2].text.lower() == "according")
            or (prev.end == cue_end)
        )
        if not boundary:
            continue
        kind = "indef" if is_det else "name"
        if (
            is_det
            and last_name >= 0
            and all(
                t.text == "," or t.text[:1].isdigit() or t.text[:1].isupper() or t.text == "-"
                for t in toks[last_name + 1 : i]
            )
        ):
            kind = "name"  # "said Ahmed, 32, a pharmacist who ...": the named person again
        if tok.start < cue_start:
            best_before = (i, kind)
        elif best_after is None and tok.start >= cue_end:
            best_after = (i, kind)
    choice = best_before or best_after
    if choice is None:
        return None
    i, kind = choice
    if kind == "name":
        return _NP(toks[i].start, toks[i].end, "name")
    np = _np_from(ctx, toks, i, s_end, "indef", embedded=True)
    if np.end <= np.start:
        return None
    return np


def _np_from(
    ctx: _Context,
    toks: list[_Tok],
    i0: int,
    s_end: int,
    kind: str,
    embedded: bool = False,
) -> _NP:
    """From a determiner to just before the clause's main verb (relative clauses included).

    An embedded phrase ('according to a nurse in X, who ..., the raids ...') also ends at a
    comma that does not open an apposition or a relative clause.
    """
    text = ctx.text
    pending = ""  # "rel" after who/whose/which, "sub" after because/since/...: a clause verb
    end = None
    for i in range(i0 + 1, len(toks)):
        tok = toks[i]
        low = tok.text.lower()
        if tok.text in ("“", '"') and i > i0 + 1:
            end = tok.start
            break
        if embedded and tok.text == "," and i + 1 < len(toks):
            nxt = toks[i + 1]
            if not (
                nxt.text.lower() in _APPOSITION_OPENERS
                or nxt.text[:1].isdigit()
                or nxt.tag in ("VBN", "VBG")
                or (nxt.text.lower() in SPEECH_VERBS and not pending)
            ):
                end = tok.start
                break
        if low in RELATIVE_PRONOUNS or (low == "that" and tok.tag == "WDT"):
            pending = "rel"
            continue
        if low in SUBORDINATORS or (low == "that" and tok.tag == "IN"):
            pending = "sub"
            continue
        speech = low in SPEECH_VERBS
        finite = tok.tag in _FINITE_TAGS if tok.tag else low in FINITE_FALLBACK_VERBS
        if not (finite or speech):
            continue
        if tok.tag and tok.tag not in _FINITE_TAGS and not (speech and tok.tag == "VBN"):
            continue  # participles and infinitives are never the main verb
        j = i - 1
        while j > i0 and toks[j].text.lower() in _ADVERBS:
            j -= 1
        prev = toks[j].text
        after_comma = prev == ","
        if pending == "rel" and not after_comma:
            pending = ""
            continue  # "who spoke ...", "whose husband is ..."
        if pending == "sub" and not speech and not after_comma:
            pending = ""
            continue  # "because his son is doing ..."
        if prev.lower() in _CONJUNCTIONS and toks[j - 1].text != ",":
            continue  # "who is in his forties and now works as ...": same relative clause
        end = tok.start
        break
    if end is None:
        end = s_end
    stop = end
    while stop > toks[i0].start and (text[stop - 1].isspace() or text[stop - 1] in ",;:—-.("):
        stop -= 1
    return _NP(toks[i0].start, stop, kind)


def _cue_tail_end(text: str, cue_end: int, s_end: int) -> int:
    """End of the clause after the cue ('... because two of his cousins are still wanted')."""
    m = re.match(
        r"\s*,?\s*(?:because|as|since|for\s+fear|fearing|citing|given\s+that|out\s+of\s+fear"
        r"|amid\s+fears|after|to\s+protect|for\s+(?:his|her|their))\b",
        text[cue_end:s_end],
        re.IGNORECASE,
    )
    if not m:
        return cue_end
    rest = text[cue_end + m.end() : s_end]
    stop = re.search(r",\s+(?:" + "|".join(sorted(SPEECH_VERBS)) + r")\b|[;“\"]|\.(?:\s|$)", rest)
    length = stop.start() if stop else len(rest)
    return cue_end + m.end() + min(length, 240)
