"""A generated archive for the archive-scan benchmark and tests: invented text, invented names.

Names are made of random syllables (no real person), filler text of invented words plus English
function words. Some documents carry one spelling variant of a roster entry's name (another
transliteration, an article, capitals, a possessive, an accent, a zero-width joiner, a surname
alone, a registered kunya or handle); the generator checks that every variant really has the
entry's name key, and that no decoy name or filler word collides with a roster key, so "every
planted document found, no other" is an exact expectation.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from recognizers.name_keys import name_key, token_keys

_ONSETS = "b d f g j k l m n p r s t v z br dr kr tr pl sl".split()
_VOWELS = ["a", "e", "i", "o", "u"]
_CODAS = ["", "", "", "n", "r", "l", "m", "s", "k"]
FUNCTION_WORDS = (
    "the of and in to a was on with for that by from at as after before said told "
    "were his her their they it is this near across".split()
)
"""Lower-case English glue words; invented content words fill the rest of each sentence."""


@dataclass
class Archive:
    plain_roster: list[dict]
    documents: list[tuple[str, str]]  # (id, text)
    planted: dict[str, int] = field(default_factory=dict)  # document id -> roster entry index
    variants: dict[str, str] = field(default_factory=dict)  # document id -> variant kind
    words: int = 0


def _syllable(rng: random.Random) -> str:
    return rng.choice(_ONSETS) + rng.choice(_VOWELS) + rng.choice(_CODAS)


def _word(rng: random.Random, syllables: int) -> str:
    return "".join(_syllable(rng) for _ in range(syllables))


def _respell(word: str, rng: random.Random) -> str:
    """Another transliteration with the same key: vowels swapped, a consonant doubled or k->q."""
    out = []
    for ch in word:
        if ch in "aeiou":
            out.append(rng.choice(_VOWELS))
        elif ch == "k" and rng.random() < 0.5:
            out.append("q")
        elif ch in "lmnrst" and rng.random() < 0.3:
            out.append(ch * 2)
        else:
            out.append(ch)
    return "".join(out)


class _Names:
    """Invented names; every key is unique so decoys never match the roster by accident."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.used: set[str] = {k for w in FUNCTION_WORDS for k in token_keys(w)}

    def fresh(self, syllables: int = 2) -> str:
        while True:
            word = _word(self.rng, syllables)
            keys = token_keys(word)
            if not keys & self.used and len(word) >= 5:
                self.used.update(keys)
                return word.capitalize()


def _variants(given: str, surname: str, entry: dict, rng: random.Random) -> list[tuple[str, str]]:
    """(kind, text) of every way the generator plants this entry."""
    article = surname.startswith("al-")
    bare = surname.removeprefix("al-")
    out = [
        ("exact", f"{given} {surname}"),
        (
            "respelled",
            f"{_respell(given.lower(), rng).capitalize()} "
            f"{('el-' if article else '')}{_respell(bare.lower(), rng).capitalize()}",
        ),
        ("capitals", f"{given} {surname}".upper()),
        ("lower case", f"{given} {surname}".lower()),
        ("possessive", f"{given} {surname}’s"),
        ("accent", f"{given.replace('a', 'á', 1)} {surname}"),
        ("zero-width joiner", f"{given[:2]}\u200d{given[2:]} {surname}"),
        ("line break", f"{given}\n{surname}"),
        ("surname alone", bare.capitalize() if article else surname),
        ("joined article", f"{given} Al{bare.lower()}" if article else f"{given} {surname}"),
    ]
    for alias in entry.get("aliases", []):
        out.append(("handle" if alias.startswith("@") else "kunya", alias))
    return out


def _filler(rng: random.Random, vocabulary: list[str], words: int) -> list[str]:
    sentence: list[str] = []
    out: list[str] = []
    for _ in range(words):
        word = rng.choice(FUNCTION_WORDS) if rng.random() < 0.45 else rng.choice(vocabulary)
        sentence.append(word.capitalize() if not sentence else word)
        if len(sentence) > 8 and rng.random() < 0.15:
            out.append(" ".join(sentence) + ".")
            sentence = []
    if sentence:
        out.append(" ".join(sentence) + ".")
    return out


def generate(
    documents: int = 200,
    roster_size: int = 40,
    plant_every: int = 10,
    words_per_document: tuple[int, int] = (150, 450),
    seed: int = 15,
) -> Archive:
    """An archive of ``documents`` texts; one in ``plant_every`` names a roster entry."""
    rng = random.Random(seed)
    names = _Names(rng)
    plain: list[dict] = []
    parts: list[tuple[str, str]] = []
    for number in range(roster_size):
        given = names.fresh(2)
        surname = names.fresh(rng.choice((2, 3)))
        surname = f"al-{surname}" if number % 3 == 0 else surname
        aliases = []
        if number % 4 == 1:
            aliases.append(f"Abu {names.fresh(2)}")
        if number % 5 == 2:
            aliases.append(f"@{given.lower()}_{number}_news")
        plain.append({"name": f"{given} {surname}", "aliases": aliases})
        parts.append((given, surname))
    decoys = [f"{names.fresh(2)} {names.fresh(2)}" for _ in range(60)]
    vocabulary = [names.fresh(rng.choice((2, 3))).lower() for _ in range(3000)]
    archive = Archive(plain_roster=plain, documents=[])
    for number in range(documents):
        doc_id = f"doc-{number:06d}"
        low, high = words_per_document
        sentences = _filler(rng, vocabulary, rng.randint(low, high))
        decoy = rng.choice(decoys)
        sentences.insert(rng.randrange(len(sentences) + 1), f"{decoy} said the road was open.")
        if number % 7 == 3:  # a roster given name alone, entry not named: never a match
            sentences.insert(0, f"{parts[number % roster_size][0]} was not there.")
        if number % plant_every == 0:
            index = (number // plant_every) % roster_size
            kinds = _variants(*parts[index], plain[index], rng)
            kind, variant = kinds[(number // plant_every // roster_size) % len(kinds)]
            _check_variant(kind, variant, plain[index])
            sentences.insert(rng.randrange(len(sentences) + 1), f"Reporters met {variant} there.")
            archive.planted[doc_id] = index
            archive.variants[doc_id] = kind
        text = " ".join(sentences)
        archive.words += len(text.split())
        archive.documents.append((doc_id, text))
    return archive


def _check_variant(kind: str, variant: str, entry: dict) -> None:
    """The generator is honest: a planted variant must carry the entry's key."""
    if kind in ("handle", "zero-width joiner", "surname alone"):
        return
    clean = variant.replace("\n", " ").removesuffix("’s")
    registered = {name_key(entry["name"]), *(name_key(a) for a in entry["aliases"])}
    assert name_key(clean) in registered or kind == "joined article", (kind, "key mismatch")
