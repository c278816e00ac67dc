"""Scores per document and per corpus (and per odd/even half), against the project's targets."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from evaluation.gold import GoldDoc, GoldPerson
from evaluation.matching import (
    collateral_counts,
    is_flagged,
    is_kept,
    label_fingerprint,
    leaked_identities,
)
from service.core.findings import Finding

# Targets (README of the project): zero leaks, >= 95% public kept, >= 95% pseudonyms flagged
# and kept, <= 3% collateral words lost.
TARGET_MAX_LEAKS = 0


TARGET_MIN_PUBLIC_KEPT = 0.95


TARGET_MIN_PSEUDONYMS = 0.95


TARGET_MAX_COLLATERAL = 0.03


HALVES = ("odd", "even")


MAX_HALF_GAP_POINTS = 5.0
"""The even half must stay within this many percentage points of the odd half, per metric."""


_ID_NUMBER_RE = re.compile(r"\d+")


@dataclass
class ScoringProblem:
    """One scored failure, reported without the name."""

    doc_id: str
    kind: str  # leaked | public_lost | pseudonym_lost | pseudonym_not_flagged
    cls: str
    role: str
    fingerprint: str
    identity: str  # only ever output in show_names mode

    def to_dict(self, show_names: bool = False) -> dict[str, str]:
        out = {
            "document": self.doc_id,
            "kind": self.kind,
            "class": self.cls,
            "role": self.role,
            "fingerprint": self.fingerprint,
        }
        if show_names:
            out["identity"] = self.identity
        return out


def half_of(doc_id: str) -> str | None:
    """``"odd"`` or ``"even"`` by the first number in the document id; None without a number."""
    match = _ID_NUMBER_RE.search(doc_id)
    if match is None:
        return None
    return "odd" if int(match.group()) % 2 else "even"


def _rate(num: int, den: int) -> float | None:
    return num / den if den else None


@dataclass
class DocScore:
    doc_id: str
    at_risk_total: int = 0
    leaked: int = 0
    public_total: int = 0
    public_kept: int = 0
    pseudonym_total: int = 0
    pseudonym_kept: int = 0
    pseudonym_flagged: int = 0
    pseudonym_flagged_and_kept: int = 0
    words_total: int = 0
    words_lost: int = 0
    findings: int = 0
    problems: list[ScoringProblem] = field(default_factory=list)

    @property
    def collateral(self) -> float | None:
        return _rate(self.words_lost, self.words_total)

    def to_dict(self) -> dict[str, Any]:
        return {
            "document": self.doc_id,
            "at_risk": self.at_risk_total,
            "leaked": self.leaked,
            "public": self.public_total,
            "public_kept": self.public_kept,
            "pseudonyms": self.pseudonym_total,
            "pseudonyms_kept": self.pseudonym_kept,
            "pseudonyms_flagged": self.pseudonym_flagged,
            "pseudonyms_flagged_and_kept": self.pseudonym_flagged_and_kept,
            "words": self.words_total,
            "words_lost": self.words_lost,
            "collateral": self.collateral,
            "findings": self.findings,
        }


def score_document(
    gold: GoldDoc, original_text: str, sanitized_text: str, findings: Sequence[Finding]
) -> DocScore:
    """Score one sanitized draft against its gold annotation."""
    score = DocScore(doc_id=gold.id, findings=len(findings))

    def problem(kind: str, person: GoldPerson) -> ScoringProblem:
        return ScoringProblem(
            gold.id,
            kind,
            person.cls,
            person.role,
            label_fingerprint(person.identity),
            person.identity,
        )

    at_risk = gold.persons_of("at_risk")
    score.at_risk_total = len(at_risk)
    for person in leaked_identities(gold, sanitized_text):
        score.leaked += 1
        score.problems.append(problem("leaked", person))

    for person in gold.persons_of("public"):
        score.public_total += 1
        if is_kept(person, original_text, sanitized_text):
            score.public_kept += 1
        else:
            score.problems.append(problem("public_lost", person))

    for person in gold.persons_of("pseudonym"):
        score.pseudonym_total += 1
        kept = is_kept(person, original_text, sanitized_text)
        flagged = is_flagged(person, original_text, findings)
        score.pseudonym_kept += kept
        score.pseudonym_flagged += flagged
        score.pseudonym_flagged_and_kept += kept and flagged
        if not kept:
            score.problems.append(problem("pseudonym_lost", person))
        if not flagged:
            score.problems.append(problem("pseudonym_not_flagged", person))

    score.words_lost, score.words_total = collateral_counts(gold, original_text, sanitized_text)
    return score


@dataclass
class CorpusScore:
    documents: int = 0
    at_risk_total: int = 0
    leaked: int = 0
    public_total: int = 0
    public_kept: int = 0
    pseudonym_total: int = 0
    pseudonym_kept: int = 0
    pseudonym_flagged: int = 0
    pseudonym_flagged_and_kept: int = 0
    words_total: int = 0
    words_lost: int = 0

    @property
    def leak_rate(self) -> float | None:
        return _rate(self.leaked, self.at_risk_total)

    @property
    def public_kept_rate(self) -> float | None:
        return _rate(self.public_kept, self.public_total)

    @property
    def pseudonym_kept_rate(self) -> float | None:
        return _rate(self.pseudonym_kept, self.pseudonym_total)

    @property
    def pseudonym_rate(self) -> float | None:
        """Pseudonyms flagged and kept (the target metric)."""
        return _rate(self.pseudonym_flagged_and_kept, self.pseudonym_total)

    @property
    def collateral(self) -> float | None:
        return _rate(self.words_lost, self.words_total)

    @property
    def targets(self) -> dict[str, bool]:
        """Pass/fail per target; a metric with nothing to count passes."""

        def at_least(rate: float | None, floor: float) -> bool:
            return rate is None or rate >= floor

        return {
            "leaks": self.leaked <= TARGET_MAX_LEAKS,
            "public_kept": at_least(self.public_kept_rate, TARGET_MIN_PUBLIC_KEPT),
            "pseudonyms": at_least(self.pseudonym_rate, TARGET_MIN_PSEUDONYMS),
            "collateral": self.collateral is None or self.collateral <= TARGET_MAX_COLLATERAL,
        }

    @property
    def passed(self) -> bool:
        return all(self.targets.values())

    def to_dict(self) -> dict[str, Any]:
        return {
            "documents": self.documents,
            "at_risk": self.at_risk_total,
            "leaked": self.leaked,
            "leak_rate": self.leak_rate,
            "public": self.public_total,
            "public_kept": self.public_kept,
            "public_kept_rate": self.public_kept_rate,
            "pseudonyms": self.pseudonym_total,
            "pseudonyms_kept": self.pseudonym_kept,
            "pseudonyms_flagged": self.pseudonym_flagged,
            "pseudonyms_flagged_and_kept": self.pseudonym_flagged_and_kept,
            "pseudonym_kept_rate": self.pseudonym_kept_rate,
            "pseudonym_rate": self.pseudonym_rate,
            "words": self.words_total,
            "words_lost": self.words_lost,
            "collateral": self.collateral,
            "targets": self.targets,
            "passed": self.passed,
        }


def score_corpus(doc_scores: Iterable[DocScore]) -> CorpusScore:
    """Aggregate document scores: identity counts and word counts are summed (micro-average)."""
    total = CorpusScore()
    for s in doc_scores:
        total.documents += 1
        total.at_risk_total += s.at_risk_total
        total.leaked += s.leaked
        total.public_total += s.public_total
        total.public_kept += s.public_kept
        total.pseudonym_total += s.pseudonym_total
        total.pseudonym_kept += s.pseudonym_kept
        total.pseudonym_flagged += s.pseudonym_flagged
        total.pseudonym_flagged_and_kept += s.pseudonym_flagged_and_kept
        total.words_total += s.words_total
        total.words_lost += s.words_lost
    return total
