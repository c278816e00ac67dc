"""Unit tests of the corpus scorer (evaluation/evaluate.py) on invented articles and names."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

import pytest

from evaluation.evaluate import (
    EvaluationError,
    GoldCorpusError,
    GoldDoc,
    GoldPerson,
    collateral_counts,
    engine_sanitizer,
    evaluate_docs,
    fingerprint,
    format_report,
    leaked_identities,
    load_gold_dir,
    mention_pattern,
    score_corpus,
    score_document,
    words,
)
from policies.types import PolicyInfo
from service.core.errors import InputError
from service.core.findings import Finding, ScreeningResult

# Invented names only.
ARTICLE = (
    "Velmora, 3 March. Citizen journalist Tavin Orrek filmed the shelling of the harbour. "
    "Orrek’s videos reached thousands. Tavin said he would keep filming.\n"
    "Governor Tavin Maslow, speaking on the record, said aid would come. Maslow promised bread.\n"
    "A nurse who uses the pseudonym Lirae said the clinic was full. Lirae works nights.\n"
    "Her neighbour Sema Quillon was detained on Friday, relatives said.\n"
)

ORREK = GoldPerson(
    "Tavin Orrek", "at_risk", "citizen_journalist", ("Tavin Orrek", "Orrek", "Tavin")
)
QUILLON = GoldPerson("Sema Quillon", "at_risk", "detainee", ("Sema Quillon",))
MASLOW = GoldPerson("Tavin Maslow", "public", "official", ("Tavin Maslow", "Maslow"))
LIRAE = GoldPerson("Lirae", "pseudonym", "medic", ("Lirae",))
CREDIT = GoldPerson("Pell Varro", "ignore", "credit", ("Pell Varro",))


def gold(text: str = ARTICLE, persons: list[GoldPerson] | None = None) -> GoldDoc:
    return GoldDoc(
        id="doc_a",
        text=text,
        persons=persons if persons is not None else [ORREK, QUILLON, MASLOW, LIRAE, CREDIT],
    )


def redact(
    text: str, mentions: list[str], placeholder: str = "[X]", protect: tuple[str, ...] = ()
) -> str:
    """Replace ``mentions`` longest first, leaving occurrences of ``protect`` strings alone."""
    kept: list[str] = []

    def hold(match: re.Match[str]) -> str:
        kept.append(match.group(0))
        return f"\x00{len(kept) - 1}\x00"

    for mention in sorted(protect, key=len, reverse=True):
        text = mention_pattern(mention).sub(hold, text)
    for mention in sorted(mentions, key=len, reverse=True):
        text = mention_pattern(mention).sub(placeholder, text)
    for i, original in enumerate(kept):
        text = text.replace(f"\x00{i}\x00", original)
    return text


AT_RISK_MENTIONS = [*ORREK.mentions, *QUILLON.mentions]
PROTECTED = (*MASLOW.mentions, *LIRAE.mentions)


def pseudonym_finding(text: str, name: str, entity_type: str = "PSEUDONYM") -> Finding:
    start = text.index(name)
    return Finding(start, start + len(name), entity_type, 0.9, "test")


# ------------------------------------------------------------------------------ gold loading


def write_pair(directory: Path, stem: str, text: str, persons: list[dict]) -> None:
    (directory / f"{stem}.txt").write_text(text, encoding="utf-8")
    (directory / f"{stem}.json").write_text(
        json.dumps({"id": stem, "url": "synthetic", "persons": persons, "anonymous_sources": []}),
        encoding="utf-8",
    )


def test_load_gold_dir_pairs_and_skips_roster(tmp_path: Path) -> None:
    persons = [
        {"identity": "Tavin Orrek", "class": "at_risk", "role": "citizen_journalist",
         "mentions": ["Tavin Orrek", "Orrek"], "roster": True},
        {"identity": "Tavin Maslow", "class": "public", "role": "official",
         "mentions": ["Tavin Maslow"]},
    ]  # fmt: skip
    write_pair(tmp_path, "b_second", ARTICLE, persons)
    write_pair(tmp_path, "a_first", "Orrek spoke.\r\n", persons[:1])
    (tmp_path / "roster.json").write_text('[{"name": "Tavin Orrek", "aliases": []}]')
    (tmp_path / "orphan.txt").write_text("No gold for this one.")
    (tmp_path / "README.md").write_text("# corpus")

    docs = load_gold_dir(tmp_path)

    assert [d.id for d in docs] == ["a_first", "b_second"]
    assert docs[0].text == "Orrek spoke.\r\n"  # bytes kept as written
    assert docs[0].persons[0].roster is True
    assert docs[1].persons_of("public")[0].mentions == ("Tavin Maslow",)


def test_load_gold_dir_errors(tmp_path: Path) -> None:
    with pytest.raises(GoldCorpusError, match="not found"):
        load_gold_dir(tmp_path / "missing")
    (tmp_path / "roster.json").write_text("[]")
    with pytest.raises(GoldCorpusError, match=r"no NAME\.txt"):
        load_gold_dir(tmp_path)
    write_pair(tmp_path, "bad", "text", [{"identity": "X", "class": "vip", "mentions": ["X"]}])
    with pytest.raises(GoldCorpusError, match="unknown class"):
        load_gold_dir(tmp_path)
    assert issubclass(GoldCorpusError, InputError)


# ------------------------------------------------------------------------------ leak


def test_unchanged_text_leaks_every_at_risk_identity_once() -> None:
    score = score_document(gold(), ARTICLE, ARTICLE, [])
    assert (score.leaked, score.at_risk_total) == (2, 2)
    assert score.public_kept == score.public_total == 1
    assert score.pseudonym_kept == 1 and score.pseudonym_flagged == 0
    assert score.words_lost == 0


def test_leak_is_counted_per_identity_not_per_mention() -> None:
    # Only the surname survives: one identity leaked, however many mentions it has.
    sanitized = redact(ARTICLE, ["Tavin Orrek", "Sema Quillon"])
    sanitized = sanitized.replace("Tavin said", "[X] said")
    score = score_document(gold(), ARTICLE, sanitized, [])
    assert score.leaked == 1
    assert [p.kind for p in score.problems] == ["leaked", "pseudonym_not_flagged"]
    assert score.problems[0].fingerprint == fingerprint("Tavin Orrek")


def test_exact_redaction_has_no_leak() -> None:
    sanitized = redact(ARTICLE, AT_RISK_MENTIONS, protect=PROTECTED)
    score = score_document(gold(), ARTICLE, sanitized, [])
    assert score.leaked == 0
    assert score.public_kept == 1  # "Tavin Maslow" survived: its "Tavin" is not a leak


def test_leak_is_case_insensitive() -> None:
    sanitized = "[X] spoke; ORREK later denied it."
    assert leaked_identities(gold(), sanitized) == [ORREK]


def test_possessive_is_a_leak() -> None:
    assert leaked_identities(gold(), "[X] spoke. Orrek’s videos spread.") == [ORREK]
    assert leaked_identities(gold(), "[X] spoke. Orrek's videos spread.") == [ORREK]


def test_underscore_is_a_word_character() -> None:
    assert leaked_identities(gold(), "[X] spoke. _Orrek_ wrote.") == []
    assert leaked_identities(gold(), "[X] spoke. Orrek_2024 wrote.") == []
    assert leaked_identities(gold(), "[X] spoke. Orrekson wrote.") == []
    assert leaked_identities(gold(), "[X] spoke. (Orrek) wrote.") == [ORREK]


def test_shared_first_name_inside_kept_public_mention_is_not_a_leak() -> None:
    assert leaked_identities(gold(), "Governor Tavin Maslow spoke. tavin maslow again.") == []
    # The same first name on its own is the at-risk person's.
    assert leaked_identities(gold(), "Governor Tavin Maslow spoke. Tavin filmed.") == [ORREK]
    # A public mention that lost its surname no longer shields the first name.
    assert leaked_identities(gold(), "Governor Tavin [X] spoke.") == [ORREK]


def test_pseudonym_mentions_are_masked_too() -> None:
    at_risk = GoldPerson("Rin Adow", "at_risk", "resident", ("Rin Adow", "Rin"))
    pseudo = GoldPerson("Rin Kato", "pseudonym", "resident", ("Rin Kato",))
    doc = gold("Rin Adow met Rin Kato.", [at_risk, pseudo])
    assert leaked_identities(doc, "[X] met Rin Kato.") == []


def test_at_risk_mention_containing_a_public_mention_still_leaks() -> None:
    at_risk = GoldPerson("Dara Maslow", "at_risk", "relative", ("Dara Maslow",))
    doc = gold("Dara Maslow, a cousin of Maslow, spoke.", [at_risk, MASLOW])
    assert leaked_identities(doc, "Dara Maslow, a cousin of Maslow, spoke.") == [at_risk]
    assert leaked_identities(doc, "[X], a cousin of Maslow, spoke.") == []


def test_ignore_class_is_not_scored() -> None:
    sanitized = redact(ARTICLE, AT_RISK_MENTIONS, protect=PROTECTED)
    score = score_document(gold(), ARTICLE + "Photo: Pell Varro\n", sanitized, [])
    assert score.leaked == 0 and score.public_total == 1 and score.pseudonym_total == 1


# ------------------------------------------------------------------------------ public / pseudonym


def test_public_kept_needs_every_mention_as_often_as_in_the_original() -> None:
    original = "Maslow spoke. Tavin Maslow left. Maslow returned."
    doc = gold(original, [MASLOW])
    assert score_document(doc, original, original, []).public_kept == 1
    once_lost = "Maslow spoke. Tavin Maslow left. [X] returned."
    score = score_document(doc, original, once_lost, [])
    assert score.public_kept == 0
    assert score.problems[0].kind == "public_lost"
    # Case-insensitive counting: a case change is not a loss.
    assert score_document(doc, original, original.upper(), []).public_kept == 1


def test_pseudonym_flagged_and_kept() -> None:
    sanitized = redact(ARTICLE, AT_RISK_MENTIONS, protect=PROTECTED)
    flag = pseudonym_finding(ARTICLE, "Lirae")

    score = score_document(gold(), ARTICLE, sanitized, [flag])
    assert (score.pseudonym_kept, score.pseudonym_flagged, score.pseudonym_flagged_and_kept) == (
        1,
        1,
        1,
    )
    # Another entity type does not flag.
    other = pseudonym_finding(ARTICLE, "Lirae", "PERSON")
    assert score_document(gold(), ARTICLE, sanitized, [other]).pseudonym_flagged == 0
    # A partial overlap flags; a finding elsewhere does not.
    partial = Finding(flag.start + 2, flag.end + 5, "PSEUDONYM", 0.5, "test")
    assert score_document(gold(), ARTICLE, sanitized, [partial]).pseudonym_flagged == 1
    elsewhere = Finding(0, 7, "PSEUDONYM", 0.5, "test")
    assert score_document(gold(), ARTICLE, sanitized, [elsewhere]).pseudonym_flagged == 0
    # Flagged but redacted: flagged, not kept, so not counted for the target.
    lost = redact(sanitized, ["Lirae"])
    score = score_document(gold(), ARTICLE, lost, [flag])
    assert (score.pseudonym_kept, score.pseudonym_flagged, score.pseudonym_flagged_and_kept) == (
        0,
        1,
        0,
    )
    assert [p.kind for p in score.problems] == ["pseudonym_lost"]


# ------------------------------------------------------------------------------ collateral


def test_words_strip_edge_punctuation_but_keep_possessive() -> None:
    assert words("“Orrek’s” videos, (Velmora). _x_ — ok") == [
        "Orrek’s",
        "videos",
        "Velmora",
        "_x_",
        "ok",
    ]


def test_collateral_arithmetic() -> None:
    at_risk = GoldPerson("Tavin Orrek", "at_risk", "resident", ("Tavin Orrek", "Orrek"))
    original = "The bakery on Lantern Street opened. Tavin Orrek filmed the queue."
    doc = gold(original, [at_risk])
    # 11 words, 2 of them at-risk words ("Tavin", "Orrek") -> 9 counted.
    assert collateral_counts(doc, original, original) == (0, 9)
    sanitized = "The bakery on [X] Street opened. [X] filmed queue."
    # Lost: "Lantern", and one of the two "the" (case-sensitive multiset: "The" survives).
    assert collateral_counts(doc, original, sanitized) == (2, 9)
    score = score_document(doc, original, sanitized, [])
    assert score.collateral == pytest.approx(2 / 9)


def test_collateral_of_exact_redaction_counts_only_possessives() -> None:
    original = "Orrek filmed. Orrek’s camera broke, Orrek said."
    doc = gold(original, [ORREK])
    sanitized = redact(original, list(ORREK.mentions))
    assert sanitized == "[X] filmed. [X]’s camera broke, [X] said."
    # "Orrek’s" is not an at-risk mention word, so losing it is collateral: 1 of 5.
    assert collateral_counts(doc, original, sanitized) == (1, 5)


# ------------------------------------------------------------------------------ corpus and report


def two_docs() -> list[GoldDoc]:
    second_text = "Resident Ilo Brannt saw the convoy. Brannt left on foot."
    second = GoldDoc(
        id="doc_b",
        text=second_text,
        persons=[GoldPerson("Ilo Brannt", "at_risk", "witness", ("Ilo Brannt", "Brannt"))],
    )
    return [gold(), second]


def exact_redactor(docs: list[GoldDoc]):
    by_text = {d.text: d for d in docs}

    def sanitize(text: str) -> tuple[str, list[Finding]]:
        doc = by_text[text]
        mentions = [m for p in doc.persons_of("at_risk") for m in p.mentions]
        protect = tuple(
            m for p in doc.persons if p.cls in ("public", "pseudonym") for m in p.mentions
        )
        findings = [pseudonym_finding(text, "Lirae")] if "Lirae" in text else []
        return redact(text, mentions, protect=protect), findings

    return sanitize


def test_score_corpus_and_reference_style_runs() -> None:
    docs = two_docs()
    report = evaluate_docs(
        docs,
        [("unchanged", lambda t: (t, [])), ("exact", exact_redactor(docs))],
        corpus="tmp",
    )
    unchanged = report.system("unchanged").totals
    assert (unchanged.leaked, unchanged.at_risk_total) == (3, 3)
    assert unchanged.leak_rate == 1.0 and unchanged.public_kept_rate == 1.0
    assert unchanged.pseudonym_kept_rate == 1.0 and unchanged.pseudonym_rate == 0.0
    assert unchanged.collateral == 0.0
    assert unchanged.targets == {
        "leaks": False,
        "public_kept": True,
        "pseudonyms": False,
        "collateral": True,
    }

    exact = report.system("exact").totals
    assert exact.leaked == 0 and exact.public_kept_rate == 1.0 and exact.pseudonym_rate == 1.0
    # Only "Orrek’s" is lost; the denominator is the sum over documents.
    doc_scores = report.system("exact").documents
    assert exact.words_lost == 1
    assert exact.words_total == sum(d.words_total for d in doc_scores)
    assert exact.passed
    assert score_corpus(doc_scores).to_dict() == exact.to_dict()


def test_report_never_prints_names_unless_asked() -> None:
    docs = two_docs()
    report = evaluate_docs(docs, [("unchanged", lambda t: (t, []))], corpus="tmp")
    text = format_report(report)
    dumped = json.dumps(report.to_dict())
    names = ["Tavin", "Orrek", "Quillon", "Maslow", "Lirae", "Brannt"]
    for name in names:
        assert name not in text
        assert name not in dumped
    assert "doc_a" in text and "at_risk/citizen_journalist" in text
    assert hashlib.sha256(b"Ilo Brannt").hexdigest()[:8] in text
    assert "FAIL (leaks, pseudonyms)" in text

    report.show_names = True
    assert "Ilo Brannt" in format_report(report)
    assert "Ilo Brannt" in json.dumps(report.to_dict())


def test_engine_adapter_and_failure_message() -> None:
    class FakeEngine:
        def __init__(self) -> None:
            self.policies: list[str] = []

        def sanitize(self, text: str, policy: str = "publish") -> ScreeningResult:
            self.policies.append(policy)
            return ScreeningResult(text.upper(), [], PolicyInfo(policy, "1", "d"), {})

    engine = FakeEngine()
    assert engine_sanitizer(engine, "internal")("abc") == ("ABC", [])
    assert engine.policies == ["internal"]

    def broken(text: str) -> tuple[str, list[Finding]]:
        raise ValueError(f"cannot handle {text}")

    with pytest.raises(EvaluationError) as info:
        evaluate_docs(two_docs(), [("broken", broken)])
    assert str(info.value) == "broken failed on doc_a: ValueError"


# ------------------------------------------------------------------------------ baseline


@pytest.mark.slow
def test_plain_presidio_baseline_is_offline(monkeypatch: pytest.MonkeyPatch) -> None:
    import socket

    from evaluation.evaluate import plain_presidio_sanitizer

    def no_network(*args: object, **kwargs: object) -> None:
        raise AssertionError("network access attempted")

    monkeypatch.setattr(socket, "getaddrinfo", no_network)
    monkeypatch.setattr(socket.socket, "connect", no_network)

    baseline = plain_presidio_sanitizer()
    names = baseline.recognizer_names
    assert "EmailRecognizer" in names and "UrlRecognizer" in names
    text = "Write to Tavin Orrek at tavin.orrek@velmora-news.example.org before Friday."
    sanitized, findings = baseline(text)
    assert "<EMAIL_ADDRESS>" in sanitized
    assert "<PERSON>" in sanitized
    assert all(isinstance(f, Finding) and f.recognizer for f in findings)
    assert {"EMAIL_ADDRESS", "PERSON"} <= {f.entity_type for f in findings}
