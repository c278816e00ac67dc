"""Re-screening with the paragraph cache gives exactly the cold result, after random edits.

Drafts: invented ones here, plus the development and real-article corpora when they are present
(next to the repository, and rebuilt under ~/.cache/sourceguard/corpus-real/).
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CORPORA = (ROOT.parent / "shared" / "corpus", Path.home() / ".cache/sourceguard/corpus-real")
INVENTED = (
    "Karam Haddad, a citizen journalist in the old quarter, filmed the shelling.\n\n"
    "“We had no warning,” said Haddad, 34. A nurse who spoke on condition of anonymity said "
    "the clinic on the east side had run out of fuel.\n\n"
    "Rima (not her real name), a teacher, told us that Minister Talal Wazzan had visited.\n\n"
    "Reach the desk at tips@example.org or +44 20 7946 0958. Mr Wazzan declined to comment.\n"
)


def drafts() -> list[str]:
    texts = [INVENTED]
    for corpus in CORPORA:
        if corpus.is_dir():
            texts += [p.read_text(encoding="utf-8") for p in sorted(corpus.glob("*.txt"))[:8]]
    return texts


def edit(text: str, rnd: random.Random) -> str:
    paras = text.split("\n\n") if "\n\n" in text else text.split(".\n")
    i = rnd.randrange(len(paras))
    choice = rnd.randrange(4)
    if choice == 0:
        paras[i] = paras[i] + " Karam Haddad said it again."
    elif choice == 1:
        words = paras[i].split(" ")
        del words[rnd.randrange(len(words))]
        paras[i] = " ".join(words)
    elif choice == 2:
        paras.insert(i, "A new paragraph naming Talal Wazzan, a governor, was added.")
    else:
        paras.insert(i, paras[rnd.randrange(len(paras))])
    return ("\n\n" if "\n\n" in text else ".\n").join(paras)


@pytest.mark.parametrize("seed", range(3))
def test_warm_screen_equals_cold_after_random_edits(engine, seed: int) -> None:
    rnd = random.Random(seed)
    cache = engine.nlp.cache
    size = cache.size
    for text in drafts():
        cache.size = size
        engine.find(text)  # warm the cache with the original draft
        edited = edit(text, rnd)
        hits_before = cache.hits
        warm = engine.find(edited)
        assert cache.hits > hits_before or len(text) < 200
        cache.size = 0  # cold: every paragraph parsed again, nothing stored
        cache.clear()
        cold = engine.find(edited)
        cache.size = size
        assert [f.to_dict() for f in warm] == [f.to_dict() for f in cold]
