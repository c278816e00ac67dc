"""Quasi-identifiers: the place, unit, job, age, time and family details that describe a source,
and the jigsaw risk they add up to."""

from __future__ import annotations

import re

from recognizers.anonymous_source.patterns import (
    _AGE_LIKE_RE,
    _LARGE_SET,
    _MEMBER_OF_RE,
    _NOUN_TAGS,
    _PRED_FAMILY_VERBS,
    _WORD_RE,
    _WORKPLACE_AFTER_RE,
    AGE_COMMA_RE,
    AGE_RE,
    DETENTION_RE,
    FAMILY_CLAUSE_RE,
    JOB_HEAD_RE,
    PARENT_OF_RE,
    PLACE_AFTER_PREP_RE,
    PLACE_DIRECTION_CITY_RE,
    PLACE_NUMBERED_RE,
    PLACE_VAGUE_RE,
    PLACE_WITH_WORD_RE,
    PLACE_WORD_OF_RE,
    REL_JOB_CLAUSE_RE,
    RELATION_OF_RE,
    RISK_HIGH_MIN_KINDS,
    TIME_RE,
    UNIT_NAME_RE,
    WHOSE_OTHER_RE,
    WORK_CLAUSE_RE,
    WORKPLACE_RE,
    _alt,
)
from recognizers.anonymous_source.spans import (
    _blank_quotes,
    _Context,
    _Detail,
    _merge,
    _Source,
    _subtract,
)
from recognizers.anonymous_source.vocabulary import (
    ASSOCIATE_NOUNS,
    FAMILY_NOUNS,
    GENERIC_JOB_HEADS,
    INDEFINITE_DETERMINERS,
    JOB_MODIFIERS,
    JOB_STOP_MODIFIERS,
    NOT_PLACE_WORDS,
    PERSON_NOUNS,
    UNIT_NAME_WORDS,
)


def jigsaw_risk(kinds: list[str] | set[str] | tuple[str, ...]) -> str:
    """low: no details; medium: 1-2 kinds; high: 3+ kinds, or a fine place with a job or family."""
    ks = set(kinds)
    if not ks:
        return "low"
    if len(ks) >= RISK_HIGH_MIN_KINDS or ("place" in ks and ks & {"job", "family"}):
        return "high"
    return "medium"


def _mentions_person(phrase: str) -> bool:
    """Does a noun phrase describe a person (a person noun, a job, an age or a relative)?"""
    words = {w.lower() for w in _WORD_RE.findall(phrase)}
    return bool(
        words & PERSON_NOUNS
        or words & _FAMILY_SET
        or JOB_HEAD_RE.search(phrase)
        or AGE_RE.search(phrase)
    )


def _is_associate(noun: str) -> bool:
    return noun.lower() in {n.lower() for n in ASSOCIATE_NOUNS}


_FAMILY_SET = frozenset(n.lower() for n in FAMILY_NOUNS)


def _is_family_word(word: str) -> bool:
    return word in _FAMILY_SET


def _is_large(name: str) -> bool:
    key = " ".join(name.replace("‑", "-").split()).casefold()
    if key in _LARGE_SET:
        return True
    # "Aleppo's", "Kyiv region"
    key = re.sub(r"[’']s$", "", key)
    return key in _LARGE_SET


def _not_place(name: str) -> bool:
    words = [w.casefold() for w in _WORD_RE.findall(name)]
    return not words or words[0] in NOT_PLACE_WORDS or all(w in NOT_PLACE_WORDS for w in words)


def _is_unit_name(name: str) -> bool:
    return bool(re.search(_alt(UNIT_NAME_WORDS) + r"$", name))


def _clean(details: list[_Detail], text: str) -> list[_Detail]:
    """Trim, drop details nested in a family clause, duplicates and same-kind nested spans."""
    trimmed: list[_Detail] = []
    for d in details:
        s, e = d.start, d.end
        while s < e and (text[s].isspace() or text[s] in ",;:"):
            s += 1
        while e > s and (text[e - 1].isspace() or text[e - 1] in ",;:."):
            e -= 1
        if e > s:
            trimmed.append(_Detail(s, e, d.kind, d.container))
    containers = [d for d in trimmed if d.container]
    kept: list[_Detail] = []
    for d in sorted(trimmed, key=lambda d: (d.start, -(d.end - d.start))):
        if any(
            c is not d
            and c.start <= d.start
            and d.end <= c.end
            and (c.end - c.start) > (d.end - d.start)
            for c in containers
        ):
            continue  # "husband is held in <camp>": the camp describes the husband
        same = next(
            (k for k in kept if k.kind == d.kind and d.start < k.end and k.start < d.end), None
        )
        if same is not None:  # overlapping details of one kind merge ("at Branch" + "Branch 215")
            same.start, same.end = min(same.start, d.start), max(same.end, d.end)
            continue
        kept.append(d)
    # an anaphoric repeat of the same job ("A lawyer ... The lawyer, who ...") adds nothing
    seen_jobs: list[str] = []
    final: list[_Detail] = []
    for d in sorted(kept, key=lambda d: d.start):
        if d.kind == "job":
            words = text[d.start : d.end].lower().split()
            if any(j.endswith(" ".join(words)) for j in seen_jobs):
                continue
            seen_jobs.append(" ".join(words))
        final.append(d)
    return final


def _details(ctx: _Context, src: _Source) -> list[_Detail]:
    text = ctx.text
    found: list[_Detail] = []
    desc = _merge(src.desc_scopes)
    for a, b in desc:
        found.extend(_scope_details(ctx, a, b))
    for a, b in _subtract(_merge(src.pred_scopes), [*desc, (src.cue_start, src.cue_end)]):
        found.extend(_predicate_details(text, a, b))
    return _clean(found, text)


def _relation_spans(seg: str) -> list[tuple[int, int, str]]:
    """Relatives and associates ("whose brother is ...", "the mother of two"): containers."""
    out: list[tuple[int, int, str]] = []
    for m in FAMILY_CLAUSE_RE.finditer(seg):
        kind = "other" if _is_associate(m.group("n")) else "family"
        start = m.start("q") if m.group("q") else m.start("poss")
        if m.group("poss").lower() == "whose" and not m.group("q"):
            start = m.end("poss") + (len(seg[m.end("poss") :]) - len(seg[m.end("poss") :].lstrip()))
        out.append((start, m.end(), kind))
    out += [(m.start(), m.end(), "family") for m in PARENT_OF_RE.finditer(seg)]
    for m in RELATION_OF_RE.finditer(seg):
        if m.group("n").lower() in ("mother", "father") and PARENT_OF_RE.match(seg, m.start()):
            continue
        out.append((m.start(), m.end(), "other" if _is_associate(m.group("n")) else "family"))
    for m in WHOSE_OTHER_RE.finditer(seg):
        if not FAMILY_CLAUSE_RE.match(seg, m.start()):
            out.append((m.start("c"), m.end("c"), "other"))
    return out


_SIMPLE_DETAILS: tuple[tuple[re.Pattern[str], str, str | None], ...] = (
    (AGE_RE, "age", None),
    (AGE_COMMA_RE, "age", "a"),
    (TIME_RE, "time", None),
    (WORK_CLAUSE_RE, "job", None),
    (REL_JOB_CLAUSE_RE, "job", "c"),
    (WORKPLACE_RE, "unit", None),
    (UNIT_NAME_RE, "unit", None),
)
"""(regex, kind, group): details a regex finds on its own, the whole match or one group."""


def _simple_spans(seg: str) -> list[tuple[int, int, str]]:
    out: list[tuple[int, int, str]] = []
    for regex, kind, group in _SIMPLE_DETAILS:
        out += [(m.start(group or 0), m.end(group or 0), kind) for m in regex.finditer(seg)]
    for m in DETENTION_RE.finditer(seg):
        kind = "time" if re.search(r"\d|for\s|last\s|in\s", m.group("e")) else "other"
        out.append((m.start("e"), m.end("e"), kind))
    return out


def _scope_details(ctx: _Context, a: int, b: int) -> list[_Detail]:
    """Every kind of detail in one description scope (offsets are the draft's)."""
    seg = ctx.text[a:b]
    out = [_Detail(a + s, a + e, kind, True) for s, e, kind in _relation_spans(seg) if e > s]
    out += [_Detail(a + s, a + e, kind) for s, e, kind in _simple_spans(seg) if e > s]
    out += [_Detail(s, e, "job") for s, e in _job_phrases(ctx, a, b)]
    out += [_Detail(s, e, kind) for s, e, kind in _places(ctx, a, b)]
    return out


def _predicate_details(text: str, a: int, b: int) -> list[_Detail]:
    """Reported speech: only the source's own job, detention and relatives."""
    seg = _blank_quotes(text[a:b])
    out: list[_Detail] = []
    for m in re.finditer(
        r"(?<![\w-])(?:he|she)\s+(?:(?:also|now|still|currently)\s+)?(?=(?:works?|worked"
        r"|serves?|served|teaches|taught)\s)",
        seg,
        re.IGNORECASE,
    ):
        w = WORK_CLAUSE_RE.match(seg, m.end())
        if w:
            out.append(_Detail(a + w.start(), a + w.end(), "job"))
    for m in DETENTION_RE.finditer(seg):
        if re.search(r"\s(?:for|in|last)\s", m.group("e")):  # "he had been held for 11 days"
            out.append(_Detail(a + m.start("e"), a + m.end("e"), "time"))
    for m in FAMILY_CLAUSE_RE.finditer(seg):
        if m.group("poss").lower() == "whose":
            continue
        if not re.match(rf"\s+{_PRED_FAMILY_VERBS}\b", m.group("rest"), re.IGNORECASE):
            continue
        kind = "other" if _is_associate(m.group("n")) else "family"
        start = m.start("q") if m.group("q") else m.start("poss")
        out.append(_Detail(a + start, a + m.end(), kind, container=True))
    return out


def _job_phrases(ctx: _Context, a: int, b: int) -> list[tuple[int, int]]:
    text = ctx.text
    tags: dict[int, str] = {}
    if ctx.doc is not None:
        tags = {t.start: t.tag for t in ctx.tokens(a, b)}
    out: list[tuple[int, int]] = []
    for m in JOB_HEAD_RE.finditer(text, a, b):
        head = m.group("h").lower()
        start = m.start()
        mods = 0
        while mods < 3:
            w = re.search(r"([\w’'][\w’'-]*)(\s+|-)$", text[max(a, start - 40) : start])
            if not w:
                break
            word = w.group(1)
            wstart = start - len(w.group(0))
            low = word.lower()
            if low in JOB_STOP_MODIFIERS or _AGE_LIKE_RE.search(low) or low.isdigit():
                break
            tag = tags.get(wstart, "")
            if low in JOB_MODIFIERS or (
                tag in _NOUN_TAGS
                and low not in INDEFINITE_DETERMINERS
                and low not in NOT_PLACE_WORDS
                and not JOB_HEAD_RE.fullmatch(word)
                and not _is_family_word(low)
            ):
                start = wstart
                mods += 1
                continue
            break
        if head in GENERIC_JOB_HEADS and mods == 0:
            continue
        out.append((start, m.end()))
    return out


def _places(ctx: _Context, a: int, b: int) -> list[tuple[int, int, str]]:
    """Places finer than a city as (start, end, "place"); organisations after "of" as units."""
    text = ctx.text
    toks = ctx.tokens(a, b) if ctx.doc is not None else []
    ents = {t.start: t.ent for t in toks}
    out: list[tuple[int, int, str]] = []
    for m in PLACE_WITH_WORD_RE.finditer(text, a, b):
        name = m.group("p")
        if _is_large(name) and m.group("w").lower() not in ("neighbourhood", "district"):
            continue
        if not _not_place(name):
            out.append((m.start("p"), m.end(), "place"))
    for rx in (PLACE_AFTER_PREP_RE, PLACE_WORD_OF_RE):
        for m in rx.finditer(text, a, b):
            name = m.group("p")
            if _is_large(name) or _not_place(name):
                continue
            member_of = ents.get(m.start("p")) in ("ORG", "NORP") and bool(
                _MEMBER_OF_RE.search(text, max(a, m.start() - 30), m.start() + 3)
            )
            if _is_unit_name(name) or member_of:
                out.append((m.start("p"), m.end("p"), "unit"))  # "a member of <faction>"
            else:
                out.append((m.start("p"), m.end("p"), "place"))
    for rx in (PLACE_VAGUE_RE, PLACE_DIRECTION_CITY_RE, PLACE_NUMBERED_RE):
        for m in rx.finditer(text, a, b):
            out.append((m.start(), m.end(), "place"))
    i = 0
    while i < len(toks):  # spaCy GPE/LOC/FAC entities
        tok = toks[i]
        j = i + 1
        if tok.ent in ("GPE", "LOC", "FAC") and tok.iob == "B":
            while j < len(toks) and toks[j].iob == "I":
                j += 1
            start, end = tok.start, toks[j - 1].end
            if tok.text.lower() == "the" and j - i > 1:
                start = toks[i + 1].start
            name = text[start:end]
            if (
                name[:1].isupper()
                and not _is_large(name)
                and not _not_place(name)
                and not _is_unit_name(name)
                and not _WORKPLACE_AFTER_RE.match(text, end, min(len(text), end + 40))
            ):
                out.append((start, end, "place"))
        i = j
    return out
