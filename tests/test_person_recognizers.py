"""Role recognizers: tables of invented sentences → the name spans each one must (not) report."""

from __future__ import annotations

import pytest

from recognizers.at_risk_source_recognizer import AtRiskSourceRecognizer
from recognizers.citizen_journalist_recognizer import CitizenJournalistRecognizer
from recognizers.entities import (
    AT_RISK_SOURCE,
    CITIZEN_JOURNALIST,
    PERSON,
    PSEUDONYM,
    PUBLIC_FIGURE,
)
from recognizers.person_recognizer import PersonRecognizer
from recognizers.pseudonym_recognizer import PseudonymRecognizer
from recognizers.public_figure_recognizer import Gazetteer, PublicFigureRecognizer
from tests.conftest import spans


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "“The bakery is closed,” citizen journalist Karim al-Sabbagh told reporters.",
            ["Karim al-Sabbagh"],
        ),
        (
            "Tareq Haddad, a media activist in the old city, said the shelling continued.",
            ["Tareq Haddad"],
        ),
        ("Idlib-based citizen journalist Nour Barakat filmed the queue.", ["Nour Barakat"]),
        (
            "Lina Farouk, a local reporter who has covered the siege, said prices doubled.",
            ["Lina Farouk"],
        ),
        ("Residents said the market was empty on Monday.", []),
        ("Foreign Minister Anders Holm said the talks would resume.", []),
    ],
)
def test_citizen_journalist(nlp_engine, text: str, expected: list[str]) -> None:
    assert spans(CitizenJournalistRecognizer(), nlp_engine, text, CITIZEN_JOURNALIST) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Among those held was his brother, Samer Khalil, a student.", ["Samer Khalil"]),
        ("Rima Haddad, a nurse at the underground clinic, said supplies ran out.", ["Rima Haddad"]),
        (
            "Hassan Darwish, whose son was detained in March, said he had heard nothing.",
            ["Hassan Darwish"],
        ),
        ("Fadi Nassar, a resident of the eastern quarter, said the road was cut.", ["Fadi Nassar"]),
        ("President Marek Vols said the army would withdraw.", []),
        # A footnote mark without its footnote: the role after the mark still counts.
        ("Lina*, a 52-year-old nurse at a city clinic, said staff were exhausted.", ["Lina"]),
        ("Taras†, a volunteer driver, said the bridge was down.", ["Taras"]),
    ],
)
def test_at_risk_source(nlp_engine, text: str, expected: list[str]) -> None:
    assert spans(AtRiskSourceRecognizer(), nlp_engine, text, AT_RISK_SOURCE) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Ahmad spoke under the pseudonym of Zeina to protect her family.", ["Zeina"]),
        ("Maysa (not her real name) said the checkpoint was new.", ["Maysa"]),
        ("Wafa, a pseudonym, a teacher who lives near the river, said classes stopped.", ["Wafa"]),
        ("A fighter who uses the nom de guerre Abu Layth said the unit withdrew.", ["Abu Layth"]),
        (
            "Kamal, who asked to be identified only by his first name, said the guards beat him.",
            ["Kamal"],
        ),
        (
            "Dalia, a 30-year-old nurse who asked to be identified only by her first name, said so.",
            ["Dalia"],
        ),
        (
            "Rasha*, a clinic worker, said the ward was full.\n\n* Name changed at her request.",
            ["Rasha"],
        ),
        ("Samia, whose name has been changed for her safety, runs a school.", ["Samia"]),
        ("Nader Aziz said he had never used a pseudonym.", []),
        ("Rasha* said the ward was full.", []),
    ],
)
def test_pseudonym(nlp_engine, text: str, expected: list[str]) -> None:
    assert spans(PseudonymRecognizer(), nlp_engine, text, PSEUDONYM) == expected


GAZETTEER = Gazetteer.from_lines(["Marta Kowalczyk | Kowalczyk", "Ibrahim Mansour"])


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Foreign Minister Anders Holm said the talks would resume.", ["Anders Holm"]),
        ("The UN Special Envoy for Yemen, Pieter Janssen, urged calm.", ["Pieter Janssen"]),
        (
            "Adel Mourad, head of the regional administration, said buses would run.",
            ["Adel Mourad"],
        ),
        ("Rebel spokesman Tamer Zaki said the front was quiet.", ["Tamer Zaki"]),
        ("Kowalczyk said the mission would continue.", ["Kowalczyk"]),
        ("Ibrahim Mansour visited the camp.", ["Ibrahim Mansour"]),
        ("Rima Haddad, a nurse at the clinic, said supplies ran out.", []),
        (
            "Lena Okafor, the UN special rapporteur on torture, has urged the release.",
            ["Lena Okafor"],
        ),
        ("Tomas Brandt, the EU special representative for the region, met them.", ["Tomas Brandt"]),
        ("Salma Idris, a former special envoy's driver, said she fled.", []),
        ("Omar Saleh, the governor's cousin, said the checkpoint was new.", []),
    ],
)
def test_public_figure(nlp_engine, text: str, expected: list[str]) -> None:
    recognizer = PublicFigureRecognizer(gazetteer=GAZETTEER)
    assert spans(recognizer, nlp_engine, text, PUBLIC_FIGURE) == expected


def test_allow_list_only_marks_public(nlp_engine) -> None:
    recognizer = PublicFigureRecognizer(gazetteer=GAZETTEER, allow_list=["Samer Khalil"])
    text = "Samer Khalil said the road was open."
    assert spans(recognizer, nlp_engine, text, PUBLIC_FIGURE) == ["Samer Khalil"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("“We are hungry,” said Youssef Karam, 34.", ["Youssef Karam"]),
        ("Queues formed in the Bab al-Qasr neighbourhood and in Jabal Nour.", []),
        ("Fighters of Jaish al-Fateh took the hill.", []),
        ("Umm Walid said her son had not come back.", ["Umm Walid"]),
        ("Shelling hit the Tal Hamra and Kafr Sousa districts on Sunday.", []),
        ("Among the dead was a boy.", []),
    ],
)
def test_person_candidates(nlp_engine, text: str, expected: list[str]) -> None:
    assert spans(PersonRecognizer(), nlp_engine, text, PERSON) == expected
