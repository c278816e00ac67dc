"""Case restoration: a block written all in capitals or all in lowercase is read in normal case.

Part of the canonical reading (``service/drafts/canonical.py``): headlines in capitals and
SMS-style quotes in lowercase would hide names from the model, so such blocks are re-cased word by
word from the draft's own casing of the same word, a vocabulary of common words (the model's, or
spaCy's stop words read without importing spaCy) and sentence starts. Same length in, same
length out: offsets do not move.
"""

from __future__ import annotations

import importlib.util
import re
from collections.abc import Iterable
from functools import cache
from pathlib import Path

import regex

MIN_CASE_BLOCK_LETTERS = 6
MIN_LOWER_BLOCK_WORDS = 3

_BLOCK_RE = re.compile(r"[^\n]+")
_CASE_WORD_RE = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")
_SENTENCE_END = frozenset('.!?:;"“”()[]')


def restore_case(text: str, vocabulary: Vocabulary | None = None) -> str:
    """Blocks (lines) written all in capitals or all in lower case, re-cased the usual way.

    A word the rest of the draft writes capitalized keeps that form; otherwise a word is lower
    case when it is ordinary English (spaCy's vocabulary of common words) and capitalized when
    it is not, and the first word of a sentence is capitalized. Same length, so offsets hold.
    """
    vocabulary = vocabulary or _default_vocabulary()
    blocks = [m for m in _BLOCK_RE.finditer(text) if _block_case(m.group())]
    runs = _caps_runs(text, blocks)
    strays = _lowercase_strays(text, blocks, vocabulary)
    if not blocks and not runs and not strays:
        return text
    known = _document_casing(text, blocks)
    chars = list(text)
    for start, _end in strays:
        # a lower-case word no English vocabulary knows ("we met sasha koval"): read as a name
        chars[start] = text[start].upper()
    for start, end in runs:
        # capitals inside normal prose ("journalist KARIM AL-SABBAGH told"): a name, re-cased
        for m in _CASE_WORD_RE.finditer(text, start, end):
            word = m.group()
            lower = word.lower()
            cased = known.get(lower) or (lower if _is_article(lower) else _capitalize(lower))
            if len(cased) == len(word):
                chars[m.start() : m.end()] = cased
    for block in blocks:
        start_of_sentence = True
        last_end = block.start()
        for m in _CASE_WORD_RE.finditer(text, block.start(), block.end()):
            gap = text[last_end : m.start()]
            if any(c in _SENTENCE_END for c in gap if c not in '"“”()[]') or gap.endswith(
                ("\u201c", '"')
            ):
                start_of_sentence = True
            last_end = m.end()
            word = m.group()
            cased = _recase(word, known, start_of_sentence, vocabulary)
            start_of_sentence = False
            if len(cased) == len(word):
                chars[m.start() : m.end()] = cased
    return "".join(chars)


RICH_VOCABULARY = 10_000
"""Below this many known words (no model tables) unknown lower-case words are left alone."""
_LOWER_WORD_RE = regex.compile(  # 4+ letters: shorter unknown words are mostly fragments
    r"(?<![\p{L}\p{M}\d@#/._'’\\])\p{Ll}{4,}(?![\p{L}\p{M}\d@/_'’]|\.[\p{L}\d])"
)


_FOREIGN_PHRASE_RE = re.compile(r"(?:^|\s)(?:de|du|la|le|des|d['’])\s?\Z")


def _lowercase_strays(
    text: str, blocks: list[re.Match[str]], vocabulary: Vocabulary
) -> list[tuple[int, int]]:
    """Lower-case words in normally cased prose that are not ordinary English (a name typed in
    lower case). Not in addresses, handles, paths or code-like words."""
    if len(vocabulary.words) < RICH_VOCABULARY:
        return []
    spans = [(b.start(), b.end()) for b in blocks]
    out: list[tuple[int, int]] = []
    k = 0
    for m in _LOWER_WORD_RE.finditer(text):
        while k < len(spans) and spans[k][1] <= m.start():
            k += 1
        if k < len(spans) and spans[k][0] <= m.start():
            continue
        word = m.group()
        if word in vocabulary or _is_article(word):
            continue
        if _FOREIGN_PHRASE_RE.search(text, max(0, m.start() - 5), m.start()):
            continue  # "nom de guerre", "coup d'état": a borrowed phrase, not a name
        out.append((m.start(), m.end()))
    return out


_CAPS_RUN_RE = regex.compile(
    r"(?<![\p{L}\p{M}])\p{Lu}[\p{Lu}\p{M}'’\-]*\p{Lu}(?:[ \t]+\p{Lu}[\p{Lu}\p{M}'’\-]*\p{Lu})+"
    r"(?![\p{L}\p{M}])"
)
_ARTICLES = frozenset("al el ad as ash at az ar an bin ibn bint abu umm de di da van von".split())


def _is_article(word: str) -> bool:
    return word in _ARTICLES


def _caps_runs(text: str, blocks: list[re.Match[str]]) -> list[tuple[int, int]]:
    """Runs of two or more words in capitals inside normally cased blocks.

    Acronyms come alone ("the UN said"); two capitalized words side by side of which at least
    one is longer than an acronym are a name written loud. A run at most a third of its block
    (else the block is a headline handled whole).
    """
    spans = [(b.start(), b.end()) for b in blocks]
    out: list[tuple[int, int]] = []
    k = 0
    for m in _CAPS_RUN_RE.finditer(text):
        while k < len(spans) and spans[k][1] <= m.start():
            k += 1
        if k < len(spans) and spans[k][0] <= m.start():
            continue
        words = m.group().split()
        if max(len(w.strip("-'’")) for w in words) >= 4:
            out.append((m.start(), m.end()))
    return out


def _block_case(block: str) -> bool:
    """Whether a block needs restoring: all capitals, or all lower case over several words."""
    letters = [c for c in block if c.isalpha()]
    cased = [c for c in letters if c.isupper() or c.islower()]
    if len(cased) < MIN_CASE_BLOCK_LETTERS:
        return False
    upper = sum(1 for c in cased if c.isupper())
    if upper == len(cased):
        return len(_CASE_WORD_RE.findall(block)) >= 2
    if upper == 0:
        return len(_CASE_WORD_RE.findall(block)) >= MIN_LOWER_BLOCK_WORDS
    return False


def _document_casing(text: str, blocks: list[re.Match[str]]) -> dict[str, str]:
    """Lower-cased word → how the normally cased rest of the draft writes it.

    Capitalized after the start of a sentence (a name) wins over lower case (an ordinary word):
    when a word is both, reading it as a name is the safe direction.
    """
    spans = [(b.start(), b.end()) for b in blocks]
    out: dict[str, str] = {}
    names: set[str] = set()
    k = 0
    prev_end = 0
    for m in _CASE_WORD_RE.finditer(text):
        gap = text[prev_end : m.start()]
        prev_end = m.end()
        while k < len(spans) and spans[k][1] <= m.start():
            k += 1
        if k < len(spans) and spans[k][0] <= m.start():
            continue
        word = m.group()
        key = word.lower()
        if word.islower():
            out.setdefault(key, word)
        elif word[0].isupper() and not word.isupper() and key not in names:
            sentence_start = not gap.strip() or any(c in ".!?\n" for c in gap)
            if not sentence_start:
                out[key] = word
                names.add(key)
    return out


def _recase(word: str, known: dict[str, str], sentence_start: bool, vocabulary: Vocabulary) -> str:
    lower = word.lower()
    form = known.get(lower)
    if form is None:
        common = _is_common(lower, vocabulary) or _is_article(lower)
        form = lower if common else _capitalize(lower)
    if sentence_start:
        form = form[:1].upper() + form[1:]
    return form


def _is_common(word: str, vocabulary: Vocabulary) -> bool:
    parts = [p for p in re.split(r"['’]", word) if p]
    return bool(parts) and parts[0] in vocabulary


def _capitalize(word: str) -> str:
    return word[:1].upper() + word[1:]


class Vocabulary:
    """Ordinary lower-case English words: spaCy's stop words plus the model lemmatizer's index.

    Built from the loaded model (no second load); without a model only the stop words are known,
    so more words get capitalized, which is the safe direction (a capitalized word is a candidate
    name, and an uncertain person is replaced and shown to the editor).
    """

    def __init__(self, words: Iterable[str] = (), rules: Iterable[tuple[str, str]] = ()) -> None:
        self.words = _stop_words() | frozenset(words)
        self.rules = tuple(sorted(set(rules), key=lambda r: -len(r[0])))

    @classmethod
    def from_nlp(cls, nlp: object) -> Vocabulary:
        """From the model's lemmatizer tables (read from its files: the pipe itself is excluded)."""
        from spacy.lookups import Lookups

        path = getattr(nlp, "path", None)
        try:
            lookups = Lookups().from_disk(path / "lemmatizer" / "lookups")  # type: ignore[operator]
        except (OSError, TypeError, ValueError):
            return cls()
        words: set[str] = set()
        rules: set[tuple[str, str]] = set()
        if lookups.has_table("lemma_index"):
            for values in lookups.get_table("lemma_index").values():
                words.update(w for w in values if w.isalpha() and w.islower())
        if lookups.has_table("lemma_exc"):
            for forms in lookups.get_table("lemma_exc").values():
                words.update(w for w in forms if w.isalpha() and w.islower())
        if lookups.has_table("lemma_rules"):
            for pairs in lookups.get_table("lemma_rules").values():
                rules.update((a, b) for a, b in pairs if a)
        return cls(words, rules)

    def __contains__(self, word: object) -> bool:
        if not isinstance(word, str):
            return False
        if word in self.words:
            return True
        for suffix, replacement in self.rules:
            if (
                word.endswith(suffix)
                and len(word) > len(suffix) + 1
                and word[: -len(suffix)] + replacement in self.words
            ):
                return True
        return False


@cache
def _stop_words() -> frozenset[str]:
    """spaCy's English stop words, read from spaCy's own file without importing spaCy.

    ``import spacy.lang.en.stop_words`` runs spaCy's package ``__init__`` (about a second): a
    warm ``sourceguard check`` only canonicalizes cached files and must not pay for it. The file
    is a plain module without imports; loaded on its own it gives the same set.
    """
    spec = importlib.util.find_spec("spacy")  # a top-level spec: spaCy itself is not imported
    if spec is not None and spec.submodule_search_locations:
        path = Path(next(iter(spec.submodule_search_locations))) / "lang" / "en" / "stop_words.py"
        file_spec = importlib.util.spec_from_file_location("_sourceguard_stop_words", path)
        if file_spec is not None and file_spec.loader is not None and path.is_file():
            module = importlib.util.module_from_spec(file_spec)
            file_spec.loader.exec_module(module)
            return frozenset(module.STOP_WORDS)
    from spacy.lang.en.stop_words import STOP_WORDS  # an unusual layout: import it after all

    return frozenset(STOP_WORDS)


@cache
def _default_vocabulary() -> Vocabulary:
    return Vocabulary()
