"""ProtectedSourceRecognizer: roster names in any transliteration, surnames, given names, handles."""

from __future__ import annotations

import random
import time

import pytest

from recognizers.entities import PROTECTED_SOURCE
from recognizers.name_keys import name_keys, token_keys
from recognizers.protected_source_recognizer import (
    _RUN_RE,
    REASON_FULL,
    REASON_GIVEN,
    REASON_HANDLE,
    REASON_SINGLE_ALIAS,
    REASON_SURNAME,
    ProtectedSourceRecognizer,
    _compose_keys,
    _units,
)
from service.pipeline.roster import Roster

KEY = b"test-roster-key-0123456789abcdef"
S = PROTECTED_SOURCE

PLAIN = [
    {"name": "Tariq al-Bazzaz", "aliases": ["Abu Warda", "@tariq_frontline"]},
    {"name": "Mohammad Alqudsi"},
    {"name": "Taras Hrybenko"},
    {"name": "Yusuf Dardari", "aliases": ["Rumaisa"]},
    {"name": "Faisal Nabil az-Zubaidi"},
    {"name": "Idris Mardini"},
]
NAMES = ["tariq", "bazzaz", "warda", "alqudsi", "hrybenko", "dardari", "rumaisa", "zubaidi"]


@pytest.fixture(scope="module")
def roster() -> Roster:
    roster = Roster.empty(KEY)
    roster.add_entries(PLAIN)
    return roster


@pytest.fixture(scope="module")
def recognizer(roster: Roster) -> ProtectedSourceRecognizer:
    return ProtectedSourceRecognizer(roster)


def spans(recognizer: ProtectedSourceRecognizer, text: str) -> list[tuple[int, int, str]]:
    results = recognizer.analyze(text, [PROTECTED_SOURCE], None)
    return sorted((r.start, r.end, r.entity_type) for r in results)


def find(text: str, *needles: str) -> list[tuple[int, int, str]]:
    """Spans of each needle; "2:Tariq" means the second occurrence."""
    out = []
    for needle in needles:
        nth, _, word = needle.rpartition(":") if needle[:1].isdigit() else ("1", "", needle)
        start = -1
        for _ in range(int(nth)):
            start = text.index(word, start + 1)
        out.append((start, start + len(word), S))
    return sorted(out)


CASES: list[tuple[str, list[str]]] = [
    # full names, transliterated
    ("Tareq el-Bazaz said the shelling began at dawn.", ["Tareq el-Bazaz"]),
    ("Tarik Albazzaz crossed the river.", ["Tarik Albazzaz"]),
    ("Tariq a-Bazzaz and later Tariq ad-Bazzaz.", ["Tariq a-Bazzaz", "Tariq ad-Bazzaz"]),
    ("Tariq as-Bazzaz, Tariq ash-Bazaz.", ["Tariq as-Bazzaz", "Tariq ash-Bazaz"]),
    ("Muhammad al-Qudsi runs the bakery.", ["Muhammad al-Qudsi"]),
    ("According to Mohammed el-Qudsy, bread ran out.", ["Mohammed el-Qudsy"]),
    ("Yousef Dardary filmed the convoy.", ["Yousef Dardary"]),
    ("Taras Gribenko drove the ambulance.", ["Taras Gribenko"]),
    ("TARIQ AL-BAZZAZ WAS DETAINED", ["TARIQ AL-BAZZAZ"]),
    ("tariq al-bazzaz in lower case is still the name.", ["tariq al-bazzaz"]),
    ("Tariq al-Bazzaz’s brother was released.", ["Tariq al-Bazzaz"]),
    ("Tariq al-Bazzaz's car was seized.", ["Tariq al-Bazzaz"]),
    (
        "Idris Mardini, Edris Mardiny and Idriss Mardinni.",
        ["Idris Mardini", "Edris Mardiny", "Idriss Mardinni"],
    ),
    ("Sheikh Tariq al-Bazzaz spoke.", ["Tariq al-Bazzaz"]),
    ("As Tariq al-Bazzaz put it, nobody slept.", ["Tariq al-Bazzaz"]),
    ("Yesterday Tariq al-Bazzaz fled north.", ["Tariq al-Bazzaz"]),
    ("In Raqqa Tariq al-Bazzaz hid.", ["Tariq al-Bazzaz"]),
    ("The reporter Tariq\nal-Bazzaz, wrapped across lines.", ["Tariq\nal-Bazzaz"]),
    # single-word aliases and kunyas identify on their own
    ("Abou Warda sent the video.", ["Abou Warda"]),
    ("Rumaisa wrote back.", ["Rumaisa"]),
    # surname-only mentions
    ("Bazzaz’s house was searched.", ["Bazzaz"]),
    ("Soldiers asked for al-Bazaz by name.", ["al-Bazaz"]),
    ("Neighbours say Hrybenko left; Gribenko's car stayed.", ["Hrybenko", "Gribenko"]),
    ("Mardini did not answer.", ["Mardini"]),
    ("Alexander Gribenko", ["Gribenko"]),
    # given names only count when the entry is named elsewhere in the draft
    ("Tariq said nothing.", []),
    ("Tariq Haddad spoke to us.", []),
    ("Tariq al-Bazzaz left. Later Tariq returned.", ["Tariq al-Bazzaz", "2:Tariq"]),
    ("Tariq returned. Bazzaz had warned him.", ["Tariq", "Bazzaz"]),
    ("Tariq posts as @tariq_frontline.", ["Tariq", "@tariq_frontline"]),
    ("Yusuf called. Dardari was out.", ["Yusuf", "Dardari"]),
    ("Yusuf called. Mardini was out.", ["Mardini"]),
    # given + surname side by side become one span
    ("Faisal az-Zubaidi spoke.", ["Faisal az-Zubaidi"]),
    ("Faysal Al Zubaydi spoke.", ["Faysal Al Zubaydi"]),
    ("Faisal Nabil az-Zubaidi spoke.", ["Faisal Nabil az-Zubaidi"]),
    # handles
    ("Follow @Tariq_Frontline for updates.", ["@Tariq_Frontline"]),
    ("See https://t.me/tariq_frontline now.", ["https://t.me/tariq_frontline"]),
    ("Mail tariq_frontline@example.org instead.", []),
    ("@other_account is someone else.", []),
    # not on the roster
    ("Mohammad Rahimi and Taras Shevchuk spoke.", []),
    ("The Bazaar reopened; Nor did the market close.", []),
]


@pytest.mark.parametrize(("text", "needles"), CASES)
def test_spans(recognizer: ProtectedSourceRecognizer, text: str, needles: list[str]) -> None:
    assert spans(recognizer, text) == find(text, *needles)


def test_scores_reasons_and_roster_id(
    recognizer: ProtectedSourceRecognizer, roster: Roster
) -> None:
    text = (
        "Tareq el-Bazaz met Bazzaz's cousin. Tariq laughed. @tariq_frontline posted. "
        "Rumaisa agreed."
    )
    tariq = roster.match_full(name_keys("Tariq al-Bazzaz"))
    yusuf = roster.match_full(name_keys("Yusuf Dardari"))
    got = {
        text[r.start : r.end]: (
            r.score,
            r.recognition_metadata["sg_reasons"],
            r.recognition_metadata["sg_roster_id"],
        )
        for r in recognizer.analyze(text, None, None)
    }
    assert got == {
        "Tareq el-Bazaz": (1.0, [REASON_FULL], tariq),
        "Bazzaz": (0.9, [REASON_SURNAME], tariq),
        "Tariq": (0.85, [REASON_GIVEN], tariq),
        "@tariq_frontline": (1.0, [REASON_HANDLE], tariq),
        "Rumaisa": (1.0, [REASON_SINGLE_ALIAS], yusuf),
    }
    for result in recognizer.analyze(text, None, None):
        meta = result.recognition_metadata
        assert meta["recognizer_name"] == recognizer.name
        assert meta["recognizer_identifier"] == recognizer.id
        for reason in meta["sg_reasons"]:
            assert not any(name in reason.lower() for name in NAMES)


def test_merged_span_keeps_both_reasons(recognizer: ProtectedSourceRecognizer) -> None:
    [result] = recognizer.analyze("Faisal az-Zubaidi spoke.", None, None)
    assert result.score == 0.9
    assert sorted(result.recognition_metadata["sg_reasons"]) == sorted(
        [REASON_SURNAME, REASON_GIVEN]
    )


def test_empty_roster_and_entity_filter(recognizer: ProtectedSourceRecognizer) -> None:
    assert ProtectedSourceRecognizer(Roster.empty()).analyze("Tariq al-Bazzaz", None, None) == []
    assert recognizer.analyze("Tariq al-Bazzaz", ["PERSON"], None) == []
    assert recognizer.analyze("", None, None) == []


def test_roster_can_be_swapped(roster: Roster) -> None:
    recognizer = ProtectedSourceRecognizer(Roster.empty())
    recognizer.roster = roster
    assert spans(recognizer, "Idris Mardini") == [(0, 13, S)]


SUBRUN_TEXTS = [
    "Abd al-Rahman ibn Khalid Al Zubaydi",
    "Sheikh Umm Faris bint Saleh Alhalabi",
    "Dr Tariq Abu Warda el-Bazaz Junior",
    "Oleksandr Hrytsenko-Gritsenko O'Hara Ma'arri",
    "Yesterday The Red Crescent Al Qudsi",
]


@pytest.mark.parametrize("text", SUBRUN_TEXTS)
def test_composed_keys_equal_name_keys(text: str) -> None:
    """The recognizer composes sub-run keys from token keys; they must equal ``name_keys``."""
    for run in _RUN_RE.finditer(text):
        units = _units(text, run.start(), run.end())
        for i in range(len(units)):
            for j in range(i, len(units)):
                sub = text[units[i].start : units[j].end]
                parts = [sorted(token_keys(p)) for u in units[i : j + 1] for p in u.parts]
                assert _compose_keys(parts) == name_keys(sub)


def test_long_draft_is_fast(recognizer: ProtectedSourceRecognizer) -> None:
    rng = random.Random(7)
    capitalized = "Damascus Aleppo United Nations Security Council Red Crescent Ahmed Omar".split()
    lower = "the of and said that in a was to reported killed shelling near market".split()
    words = [
        rng.choice(capitalized) if rng.random() < 0.25 else rng.choice(lower) for _ in range(50_000)
    ]
    words[25_000:25_002] = ["Tareq", "el-Bazaz"]
    text = " ".join(words)
    started = time.perf_counter()
    results = recognizer.analyze(text, None, None)
    elapsed = time.perf_counter() - started
    assert [text[r.start : r.end] for r in results] == ["Tareq el-Bazaz"]
    assert elapsed < 10, f"50,000 words took {elapsed:.1f}s"
