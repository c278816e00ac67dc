"""Public figures named by a credit line or an organisation they speak for (mined round 2).

Every name is invented; the engine runs without the gazetteer. A credit classifies only someone
who appears nowhere else (``service.pipeline.identities``), so the body never names the credited
people here; an affiliation after the name counts only for someone who speaks, and a place after
"of" is a residence, never an organisation. At-risk evidence always wins.
"""

from __future__ import annotations

import re

import pytest

from recognizers.entities import PUBLIC_FIGURE
from tests.conftest import person_roles

KEPT = [
    # a byline on the line after a heading (the canonical text joins the two lines)
    (
        "Notes from a border town\nBy Tessa Marlow, Programme Manager, Aid Network Europe.",
        ["Tessa Marlow"],
    ),
    ("By: Tessa Marlow\n\nHundreds of families fled the town overnight.", ["Tessa Marlow"]),
    # the second name of a credit line
    (
        "By Tessa Marlow and Piet Van Osch\n\nON THE BORDER — For weeks she had no idea where he was.",
        ["Tessa Marlow", "Piet Van Osch"],
    ),
    ("Reporting by Tessa Marlow and Piet Van Osch; Editing by Lars Dunne", ["Piet Van Osch"]),
    ("Words by Lars Dunne. Photos: Tessa Marlow, Piet Van Osch", ["Piet Van Osch"]),
    (
        "This interview was conducted by Tessa Marlow and translated by Piet Van Osch.",
        ["Tessa Marlow", "Piet Van Osch"],
    ),
    ("A mother holds a picture of her sons. © UNICEF/Piet Van Osch", ["Piet Van Osch"]),
    ("Delegates at a press conference in Brussels. (AFP PHOTO/LARS DUNNE)", ["LARS DUNNE"]),
    (
        "INTERVIEW with K. (Conducted by Tessa Marlow in May 2015)\n\nWhere are you from?",
        ["Tessa Marlow"],
    ),
    ("Reporting By Sandra Okoye and Piet Van Osch, Editing by Lars Dunne", ["Piet Van Osch"]),
    ("Soldiers at the border crossing. (Reuters Photo/Lars Dunne)", ["Lars Dunne"]),
    # a signature line: the name alone at a line start with only a credit after it
    ("Soldiers at the border crossing.\nLars Dunne / Daily Courier", ["Lars Dunne"]),
    ("Lars Dunne, March 3, 2021\n\nThe shelling went on all night.", ["Lars Dunne"]),
    # a title whose own object stands before the name; initials after "the" are an acronym
    (
        "“It must be hard,” U.S. Ambassador to the U.N. Caroline Wardell said to the witness.",
        ["Caroline Wardell"],
    ),
    ("Ambassador to the E.U. Caroline Wardell said the talks had failed.", ["Caroline Wardell"]),
    (
        "United Nations High Commissioner for Refugees (UNHCR) Antonia Ferrano issued an appeal.",
        ["Antonia Ferrano"],
    ),
    ("Special Envoy for Yemen Antonia Ferrano arrived in Aden on Sunday.", ["Antonia Ferrano"]),
    (
        "The town fell on Monday, Karim Nasri, speaking for the rebel Liwa al-Haqq Brigades, said.",
        ["Karim Nasri"],
    ),
    ("Karim Nasri, speaking for the electoral commission, announced the results.", ["Karim Nasri"]),
    # a plural public title covers the names listed after it
    (
        "Foreign Ministers Anna Lindqvist and Pavel Rusu met in Geneva.",
        ["Anna Lindqvist", "Pavel Rusu"],
    ),
    (
        "Foreign Ministers Anna Lindqvist, Pavel Rusu and Omar Haddid met in Geneva.",
        ["Anna Lindqvist", "Pavel Rusu", "Omar Haddid"],
    ),
    # an organisation the speaker stands for
    ('"The arrests must stop," said Joren Vasic of Amnesty International.', ["Joren Vasic"]),
    (
        "“The arrests must stop,” Joren Vasic of Amnesty International told reporters.",
        ["Joren Vasic"],
    ),
    (
        "Joren Vasic of the Committee to Protect Journalists said the charges were baseless.",
        ["Joren Vasic"],
    ),
    ("“Release them,” said Amnesty International’s Joren Vasic.", ["Joren Vasic"]),
]

REPLACED = [
    ('"We are afraid," said Joren Vasic of Aleppo.', "Joren Vasic"),
    (
        "“We were tortured,” said Joren Vasic of the Free Syrian Army, who was held for a month.",
        "Joren Vasic",
    ),
    ("“We were beaten,” said Joren Vasic of the Free Syrian Army, a detainee.", "Joren Vasic"),
    (
        "“We hide every night,” said Joren Vasic of the Relief Committee, who asked that his "
        "family not be named for fear of reprisal.",
        "Joren Vasic",
    ),
    ("By the time the police came, Daniel Mercer had fled.", "Daniel Mercer"),
    ("Activists Anna Lindqvist and Pavel Rusu were detained on Monday.", "Pavel Rusu"),
    (
        "Foreign Ministers Anna Lindqvist and Pavel Rusu, who was detained last year, met in Geneva.",
        "Pavel Rusu",
    ),
    ("Community leaders Anna Lindqvist and Pavel Rusu said the army came at night.", "Pavel Rusu"),
    ("Karim Nasri, speaking for his family, said they were afraid.", "Karim Nasri"),
    ("Karim Nasri, speaking for the residents of the camp, said the water ran out.", "Karim Nasri"),
    ("Daniel Mercer, Aleppo\n\nThe shelling went on all night.", "Daniel Mercer"),
    (
        "Daniel Mercer / Daily Courier\n\nDaniel Mercer, a nurse, said she was afraid of arrest.",
        "Daniel Mercer",
    ),
    (
        "The head of the village council Halina Dzarova was detained at a checkpoint.",
        "Halina Dzarova",
    ),
    ("Spokesman for the family Halina Dzarova said they were afraid.", "Halina Dzarova"),
    (
        "A commander in his neighbourhood Halina Dzarova said the shelling was heavy.",
        "Halina Dzarova",
    ),
    ("The raid was conducted by police. Daniel Mercer, a nurse, was detained.", "Daniel Mercer"),
    ("He was arrested by Ilse Brandt and Daniel Mercer, two local activists.", "Daniel Mercer"),
    (
        "Photo: Tessa Marlow\n\nTessa Marlow, a nurse in the besieged town, said she was afraid.",
        "Tessa Marlow",
    ),
]


@pytest.mark.parametrize(("text", "names"), KEPT)
def test_a_credit_or_an_affiliation_keeps_the_name(
    bare_engine, text: str, names: list[str]
) -> None:
    result = bare_engine.sanitize(text)
    for name in names:
        assert name in result.sanitized_text, result.sanitized_text
        assert person_roles(result, text, name) <= {PUBLIC_FIGURE}, name


@pytest.mark.parametrize(("text", "name"), REPLACED)
def test_a_place_a_member_or_at_risk_evidence_is_replaced(
    bare_engine, text: str, name: str
) -> None:
    sanitized = bare_engine.sanitize(text).sanitized_text
    assert name not in sanitized, sanitized
    given = name.split()[0]
    assert not re.search(rf"(?<!\w){re.escape(given)}(?!\w)", sanitized), sanitized
