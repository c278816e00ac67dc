"""Anonymous sources and the details that could re-identify them (jigsaw identification).

A source the draft marks as anonymous ("spoke on condition of anonymity", "asked not to be
named") is protected only if the rest of the sentence does not describe them so precisely that a
security service can work out who they are: "a 61-year-old retired nurse from <village>, whose
grandson is still living there" names one person in most villages.

How it works, in the order the code runs:

1. **Cues.** One compiled regex (:data:`ANONYMITY_CUE_PATTERNS`) finds the anonymity cues. Only
   the text around a cue is looked at afterwards, so the cost is linear in the draft's length.
2. **The source's description.** The noun phrase that introduces the source: the subject of the
   cue's sentence ("A former guard at a penal colony in X, who ..., said"), a noun phrase
   embedded after a quote ("“...,” a rebel source in X told ..."), or, when the cue sentence
   starts with a pronoun or a short anaphoric "The commander, ..." / "The 52-year-old, ...", the
   indefinite subject of the previous sentence. A subject that is a capitalised name is a named
   or pseudonymous person, not an anonymous source, and the cue is skipped. The
   ``ANONYMOUS_SOURCE`` span runs from the description to the cue (two sentences at most); when
   no description is found it is the cue itself.
3. **Quasi-identifiers.** Detectors for place (finer than a city), unit/workplace, job, age,
   time and family details run over the description and the cue's "because ..." tail; over the
   rest of the two sentences (reported speech) only the detectors for the source's own job,
   detention and relatives run, and quoted speech is skipped.
4. **Jigsaw risk.** ``low`` without details, ``medium`` with one or two kinds, ``high`` with
   three kinds or more, or with a place finer than a city together with a job or a family detail.

Reasons never quote the source's details, only their kinds.
"""

from __future__ import annotations

from presidio_analyzer import EntityRecognizer, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts

from recognizers.anonymous_source.details import _details, _mentions_person, jigsaw_risk
from recognizers.anonymous_source.patterns import (
    ANONYMOUS_SOURCE_SCORE,
    QUASI_KINDS,
    QUASI_SCORE,
    _cue_label,
    find_cues,
)
from recognizers.anonymous_source.spans import _NP, _Context, _Source
from recognizers.anonymous_source.subject import _anaphoric, _cue_tail_end, _subject
from recognizers.base import make_result
from recognizers.entities import ANONYMOUS_SOURCE, QUASI_IDENTIFIER


class AnonymousSourceRecognizer(EntityRecognizer):
    """Anonymous sources (``ANONYMOUS_SOURCE``) and their re-identifying details
    (``QUASI_IDENTIFIER``), with a jigsaw risk level per source.

    Metadata on every result: ``recognizer_name``, ``recognizer_identifier``, ``sg_source``
    ("anon-1", ...), ``sg_risk`` (low/medium/high) and ``sg_reasons``; on quasi-identifiers also
    ``sg_kind`` (place/unit/job/age/time/family/other); on sources also ``sg_kinds``.
    """

    ENTITIES: tuple[str, ...] = (ANONYMOUS_SOURCE, QUASI_IDENTIFIER)

    def __init__(
        self,
        supported_language: str = "en",
        supported_entities: list[str] | None = None,
        name: str | None = None,
    ) -> None:
        super().__init__(
            supported_entities=list(supported_entities or self.ENTITIES),
            name=name or "AnonymousSourceRecognizer",
            supported_language=supported_language,
            version="1.0.0",
        )

    def load(self) -> None:  # regexes are compiled at import time
        pass

    # -- public API ------------------------------------------------------------------------

    def analyze(
        self,
        text: str,
        entities: list[str] | None = None,
        nlp_artifacts: NlpArtifacts | None = None,
    ) -> list[RecognizerResult]:
        wanted = set(entities) if entities else set(self.supported_entities)
        wanted &= set(self.supported_entities)
        if not wanted or not text:
            return []
        sources = self.find_sources(text, nlp_artifacts)
        results: list[RecognizerResult] = []
        for number, src in enumerate(sources, start=1):
            results.extend(self._results(src, f"anon-{number}", wanted))
        return results

    def find_sources(self, text: str, nlp_artifacts: NlpArtifacts | None = None) -> list[_Source]:
        ctx = _Context(text, nlp_artifacts)
        by_key: dict[int, _Source] = {}
        for m in find_cues(text):
            src = self._source_for_cue(ctx, m.start(), m.end())
            if src is None:
                continue
            known = by_key.get(src.key)
            if known is None and not src.described:
                # a bare cue inside an existing source's span belongs to that source
                known = next((s for s in by_key.values() if s.start <= src.cue_start < s.end), None)
            if known is not None:
                known.start = min(known.start, src.start)
                known.end = max(known.end, src.end)
                known.desc_scopes.extend(src.desc_scopes)
                known.pred_scopes.extend(src.pred_scopes)
                known.cues.extend(src.cues)
                known.described = known.described or src.described
                continue
            by_key[src.key] = src
        sources = sorted(by_key.values(), key=lambda s: s.start)
        for src in sources:
            src.details = _details(ctx, src)
        return sources

    # -- the source and its description ---------------------------------------------------

    def _source_for_cue(self, ctx: _Context, cue_start: int, cue_end: int) -> _Source | None:
        text = ctx.text
        s_start, s_end = ctx.sentence(cue_start)
        s_end = max(s_end, cue_end)
        np = _subject(ctx, s_start, s_end, cue_start, cue_end)
        cue_text = _cue_label(text[cue_start:cue_end])
        desc_scopes: list[tuple[int, int]] = []
        pred_scopes: list[tuple[int, int]] = []
        linked = False
        intro: _NP | None = None

        if np is not None and np.kind == "name":
            return None  # a named or pseudonymous person, not an anonymous source
        if np is None or np.kind == "pronoun" or (np.kind == "def" and _anaphoric(np, text)):
            prev = ctx.previous_sentence(s_start)
            if prev is not None:
                p_np = _subject(ctx, prev[0], prev[1], prev[1], prev[1])
                if (
                    p_np is not None
                    and p_np.kind == "name"
                    and (np is None or np.kind == "pronoun")
                ):
                    return None  # "He" refers to a named person
                if (
                    p_np is not None
                    and p_np.kind in ("indef", "def_intro")
                    and _mentions_person(text[p_np.start : p_np.end])
                ):
                    intro = p_np
                    linked = True
                    desc_scopes.append((p_np.start, p_np.end))
                    pred_scopes.append((p_np.end, prev[1]))
        if np is not None and np.kind != "pronoun":
            desc_scopes.append((np.start, np.end))
            if intro is None:
                intro = np
        pred_from = np.end if np is not None else s_start
        pred_scopes.append((pred_from, s_end))

        tail_end = _cue_tail_end(text, cue_end, s_end)
        if tail_end > cue_end:
            desc_scopes.append((cue_end, tail_end))

        if intro is None:
            start, end, key = cue_start, cue_end, cue_start
        else:
            start = min(intro.start, cue_start)
            end = max(cue_end, np.end if np is not None and np.kind != "pronoun" else cue_end)
            key = intro.start
        return _Source(
            cue_start=cue_start,
            cue_end=cue_end,
            cue_text=cue_text,
            start=start,
            end=end,
            key=key,
            linked=linked,
            described=intro is not None,
            desc_scopes=desc_scopes,
            pred_scopes=pred_scopes,
            cues=[cue_text],
        )

    # -- quasi-identifiers ----------------------------------------------------------------

    # -- results --------------------------------------------------------------------------

    def _results(self, src: _Source, source_id: str, wanted: set[str]) -> list[RecognizerResult]:
        kinds = sorted({d.kind for d in src.details}, key=QUASI_KINDS.index)
        risk = jigsaw_risk(kinds)
        reasons = [f"anonymity cue '{c}'" for c in dict.fromkeys(src.cues)]
        if kinds:
            reasons.append("described with " + " + ".join(kinds))
        else:
            reasons.append("no re-identifying details found")
        if not src.described:
            reasons.append("description of the source not found; span is the cue")
        elif src.linked:
            reasons.append("description linked from the previous sentence")
        reasons.append(f"jigsaw risk {risk}")
        out: list[RecognizerResult] = []
        if ANONYMOUS_SOURCE in wanted:
            out.append(
                make_result(
                    ANONYMOUS_SOURCE, src.start, src.end, ANONYMOUS_SOURCE_SCORE, self, reasons,
                    source=source_id, risk=risk, kinds=kinds,
                )
            )  # fmt: skip
        if QUASI_IDENTIFIER in wanted:
            for d in src.details:
                detail_reasons = [
                    f"{d.kind} detail of anonymous source {source_id}",
                    f"jigsaw risk {risk}",
                ]
                out.append(
                    make_result(
                        QUASI_IDENTIFIER, d.start, d.end, QUASI_SCORE, self, detail_reasons,
                        source=source_id, risk=risk, kind=d.kind,
                    )
                )  # fmt: skip
        return out
