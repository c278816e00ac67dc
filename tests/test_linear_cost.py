"""Linear cost: each fixed blow-up is held by a ratio of timings or a count, never an absolute time.

Timing tests compare the best of three runs at 1x and at 4x the size: linear code gives about 4,
the quadratic or cubic loops these tests guard against gave 16 to 64. Texts start at 128 kB for
the regex recognizers: below that, CPU caches alone make a 4x larger text up to 20x slower.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable

import pytest
from presidio_analyzer import RecognizerResult

from recognizers.email_recognizer import EmailRecognizer
from recognizers.entities import PERSON
from recognizers.handle_recognizer import HandleRecognizer
from recognizers.intervals import Intervals
from recognizers.phone_recognizer import PhoneRecognizer
from recognizers.pseudonym_recognizer import PseudonymRecognizer
from service.pipeline import identities
from service.pipeline.nlp import (
    LONG_RUN_CHARS,
    RUN_TOKEN_CHARS,
    ParagraphCache,
    paragraphs,
    split_units,
)

MAX_RATIO_4X = 10.0
MAX_RATIO_8X = 14.0
"""8x the input: linear measures about 8.5, the quadratic per-mention ``doc.text`` measured 21."""


def best_time(run: Callable[[], object], reps: int = 3) -> float:
    """Best of ``reps`` in this process's CPU time: other jobs on the machine do not count."""
    times = []
    for _ in range(reps):
        started = time.process_time()
        run()
        times.append(time.process_time() - started)
    return max(min(times), 1e-4)


def ratio(
    make: Callable[[int], str], analyze: Callable[[str], object], base: int, factor: int
) -> float:
    small, large = make(base), make(factor * base)
    analyze(small)  # warm-up: regex compilation, lazy loads
    return best_time(lambda: analyze(large)) / best_time(lambda: analyze(small))


def hyphen_chain(n: int) -> str:
    return ("Karam-al-" * (n // 9 + 1))[:n]


def one_word(n: int) -> str:
    return "K" + "a" * (n - 1)


def repeated(piece: str) -> Callable[[int], str]:
    return lambda n: (piece * (n // len(piece) + 1))[:n]


PATHOLOGICAL = {
    "hyphen chain": hyphen_chain,
    "one word": one_word,
    "quotes": repeated('"'),
    "names with commas": repeated("Karam Haddad, "),
    "footnote marks": repeated("Karam* "),
    "at signs": repeated("a@b-"),
    "declarations": repeated(
        "The names of everyone have been changed. Rami, who asked that his name be withheld, "
        "said she goes by one name. "
    ),
    "open descriptions": repeated("Rami, a man of the old city who asked that "),
}


@pytest.mark.parametrize(
    "recognizer",
    [PseudonymRecognizer(), EmailRecognizer(), PhoneRecognizer(), HandleRecognizer()],
    ids=lambda r: r.name,
)
@pytest.mark.parametrize("shape", sorted(PATHOLOGICAL))
def test_text_recognizers_are_linear(recognizer, shape: str) -> None:
    make = PATHOLOGICAL[shape]
    grown = ratio(make, lambda text: recognizer.analyze(text, None, None), 128_000, 4)
    assert grown < MAX_RATIO_4X, f"{recognizer.name} on {shape}: 4x input took {grown:.1f}x"


@pytest.mark.parametrize(
    ("text", "names"),
    [
        (
            "Rima Saleh, a 22-year-old student who asked to be identified only as Rima, said so.",
            ["Rima Saleh", "Rima"],
        ),
        ("A man who uses the pseudonym Abu Karam said it.", ["Abu Karam"]),
        ("Karam-al-Din (not his real name) said it.", ["Karam-al-Din"]),
    ],
)
def test_pseudonym_declarations_still_found_after_bounding(text: str, names: list[str]) -> None:
    found = PseudonymRecognizer().analyze(text, None, None)
    assert [text[r.start : r.end] for r in found] == names


def test_intervals_answer_like_a_pairwise_scan() -> None:
    rnd = random.Random(14)
    for _ in range(200):
        taken = Intervals()
        spans: list[tuple[int, int]] = []
        for _ in range(30):
            s = rnd.randrange(100)
            e = s + rnd.randrange(1, 12)
            expected = any(a < e and s < b for a, b in spans)
            assert taken.overlaps(s, e) == expected
            if rnd.random() < 0.6:
                taken.add(s, e)
                spans.append((s, e))


# -- identity resolution --------------------------------------------------------------------------
def _person_results(text: str) -> list[RecognizerResult]:
    out = []
    pos = 0
    while True:
        start = text.find("Mr ", pos)
        if start < 0:
            return out
        start += 3
        end = text.index(" said", start)
        meta = {RecognizerResult.RECOGNIZER_NAME_KEY: "PersonRecognizer"}
        out.append(RecognizerResult(PERSON, start, end, 0.85, recognition_metadata=meta))
        pos = end


def _names_draft(people: int, seed: int = 3) -> str:
    rnd = random.Random(seed)
    syllables = "ka ri mo sa li na da ru te vo zi be lo fa gu hi".split()

    def name() -> str:
        return "".join(rnd.choice(syllables) for _ in range(3)).capitalize()

    lines = []
    for _ in range(people):
        first, last = name(), name()
        lines.append(f"Mr {first} {last} said it. Later Mr {last} said more. Mr {first} said no.")
    return "\n\n".join(lines)


def test_identity_resolution_is_linear_in_people_named() -> None:
    drafts = {n: _names_draft(n) for n in (150, 600)}
    results = {n: _person_results(t) for n, t in drafts.items()}
    small = best_time(lambda: identities.resolve(drafts[150], results[150]))
    large = best_time(lambda: identities.resolve(drafts[600], results[600]))
    assert large / small < MAX_RATIO_4X


def _pairwise_cluster(spans: list[identities.MentionSpan]) -> list[list[tuple[int, int]]]:
    """The clustering as first written (every span against every identity): the reference."""
    found: list[list[identities.MentionSpan]] = []

    def nearest(cands: list[list[identities.MentionSpan]], pos: int):  # type: ignore[no-untyped-def]
        def distance(ms: list[identities.MentionSpan]) -> tuple[int, int]:
            before = [m.end for m in ms if m.end <= pos]
            return (0, pos - max(before)) if before else (1, min(m.start for m in ms) - pos)

        return min(cands, key=distance)

    def place(span, same) -> None:  # type: ignore[no-untyped-def]
        matches = [ms for ms in found if same(ms)]
        target = nearest(matches, span.start) if matches else None
        if target is None:
            target = []
            found.append(target)
        target.append(span)

    for span in (s for s in spans if len(s.parts) > 1):
        keys = {k for p in span.parts for k in p}
        place(
            span,
            lambda ms, keys=keys: any(
                keys <= mk or mk <= keys
                for mk in ({k for p in m.parts for k in p} for m in ms if len(m.parts) > 1)
            ),
        )
    for span in (s for s in spans if len(s.parts) == 1):
        keys = set(span.parts[0])
        place(span, lambda ms, keys=keys: any(keys & {k for p in m.parts for k in p} for m in ms))
    return [[(m.start, m.end) for m in ms] for ms in found]


@pytest.mark.parametrize("seed", range(40))
def test_indexed_clustering_equals_the_pairwise_one(seed: int) -> None:
    rnd = random.Random(seed)
    vocab = [frozenset({w}) for w in "ab cd ef gh ij kl mn".split()] + [frozenset({"op", "pq"})]
    spans = []
    for n in range(rnd.randint(1, 40)):
        parts = [rnd.choice(vocab) for _ in range(rnd.choice((1, 1, 2, 2, 3, 4)))]
        spans.append(identities.MentionSpan(n * 10, n * 10 + 5, parts))
    got = [[(m.start, m.end) for m in i.mentions] for i in identities._cluster(spans)]
    assert got == _pairwise_cluster(spans)


# -- the NLP stage ----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "text",
    ["", "one", "a\n\nb", "a\n \n\n b\n", "x" * 9000, "word " * 3000, "\n" * 50, "l\n" * 5000],
)
def test_units_join_to_the_text(text: str) -> None:
    assert "".join(split_units(text)) == text
    assert "".join(paragraphs(text)) == text


def test_a_paragraph_cut_does_not_depend_on_the_rest_of_the_draft() -> None:
    body = ["First paragraph here.\n\n", "Second one,\nwrapped.\n\n", "Third.\n"]
    edited = ["An inserted paragraph.\n\n", *body]
    assert list(paragraphs("".join(edited)))[1:] == list(paragraphs("".join(body)))


@pytest.mark.parametrize("run", ['"', "Karam-al-", "Ka", "(("])
def test_long_whitespace_free_runs_cost_few_tokens(nlp_engine, run: str) -> None:
    text = "Before it. " + run * (20_000 // len(run)) + " After it."
    doc = nlp_engine.parse(text)
    assert doc.text == text
    run_tokens = [t for t in doc if len(t.text) > 5]
    assert len(doc) <= 20_000 // RUN_TOKEN_CHARS + 20
    assert all(len(t.text) <= max(RUN_TOKEN_CHARS, LONG_RUN_CHARS) for t in run_tokens)


def test_pos_table_equals_the_attribute_ruler(nlp_engine) -> None:
    import spacy

    if nlp_engine.tag_to_pos is None:
        pytest.skip("this model's attribute ruler is not a plain table; it runs itself")
    reference = spacy.load(nlp_engine.model_name, exclude=["parser", "lemmatizer"])
    reference.enable_pipe("senter")
    text = (
        "I don't think it's there, she said, but they've been told that nothing is ready.\n\n"
        "Karam Haddad, a nurse who asked not to be named, was detained because he spoke.  \n"
        "Was anyone hurt? Somebody had said so; it is what we have done.\n"
    )
    ours = nlp_engine.parse(text)
    theirs = [t for d in reference.pipe(split_units(text)) for t in d]
    assert [(t.text, t.tag_, t.pos_) for t in ours] == [(t.text, t.tag_, t.pos_) for t in theirs]


def test_paragraph_cache_is_bounded_and_keyed_without_text() -> None:
    cache = ParagraphCache(3)
    keys = [cache.key(f"Paragraph naming Karam Haddad {i}.") for i in range(5)]
    for i, key in enumerate(keys):
        cache.put(key, i)  # type: ignore[arg-type]
        assert b"Karam" not in key and len(key) == 32
    assert len(cache) == 3
    assert cache.get(keys[0]) is None and cache.get(keys[4]) == 4
    assert ParagraphCache(3).key("same") != cache.key("same")  # a fresh random key per process


def test_cache_size_zero_keeps_nothing() -> None:
    cache = ParagraphCache(0)
    cache.put(cache.key("x"), object())  # type: ignore[arg-type]
    assert len(cache) == 0


def test_model_recognizers_are_linear_in_people_named(engine) -> None:  # type: ignore[no-untyped-def]
    """The recognizers that read the spaCy document, on sentences each naming new people: a
    per-mention read of the whole document (``doc.text`` rebuilds the string on every access)
    made this quadratic once. The NLP pass runs once, outside the timing."""
    from bench.scaling import distinct_names

    registry = engine.analyzer.registry.recognizers
    model_readers = [r for r in registry if type(r).__name__ in MODEL_RECOGNIZERS]
    assert len(model_readers) == len(MODEL_RECOGNIZERS)

    def run_all(text: str) -> Callable[[], object]:
        artifacts = engine.nlp.process_text(text, "en")

        def analyze() -> object:
            artifacts.tokens.user_data.clear()  # per-document caches: every run pays in full
            return [r.analyze(text, None, artifacts) for r in model_readers]

        return analyze

    small, large = distinct_names(500, []), distinct_names(4000, [])
    run_all(small)()  # warm-up
    grown = best_time(run_all(large), reps=2) / best_time(run_all(small), reps=2)
    assert grown < MAX_RATIO_8X, f"8x people took {grown:.1f}x"


MODEL_RECOGNIZERS = frozenset(
    {
        "PublicFigureRecognizer",
        "PersonRecognizer",
        "AtRiskSourceRecognizer",
        "CitizenJournalistRecognizer",
        "PseudonymRecognizer",
        "AnonymousSourceRecognizer",
    }
)
