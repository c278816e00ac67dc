"""Anonymous sources, their quasi-identifiers and the jigsaw risk level.

Every sentence here is invented for these tests. The spaCy model is loaded once per session
(``nlp_engine`` in conftest.py).
"""

from __future__ import annotations

import time

import pytest
from presidio_analyzer import AnalyzerEngine, RecognizerRegistry, RecognizerResult

from recognizers.anonymous_source.details import jigsaw_risk
from recognizers.anonymous_source.patterns import find_cues
from recognizers.anonymous_source.recognizer import AnonymousSourceRecognizer
from recognizers.anonymous_source.vocabulary import ANONYMITY_CUE_PATTERNS
from recognizers.entities import ANONYMOUS_SOURCE, QUASI_IDENTIFIER


@pytest.fixture(scope="session")
def recognizer() -> AnonymousSourceRecognizer:
    return AnonymousSourceRecognizer()


@pytest.fixture()
def analyze(nlp_engine, recognizer):
    def run(text: str, entities: list[str] | None = None) -> list[RecognizerResult]:
        return recognizer.analyze(text, entities, nlp_engine.process_text(text))

    return run


def sources(results: list[RecognizerResult]) -> list[RecognizerResult]:
    return [r for r in results if r.entity_type == ANONYMOUS_SOURCE]


def quasi_of(results: list[RecognizerResult], text: str) -> set[tuple[str, str]]:
    return {
        (r.recognition_metadata["sg_kind"], text[r.start : r.end])
        for r in results
        if r.entity_type == QUASI_IDENTIFIER
    }


# ---------------------------------------------------------------------------------------------
# Sources, their spans, details and risk
# ---------------------------------------------------------------------------------------------

CASES = [
    pytest.param(
        "A 34-year-old pharmacist from the Karm al-Loz neighbourhood, whose husband serves in the "
        "4th Division, spoke on condition of anonymity.",
        "A 34-year-old pharmacist from the Karm al-Loz neighbourhood, whose husband serves in the "
        "4th Division, spoke on condition of anonymity",
        {
            ("age", "34-year-old"),
            ("job", "pharmacist"),
            ("place", "Karm al-Loz neighbourhood"),
            ("family", "husband serves in the 4th Division"),
        },
        "high",
        id="subject-with-relative-clause",
    ),
    pytest.param(
        "A shepherd from the village of Umm Batna said soldiers had taken his flock. He spoke on "
        "condition that he not be identified because his brother is in detention.",
        "A shepherd from the village of Umm Batna said soldiers had taken his flock. He spoke on "
        "condition that he not be identified",
        {("job", "shepherd"), ("place", "Umm Batna"), ("family", "his brother is in detention")},
        "high",
        id="pronoun-links-to-previous-sentence",
    ),
    pytest.param(
        "A tailor in Qudsaya who fled the shelling said the market was empty. The tailor, who is "
        "in his fifties, asked not to be named.",
        "A tailor in Qudsaya who fled the shelling said the market was empty. The tailor, who is "
        "in his fifties, asked not to be named",
        {("job", "tailor"), ("place", "Qudsaya"), ("age", "in his fifties")},
        "high",
        id="anaphoric-definite-links-back",
    ),
    pytest.param(
        "“We are counting the dead every morning,” said a volunteer with the civil defence in "
        "Sarmin, who requested anonymity.",
        "a volunteer with the civil defence in Sarmin, who requested anonymity",
        {
            ("job", "volunteer with the civil defence in Sarmin"),
            ("unit", "with the civil defence in Sarmin"),
            ("place", "Sarmin"),
        },
        "high",
        id="inverted-after-quote",
    ),
    pytest.param(
        "Speaking on condition of anonymity, a senior officer in an intelligence branch in Homs "
        "said the orders came from the capital.",
        "on condition of anonymity, a senior officer in an intelligence branch in Homs",
        {("job", "senior officer"), ("unit", "in an intelligence branch in Homs")},
        "medium",
        id="cue-before-subject-large-city-is-not-a-place",
    ),
    pytest.param(
        "A former interrogator at Branch 215, who left the service in 2019, told the commission "
        "anonymously that detainees were beaten daily.",
        "A former interrogator at Branch 215, who left the service in 2019, told the commission "
        "anonymously",
        {
            ("job", "former interrogator"),
            ("unit", "at Branch 215"),
            ("time", "left the service in 2019"),
        },
        "high",
        id="unit-and-time",
    ),
    pytest.param(
        "A taxi driver in Kabul, 38, said he was stopped at three checkpoints. Like other "
        "residents interviewed for this article, he asked not to be named.",
        "A taxi driver in Kabul, 38, said he was stopped at three checkpoints. Like other "
        "residents interviewed for this article, he asked not to be named",
        {("job", "taxi driver"), ("age", "38")},
        "medium",
        id="comma-age-and-capital-city",
    ),
    pytest.param(
        "KHARTOUM — A doctor at a clinic in the Kalakla district who spoke on condition of "
        "anonymity said supplies had run out.",
        "A doctor at a clinic in the Kalakla district who spoke on condition of anonymity",
        {
            ("job", "doctor"),
            ("unit", "at a clinic in the Kalakla district"),
            ("place", "Kalakla district"),
        },
        "high",
        id="dateline",
    ),
    pytest.param(
        "A shopkeeper from the Sarafiya quarter, whose cousin was arrested last month, said he had "
        "been held for nine days in March. He spoke on condition of anonymity.",
        "A shopkeeper from the Sarafiya quarter, whose cousin was arrested last month, said he had "
        "been held for nine days in March. He spoke on condition of anonymity",
        {
            ("job", "shopkeeper"),
            ("place", "Sarafiya quarter"),
            ("family", "cousin was arrested last month"),
            ("time", "held for nine days"),
        },
        "high",
        id="detention-in-reported-speech",
    ),
    pytest.param(
        "A cousin of the detained blogger, who spoke on condition of anonymity, said the family "
        "had not been told where he was held.",
        "A cousin of the detained blogger, who spoke on condition of anonymity",
        {("family", "cousin of the detained blogger")},
        "medium",
        id="relative-of-someone-identifiable",
    ),
    pytest.param(
        "<p>Two nurses at the only hospital in Kadugli said they had not been paid.</p>\n"
        "<p>They asked not to be identified because their husbands work for the state.</p>",
        "Two nurses at the only hospital in Kadugli said they had not been paid.</p>\n"
        "<p>They asked not to be identified",
        {
            ("job", "nurses"),
            ("unit", "at the only hospital in Kadugli"),
            ("place", "Kadugli"),
            ("family", "their husbands work for the state"),
        },
        "high",
        id="html-paragraphs",
    ),
    pytest.param(
        "The father of three boys, a 41-year-old plumber in Dar al-Salam whose brother serves in "
        "the police, spoke anonymously.",
        "The father of three boys, a 41-year-old plumber in Dar al-Salam whose brother serves in "
        "the police, spoke anonymously",
        {
            ("family", "father of three boys"),
            ("age", "41-year-old"),
            ("job", "plumber"),
            ("place", "Dar al-Salam"),
            ("family", "brother serves in the police"),
        },
        "high",
        id="definite-subject-with-indefinite-apposition",
    ),
    pytest.param(
        "The strikes continued overnight, a local official told the agency, requesting anonymity.",
        "a local official told the agency, requesting anonymity",
        {("job", "local official")},
        "medium",
        id="speaker-after-a-non-person-clause",
    ),
    pytest.param(
        "A Rohingya community leader in Camp 15 who did not wish to be named said rations were "
        "cut.",
        "A Rohingya community leader in Camp 15 who did not wish to be named",
        {("job", "Rohingya community leader"), ("place", "Camp 15")},
        "high",
        id="numbered-camp",
    ),
    pytest.param(
        "Another resident, who asked not to be named, said the market had reopened.",
        "Another resident, who asked not to be named",
        set(),
        "low",
        id="control-without-details",
    ),
    pytest.param(
        "A convoy of trucks arrived on Monday. She spoke on condition of anonymity.",
        "on condition of anonymity",
        set(),
        "low",
        id="no-description-span-is-cue",
    ),
]


@pytest.mark.parametrize(("text", "span", "details", "risk"), CASES)
def test_source_span_details_and_risk(analyze, text, span, details, risk):
    results = analyze(text)
    found = sources(results)
    assert len(found) == 1
    src = found[0]
    assert text[src.start : src.end] == span
    assert quasi_of(results, text) == details
    assert src.recognition_metadata["sg_risk"] == risk
    for r in results:
        assert r.recognition_metadata["sg_source"] == "anon-1"
        assert r.recognition_metadata["sg_risk"] == risk


@pytest.mark.parametrize(
    "text",
    [
        pytest.param(
            "Karim, who asked not to be named in full, said he had fled the city.", id="name"
        ),
        pytest.param(
            "Olena, a pseudonym, a 29-year-old nurse from Izium, spoke on condition of anonymity.",
            id="pseudonym",
        ),
        pytest.param(
            "Rustam Nazarov, a farmer, said the canal was dry. He asked that his surname not be "
            "published.",
            id="pronoun-refers-to-named-person",
        ),
        pytest.param(
            "“Nobody is safe,” said Ahmed, 32, a pharmacist who asked that his surname not be "
            "used.",
            id="apposition-of-a-named-person",
        ),
        pytest.param(
            "A spokesman for the Secretary-General said the convoy had been delayed.",
            id="generic-spokesman",
        ),
        pytest.param(
            "Sources on the ground said the bridge had been destroyed.", id="sources-on-the-ground"
        ),
        pytest.param("Residents fled for fear of reprisals.", id="fear-without-speaker"),
        pytest.param("The donor remained anonymous.", id="anonymous-donor"),
        pytest.param(
            "The court has granted anonymity to witnesses in the trial.", id="court-grants"
        ),
        pytest.param("The pamphlet was written by an anonymous author.", id="anonymous-author"),
    ],
)
def test_no_anonymous_source(analyze, text):
    assert analyze(text) == []


def test_two_sources_get_their_own_ids(analyze):
    text = (
        "A 45-year-old nurse at a clinic in Bab Tounes said the ward was full. She spoke on "
        "condition of anonymity. A second resident, who also asked not to be named, said the same."
    )
    results = analyze(text)
    found = sources(results)
    assert [r.recognition_metadata["sg_source"] for r in found] == ["anon-1", "anon-2"]
    assert [r.recognition_metadata["sg_risk"] for r in found] == ["high", "low"]
    assert {r.recognition_metadata["sg_source"] for r in results} == {"anon-1", "anon-2"}
    assert (
        text[found[1].start : found[1].end] == "A second resident, who also asked not to be named"
    )


def test_two_cues_for_one_source_merge(analyze):
    text = (
        "A baker in the Midan district, who requested anonymity, said flour had run out. He asked "
        "not to be named because his son is a conscript."
    )
    results = analyze(text)
    found = sources(results)
    assert len(found) == 1
    reasons = found[0].recognition_metadata["sg_reasons"]
    assert "anonymity cue 'requested anonymity'" in reasons
    assert "anonymity cue 'asked not to be named'" in reasons
    assert ("family", "his son is a conscript") in quasi_of(results, text)


# ---------------------------------------------------------------------------------------------
# Cue phrasings
# ---------------------------------------------------------------------------------------------

CUE_SENTENCES = [
    "A farmer in Kfar Zeita spoke on condition of anonymity.",
    "A farmer in Kfar Zeita spoke on the condition of anonymity.",
    "A farmer in Kfar Zeita spoke under condition of anonymity.",
    "A farmer in Kfar Zeita spoke on condition that he not be named.",
    "A farmer in Kfar Zeita spoke on condition that she not be identified.",
    "A farmer in Kfar Zeita spoke on condition that her name not be used.",
    "A farmer in Kfar Zeita spoke on condition that his name be withheld.",
    "A farmer in Kfar Zeita spoke on condition they remain anonymous.",
    "A farmer in Kfar Zeita spoke on the basis of anonymity.",
    "A farmer in Kfar Zeita, who requested anonymity, spoke by phone.",
    "A farmer in Kfar Zeita, who asked for anonymity, spoke by phone.",
    "A farmer in Kfar Zeita, who was granted anonymity, spoke by phone.",
    "A farmer in Kfar Zeita, who insisted on anonymity, spoke by phone.",
    "A farmer in Kfar Zeita spoke anonymously.",
    "A farmer in Kfar Zeita told the radio station anonymously that the crop failed.",
    "A farmer in Kfar Zeita, who asked not to be named, spoke by phone.",
    "A farmer in Kfar Zeita, who asked not to be identified, spoke by phone.",
    "A farmer in Kfar Zeita asked us not to name him.",
    "A farmer in Kfar Zeita asked that his name be withheld.",
    "A farmer in Kfar Zeita asked that her name not be published.",
    "A farmer in Kfar Zeita asked for his name to be withheld.",
    "A farmer in Kfar Zeita asked that she not be named.",
    "A farmer in Kfar Zeita, who did not want to be named, spoke by phone.",
    "A farmer in Kfar Zeita, who didn’t want his name published, spoke by phone.",
    "A farmer in Kfar Zeita, who declined to be named, spoke by phone.",
    "A farmer in Kfar Zeita, who declined to be identified, spoke by phone.",
    "A farmer in Kfar Zeita, who refused to give his name, spoke by phone.",
    "A farmer in Kfar Zeita, who was too afraid to be named, spoke by phone.",
    "A farmer in Kfar Zeita, who preferred not to be named, spoke by phone.",
    "A farmer in Kfar Zeita, who asked to remain anonymous, spoke by phone.",
    "A farmer in Kfar Zeita, who wished to stay anonymous, spoke by phone.",
    "A farmer in Kfar Zeita, whose name is being withheld for his safety, spoke by phone.",
    "A farmer in Kfar Zeita, whose identity is being protected, spoke by phone.",
    "A farmer in Kfar Zeita, who is not being named, spoke by phone.",
    "A farmer in Kfar Zeita, who cannot be named for security reasons, spoke by phone.",
    "A farmer in Kfar Zeita, identified only as a father of four, spoke by phone.",
    "A farmer in Kfar Zeita, who was not authorised to speak publicly, spoke by phone.",
    "A farmer in Kfar Zeita, who is not authorized to speak to the media, spoke by phone.",
    "A farmer in Kfar Zeita, speaking on background, said the crop failed.",
    "A farmer in Kfar Zeita, speaking off the record, said the crop failed.",
    "A farmer in Kfar Zeita, who spoke for fear of reprisals only by phone, said the crop failed.",
    "A farmer in Kfar Zeita, who declined to give his name for fear of reprisals, spoke by phone.",
    "An anonymous official in Kfar Zeita said the crop failed.",
]


@pytest.mark.parametrize("text", CUE_SENTENCES)
def test_cue_phrasings(analyze, text):
    found = sources(analyze(text))
    assert len(found) == 1, text
    assert text[found[0].start : found[0].end].lower().startswith(("a farmer", "an anonymous"))
    assert ("place", "Kfar Zeita") in quasi_of(analyze(text), text)


def test_cue_list_is_broad():
    assert len(ANONYMITY_CUE_PATTERNS) >= 30


def test_find_cues_ignores_text_without_keywords():
    assert find_cues("The weather was calm and the markets were open. " * 50) == []
    cues = find_cues("A guard, who spoke ANONYMOUSLY, said so. A cook asked not to be named.")
    assert [m.group() for m in cues] == ["spoke ANONYMOUSLY", "asked not to be named"]


# ---------------------------------------------------------------------------------------------
# Metadata, entity filtering, fallback without spaCy, performance
# ---------------------------------------------------------------------------------------------

DETAILED = (
    "A 61-year-old retired teacher from Kafr Ruma, whose grandson is still living there, said "
    "the school was shelled. She spoke on condition of anonymity."
)


def test_metadata_keys(analyze, recognizer):
    results = analyze(DETAILED)
    src = sources(results)[0]
    meta = src.recognition_metadata
    assert meta["recognizer_name"] == recognizer.name == "AnonymousSourceRecognizer"
    assert meta["recognizer_identifier"] == recognizer.id
    assert meta["sg_source"] == "anon-1"
    assert meta["sg_risk"] == "high"
    assert meta["sg_kinds"] == ["place", "job", "age", "family"]
    assert "anonymity cue 'on condition of anonymity'" in meta["sg_reasons"]
    assert "described with place + job + age + family" in meta["sg_reasons"]
    for q in results:
        if q.entity_type == QUASI_IDENTIFIER:
            assert q.recognition_metadata["sg_kind"] in meta["sg_kinds"]
            assert q.recognition_metadata["recognizer_name"] == recognizer.name


def test_reasons_never_quote_details(analyze):
    results = analyze(DETAILED)
    for r in results:
        text = " ".join(r.recognition_metadata["sg_reasons"])
        for detail in ("61", "teacher", "Kafr Ruma", "grandson", "retired"):
            assert detail not in text


def test_reasons_elide_words_outside_the_cue_vocabulary(analyze):
    text = "A porter at the Souq al-Hal market told Yusra Haddad anonymously that prices rose."
    reasons = sources(analyze(text))[0].recognition_metadata["sg_reasons"]
    assert "anonymity cue 'told … anonymously'" in reasons
    assert "Yusra" not in " ".join(reasons)


def test_entity_filter(analyze):
    only_quasi = analyze(DETAILED, [QUASI_IDENTIFIER])
    assert only_quasi and all(r.entity_type == QUASI_IDENTIFIER for r in only_quasi)
    only_src = analyze(DETAILED, [ANONYMOUS_SOURCE])
    assert [r.entity_type for r in only_src] == [ANONYMOUS_SOURCE]
    assert analyze(DETAILED, ["PERSON"]) == []


def test_works_without_nlp_artifacts(recognizer):
    results = recognizer.analyze(DETAILED, None, None)
    assert len(sources(results)) == 1
    assert sources(results)[0].recognition_metadata["sg_risk"] == "high"
    assert ("place", "Kafr Ruma") in quasi_of(results, DETAILED)


def test_through_presidio_analyzer_engine(nlp_engine, recognizer):
    registry = RecognizerRegistry(supported_languages=["en"])
    registry.add_recognizer(recognizer)
    analyzer = AnalyzerEngine(nlp_engine=nlp_engine, registry=registry, supported_languages=["en"])
    results = analyzer.analyze(DETAILED, language="en")
    assert {r.entity_type for r in results} == {ANONYMOUS_SOURCE, QUASI_IDENTIFIER}
    assert all(r.recognition_metadata["sg_source"] == "anon-1" for r in results)


def test_supported_language_and_entities(recognizer):
    assert recognizer.supported_language == "en"
    assert set(recognizer.supported_entities) == {ANONYMOUS_SOURCE, QUASI_IDENTIFIER}


def test_long_draft_is_fast(recognizer):
    filler = "The council met again on Tuesday and the roads stayed closed. " * 4000
    text = filler + DETAILED + filler + DETAILED + filler  # about 130,000 words
    started = time.perf_counter()
    results = recognizer.analyze(text, None, None)
    assert time.perf_counter() - started < 3.0
    assert [r.recognition_metadata["sg_source"] for r in sources(results)] == ["anon-1", "anon-2"]


@pytest.mark.parametrize(
    ("kinds", "risk"),
    [
        ([], "low"),
        (["age"], "medium"),
        (["job", "age"], "medium"),
        (["place", "time"], "medium"),
        (["place", "job"], "high"),
        (["place", "family"], "high"),
        (["unit", "age", "time"], "high"),
    ],
)
def test_jigsaw_risk(kinds, risk):
    assert jigsaw_risk(kinds) == risk
