"""Issue 13, classes 3 and 6, on invented sentences: weak evidence never overrides strong, and
places, units, institutions and organisations are not people.

Class 3: a role word opening the sentence stays in the text and counts as at-risk evidence (and
``check`` fails the draft); a credit classifies only someone who appears nowhere else, also when
the body mention opens the next paragraph; a predicate or main clause after the name's comma is
no description of the person. Class 6: what must survive sanitizing untouched.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from recognizers.entities import AT_RISK_TYPES, PUBLIC_FIGURE
from tests.conftest import person_roles

ROLE_WORD_FIRST = [
    ("“The water was cut,” said resident Dalia Saeed, 63.", "resident"),
    ("Eyewitness Dalia Saeed said soldiers fired at the crowd.", "Eyewitness"),
    ("Nurse Dalia Saeed, 41, said the ward had no power.", "Nurse"),
    ("Farmer Dalia Saeed said the crops had burned.", "Farmer"),
    ("“We ran,” Resident Dalia Saeed told us.", "Resident"),
    ("Villager Dalia Saeed (63) said the well was dry.", "Villager"),
    (
        "Paramedic Dalia Saeed — who still works at the clinic — said the ward was full.",
        "Paramedic",
    ),
    ("Medic Dalia Saeed said the ward had no power.", "Medic"),
    ("Student Dalia Saeed, 21, said she had been beaten.", "Student"),
]


@pytest.mark.parametrize(("text", "role_word"), ROLE_WORD_FIRST)
def test_a_role_word_before_the_name_stays_and_is_at_risk_evidence(
    bare_engine, text: str, role_word: str
) -> None:
    result = bare_engine.sanitize(text)
    roles = person_roles(result, text, "Dalia Saeed")
    assert roles and roles <= AT_RISK_TYPES, roles
    assert role_word + " [" in result.sanitized_text, result.sanitized_text
    assert "Dalia" not in result.sanitized_text and "Saeed" not in result.sanitized_text


def test_check_fails_a_draft_naming_a_resident_by_a_leading_role_word(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, nlp_engine
) -> None:
    from service.cli import main
    from service.pipeline.anonymize import Secrets
    from service.pipeline.engine import Engine

    original = Engine.create.__func__  # type: ignore[attr-defined]

    def create(cls, *args, **kwargs):  # type: ignore[no-untyped-def]
        kwargs.setdefault("nlp", nlp_engine)
        kwargs.setdefault("secrets", Secrets(hash_key=b"h" * 32, encryption_key=b"e" * 32))
        kwargs.setdefault("allow_list", [])
        return original(cls, *args, **kwargs)

    monkeypatch.setattr(Engine, "create", classmethod(create))
    monkeypatch.setenv("SOURCEGUARD_SECRET_KEY", "check-test-secret-0123456789abcdef")
    monkeypatch.delenv("SOURCEGUARD_CONFIG", raising=False)
    monkeypatch.chdir(tmp_path)
    (tmp_path / "draft.md").write_text(
        "Resident Dalia Saeed, 63, said the water was cut.\n", encoding="utf-8"
    )
    code = main(["check", "draft.md"])
    out = capsys.readouterr().out
    assert code == 1 and "SG002" in out
    assert "Dalia" not in out and "Saeed" not in out


@pytest.mark.parametrize(
    "text",
    [
        "Photo courtesy of Dr. Rami Haddad\n\nRami Haddad, who still lives in the besieged town, "
        "said the bread ran out.",
        "Photo: Rami Haddad\n\nThe shelling continued. Haddad, 40, said the bread ran out.",
        "Photo courtesy of Rami Haddad\n\nHaddad, a nurse at the clinic, said supplies ran out.",
    ],
)
def test_a_credit_does_not_classify_someone_who_appears_in_the_story(bare_engine, text) -> None:
    result = bare_engine.sanitize(text)
    assert "Haddad" not in result.sanitized_text, result.sanitized_text
    assert PUBLIC_FIGURE not in {f.entity_type for f in result.findings if f.identity}


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("The governor, Fadi Rifai, said the men were arrested for smuggling.", "Fadi Rifai"),
        (
            "According to Interior Ministry spokeswoman Olga Marek, 200 people were detained.",
            "Olga Marek",
        ),
        (
            "The Houthis’ information minister, Adel Dhaif, said the journalist was a spy.",
            "Adel Dhaif",
        ),
        (
            "Mirela Popa, the head of the UN refugee agency in the country, said camps were full.",
            "Mirela Popa",
        ),
    ],
)
def test_a_predicate_or_an_institutions_modifier_is_no_at_risk_description(
    bare_engine, text: str, name: str
) -> None:
    result = bare_engine.sanitize(text)
    assert name in result.sanitized_text, result.sanitized_text
    assert person_roles(result, text, name) == {PUBLIC_FIGURE}


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Rami Haddad, a student union activist, said he was beaten.", "Rami Haddad"),
        ("Rami Haddad, a UN human rights officer, was detained in June.", "Rami Haddad"),
        (
            "Houthi forces detained Rami Haddad, a protection officer with the agency.",
            "Rami Haddad",
        ),
        (
            "Rami Haddad, a commander of a rebel unit who was detained in March, vanished.",
            "Rami Haddad",
        ),
        ("He told the channel Rami Haddad said he was tortured.", "Rami Haddad"),
        ("The group Rami Haddad founded was banned. Rami Haddad said so.", "Rami Haddad"),
    ],
)
def test_at_risk_evidence_still_wins(bare_engine, text: str, name: str) -> None:
    sanitized = bare_engine.sanitize(text).sanitized_text
    for word in name.split():
        assert not re.search(rf"(?<!\w){word}(?!\w)", sanitized), sanitized


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        ("The rebels took Qusayr after a week of fighting.", "Qusayr"),
        ("In March the rebels took Homs, and the army withdrew.", "Homs"),
        ("Soldiers of the 25th Brigade detained him.", "25th Brigade"),
        ("The Court held that the Government had violated the Convention.", "The Court"),
        (
            "The news website Free Valley said its reporter was detained. Free Valley said he "
            "was beaten.",
            "Free Valley said he",
        ),
        (
            "Opposition party New Dawn said members were held. New Dawn's leader fled.",
            "New Dawn's leader",
        ),
        ("Reporting by Lene Marvik; Editing by Tom Hale", "Editing by Tom Hale"),
        ("By Lene Marvik\n\nThe queue grew longer.", "By Lene Marvik"),
    ],
)
def test_places_units_institutions_and_credits_survive(bare_engine, text: str, kept: str) -> None:
    assert kept in bare_engine.sanitize(text).sanitized_text
