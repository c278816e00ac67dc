"""Accuracy evaluation over a gold corpus (``sourceguard evaluate DIR``): runs and report.

The corpus format and the metrics are those of ``shared/corpus/README.md``: every ``NAME.txt``
draft has a ``NAME.json`` gold annotation listing the persons it names (``at_risk``,
``pseudonym``, ``public`` or ``ignore``) with every mention string. A sanitizer is run over each
draft and its output is compared with the gold:

* **leak** (entity level): an at-risk identity is leaked when any of its mentions still occurs in
  the sanitized text, case-insensitively and at word boundaries (underscore is a word character).
  Surviving occurrences of the document's public and pseudonym mentions are masked first, so an
  at-risk first name inside a kept public full name ("Mohammed" in a public "Mohammed Y") is not
  a leak. Masking runs over all mentions longest first, at-risk ones included: an at-risk mention
  that *contains* a shorter public mention is searched before that mention is masked, so it still
  counts as leaked.
* **public kept**: every mention of the public identity occurs at least as often in the sanitized
  text as in the original.
* **pseudonyms flagged and kept**: kept as for public, and flagged when some ``PSEUDONYM``
  finding overlaps an occurrence of one of its mentions in the original text.
* **halves**: every document id carries a number (``dev_07_...``, ``fm_12_...``, ``seed_000_...``,
  the first run of digits). Developers tune on the ids with an odd number only; the even ids are
  the check that a change generalises. Every report shows both halves side by side, for every
  system, and the largest gap between them.
* **collateral words lost**: both texts are split on whitespace and punctuation is stripped from
  the ends of each word (a possessive ``’s`` stays attached, as the README describes). Original
  words that case-insensitively equal a word of an at-risk mention leave the denominator; the
  rest, as a multiset, minus the multiset of sanitized words, over the rest's size.

Reports never contain names: problems are listed by document id, gold class/role and a
fingerprint (first 8 hex digits of the SHA-256 of the gold identity label). ``show_names=True`` is
a developer debugging mode that adds the labels; it is off by default.

The plain-Presidio baseline (:func:`plain_presidio_sanitizer`) is Presidio's default analyzer and
anonymizer over the same spaCy model. Its only change is offline e-mail validation: Presidio's
``EmailRecognizer`` calls ``tldextract.extract``, whose module-level extractor fetches the Public
Suffix List over HTTP on first use (and can hang on a firewalled machine). The baseline swaps that
one recognizer for a subclass validating against tldextract's bundled snapshot
(``TLDExtract(suffix_list_urls=(), cache_dir=None)``): same pattern, same check, no network, no
cache writes, no process-wide environment or global changes. ``UrlRecognizer`` does not use
tldextract and stays as it is.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from evaluation.gold import EvaluationError, GoldDoc, Sanitizer, load_gold_dir
from evaluation.scoring import (
    HALVES,
    MAX_HALF_GAP_POINTS,
    TARGET_MAX_COLLATERAL,
    TARGET_MAX_LEAKS,
    TARGET_MIN_PSEUDONYMS,
    TARGET_MIN_PUBLIC_KEPT,
    CorpusScore,
    DocScore,
    ScoringProblem,
    half_of,
    score_corpus,
    score_document,
)
from evaluation.systems import (
    _engine_model_name,
    _Sanitizing,
    engine_sanitizer,
    plain_presidio_sanitizer,
)

SOURCEGUARD = "sourceguard"


PLAIN_PRESIDIO = "plain-presidio"


@dataclass
class SystemReport:
    name: str
    documents: list[DocScore]
    seconds: float = 0.0

    @property
    def totals(self) -> CorpusScore:
        return score_corpus(self.documents)

    @property
    def problems(self) -> list[ScoringProblem]:
        return [p for d in self.documents for p in d.problems]

    def half(self, name: str) -> CorpusScore:
        """Totals over the documents whose id number is odd (``"odd"``) or even (``"even"``)."""
        return score_corpus(d for d in self.documents if half_of(d.doc_id) == name)

    def half_gaps(self) -> dict[str, float | None]:
        """Per metric, |odd - even| in percentage points (None when a half has nothing to count)."""
        odd, even = self.half("odd"), self.half("even")
        gaps: dict[str, float | None] = {}
        for metric in ("leak_rate", "public_kept_rate", "pseudonym_rate", "collateral"):
            a, b = getattr(odd, metric), getattr(even, metric)
            gaps[metric] = None if a is None or b is None else round(100 * abs(a - b), 2)
        return gaps

    def to_dict(self, show_names: bool = False) -> dict[str, Any]:
        return {
            "system": self.name,
            "seconds": round(self.seconds, 3),
            "totals": self.totals.to_dict(),
            "halves": {name: self.half(name).to_dict() for name in HALVES},
            "half_gaps_points": self.half_gaps(),
            "documents": [d.to_dict() for d in self.documents],
            "problems": [p.to_dict(show_names) for p in self.problems],
        }


@dataclass
class EvaluationReport:
    corpus: str
    policy: str
    documents: int
    systems: list[SystemReport]
    show_names: bool = False

    def system(self, name: str) -> SystemReport:
        for s in self.systems:
            if s.name == name:
                return s
        raise KeyError(name)

    @property
    def passed(self) -> bool:
        """Whether sourceguard (the first system) meets every target."""
        return bool(self.systems) and self.systems[0].totals.passed

    def to_dict(self) -> dict[str, Any]:
        return {
            "corpus": self.corpus,
            "policy": self.policy,
            "documents": self.documents,
            "targets": {
                "max_half_gap_points": MAX_HALF_GAP_POINTS,
                "max_leaks": TARGET_MAX_LEAKS,
                "min_public_kept": TARGET_MIN_PUBLIC_KEPT,
                "min_pseudonyms_flagged_and_kept": TARGET_MIN_PSEUDONYMS,
                "max_collateral": TARGET_MAX_COLLATERAL,
            },
            "systems": [s.to_dict(self.show_names) for s in self.systems],
        }


def evaluate_docs(
    docs: Sequence[GoldDoc],
    systems: Sequence[tuple[str, Sanitizer]],
    *,
    corpus: str = "",
    policy: str = "publish",
    show_names: bool = False,
) -> EvaluationReport:
    """Run every system on every document (same run, document by document) and score them."""
    scores: dict[str, list[DocScore]] = {name: [] for name, _ in systems}
    seconds: dict[str, float] = dict.fromkeys(scores, 0.0)
    for doc in docs:
        for name, sanitize in systems:
            started = time.perf_counter()
            try:
                sanitized, findings = sanitize(doc.text)
            except Exception as exc:
                # The exception text may quote the draft; name only the document and the type.
                raise EvaluationError(f"{name} failed on {doc.id}: {type(exc).__name__}") from exc
            seconds[name] += time.perf_counter() - started
            scores[name].append(score_document(doc, doc.text, sanitized, list(findings)))
    return EvaluationReport(
        corpus=corpus,
        policy=policy,
        documents=len(docs),
        systems=[SystemReport(name, scores[name], seconds[name]) for name, _ in systems],
        show_names=show_names,
    )


def evaluate_dir(
    path: str | Path,
    engine: _Sanitizing | None,
    policy: str = "publish",
    baseline: bool = True,
    *,
    baseline_model: str | None = None,
    show_names: bool = False,
) -> EvaluationReport:
    """Score ``engine`` (and, with ``baseline``, plain Presidio on the same spaCy model)."""
    docs = load_gold_dir(path)
    systems: list[tuple[str, Sanitizer]] = []
    if engine is not None:
        systems.append((SOURCEGUARD, engine_sanitizer(engine, policy)))
    if baseline:
        model = baseline_model or (_engine_model_name(engine) if engine is not None else None)
        systems.append((PLAIN_PRESIDIO, plain_presidio_sanitizer(model)))
    if not systems:
        raise ValueError("nothing to evaluate: no engine and no baseline")
    return evaluate_docs(docs, systems, corpus=str(path), policy=policy, show_names=show_names)


def _pct(rate: float | None) -> str:
    return "n/a" if rate is None else f"{100 * rate:.1f}%"


def _frac(num: int, den: int) -> str:
    return f"{num}/{den}"


def _totals_line(label: str, t: CorpusScore, seconds: float | None) -> str:
    failed = [name for name, ok in t.targets.items() if not ok]
    time_col = f"{seconds:>6.1f}s" if seconds is not None else f"{'':>7}"
    return (
        f"{label:<20} "
        f"{_frac(t.leaked, t.at_risk_total):>7} {_pct(t.leak_rate):>6} "
        f"{_frac(t.public_kept, t.public_total):>7} {_pct(t.public_kept_rate):>6} "
        f"{_frac(t.pseudonym_kept, t.pseudonym_total):>7} {_pct(t.pseudonym_kept_rate):>6} "
        f"{_frac(t.pseudonym_flagged_and_kept, t.pseudonym_total):>10} "
        f"{_pct(t.pseudonym_rate):>6} "
        f"{_pct(t.collateral):>10}  {time_col}  "
        + ("PASS" if not failed else "FAIL (" + ", ".join(failed) + ")")
    )


def format_report(report: EvaluationReport, per_document: bool = True) -> str:
    """A compact, name-free text report (names only in ``show_names`` mode)."""
    lines = [
        f"corpus: {report.corpus}  documents: {report.documents}  policy: {report.policy}",
        f"targets: {TARGET_MAX_LEAKS} leaks, public kept >= {TARGET_MIN_PUBLIC_KEPT:.0%}, "
        f"pseudonyms flagged & kept >= {TARGET_MIN_PSEUDONYMS:.0%}, "
        f"collateral <= {TARGET_MAX_COLLATERAL:.0%}",
        "",
    ]
    header = (
        f"{'system':<20} {'leak':>14} {'public kept':>14} {'pseudo kept':>14} "
        f"{'pseudo flag+kept':>17} {'collateral':>10}  {'time':>7}  result"
    )
    lines += [header, "-" * len(header)]
    for system in report.systems:
        lines.append(_totals_line(system.name, system.totals, system.seconds))
    lines += ["", "by half (tune on odd ids; even ids check that it generalises)", header]
    lines.append("-" * len(header))
    for system in report.systems:
        for name in HALVES:
            lines.append(_totals_line(f"{system.name} {name}", system.half(name), None))
        gaps = system.half_gaps()
        worst = max((g for g in gaps.values() if g is not None), default=None)
        lines.append(
            f"  {system.name}: largest odd/even gap "
            + ("n/a" if worst is None else f"{worst:.1f} points")
            + (
                f" (limit {MAX_HALF_GAP_POINTS:.0f})"
                if worst is None or worst <= MAX_HALF_GAP_POINTS
                else f" EXCEEDS {MAX_HALF_GAP_POINTS:.0f}"
            )
        )
    for system in report.systems:
        if per_document:
            lines += ["", f"[{system.name}] per document"]
            width = max((len(d.doc_id) for d in system.documents), default=8)
            for d in system.documents:
                lines.append(
                    f"  {d.doc_id:<{width}}  leak {_frac(d.leaked, d.at_risk_total):>5}  "
                    f"public {_frac(d.public_kept, d.public_total):>5}  "
                    f"pseudo f+k {_frac(d.pseudonym_flagged_and_kept, d.pseudonym_total):>5}  "
                    f"collateral {_pct(d.collateral):>6}"
                )
        problems = system.problems
        lines += ["", f"[{system.name}] problems: {len(problems)}"]
        width = max((len(p.doc_id) for p in problems), default=8)
        for p in problems:
            kind = f"{p.cls}/{p.role}"
            line = f"  {p.doc_id:<{width}}  {p.kind:<21}  {kind:<28}  #{p.fingerprint}"
            if report.show_names:
                line += f"  {p.identity}"
            lines.append(line)
    if report.show_names:
        lines += ["", "WARNING: --show-names debugging mode: the lines above contain names."]
    return "\n".join(lines)
