"""Accuracy evaluation over a gold corpus (``sourceguard evaluate DIR``).

The corpus format and the metrics are those of ``shared/corpus/README.md``: every ``NAME.txt``
draft has a ``NAME.json`` gold annotation listing the persons it names (``at_risk``,
``pseudonym``, ``public`` or ``ignore``) with every mention string. A sanitizer is run over each
draft and its output is compared with the gold:

* **leak** (entity level): an at-risk identity is leaked when any of its mentions still occurs in
  the sanitized text, case-insensitively and at word boundaries (underscore is a word character).
  Surviving occurrences of the document's public and pseudonym mentions are masked first, so an
  at-risk first name inside a kept public full name ("Mohammed" in a public "Mohammed Y") is not
  a leak. Masking runs over all mentions longest first, at-risk ones included: an at-risk mention
  that *contains* a shorter public mention is searched before that mention is masked, so it still
  counts as leaked.
* **public kept**: every mention of the public identity occurs at least as often in the sanitized
  text as in the original.
* **pseudonyms flagged and kept**: kept as for public, and flagged when some ``PSEUDONYM``
  finding overlaps an occurrence of one of its mentions in the original text.
* **collateral words lost**: both texts are split on whitespace and punctuation is stripped from
  the ends of each word (a possessive ``’s`` stays attached, as the README describes). Original
  words that case-insensitively equal a word of an at-risk mention leave the denominator; the
  rest, as a multiset, minus the multiset of sanitized words, over the rest's size.

Reports never contain names: problems are listed by document id, gold class/role and a
fingerprint (first 8 hex digits of the SHA-256 of the gold identity label). ``show_names=True`` is
a developer debugging mode that adds the labels; it is off by default.

The plain-Presidio baseline (:func:`plain_presidio_sanitizer`) is Presidio's default analyzer and
anonymizer over the same spaCy model. Its only change is offline e-mail validation: Presidio's
``EmailRecognizer`` calls ``tldextract.extract``, whose module-level extractor fetches the Public
Suffix List over HTTP on first use (and can hang on a firewalled machine). The baseline swaps that
one recognizer for a subclass validating against tldextract's bundled snapshot
(``TLDExtract(suffix_list_urls=(), cache_dir=None)``): same pattern, same check, no network, no
cache writes, no process-wide environment or global changes. ``UrlRecognizer`` does not use
tldextract and stays as it is.
"""

from __future__ import annotations

import hashlib
import json
import re
import time
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Protocol

from service.core.errors import ConfigurationError, InputError
from service.core.findings import Finding

PSEUDONYM_ENTITY = "PSEUDONYM"
GOLD_CLASSES = frozenset({"at_risk", "pseudonym", "public", "ignore"})
KEPT_CLASSES = frozenset({"pseudonym", "public"})
SCORED_CLASSES = KEPT_CLASSES | {"at_risk"}

# Targets (README of the project): zero leaks, >= 95% public kept, >= 95% pseudonyms flagged
# and kept, <= 3% collateral words lost.
TARGET_MAX_LEAKS = 0
TARGET_MIN_PUBLIC_KEPT = 0.95
TARGET_MIN_PSEUDONYMS = 0.95
TARGET_MAX_COLLATERAL = 0.03

SOURCEGUARD = "sourceguard"
PLAIN_PRESIDIO = "plain-presidio"

_MASK = "\x00"  # a non-word character: masked text never matches a mention nor joins a word
_EDGE_PUNCT_RE = re.compile(r"^\W+|\W+$")

Sanitizer = Callable[[str], tuple[str, Sequence[Finding]]]
"""A system under evaluation: draft text -> (sanitized text, findings)."""


class GoldCorpusError(InputError):
    """The gold directory is missing, empty or malformed."""


class EvaluationError(RuntimeError):
    """A system failed on a corpus document (the message names the document, never its text)."""


class _Sanitizing(Protocol):
    def sanitize(self, text: str, policy: str = ...) -> Any: ...


# --------------------------------------------------------------------------------------------
# Gold corpus


@dataclass(frozen=True)
class GoldPerson:
    identity: str
    cls: str  # at_risk | pseudonym | public | ignore
    role: str
    mentions: tuple[str, ...]
    roster: bool = False


@dataclass
class GoldDoc:
    id: str
    text: str
    persons: list[GoldPerson]
    anonymous_sources: list[dict[str, Any]] = field(default_factory=list)
    url: str = ""
    text_path: Path | None = None

    def persons_of(self, cls: str) -> list[GoldPerson]:
        return [p for p in self.persons if p.cls == cls]


def _read_text(path: Path) -> str:
    try:
        # newline="" keeps the bytes as written, so offsets match what any front end sees.
        with path.open(encoding="utf-8", newline="") as fh:
            return fh.read()
    except UnicodeDecodeError as exc:
        raise GoldCorpusError(f"{path.name} is not valid UTF-8") from exc


def _parse_gold(data: Any, name: str) -> tuple[list[GoldPerson], list[dict[str, Any]], str]:
    if not isinstance(data, dict) or not isinstance(data.get("persons", []), list):
        raise GoldCorpusError(f"{name}: expected an object with a 'persons' list")
    persons = []
    for i, entry in enumerate(data.get("persons", [])):
        try:
            cls = entry["class"]
            mentions = tuple(entry["mentions"])
            identity = entry["identity"]
        except (KeyError, TypeError) as exc:
            raise GoldCorpusError(f"{name}: person #{i} lacks identity/class/mentions") from exc
        if cls not in GOLD_CLASSES:
            raise GoldCorpusError(f"{name}: person #{i} has unknown class {cls!r}")
        if not all(isinstance(m, str) and m.strip() for m in mentions):
            raise GoldCorpusError(f"{name}: person #{i} has an empty or non-string mention")
        persons.append(
            GoldPerson(
                identity=str(identity),
                cls=cls,
                role=str(entry.get("role", "other")),
                mentions=mentions,
                roster=bool(entry.get("roster", False)),
            )
        )
    sources = data.get("anonymous_sources", []) or []
    return persons, list(sources), str(data.get("url", ""))


def load_gold_dir(path: str | Path) -> list[GoldDoc]:
    """Load every ``NAME.txt`` + ``NAME.json`` pair of ``path``, sorted by name.

    JSON files without a ``.txt`` partner (``roster.json``) and texts without gold are skipped.
    Raises :class:`GoldCorpusError` when the directory is missing or holds no pair.
    """
    directory = Path(path)
    if not directory.is_dir():
        raise GoldCorpusError(f"gold directory not found: {directory}")
    docs = []
    for gold_path in sorted(directory.glob("*.json")):
        text_path = gold_path.with_suffix(".txt")
        if not text_path.is_file():
            continue
        try:
            data = json.loads(gold_path.read_text(encoding="utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise GoldCorpusError(f"{gold_path.name} is not valid UTF-8 JSON") from exc
        persons, sources, url = _parse_gold(data, gold_path.name)
        docs.append(
            GoldDoc(
                id=gold_path.stem,
                text=_read_text(text_path),
                persons=persons,
                anonymous_sources=sources,
                url=url,
                text_path=text_path,
            )
        )
    if not docs:
        raise GoldCorpusError(
            f"no NAME.txt + NAME.json pairs in {directory} (a gold corpus pairs each article "
            "NAME.txt with its annotation NAME.json)"
        )
    return docs


# --------------------------------------------------------------------------------------------
# Matching helpers


@lru_cache(maxsize=4096)
def mention_pattern(mention: str) -> re.Pattern[str]:
    """Case-insensitive match of ``mention`` at word boundaries; ``_`` is a word character."""
    return re.compile(r"(?<!\w)" + re.escape(mention) + r"(?!\w)", re.IGNORECASE)


def count_mention(text: str, mention: str) -> int:
    return sum(1 for _ in mention_pattern(mention).finditer(text))


def mention_spans(text: str, mention: str) -> list[tuple[int, int]]:
    return [m.span() for m in mention_pattern(mention).finditer(text)]


def words(text: str) -> list[str]:
    """Whitespace-split words with punctuation stripped from both ends (’s stays attached)."""
    out = []
    for raw in text.split():
        word = _EDGE_PUNCT_RE.sub("", raw)
        if word:
            out.append(word)
    return out


def fingerprint(identity: str) -> str:
    """First 8 hex digits of SHA-256 of the identity label: lets reports refer to a person."""
    return hashlib.sha256(identity.encode("utf-8")).hexdigest()[:8]


def _mask(text: str, spans: Iterable[tuple[int, int]]) -> str:
    chars = list(text)
    for start, end in spans:
        chars[start:end] = _MASK * (end - start)
    return "".join(chars)


def leaked_identities(gold: GoldDoc, sanitized_text: str) -> list[GoldPerson]:
    """At-risk persons of ``gold`` with a mention still present in ``sanitized_text``.

    All mentions of at-risk, public and pseudonym persons are visited longest first. Occurrences
    of public/pseudonym mentions are masked as they are found; an at-risk mention is searched in
    the text masked so far. On equal length at-risk mentions go first (fail towards a leak).
    """
    entries: list[tuple[str, GoldPerson]] = [
        (m, p) for p in gold.persons if p.cls in SCORED_CLASSES for m in p.mentions
    ]
    entries.sort(key=lambda e: (-len(e[0]), e[1].cls != "at_risk"))
    masked = sanitized_text
    leaked: dict[int, GoldPerson] = {}
    for mention, person in entries:
        if person.cls == "at_risk":
            if id(person) not in leaked and mention_pattern(mention).search(masked):
                leaked[id(person)] = person
        else:
            spans = mention_spans(masked, mention)
            if spans:
                masked = _mask(masked, spans)
    return [p for p in gold.persons if id(p) in leaked]


def is_kept(person: GoldPerson, original_text: str, sanitized_text: str) -> bool:
    return all(
        count_mention(sanitized_text, m) >= count_mention(original_text, m) for m in person.mentions
    )


def is_flagged(person: GoldPerson, original_text: str, findings: Sequence[Finding]) -> bool:
    spans = [s for m in person.mentions for s in mention_spans(original_text, m)]
    return any(
        f.entity_type == PSEUDONYM_ENTITY and f.start < end and start < f.end
        for f in findings
        for start, end in spans
    )


def collateral_counts(gold: GoldDoc, original_text: str, sanitized_text: str) -> tuple[int, int]:
    """(words lost, words counted) for the collateral metric."""
    at_risk_words = {
        w.lower() for p in gold.persons_of("at_risk") for m in p.mentions for w in words(m)
    }
    remaining = [w for w in words(original_text) if w.lower() not in at_risk_words]
    lost = Counter(remaining) - Counter(words(sanitized_text))
    return sum(lost.values()), len(remaining)


# --------------------------------------------------------------------------------------------
# Scores


@dataclass
class Problem:
    """One scored failure, reported without the name."""

    doc_id: str
    kind: str  # leaked | public_lost | pseudonym_lost | pseudonym_not_flagged
    cls: str
    role: str
    fingerprint: str
    identity: str  # only ever output in show_names mode

    def to_dict(self, show_names: bool = False) -> dict[str, str]:
        out = {
            "document": self.doc_id,
            "kind": self.kind,
            "class": self.cls,
            "role": self.role,
            "fingerprint": self.fingerprint,
        }
        if show_names:
            out["identity"] = self.identity
        return out


def _rate(num: int, den: int) -> float | None:
    return num / den if den else None


@dataclass
class DocScore:
    doc_id: str
    at_risk_total: int = 0
    leaked: int = 0
    public_total: int = 0
    public_kept: int = 0
    pseudonym_total: int = 0
    pseudonym_kept: int = 0
    pseudonym_flagged: int = 0
    pseudonym_flagged_and_kept: int = 0
    words_total: int = 0
    words_lost: int = 0
    findings: int = 0
    problems: list[Problem] = field(default_factory=list)

    @property
    def collateral(self) -> float | None:
        return _rate(self.words_lost, self.words_total)

    def to_dict(self) -> dict[str, Any]:
        return {
            "document": self.doc_id,
            "at_risk": self.at_risk_total,
            "leaked": self.leaked,
            "public": self.public_total,
            "public_kept": self.public_kept,
            "pseudonyms": self.pseudonym_total,
            "pseudonyms_kept": self.pseudonym_kept,
            "pseudonyms_flagged": self.pseudonym_flagged,
            "pseudonyms_flagged_and_kept": self.pseudonym_flagged_and_kept,
            "words": self.words_total,
            "words_lost": self.words_lost,
            "collateral": self.collateral,
            "findings": self.findings,
        }


def score_document(
    gold: GoldDoc, original_text: str, sanitized_text: str, findings: Sequence[Finding]
) -> DocScore:
    """Score one sanitized draft against its gold annotation."""
    score = DocScore(doc_id=gold.id, findings=len(findings))

    def problem(kind: str, person: GoldPerson) -> Problem:
        return Problem(
            gold.id, kind, person.cls, person.role, fingerprint(person.identity), person.identity
        )

    at_risk = gold.persons_of("at_risk")
    score.at_risk_total = len(at_risk)
    for person in leaked_identities(gold, sanitized_text):
        score.leaked += 1
        score.problems.append(problem("leaked", person))

    for person in gold.persons_of("public"):
        score.public_total += 1
        if is_kept(person, original_text, sanitized_text):
            score.public_kept += 1
        else:
            score.problems.append(problem("public_lost", person))

    for person in gold.persons_of("pseudonym"):
        score.pseudonym_total += 1
        kept = is_kept(person, original_text, sanitized_text)
        flagged = is_flagged(person, original_text, findings)
        score.pseudonym_kept += kept
        score.pseudonym_flagged += flagged
        score.pseudonym_flagged_and_kept += kept and flagged
        if not kept:
            score.problems.append(problem("pseudonym_lost", person))
        if not flagged:
            score.problems.append(problem("pseudonym_not_flagged", person))

    score.words_lost, score.words_total = collateral_counts(gold, original_text, sanitized_text)
    return score


@dataclass
class CorpusScore:
    documents: int = 0
    at_risk_total: int = 0
    leaked: int = 0
    public_total: int = 0
    public_kept: int = 0
    pseudonym_total: int = 0
    pseudonym_kept: int = 0
    pseudonym_flagged: int = 0
    pseudonym_flagged_and_kept: int = 0
    words_total: int = 0
    words_lost: int = 0

    @property
    def leak_rate(self) -> float | None:
        return _rate(self.leaked, self.at_risk_total)

    @property
    def public_kept_rate(self) -> float | None:
        return _rate(self.public_kept, self.public_total)

    @property
    def pseudonym_kept_rate(self) -> float | None:
        return _rate(self.pseudonym_kept, self.pseudonym_total)

    @property
    def pseudonym_rate(self) -> float | None:
        """Pseudonyms flagged and kept (the target metric)."""
        return _rate(self.pseudonym_flagged_and_kept, self.pseudonym_total)

    @property
    def collateral(self) -> float | None:
        return _rate(self.words_lost, self.words_total)

    @property
    def targets(self) -> dict[str, bool]:
        """Pass/fail per target; a metric with nothing to count passes."""

        def at_least(rate: float | None, floor: float) -> bool:
            return rate is None or rate >= floor

        return {
            "leaks": self.leaked <= TARGET_MAX_LEAKS,
            "public_kept": at_least(self.public_kept_rate, TARGET_MIN_PUBLIC_KEPT),
            "pseudonyms": at_least(self.pseudonym_rate, TARGET_MIN_PSEUDONYMS),
            "collateral": self.collateral is None or self.collateral <= TARGET_MAX_COLLATERAL,
        }

    @property
    def passed(self) -> bool:
        return all(self.targets.values())

    def to_dict(self) -> dict[str, Any]:
        return {
            "documents": self.documents,
            "at_risk": self.at_risk_total,
            "leaked": self.leaked,
            "leak_rate": self.leak_rate,
            "public": self.public_total,
            "public_kept": self.public_kept,
            "public_kept_rate": self.public_kept_rate,
            "pseudonyms": self.pseudonym_total,
            "pseudonyms_kept": self.pseudonym_kept,
            "pseudonyms_flagged": self.pseudonym_flagged,
            "pseudonyms_flagged_and_kept": self.pseudonym_flagged_and_kept,
            "pseudonym_kept_rate": self.pseudonym_kept_rate,
            "pseudonym_rate": self.pseudonym_rate,
            "words": self.words_total,
            "words_lost": self.words_lost,
            "collateral": self.collateral,
            "targets": self.targets,
            "passed": self.passed,
        }


def score_corpus(doc_scores: Iterable[DocScore]) -> CorpusScore:
    """Aggregate document scores: identity counts and word counts are summed (micro-average)."""
    total = CorpusScore()
    for s in doc_scores:
        total.documents += 1
        total.at_risk_total += s.at_risk_total
        total.leaked += s.leaked
        total.public_total += s.public_total
        total.public_kept += s.public_kept
        total.pseudonym_total += s.pseudonym_total
        total.pseudonym_kept += s.pseudonym_kept
        total.pseudonym_flagged += s.pseudonym_flagged
        total.pseudonym_flagged_and_kept += s.pseudonym_flagged_and_kept
        total.words_total += s.words_total
        total.words_lost += s.words_lost
    return total


# --------------------------------------------------------------------------------------------
# Systems


def engine_sanitizer(engine: _Sanitizing, policy: str = "publish") -> Sanitizer:
    """Adapt ``Engine.sanitize`` (returning a ScreeningResult) to the Sanitizer signature."""

    def sanitize(text: str) -> tuple[str, Sequence[Finding]]:
        result = engine.sanitize(text, policy=policy)
        return result.sanitized_text, result.findings

    return sanitize


@lru_cache(maxsize=1)
def _offline_tld_extractor():  # type: ignore[no-untyped-def]
    import tldextract

    # No suffix-list URLs and no disk cache: the bundled PSL snapshot, never the network.
    return tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None, fallback_to_snapshot=True)


def _offline_email_recognizer_class():  # type: ignore[no-untyped-def]
    from presidio_analyzer.predefined_recognizers import EmailRecognizer

    class OfflineEmailRecognizer(EmailRecognizer):
        """Presidio's EmailRecognizer with domain validation against the bundled PSL snapshot."""

        def validate_result(self, pattern_text: str) -> bool:
            return _offline_tld_extractor()(pattern_text).fqdn != ""

    return OfflineEmailRecognizer


class PlainPresidio:
    """Presidio's defaults: analyzer with the default registry, spaCy NER, ``<ENTITY_TYPE>``."""

    def __init__(self, model_name: str | None = None) -> None:
        import spacy
        from presidio_analyzer import AnalyzerEngine, RecognizerRegistry
        from presidio_analyzer.nlp_engine import SpacyNlpEngine
        from presidio_anonymizer import AnonymizerEngine

        from service.pipeline.nlp import configured_model_name

        self.model_name = model_name or configured_model_name()
        # Presidio's SpacyNlpEngine would try to *download* a missing model; refuse instead.
        if not (spacy.util.is_package(self.model_name) or Path(self.model_name).exists()):
            raise ConfigurationError(f"spaCy model {self.model_name!r} is not installed")
        nlp_engine = SpacyNlpEngine(models=[{"lang_code": "en", "model_name": self.model_name}])
        try:
            nlp_engine.load()
        except Exception as exc:
            raise ConfigurationError(f"spaCy model {self.model_name!r} cannot be loaded") from exc

        registry = RecognizerRegistry()
        registry.load_predefined_recognizers(languages=["en"], nlp_engine=nlp_engine)
        offline_email = _offline_email_recognizer_class()
        replaced = [
            # Same recognizer name as stock Presidio, so findings read the same.
            offline_email(supported_language=r.supported_language, name=r.name)
            for r in registry.recognizers
            if r.name == "EmailRecognizer"
        ]
        registry.remove_recognizer("EmailRecognizer")
        for recognizer in replaced:
            registry.add_recognizer(recognizer)

        self.analyzer = AnalyzerEngine(
            registry=registry, nlp_engine=nlp_engine, supported_languages=["en"]
        )
        self.anonymizer = AnonymizerEngine()

    @property
    def recognizer_names(self) -> list[str]:
        return sorted({r.name for r in self.analyzer.registry.recognizers})

    def __call__(self, text: str) -> tuple[str, list[Finding]]:
        results = self.analyzer.analyze(text=text, language="en")
        anonymized = self.anonymizer.anonymize(text=text, analyzer_results=results)
        findings = [
            Finding(
                start=r.start,
                end=r.end,
                entity_type=r.entity_type,
                score=float(r.score),
                recognizer=str((r.recognition_metadata or {}).get("recognizer_name", "presidio")),
                action="replace",
                replacement=f"<{r.entity_type}>",
            )
            for r in results
        ]
        return anonymized.text, findings


def plain_presidio_sanitizer(model_name: str | None = None) -> PlainPresidio:
    """The baseline: a callable ``text -> (sanitized_text, findings)`` (see module docstring)."""
    return PlainPresidio(model_name)


def _engine_model_name(engine: Any) -> str | None:
    for path in ("model_name", "nlp_engine.model_name", "nlp.model_name"):
        obj = engine
        for attr in path.split("."):
            obj = getattr(obj, attr, None)
        if isinstance(obj, str) and obj:
            return obj
    return None


# --------------------------------------------------------------------------------------------
# Runs and reports


@dataclass
class SystemReport:
    name: str
    documents: list[DocScore]
    seconds: float = 0.0

    @property
    def totals(self) -> CorpusScore:
        return score_corpus(self.documents)

    @property
    def problems(self) -> list[Problem]:
        return [p for d in self.documents for p in d.problems]

    def to_dict(self, show_names: bool = False) -> dict[str, Any]:
        return {
            "system": self.name,
            "seconds": round(self.seconds, 3),
            "totals": self.totals.to_dict(),
            "documents": [d.to_dict() for d in self.documents],
            "problems": [p.to_dict(show_names) for p in self.problems],
        }


@dataclass
class EvaluationReport:
    corpus: str
    policy: str
    documents: int
    systems: list[SystemReport]
    show_names: bool = False

    def system(self, name: str) -> SystemReport:
        for s in self.systems:
            if s.name == name:
                return s
        raise KeyError(name)

    @property
    def passed(self) -> bool:
        """Whether sourceguard (the first system) meets every target."""
        return bool(self.systems) and self.systems[0].totals.passed

    def to_dict(self) -> dict[str, Any]:
        return {
            "corpus": self.corpus,
            "policy": self.policy,
            "documents": self.documents,
            "targets": {
                "max_leaks": TARGET_MAX_LEAKS,
                "min_public_kept": TARGET_MIN_PUBLIC_KEPT,
                "min_pseudonyms_flagged_and_kept": TARGET_MIN_PSEUDONYMS,
                "max_collateral": TARGET_MAX_COLLATERAL,
            },
            "systems": [s.to_dict(self.show_names) for s in self.systems],
        }


def evaluate_docs(
    docs: Sequence[GoldDoc],
    systems: Sequence[tuple[str, Sanitizer]],
    *,
    corpus: str = "",
    policy: str = "publish",
    show_names: bool = False,
) -> EvaluationReport:
    """Run every system on every document (same run, document by document) and score them."""
    scores: dict[str, list[DocScore]] = {name: [] for name, _ in systems}
    seconds: dict[str, float] = dict.fromkeys(scores, 0.0)
    for doc in docs:
        for name, sanitize in systems:
            started = time.perf_counter()
            try:
                sanitized, findings = sanitize(doc.text)
            except Exception as exc:
                # The exception text may quote the draft; name only the document and the type.
                raise EvaluationError(f"{name} failed on {doc.id}: {type(exc).__name__}") from exc
            seconds[name] += time.perf_counter() - started
            scores[name].append(score_document(doc, doc.text, sanitized, list(findings)))
    return EvaluationReport(
        corpus=corpus,
        policy=policy,
        documents=len(docs),
        systems=[SystemReport(name, scores[name], seconds[name]) for name, _ in systems],
        show_names=show_names,
    )


def evaluate_dir(
    path: str | Path,
    engine: _Sanitizing | None,
    policy: str = "publish",
    baseline: bool = True,
    *,
    baseline_model: str | None = None,
    show_names: bool = False,
) -> EvaluationReport:
    """Score ``engine`` (and, with ``baseline``, plain Presidio on the same spaCy model)."""
    docs = load_gold_dir(path)
    systems: list[tuple[str, Sanitizer]] = []
    if engine is not None:
        systems.append((SOURCEGUARD, engine_sanitizer(engine, policy)))
    if baseline:
        model = baseline_model or (_engine_model_name(engine) if engine is not None else None)
        systems.append((PLAIN_PRESIDIO, plain_presidio_sanitizer(model)))
    if not systems:
        raise ValueError("nothing to evaluate: no engine and no baseline")
    return evaluate_docs(docs, systems, corpus=str(path), policy=policy, show_names=show_names)


def _pct(rate: float | None) -> str:
    return "n/a" if rate is None else f"{100 * rate:.1f}%"


def _frac(num: int, den: int) -> str:
    return f"{num}/{den}"


def format_report(report: EvaluationReport, per_document: bool = True) -> str:
    """A compact, name-free text report (names only in ``show_names`` mode)."""
    lines = [
        f"corpus: {report.corpus}  documents: {report.documents}  policy: {report.policy}",
        f"targets: {TARGET_MAX_LEAKS} leaks, public kept >= {TARGET_MIN_PUBLIC_KEPT:.0%}, "
        f"pseudonyms flagged & kept >= {TARGET_MIN_PSEUDONYMS:.0%}, "
        f"collateral <= {TARGET_MAX_COLLATERAL:.0%}",
        "",
    ]
    header = (
        f"{'system':<15} {'leak':>14} {'public kept':>14} {'pseudo kept':>14} "
        f"{'pseudo flag+kept':>17} {'collateral':>10}  {'time':>7}  result"
    )
    lines += [header, "-" * len(header)]
    for system in report.systems:
        t = system.totals
        failed = [name for name, ok in t.targets.items() if not ok]
        lines.append(
            f"{system.name:<15} "
            f"{_frac(t.leaked, t.at_risk_total):>7} {_pct(t.leak_rate):>6} "
            f"{_frac(t.public_kept, t.public_total):>7} {_pct(t.public_kept_rate):>6} "
            f"{_frac(t.pseudonym_kept, t.pseudonym_total):>7} {_pct(t.pseudonym_kept_rate):>6} "
            f"{_frac(t.pseudonym_flagged_and_kept, t.pseudonym_total):>10} "
            f"{_pct(t.pseudonym_rate):>6} "
            f"{_pct(t.collateral):>10}  {system.seconds:>6.1f}s  "
            + ("PASS" if not failed else "FAIL (" + ", ".join(failed) + ")")
        )
    for system in report.systems:
        if per_document:
            lines += ["", f"[{system.name}] per document"]
            width = max((len(d.doc_id) for d in system.documents), default=8)
            for d in system.documents:
                lines.append(
                    f"  {d.doc_id:<{width}}  leak {_frac(d.leaked, d.at_risk_total):>5}  "
                    f"public {_frac(d.public_kept, d.public_total):>5}  "
                    f"pseudo f+k {_frac(d.pseudonym_flagged_and_kept, d.pseudonym_total):>5}  "
                    f"collateral {_pct(d.collateral):>6}"
                )
        problems = system.problems
        lines += ["", f"[{system.name}] problems: {len(problems)}"]
        width = max((len(p.doc_id) for p in problems), default=8)
        for p in problems:
            kind = f"{p.cls}/{p.role}"
            line = f"  {p.doc_id:<{width}}  {p.kind:<21}  {kind:<28}  #{p.fingerprint}"
            if report.show_names:
                line += f"  {p.identity}"
            lines.append(line)
    if report.show_names:
        lines += ["", "WARNING: --show-names debugging mode: the lines above contain names."]
    return "\n".join(lines)
