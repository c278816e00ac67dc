"""The archive's roster pass: keyed name keys of token n-grams against the roster, no model.

Invented names only. The table says, per text, which spans the pass reports; the property test
checks it agrees with the ProtectedSourceRecognizer on every whole-name mention.
"""

from __future__ import annotations

import pytest

from bench.archive_corpus import generate
from recognizers.protected_source_recognizer import ProtectedSourceRecognizer
from service.archive.roster_pass import RosterIndex
from service.pipeline.roster import Roster, build_roster

KEY = b"archive-test-roster-key-0123456789"
PLAIN = [
    {"name": "Karim al-Sabbagh", "aliases": ["Abu Layth", "@karim_reports"]},
    {"name": "Zarmina Odhiambo Velez"},
    {"name": "Teodor Vrabenko"},
]


@pytest.fixture(scope="module")
def index() -> RosterIndex:
    return RosterIndex(Roster.from_document(build_roster(PLAIN, KEY), KEY))


def found(index: RosterIndex, text: str) -> list[str]:
    return [text[h.start : h.end] for h in index.scan(text)[1]]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Kareem as-Sabagh was seen.", ["Kareem as-Sabagh"]),
        ("the caption read karim el sabbagh", ["karim el sabbagh"]),
        ("KARIM AL-SABBAGH DETAINED", ["KARIM AL-SABBAGH"]),
        ("Karim Alsabbagh spoke.", ["Karim Alsabbagh"]),
        ("Karím al-Sabbágh spoke.", ["Karím al-Sabbágh"]),
        ("Ka\u200drim al-Sabbagh spoke.", ["Ka\u200drim al-Sabbagh"]),
        ("We met Karim al-\nSabbagh there.", ["Karim al-\nSabbagh"]),
        ("Karim al-Sabbagh’s brother", ["Karim al-Sabbagh"]),
        ("'Karim al-Sabbagh' was the caption", ["Karim al-Sabbagh"]),
        ("Sabbagh said the road was cut.", ["Sabbagh"]),
        ("We met Abu Layth at dawn.", ["Abu Layth"]),
        ("follow @karim_reports for updates", ["@karim_reports"]),
        ("Karim said. Later Sabbagh left.", ["Karim", "Sabbagh"]),
        ("Zarmina Odhiambo Velez filmed it", ["Zarmina Odhiambo Velez"]),
        ("Zarmeena Odhyambo Vellez filmed it", ["Zarmeena Odhyambo Vellez"]),
        ("Teodor Vrabenko and Karim al-Sabbagh", ["Teodor Vrabenko", "Karim al-Sabbagh"]),
        # not a mention of anyone on the roster
        ("Karim said nothing at all.", []),  # a given name alone, entry not named
        ("the sabbagh of the village", []),  # a lower-case surname alone is an ordinary word
        ("Zarmina left early.", []),
        # a comma or a paragraph break ends a name: two mentions (the surname confirms Karim)
        ("Karim, Sabbagh", ["Karim", "Sabbagh"]),
        ("Karim\n\nSabbagh", ["Karim", "Sabbagh"]),
        ("Nothing to see here.", []),
        ("", []),
    ],
)
def test_roster_pass_table(index: RosterIndex, text: str, expected: list[str]) -> None:
    assert found(index, text) == expected


def test_hits_carry_the_entry_id_and_reason(index: RosterIndex) -> None:
    _, hits = index.scan("Kareem as-Sabagh was seen; Vrabenko too.")
    assert [h.identity.startswith("r-") for h in hits] == [True, True]
    assert hits[0].identity != hits[1].identity
    assert "full name" in hits[0].reasons[0]
    assert hits[1].reasons == ["roster surname"]


def test_word_count_and_cache_reuse(index: RosterIndex) -> None:
    words, hits = index.scan("one two three four five")
    assert (words, hits) == (5, [])
    again = index.scan("one two three four five")
    assert again == (5, [])


@pytest.mark.slow
def test_agrees_with_the_recognizer_on_a_generated_archive() -> None:
    """Every whole-name match of the recognizer is a roster-pass hit on the same span."""
    archive = generate(documents=120, roster_size=12, plant_every=2)
    roster = Roster.from_document(build_roster(archive.plain_roster, KEY), KEY)
    index = RosterIndex(roster)
    recognizer = ProtectedSourceRecognizer(roster)
    for _, text in archive.documents:
        ours = {(h.start, h.end, h.identity) for h in index.scan(text)[1]}
        for r in recognizer.analyze(text, ["PROTECTED_SOURCE"]):
            meta = r.recognition_metadata
            assert (r.start, r.end, meta["sg_roster_id"]) in ours
