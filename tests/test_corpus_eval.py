"""The development corpus (../shared/corpus next to the repository) scored end to end.

Skipped when the corpus is not there (a fresh clone in CI) and, for the engine run, while
``service.pipeline.engine`` cannot be imported yet. Failure output carries fingerprints, never names.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from evaluation.evaluate import (
    SOURCEGUARD,
    GoldDoc,
    evaluate_dir,
    format_report,
    load_gold_dir,
    mention_pattern,
    score_corpus,
    score_document,
)

pytestmark = pytest.mark.slow

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"

if not CORPUS.is_dir():
    pytest.skip(f"development corpus not found at {CORPUS}", allow_module_level=True)


def exact_redaction(doc: GoldDoc) -> str:
    text = doc.text
    mentions = {m for p in doc.persons_of("at_risk") for m in p.mentions}
    for mention in sorted(mentions, key=len, reverse=True):
        text = mention_pattern(mention).sub("[X]", text)
    return text


def test_reference_runs_match_the_corpus_readme() -> None:
    docs = load_gold_dir(CORPUS)
    assert len(docs) == 16

    unchanged = score_corpus(score_document(d, d.text, d.text, []) for d in docs)
    assert (unchanged.leaked, unchanged.at_risk_total) == (37, 37)
    assert unchanged.public_kept_rate == 1.0
    assert unchanged.pseudonym_kept_rate == 1.0
    assert unchanged.collateral == 0.0

    exact = score_corpus(score_document(d, d.text, exact_redaction(d), []) for d in docs)
    assert exact.leaked == 0
    assert exact.public_kept_rate == 1.0
    assert exact.pseudonym_kept_rate == 1.0
    assert round(100 * exact.collateral, 1) == 0.3


def test_engine_meets_the_targets_on_the_corpus() -> None:
    try:
        from service.pipeline.engine import Engine
    except ImportError:
        pytest.skip("service.pipeline.engine is not available yet")

    from service.cli import _hash_corpus_roster

    roster = CORPUS / "roster.json"
    engine = Engine.create(roster=_hash_corpus_roster(roster) if roster.exists() else None)
    report = evaluate_dir(CORPUS, engine, policy="publish", baseline=False)
    totals = report.system(SOURCEGUARD).totals
    assert totals.passed, "\n" + format_report(report, per_document=True)
