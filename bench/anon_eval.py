"""Corpus figures for the anonymous-source recognizer: cue recall, quasi recall and precision.

Usage: .venv/bin/python bench/anon_eval.py [corpus_dir] [-v] [--no-nlp]
Skips cleanly (exit 0) when the development corpus (../shared/corpus) is absent.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = ROOT.parent / "shared" / "corpus"


def _occurrences(text: str, needle: str) -> list[tuple[int, int]]:
    out, i = [], text.find(needle)
    while i >= 0:
        out.append((i, i + len(needle)))
        i = text.find(needle, i + 1)
    return out


def _overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def _corpus(argv: list[str]) -> Path | None:
    args = [a for a in argv if not a.startswith("-")]
    corpus = Path(args[0]) if args else DEFAULT_CORPUS
    if not corpus.is_dir():
        print(f"corpus not found at {corpus}; skipping")
        return None
    return corpus


def _extra_sources(stem: str, text: str, sources: list, matched_ids: set[str]) -> int:
    extra = [s for s in sources if s.recognition_metadata["sg_source"] not in matched_ids]
    for s in extra:
        print(f"  EXTRA SOURCE {stem}: {text[s.start : s.end]!r}")
    return len(extra)


def main(argv: list[str]) -> int:
    verbose = "-v" in argv
    use_nlp = "--no-nlp" not in argv
    corpus = _corpus(argv)
    if corpus is None:
        return 0
    sys.path.insert(0, str(ROOT))
    from recognizers.anonymous_source.recognizer import AnonymousSourceRecognizer
    from service.pipeline.nlp import SourceguardNlpEngine

    engine = SourceguardNlpEngine()
    engine.load()
    rec = AnonymousSourceRecognizer()
    cues_total = cues_hit = 0
    quasi_total = quasi_hit = 0
    spans_total = spans_good = 0
    extra_sources = 0
    for gold_path in sorted(corpus.glob("*.json")):
        txt_path = gold_path.with_suffix(".txt")
        if not txt_path.exists():
            continue
        gold = json.loads(gold_path.read_text(encoding="utf-8"))
        text = txt_path.read_text(encoding="utf-8")
        artifacts = engine.process_text(text) if use_nlp else None
        results = rec.analyze(text, None, artifacts)
        sources = [r for r in results if r.entity_type == "ANONYMOUS_SOURCE"]
        quasi = [r for r in results if r.entity_type == "QUASI_IDENTIFIER"]
        gold_quasi_occ = [
            occ
            for src in gold["anonymous_sources"]
            for q in src["quasi"]
            for occ in _occurrences(text, q)
        ]
        matched_ids: set[str] = set()
        for gsrc in gold["anonymous_sources"]:
            cues_total += 1
            cue_occ = _occurrences(text, gsrc["cue"])
            hit = next(
                (s for s in sources for c in cue_occ if _overlaps((s.start, s.end), c)), None
            )
            sid = hit.recognition_metadata["sg_source"] if hit else None
            if hit:
                cues_hit += 1
                matched_ids.add(sid)
            mine = [q for q in quasi if q.recognition_metadata["sg_source"] == sid]
            missed = []
            for g in gsrc["quasi"]:
                quasi_total += 1
                if any(_overlaps((q.start, q.end), o) for q in mine for o in _occurrences(text, g)):
                    quasi_hit += 1
                else:
                    missed.append(g)
            if verbose or missed or not hit:
                risk = hit.recognition_metadata["sg_risk"] if hit else "-"
                print(f"{gold_path.stem}: cue {gsrc['cue']!r} -> {sid} risk={risk}")
                if hit:
                    print(f"    SPAN: {text[hit.start : hit.end]!r}")
                for q in mine:
                    print(f"    {q.recognition_metadata['sg_kind']:7} {text[q.start : q.end]!r}")
                for g in missed:
                    print(f"    MISSED {g!r}")
        for q in quasi:
            spans_total += 1
            if any(_overlaps((q.start, q.end), o) for o in gold_quasi_occ):
                spans_good += 1
            else:
                print(
                    f"  FP {gold_path.stem} [{q.recognition_metadata['sg_kind']}] "
                    f"{text[q.start : q.end]!r}"
                )
        extra_sources += _extra_sources(gold_path.stem, text, sources, matched_ids)
    print(f"cue recall     {cues_hit}/{cues_total} = {cues_hit / max(cues_total, 1):.1%}")
    print(f"quasi recall   {quasi_hit}/{quasi_total} = {quasi_hit / max(quasi_total, 1):.1%}")
    print(f"quasi precision {spans_good}/{spans_total} = {spans_good / max(spans_total, 1):.1%}")
    print(f"extra sources  {extra_sources}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
