"""Identities through the whole engine: one person, one identity, one treatment."""

from __future__ import annotations

import re

from recognizers.entities import AT_RISK_TYPES, PSEUDONYM, PUBLIC_FIGURE

DRAFT = (
    "ALEPPO — “The bakery is closed again,” citizen journalist Karim al-Sabbagh told us on Monday. "
    "Al-Sabbagh’s footage shows a queue outside the Tal Hamra district bakery. Karim said he had "
    "stopped filming near checkpoints. A fighter who uses the nom de guerre Abu Layth said the unit "
    "withdrew. Foreign Minister Anders Holm said talks would resume; Holm did not comment on the "
    "bakeries. Later, AL-SABBAGH said the queue was longer than ever.\n"
)


def _by_identity(result):  # type: ignore[no-untyped-def]
    groups: dict[str, list] = {}
    for f in result.findings:
        if f.identity and f.identity.startswith("P"):
            groups.setdefault(f.identity, []).append(f)
    return groups


def test_every_mention_of_an_at_risk_person_is_replaced(engine) -> None:
    result = engine.sanitize(DRAFT)
    text = result.sanitized_text
    assert not re.search(r"(?i)sabbagh|\bKarim\b", text)
    assert "[citizen journalist A]’s footage" in text
    assert text.count("[citizen journalist A]") == 4


def test_one_identity_one_type(engine) -> None:
    result = engine.sanitize(DRAFT)
    for mentions in _by_identity(result).values():
        assert len({f.entity_type for f in mentions}) == 1
        assert len({f.replacement for f in mentions}) == 1


def test_public_figure_and_pseudonym_are_kept(engine) -> None:
    result = engine.sanitize(DRAFT)
    assert "Foreign Minister Anders Holm" in result.sanitized_text
    assert "Holm did not comment" in result.sanitized_text
    assert "nom de guerre Abu Layth" in result.sanitized_text
    types = {DRAFT[f.start : f.end]: f.entity_type for f in result.findings}
    assert types["Anders Holm"] == PUBLIC_FIGURE
    assert types["Abu Layth"] == PSEUDONYM


def test_places_that_look_like_names_are_not_people(engine) -> None:
    result = engine.sanitize(DRAFT)
    assert "Tal Hamra district" in result.sanitized_text


def test_public_figure_and_source_sharing_a_name_stay_apart(engine) -> None:
    draft = (
        "Mohammed Haddad, a local journalist, said the road was cut. Negotiator Mohammed Saleh "
        "said talks would continue. Haddad said snipers fired at trucks. Saleh did not respond."
    )
    result = engine.sanitize(draft)
    assert "Negotiator Mohammed Saleh" in result.sanitized_text
    assert "Saleh did not respond" in result.sanitized_text
    assert "Haddad" not in result.sanitized_text
    roles = {draft[f.start : f.end]: f.entity_type for f in result.findings if f.identity}
    assert roles["Mohammed Haddad"] in AT_RISK_TYPES
    assert roles["Mohammed Saleh"] == PUBLIC_FIGURE


def test_transliteration_variants_are_one_identity(engine) -> None:
    draft = (
        "Yousef el-Khatib, a resident of the old city, said water ran out. "
        "Yusuf al-Khateeb said his children were sick."
    )
    result = engine.sanitize(draft)
    ids = {f.identity for f in result.findings if f.identity and f.identity.startswith("P")}
    assert len(ids) == 1
    assert "Khat" not in result.sanitized_text


def test_different_people_get_different_placeholders(engine) -> None:
    draft = (
        "Rima Haddad, a nurse at the clinic, said supplies ran out. Her brother, Samer Khalil, "
        "a student, was detained. Haddad said she feared for him."
    )
    result = engine.sanitize(draft)
    assert "[source A]" in result.sanitized_text and "[source B]" in result.sanitized_text
    assert result.summary["at_risk_identities"] == 2
