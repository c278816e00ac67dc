"""Issue 13, classes 1 and 2: people the engine missed, and names replaced only in part.

Every name here is invented. The engine runs without the public-figure gazetteer, so each row
tests a general mechanism: person grammar that a word list must never veto (an honorific, an age,
a relative, a role, the object of a detention verb), names named together with a person, the
canonical reading (capitals, invisible characters, look-alike letters, written-out URLs), and the
strict policy on judgment-style legal text.
"""

from __future__ import annotations

import dataclasses
import re

import pytest

from recognizers.entities import PERSON_TYPES, PSEUDONYM, PUBLIC_FIGURE
from recognizers.person_vetoes import (
    AGE,
    HONORIFIC,
    KINSHIP,
    PERSON_OBJECT,
    SPEECH_AFTER,
    RunFacts,
    non_person_reason,
)


def _left(sanitized: str, words: list[str]) -> list[str]:
    """The words of the names still in the sanitized text (whole words, any case)."""
    return [
        w
        for name in words
        for w in name.split()
        if re.search(rf"(?<!\w){re.escape(w)}(?!\w)", sanitized, re.IGNORECASE)
    ]


def _assert_replaced(engine, text: str, names: list[str], policy: str = "publish") -> None:  # type: ignore[no-untyped-def]
    result = engine.sanitize(text, policy=policy)
    assert _left(result.sanitized_text, names) == [], result.sanitized_text
    persons = [f for f in result.findings if f.entity_type in PERSON_TYPES]
    assert persons, "no person found"
    for f in persons:
        assert f.reasons and f.confidence is not None
        assert f.entity_type not in (PUBLIC_FIGURE, PSEUDONYM)
        if f.confidence < 0.7:
            assert f.review is True  # an uncertain person is replaced and shown, never kept


# -- a word list never vetoes person evidence ------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("Ansar, 34, a nurse, said the ward was full.", ["Ansar"]),
        ("Ansar Nouri, a nurse, said the ward was full.", ["Ansar Nouri"]),
        ("Tal Amsel, 28, said the soldiers came at night.", ["Tal Amsel"]),
        ("Tahrir Qureshan, a teacher, was arrested.", ["Tahrir Qureshan"]),
        ("Park, 34, said the police beat her. Park's sister was also held.", ["Park"]),
        ("Ansar's son was taken at the checkpoint.", ["Ansar"]),
        ("Mr Fort was detained for two days.", ["Fort"]),
        ("Mr Saint said the guards beat him.", ["Saint"]),
        ("Dr Ain Karimov, a surgeon, said the ward was full.", ["Ain Karimov"]),
        ("Ms Beit said she was questioned.", ["Beit"]),
        ("Mr Tahrir Saloumi said the guards beat him.", ["Tahrir Saloumi"]),
        ("Nurse Ansar Saloumi said the ward was full.", ["Ansar Saloumi"]),
        ("Mrs Jane Field, a teacher, said the school was closed.", ["Jane Field"]),
        ("Mr Lee Camp told us the police beat him.", ["Lee Camp"]),
        ("We received a message from Karam Dabbour, a resident of the town.", ["Karam Dabbour"]),
        ("The video came from Ghiyath, 34, a media activist.", ["Ghiyath"]),
        ("Ghiyath's school was bombed. Ghiyath, 12, survived.", ["Ghiyath"]),
        ("Ghiyath (34) said the flour ran out.", ["Ghiyath"]),
        ("Ghiyath — 34 — said the flour ran out.", ["Ghiyath"]),
        ("Yulka's husband, Andron, is serving eight years.", ["Yulka", "Andron"]),
    ],
)
def test_person_grammar_outweighs_place_words(bare_engine, text, names) -> None:
    _assert_replaced(bare_engine, text, names)


# -- after an honorific every word is the name -----------------------------------------------------
@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("Mr Can Sivrikaya, 40, was beaten in custody.", ["Can Sivrikaya"]),
        ("Ms May Qabbani said she had been followed.", ["May Qabbani"]),
        ("According to the applicant, the officer, Mr P., hit him. Mr P. denied it.", ["P."]),
        ("Ms D. told the court she had been beaten.", ["D."]),
    ],
)
def test_the_words_after_an_honorific_are_the_name(bare_engine, text, names) -> None:
    _assert_replaced(bare_engine, text, names, policy="strict")


def test_initials_after_a_one_letter_honorific_are_no_name(bare_engine) -> None:
    text = "Trucks left the U.S. base at dawn, said Karam Dabbour."
    assert "U.S. base" in bare_engine.sanitize(text).sanitized_text


# -- names the sentence puts beside a person ---------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("Ghiyath and his brother Wasif were taken at the checkpoint.", ["Ghiyath", "Wasif"]),
        (
            "Residents Ghiyath Kabbour and Wasif Darwashi said the bakery was hit.",
            ["Ghiyath Kabbour", "Wasif Darwashi"],
        ),
        (
            "Police detained Ihor Zhovtak and Yulka Shyrma, who work for a local site.",
            ["Ihor Zhovtak", "Yulka Shyrma"],
        ),
        (
            "Among those detained were photographers Ihor Zhovtak and Yulka Shyrma.",
            ["Ihor Zhovtak", "Yulka Shyrma"],
        ),
        (
            "Police detained Ihor Zhovtak, 27, and his colleague Yulka.",
            ["Ihor Zhovtak", "Yulka"],
        ),
        ("Photographer Ihor Zhovtak (Ігор Жовтак) was detained on Monday.", ["Ihor Zhovtak"]),
        (
            "Political prisoner Ihor Zhovtak — known as “Zhovchyk” — was moved.",
            ["Ihor Zhovtak", "Zhovchyk"],
        ),
        ("Authorities detained Yulka Shyrma, who works for the site.", ["Yulka Shyrma"]),
        ("Sorizo has been held in the central prison since 2020, his mother said.", ["Sorizo"]),
        ("The arrest of Andron Pelekh was condemned by his union.", ["Andron Pelekh"]),
        ("After the killing of Ghiyath, his family fled.", ["Ghiyath"]),
    ],
)
def test_people_named_together_or_by_grammar_are_found(bare_engine, text, names) -> None:
    _assert_replaced(bare_engine, text, names)


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        ("From Raqqa, a resident told us the bridge was down.", "Raqqa"),
        ("Gunmen attacked Al-Hamra and Ayn Tiba, two villages near the border.", "Ayn Tiba"),
        ("Gaza's children are starving, Rima Haddoub said.", "Gaza"),
        ("The detention of Syrians in Lebanon rose, Rima Haddoub said.", "Syrians"),
        ("Police detained Kurds and Armenians at the border, Rima Haddoub said.", "Kurds"),
        ("Syrians said the camp was cold, Rima Haddoub said.", "Syrians"),
        ("Rima Haddoub said the Transcripts office and the Kurds' party were closed.", "Kurds"),
    ],
)
def test_places_and_groups_stay_out_of_the_people(bare_engine, text, kept) -> None:
    assert kept in bare_engine.sanitize(text).sanitized_text


def test_a_plural_role_word_titles_names_not_an_organisation(bare_engine) -> None:
    text = "Reporters Without Borders (RSF) is alarmed by the arrests of journalists."
    result = bare_engine.sanitize(text)
    assert not [f for f in result.findings if text[f.start : f.end] == "Borders"]


# -- a replacement covers the whole name, every mention ------------------------------------------------
@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("Resident Karam Abdul Rahmani said the bakery was hit.", ["Karam Abdul Rahmani"]),
        ("Resident Maria de la Cruzado said the bakery was hit.", ["Maria Cruzado"]),
        ("Resident **Karam** Dabbour said the bakery was hit.", ["Karam Dabbour"]),
        ("Resident Karam “Abu Ali” Dabbour said the bakery was hit.", ["Karam Dabbour"]),
        ("Citizen journalist Karam\nDabbour filmed the strike.", ["Karam Dabbour"]),
        ("Media activist Omar Al-Halbouni filmed it. Omar's house was hit.", ["Omar Al-Halbouni"]),
        (
            "Activist Karam Dabbour was taken. His brother Tarek Dabbour fled.",
            ["Karam Dabbour", "Tarek"],
        ),
        (
            "Photographer Ihor Zhovtak was detained. Read more at "
            "https://example.org/news/ihor-zhovtak-detained",
            ["Ihor Zhovtak"],
        ),
        (
            "Political prisoner Ihor Zhovtak was moved. Zhovtak-supporters protested outside.",
            ["Ihor Zhovtak"],
        ),
        ("Political prisoner Ihor Zhovtak was moved. A pro-Zhovtak rally followed.", ["Zhovtak"]),
        (
            "Political prisoner Ihor Zhovtak was moved. The Zhovtaks have not seen him.",
            ["Zhovtaks"],
        ),
        ("Police detained the photographer (Ihor Zhovtak) on Monday.", ["Ihor Zhovtak"]),
        ("Political prisoner Juan-Carlos Ordoñero was moved. Juan-Carlos is 50.", ["Juan-Carlos"]),
    ],
)
def test_no_word_of_a_replaced_name_is_left(bare_engine, text, names) -> None:
    _assert_replaced(bare_engine, text, names)


# -- the canonical reading: capitals, invisible characters, look-alike letters -------------------------
@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("KARAM DABBOUR, A RESIDENT, SAID THE WATER WAS CUT.", ["Karam Dabbour"]),
        ("Resident KARAM DABBOUR said the water was cut.", ["Karam Dabbour"]),
        ("Ka\u200bram Dab\u200bbour, a resident, said the water was cut.", ["Kar", "am", "Dab"]),
        ("Kar\u0430m Dabbour, a resident, said the water was cut.", ["Kar\u0430m", "Dabbour"]),
        ("Karam Dab\u00adbour, a resident, said the water was cut.", ["Karam", "Dab"]),
        ("karam dabbour, a resident, said the water was cut.", ["Karam Dabbour"]),
        (
            "Citizen journalist Lina Farhoud filmed it. LINA FARHOUD was later detained.",
            ["Lina Farhoud"],
        ),
    ],
)
def test_case_and_script_tricks_do_not_hide_a_name(bare_engine, text, names) -> None:
    _assert_replaced(bare_engine, text, names)


# -- strict policy on judgment-style legal text ----------------------------------------------------
@pytest.mark.parametrize(
    ("text", "names"),
    [
        (
            "The case originated in an application against the Republic of Poland lodged with "
            "the Court by a Polish national, Mr Jarek Wolnicki (“the applicant”), on 3 May 2001. "
            "The applicant was represented by Ms Ewa Zielarska, a lawyer practising in Gdansk. "
            "The Polish Government were represented by their Agent, Mr Tomek Lisowiec.",
            ["Jarek Wolnicki", "Ewa Zielarska", "Tomek Lisowiec"],
        ),
        (
            "The applicant, Mr Hüseyin Yavuzcan, was born in 1970 and lives in Diyarbakır. On "
            "5 May 2000 the applicant's brother, Mr Tarık Demirkol, was taken into custody by "
            "gendarmes. Mr Yavuzcan alleged that his brother had been ill-treated.",
            ["Hüseyin Yavuzcan", "Tarık Demirkol"],
        ),
        (
            "The applicant, Ms A.B., was born in 1981 and lives in Vilnius. The applicant's "
            "wife, Mrs Rūta Kairienė, lodged a complaint with the prosecutor.",
            ["A.B.", "Rūta Kairienė"],
        ),
        (
            "The applicant, Mr K.Ö. Akdoğ, is a Turkish national. Mr Akdoğ was detained in "
            "Van. His lawyer, Mr Levent Kayacan, complained to the Court.",
            ["K.Ö. Akdoğ", "Levent Kayacan"],
        ),
        (
            "The applicants, Mr Andreas Kyprianides and Mrs Eleni Kyprianidou, are Cypriot "
            "nationals who were born in 1950 and live in Nicosia. Mr Kyprianides is a lawyer.",
            ["Andreas Kyprianides", "Eleni Kyprianidou"],
        ),
        (
            "Mr Robert Hillard, a farmer, and Mrs Rose Parkin, the applicant's neighbour, "
            "testified that they had heard screams. Mr Can Sivrikaya, the first applicant's "
            "son, was born in 1990.",
            ["Robert Hillard", "Rose Parkin", "Can Sivrikaya"],
        ),
    ],
)
def test_strict_replaces_every_person_of_a_judgment(bare_engine, text, names) -> None:
    result = bare_engine.sanitize(text, policy="strict")
    assert _left(result.sanitized_text, names) == [], result.sanitized_text
    if "the Court" in text:
        assert "the Court" in result.sanitized_text


# -- the vetoes as pure functions: which evidence outweighs which place signal ------------------------
_QUIET = RunFacts(
    evidence=frozenset(),
    multiword=False,
    from_ner=False,
    credit=False,
    titled=False,
    label=None,
    possessive=False,
    followed_by_place_word=False,
    possessive_after=False,
    single_place_word=False,
    contains_place_word=False,
    place_prefix=False,
    all_capitals=False,
    after_strong_place_preposition=False,
    after_place_preposition=False,
    after_the=False,
    common_word=False,
    used_as_place=False,
    closed_role=False,
)


@pytest.mark.parametrize(
    "signal",
    [
        "single_place_word",
        "place_prefix",
        "after_place_preposition",
        "common_word",
        "used_as_place",
    ],
)
@pytest.mark.parametrize("evidence", [HONORIFIC, AGE, KINSHIP, PERSON_OBJECT])
def test_firm_person_grammar_outweighs_every_word_list_signal(signal, evidence) -> None:
    facts = dataclasses.replace(_QUIET, **{signal: True})
    assert non_person_reason(facts) is not None
    assert non_person_reason(dataclasses.replace(facts, evidence=frozenset({evidence}))) is None


@pytest.mark.parametrize("signal", ["place_prefix", "used_as_place", "after_place_preposition"])
def test_a_speech_verb_alone_does_not_outweigh_a_place_signal(signal) -> None:
    facts = dataclasses.replace(_QUIET, evidence=frozenset({SPEECH_AFTER}), **{signal: True})
    assert non_person_reason(facts) is not None


def test_a_role_noun_opening_the_next_clause_is_not_an_appositive() -> None:
    facts = dataclasses.replace(_QUIET, after_place_preposition=True)
    role = frozenset({"role described after the name"})
    assert non_person_reason(dataclasses.replace(facts, evidence=role)) is not None
    assert non_person_reason(dataclasses.replace(facts, evidence=role, closed_role=True)) is None


# -- round 2: lone names the model calls places, killings, other scripts -------------------------
@pytest.mark.parametrize(
    ("text", "names"),
    [
        # the subject of a verb only people do
        ("One morning in May, Shirin heard gunfire near the school.", ["Shirin"]),
        ("Later that night Tamsin quietly wept in the kitchen.", ["Tamsin"]),
        ("When the shelling began, Oyelaran screamed for her son.", ["Oyelaran"]),
        ("Dilnoza woke to the sound of trucks in the street.", ["Dilnoza"]),
        # the person spoken to
        ("“Leave before dawn,” the commander told Marwenna.", ["Marwenna"]),
        ("The officer said to Marivonne that the road was closed.", ["Marivonne"]),
        ("A guard spoke to Ferenc through the bars of the cell.", ["Ferenc"]),
        # a form's name field
        ("Name: Teodor Valkanov\n\nAge: 34", ["Teodor Valkanov"]),
        ("**Name:** Aurelio Brancati\n**Town:** north of the river", ["Aurelio Brancati"]),
        ("Full name: Isaura Menck", ["Isaura Menck"]),
        # a role after the name with a dotted abbreviation, fighters and veterans
        ("Brennick, a former U.S. army medic, arrived in May.", ["Brennick"]),
        ("Corvin, a retired U.K. infantry soldier from Leeds, joined them.", ["Corvin"]),
        ("He shared a meal with rebel fighter Tarek Soudani in the village.", ["Tarek Soudani"]),
        ("Ilyas Varga, a veteran of two wars, said the town was quiet.", ["Ilyas Varga"]),
        # a person's own relatives or body beside the name
        ("Nadia and her husband fled the city in March.", ["Nadia"]),
        ("Oyuna, 40, with her two sons, waited at the checkpoint.", ["Oyuna"]),
        ("Tears ran down Amalka's cheeks as the list was read.", ["Amalka"]),
        ("Yusufo's hands shook as he opened the letter.", ["Yusufo"]),
        ("Mourners carried Ilkinur's body to the cemetery at noon.", ["Ilkinur"]),
        # a photo caption's position words
        ("Ostrander, center, with Bellamy, left, and others at the meeting.", ["Ostrander"]),
        ("Wissam Terek (right) and Odalys Ferrante (left) in the camp.", ["Wissam Terek"]),
        ("Qorvatin, second from left, at a checkpoint outside the town.", ["Qorvatin"]),
    ],
)
def test_lone_names_found_by_person_grammar(bare_engine, text, names) -> None:
    _assert_replaced(bare_engine, text, names)


@pytest.mark.parametrize(
    "text",
    [
        "The militia executed Dr Serwan Hadiq Abdel Qorim, director of Al-Noor Hospital, on Monday.",
        "Gunmen killed Mr Oduya Brannock, head of the town's clinic, at dawn.",
        "Residents mourned the murder of Lamis Odeh, a member of the Bakr Party.",
    ],
)
def test_a_person_killed_is_at_risk_whatever_the_job_title(bare_engine, text) -> None:
    result = bare_engine.sanitize(text)
    persons = [f for f in result.findings if f.entity_type in PERSON_TYPES]
    assert persons and all(f.entity_type != PUBLIC_FIGURE for f in persons), result.findings
    assert not re.search(r"Serwan|Oduya|Brannock|Lamis|Odeh", result.sanitized_text)


@pytest.mark.parametrize(
    ("text", "hidden"),
    [
        ("Police ordered the deletion of Wen Lihua (文丽华)’s account.", "文丽华"),
        ("Farid Qassemi (فريد قاسمي), a teacher, said he was beaten.", "فريد"),
        ("The activist Yevdokha Dremluha (Євдоха Дремлюга) was detained.", "Євдоха"),
    ],
)
def test_a_name_repeated_in_another_script_is_replaced_too(bare_engine, text, hidden) -> None:
    assert hidden not in bare_engine.sanitize(text).sanitized_text


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        ("Washington asked Beijing to release the files, Rima Haddoub said.", "Beijing"),
        ("“We are leaving,” Rima Haddoub told Reuters.", "Reuters"),
        ("Rebel frontlines crumbled near Aleppo, Rima Haddoub said.", "Aleppo"),
        (
            "Jaish Umar, a Baluch militant group, claimed the attack, Rima Haddoub said.",
            "Jaish Umar",
        ),
        ("Kurds fled the town, Rima Haddoub said.", "Kurds"),
        ("Palestinians wept at the gate, Rima Haddoub said.", "Palestinians"),
        ("Russia recalled its ambassador, Rima Haddoub said.", "Russia"),
        ("Ukraine and its allies met in Ramstein, Rima Haddoub said.", "Ukraine"),
    ],
)
def test_person_grammar_of_round_two_leaves_places_alone(bare_engine, text, kept) -> None:
    assert kept in bare_engine.sanitize(text).sanitized_text
