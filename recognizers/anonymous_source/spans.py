"""Internal structures of the anonymous-source recognizer: tokens, noun phrases, details and
sources, the sentence/token context built from the NLP artifacts, and span arithmetic."""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field

from presidio_analyzer.nlp_engine import NlpArtifacts

from recognizers.anonymous_source.patterns import (
    _HARD_BOUNDARY_RE,
    _QUOTE_RE,
    _SENT_END_RE,
    _TRAILING_JUNK_RE,
)


@dataclass
class _Tok:
    start: int
    end: int
    text: str
    tag: str
    ent: str
    iob: str = ""


@dataclass
class _NP:
    start: int
    end: int
    kind: str  # indef | def | def_intro | pronoun | name


@dataclass
class _Detail:
    start: int
    end: int
    kind: str
    container: bool = False  # a family/associate clause: its nested details describe relatives


@dataclass
class _Source:
    cue_start: int
    cue_end: int
    cue_text: str
    start: int
    end: int
    key: int
    linked: bool
    described: bool
    desc_scopes: list[tuple[int, int]] = field(default_factory=list)
    pred_scopes: list[tuple[int, int]] = field(default_factory=list)
    details: list[_Detail] = field(default_factory=list)
    cues: list[str] = field(default_factory=list)


class _Context:
    """Sentences, tokens and entities around a position, from the spaCy Doc or from regexes."""

    def __init__(self, text: str, nlp_artifacts: NlpArtifacts | None) -> None:
        self.text = text
        doc = getattr(nlp_artifacts, "tokens", None) if nlp_artifacts is not None else None
        if doc is not None and (
            len(doc) == 0 or doc.text != text or not doc.has_annotation("SENT_START")
        ):
            doc = None  # another text, or no sentence boundaries: fall back to regexes
        self.doc = doc

    def _token_index(self, pos: int) -> int:
        doc = self.doc
        i = bisect.bisect_right(doc, pos, key=lambda t: t.idx) - 1
        return max(0, min(i, len(doc) - 1))

    def sentence(self, pos: int) -> tuple[int, int]:
        if self.doc is not None:
            sent = self.doc[self._token_index(pos)].sent
            start, end = sent.start_char, sent.end_char
        else:
            start, end = self._regex_sentence(pos)
        # Paragraph breaks and block markup always end a sentence (the senter misses them).
        for m in _HARD_BOUNDARY_RE.finditer(self.text, start, end):
            if m.end() <= pos:
                start = m.end()
            elif m.start() >= pos:
                end = m.start()
                break
        # Very long "sentences" (tables, lists without punctuation) are cut to a window.
        return max(start, pos - 1500), min(end, pos + 1500)

    def previous_sentence(self, start: int) -> tuple[int, int] | None:
        window = max(0, start - 400)
        junk = _TRAILING_JUNK_RE.search(self.text, window, start)
        head_end = junk.start() if junk else start
        if head_end <= 0:
            return None
        prev = self.sentence(head_end - 1)
        if prev[0] >= start:
            return None
        return prev[0], min(prev[1], start)

    def _regex_sentence(self, pos: int) -> tuple[int, int]:
        text = self.text
        window_start = max(0, pos - 2000)
        start = window_start
        for m in _SENT_END_RE.finditer(text, window_start, pos):
            if m.end() <= pos:
                start = m.end()
        m = _SENT_END_RE.search(text, pos, min(len(text), pos + 2000))
        end = m.start() + 1 if m else min(len(text), pos + 2000)
        return start, end

    def tokens(self, start: int, end: int) -> list[_Tok]:
        if self.doc is not None:
            doc = self.doc
            i = self._token_index(start)
            out: list[_Tok] = []
            while i < len(doc) and doc[i].idx < end:
                t = doc[i]
                if t.idx >= start and not t.is_space:
                    out.append(
                        _Tok(t.idx, t.idx + len(t.text), t.text, t.tag_, t.ent_type_, t.ent_iob_)
                    )
                i += 1
            return out
        return [
            _Tok(start + m.start(), start + m.end(), m.group(), "", "")
            for m in re.finditer(r"[\w’'-]+|[^\w\s]", self.text[start:end])
        ]


def _blank_quotes(seg: str) -> str:
    return _QUOTE_RE.sub(lambda m: " " * len(m.group()), seg)


def _merge(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for s, e in sorted(x for x in spans if x[1] > x[0]):
        if out and s <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], e))
        else:
            out.append((s, e))
    return out


def _subtract(spans: list[tuple[int, int]], holes: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    holes = _merge(holes)
    for s, e in spans:
        cur = s
        for hs, he in holes:
            if he <= cur or hs >= e:
                continue
            if hs > cur:
                out.append((cur, hs))
            cur = max(cur, he)
        if cur < e:
            out.append((cur, e))
    return out
