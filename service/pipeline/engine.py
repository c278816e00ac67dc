"""The screening engine: text → NLP → recognizers → identities → policy → anonymization.

One ``Engine`` per process holds the loaded spaCy model, the recognizer registry and the roster;
``sanitize`` and ``analyze`` are what the CLI, the HTTP API and the CI check call. Anything that
cannot be loaded raises ``ConfigurationError`` at creation time, so no request is ever answered by
a half-built engine (fail closed).
"""

from __future__ import annotations

import os
import re
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from presidio_analyzer import AnalyzerEngine, RecognizerRegistry, RecognizerResult
from presidio_analyzer.context_aware_enhancers import ContextAwareEnhancer
from presidio_analyzer.nlp_engine import NlpArtifacts

from policies.loader import DEFAULT_POLICY, Policy, Rule, load_policy
from recognizers.anonymous_source.recognizer import AnonymousSourceRecognizer
from recognizers.at_risk_source_recognizer import AtRiskSourceRecognizer
from recognizers.citizen_journalist_recognizer import CitizenJournalistRecognizer
from recognizers.email_recognizer import EmailRecognizer
from recognizers.entities import (
    ALL_TYPES,
    ANONYMOUS_SOURCE,
    AT_RISK_TYPES,
    KIND_KEY,
    PERSON_TYPES,
    QUASI_IDENTIFIER,
    REASONS_KEY,
    RISK_KEY,
    RISK_LEVELS,
    SOURCE_KEY,
)
from recognizers.handle_recognizer import HandleRecognizer
from recognizers.name_keys import name_parts, token_keys
from recognizers.person_recognizer import PersonRecognizer
from recognizers.phone_recognizer import PhoneRecognizer
from recognizers.protected_source_recognizer import ProtectedSourceRecognizer
from recognizers.pseudonym_recognizer import PseudonymRecognizer
from recognizers.public_figure_recognizer import Gazetteer, PublicFigureRecognizer
from service.core.config import (
    DEFAULT_MAX_CHARS,
    optional_path,
    policy_dirs,
    sourceguard_version,
)
from service.core.config import max_chars as configured_max_chars
from service.core.errors import ConfigurationError
from service.core.findings import Finding, ScreeningResult
from service.drafts.canonical import CanonicalText, Vocabulary, canonicalize
from service.drafts.validation import validate_text
from service.pipeline.anonymize import Secrets, apply_policy
from service.pipeline.identities import resolve
from service.pipeline.nlp import ModelUnavailableError, SourceguardNlpEngine
from service.pipeline.roster import Roster, load_roster, roster_key_from_env

ALLOW_LIST_ENV = "SOURCEGUARD_ALLOW_LIST"
GAZETTEER_ENV = "SOURCEGUARD_PUBLIC_FIGURES"
MIN_TARGET_KEY = 3
"""Shortest name-word key looked for in link targets and slugs."""
EditorHook = Callable[[str, list[Finding], Policy], tuple[list[Finding], Mapping[str, Rule]]]
"""An editor's stage between identities and policy: (findings, per-identity rules)."""


class _NoContextEnhancer(ContextAwareEnhancer):
    """Presidio's lemma enhancer is O(results × tokens); our recognizers read context themselves."""

    def __init__(self) -> None:
        super().__init__(
            context_similarity_factor=0,
            min_score_with_context_similarity=0,
            context_prefix_count=0,
            context_suffix_count=0,
        )

    def enhance_using_context(self, text, raw_results, nlp_artifacts, recognizers, context=None):  # type: ignore[override]
        return raw_results


def _read_allow_list() -> list[str]:
    path = optional_path(ALLOW_LIST_ENV)
    if path is None:
        return []
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigurationError(
            f"allow list {path.name!r} cannot be read ({type(exc).__name__})"
        ) from exc
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


def _gazetteer(enabled: bool) -> Gazetteer:
    """The shipped list of well-known public figures plus ``SOURCEGUARD_PUBLIC_FIGURES``."""
    if not enabled:
        return Gazetteer.from_lines([])
    extra = optional_path(GAZETTEER_ENV)
    try:
        return Gazetteer.load(extra)
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigurationError(
            f"public-figure list {extra.name if extra else ''!r} cannot be read "
            f"({type(exc).__name__})"
        ) from exc


@dataclass
class Engine:
    nlp: SourceguardNlpEngine
    analyzer: AnalyzerEngine
    roster: Roster
    secrets: Secrets
    max_chars: int = DEFAULT_MAX_CHARS
    vocabulary: Vocabulary = field(default_factory=Vocabulary)
    allow_list: list[str] = field(default_factory=list)  # the configured one (env or argument)

    @classmethod
    def create(
        cls,
        model_name: str | None = None,
        roster_path: str | os.PathLike[str] | None = None,
        roster: Roster | None = None,
        allow_list: list[str] | None = None,
        secrets: Secrets | None = None,
        nlp: SourceguardNlpEngine | None = None,
        gazetteer: bool = True,
    ) -> Engine:
        """Load everything once; raise ``ConfigurationError`` if any part is unusable.

        ``nlp`` reuses an already loaded model (tests build several engines on one model).
        ``gazetteer=False`` drops the list of well-known public figures, to measure what the
        cue mechanisms find on their own (as on names no list knows).
        """
        if nlp is None:
            nlp = SourceguardNlpEngine(model_name)
            try:
                nlp.load()
            except ModelUnavailableError as exc:
                raise ConfigurationError(str(exc)) from exc
        if roster is None:
            roster = (
                load_roster(roster_path, roster_key_from_env()) if roster_path else Roster.empty()
            )
        configured_allow = allow_list if allow_list is not None else _read_allow_list()
        registry = RecognizerRegistry(supported_languages=["en"])
        for recognizer in (
            ProtectedSourceRecognizer(roster),
            CitizenJournalistRecognizer(),
            AtRiskSourceRecognizer(),
            PseudonymRecognizer(),
            PublicFigureRecognizer(
                gazetteer=_gazetteer(gazetteer),
                allow_list=configured_allow,
            ),
            PersonRecognizer(),
            AnonymousSourceRecognizer(),
            PhoneRecognizer(),
            EmailRecognizer(),
            HandleRecognizer(),
        ):
            registry.add_recognizer(recognizer)
        analyzer = AnalyzerEngine(
            registry=registry,
            nlp_engine=nlp,
            supported_languages=["en"],
            context_aware_enhancer=_NoContextEnhancer(),
            default_score_threshold=0.0,
        )
        return cls(
            allow_list=configured_allow,
            nlp=nlp,
            analyzer=analyzer,
            roster=roster,
            secrets=secrets or Secrets.from_env(),
            max_chars=configured_max_chars(),
            vocabulary=Vocabulary.from_nlp(nlp.get_nlp("en")),
        )

    @property
    def versions(self) -> dict[str, str]:
        return {
            "engine": sourceguard_version(),
            "model": self.nlp.model_version,
            "roster": self.roster.digest if len(self.roster) else "none",
        }

    def set_roster(self, roster: Roster) -> None:
        """Swap the roster (the HTTP service reloads it when an admin changes it)."""
        for recognizer in self.analyzer.registry.recognizers:
            if isinstance(recognizer, ProtectedSourceRecognizer):
                recognizer.roster = roster
        self.roster = roster

    def set_allow_list(self, names: list[str]) -> None:
        """Add the newsroom's stored "always public" names to the configured allow list."""
        for recognizer in self.analyzer.registry.recognizers:
            if isinstance(recognizer, PublicFigureRecognizer):
                recognizer.set_allowed([*self.allow_list, *names])

    def policy(self, name: str | None) -> Policy:
        """A policy by name (shipped or from ``SOURCEGUARD_POLICY_DIR``); ``PolicyError`` if
        unknown or invalid."""
        name = name or DEFAULT_POLICY
        return load_policy(name, policy_dirs(), allow_paths=False)

    # -- the flow -----------------------------------------------------------------------------
    def canonical(self, text: str, fmt: str | None = None) -> CanonicalText:
        """The canonical reading every later stage sees (see ``service.drafts.canonical``)."""
        return canonicalize(text, fmt, self.vocabulary)

    def recognize(self, text: str) -> list[RecognizerResult]:
        """Recognizer results on an already canonical text (offsets in that text)."""
        artifacts: NlpArtifacts = self.nlp.process_text(text, "en")
        return self.analyzer.analyze(
            text=text, language="en", entities=list(ALL_TYPES), nlp_artifacts=artifacts
        )

    def find(self, text: str, fmt: str | None = None) -> list[Finding]:
        """Every finding with its identity and role, in offsets of the original ``text``."""
        return self.find_canonical(self.canonical(text, fmt))

    def find_canonical(self, canonical: CanonicalText) -> list[Finding]:
        """Findings on the canonical text, mapped back to original spans (invisibles included).

        Our own placeholders are never names: results inside one are dropped, results reaching
        into one are trimmed to the part outside it.
        """
        results = _outside_placeholders(canonical, self.recognize(canonical.text))
        findings, _ = resolve(canonical.text, results)
        findings.extend(_other_findings(results))
        names = _name_keys_of(canonical.text, findings)
        for f in findings:
            f.start, f.end = canonical.to_original(f.start, f.end)
        findings.extend(_target_mentions(canonical, names))
        findings.sort(key=lambda f: (f.start, -f.end, f.entity_type))
        return findings

    def screen(
        self,
        text: str,
        policy: str | None = None,
        apply: bool = True,
        overrides: Mapping[str, Rule] | None = None,
        editor: EditorHook | None = None,
        fmt: str | None = None,
    ) -> ScreeningResult:
        """``overrides``: identity id → rule chosen by an editor for every mention of it.

        ``editor`` (see ``service.pipeline.corrections.EditorStage``) sees the findings between identity
        resolution and the policy: it may correct roles and returns per-identity rules too.
        ``fmt``: the draft's markup (plain, markdown, html; None or "auto" detects it). Findings
        are always in offsets of the submitted ``text``.
        """
        text = validate_text(text, self.max_chars)
        chosen = self.policy(policy)
        canonical = self.canonical(text, fmt)
        findings = self.find_canonical(canonical)
        if editor is not None:
            findings, editor_rules = editor(text, findings, chosen)
            overrides = {**(overrides or {}), **editor_rules}
        sanitized, findings = apply_policy(
            text,
            findings,
            chosen,
            self.secrets,
            overrides,
            segments=canonical.segments,
            in_target=canonical.in_target if canonical.targets else None,
        )
        return ScreeningResult(
            sanitized_text=sanitized if apply else text,
            findings=findings,
            policy=chosen.info(),
            summary=summarize(findings, len(text)),
            engine=self.versions,
        )

    def sanitize(
        self, text: str, policy: str | None = None, fmt: str | None = None
    ) -> ScreeningResult:
        return self.screen(text, policy, apply=True, fmt=fmt)

    def analyze(
        self, text: str, policy: str | None = None, fmt: str | None = None
    ) -> ScreeningResult:
        """Findings and the actions the policy *would* take; the text is returned unchanged."""
        return self.screen(text, policy, apply=False, fmt=fmt)


def _name_keys_of(text: str, findings: list[Finding]) -> dict[str, Finding]:
    """Name-word key → the person finding it belongs to (for link targets and slugs)."""
    out: dict[str, Finding] = {}
    for f in findings:
        if f.entity_type in PERSON_TYPES and f.identity:
            for part in name_parts(text[f.start : f.end]):
                for key in token_keys(part):
                    if len(key) >= MIN_TARGET_KEY:
                        out.setdefault(key, f)
    return out


def _target_mentions(canonical: CanonicalText, names: dict[str, Finding]) -> list[Finding]:
    """The same names inside link targets and slugs ("/karim-al-sabbagh-interview").

    Consecutive matching words of one identity (with particles between) become one mention.
    """
    if not names or not canonical.targets:
        return []
    out: list[Finding] = []
    last: Finding | None = None
    for start, end, word in canonical.target_words():
        parts = name_parts(word)
        if not parts:
            continue  # "al", "bin": joins a neighbouring match, never matches alone
        owner = next((names[k] for k in token_keys(parts[0]) if k in names), None)
        if owner is None:
            last = None
            continue
        gap = canonical.original[last.end : start] if last else ""
        if last is not None and last.identity == owner.identity and _slug_gap(gap):
            last.end = end
            continue
        last = Finding(
            start=start,
            end=end,
            entity_type=owner.entity_type,
            score=owner.score,
            recognizer=owner.recognizer,
            reasons=[f"another mention of {owner.identity} (in a link target or slug)"],
            identity=owner.identity,
            confidence=owner.confidence,
            review=owner.review,
        )
        out.append(last)
    return out


def _slug_gap(gap: str) -> bool:
    return len(gap) < 12 and not name_parts(re.sub(r"[^\w]+", " ", gap).strip() or "-")


def _outside_placeholders(
    canonical: CanonicalText, results: list[RecognizerResult]
) -> list[RecognizerResult]:
    if not canonical.placeholders:
        return results
    import bisect

    spans = canonical.placeholders
    ends = [e for _, e in spans]
    out = []
    for r in results:
        k = bisect.bisect_right(ends, r.start)
        while k < len(spans) and spans[k][0] < r.end:
            ps, pe = spans[k]
            if ps <= r.start:
                r.start = pe
            elif pe >= r.end:
                r.end = ps
            k += 1
        text = canonical.text[r.start : r.end] if r.start < r.end else ""
        if text.strip(" \t\n,;:.-'’\"“”()[]"):
            while r.start < r.end and canonical.text[r.start] in " \t\n":
                r.start += 1
            while r.end > r.start and canonical.text[r.end - 1] in " \t\n":
                r.end -= 1
            out.append(r)
    return out


def _other_findings(results: list[RecognizerResult]) -> list[Finding]:
    """Anonymous sources, quasi-identifiers and contact details: passed through with a source id."""
    out: list[Finding] = []
    sources: dict[str, str] = {}
    for r in sorted(results, key=lambda r: r.start):
        if r.entity_type in PERSON_TYPES:
            continue
        meta = r.recognition_metadata or {}
        identity = None
        source = meta.get(SOURCE_KEY)
        if source:
            identity = sources.setdefault(str(source), f"S{len(sources) + 1}")
        out.append(
            Finding(
                start=r.start,
                end=r.end,
                entity_type=r.entity_type,
                score=round(float(r.score), 2),
                recognizer=str(meta.get(RecognizerResult.RECOGNIZER_NAME_KEY, "unknown")),
                reasons=list(meta.get(REASONS_KEY, [])),
                identity=identity,
                risk=meta.get(RISK_KEY),
                kind=meta.get(KIND_KEY),
            )
        )
    return out


def summarize(findings: list[Finding], length: int) -> dict[str, object]:
    """Counts per type, identities per role, the highest jigsaw risk, what changed."""
    by_type = Counter(f.entity_type for f in findings)
    identities: dict[str, str] = {
        f.identity: f.entity_type for f in findings if f.identity and f.entity_type in PERSON_TYPES
    }
    risks = [
        f.risk for f in findings if f.entity_type == ANONYMOUS_SOURCE and f.risk in RISK_LEVELS
    ]
    highest = max(risks, key=RISK_LEVELS.index) if risks else "none"
    at_risk_ids = {i for i, t in identities.items() if t in AT_RISK_TYPES}
    return {
        "characters": length,
        "findings": len(findings),
        "by_type": dict(sorted(by_type.items())),
        "identities": len(identities),
        "identities_by_role": dict(sorted(Counter(identities.values()).items())),
        "at_risk_identities": len(at_risk_ids),
        "anonymous_sources": by_type.get(ANONYMOUS_SOURCE, 0),
        "quasi_identifiers": by_type.get(QUASI_IDENTIFIER, 0),
        "highest_risk": highest,
        "replaced": sum(1 for f in findings if f.replacement is not None),
    }
