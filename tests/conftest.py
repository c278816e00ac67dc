"""Shared fixtures: the spaCy model and the engine are loaded once per test session."""

from __future__ import annotations

import pytest

from service.pipeline.nlp import SourceguardNlpEngine


@pytest.fixture(scope="session")
def nlp_engine() -> SourceguardNlpEngine:
    engine = SourceguardNlpEngine()
    engine.load()
    return engine


@pytest.fixture(scope="session")
def engine(nlp_engine):  # type: ignore[no-untyped-def]
    from service.pipeline.anonymize import Secrets
    from service.pipeline.engine import Engine

    secrets = Secrets(hash_key=b"h" * 32, encryption_key=b"e" * 32)
    return Engine.create(secrets=secrets, allow_list=[])


@pytest.fixture(scope="session")
def bare_engine(nlp_engine):  # type: ignore[no-untyped-def]
    """The engine with nothing but the draft to go on: no gazetteer, no allow list."""
    from service.pipeline.anonymize import Secrets
    from service.pipeline.engine import Engine

    secrets = Secrets(hash_key=b"h" * 32, encryption_key=b"e" * 32)
    return Engine.create(nlp=nlp_engine, secrets=secrets, allow_list=[], gazetteer=False)


def person_roles(result, text: str, name: str) -> set[str]:  # type: ignore[no-untyped-def]
    """The entity types of the person findings that cover exactly ``name``."""
    return {
        f.entity_type
        for f in result.findings
        if f.identity and f.identity.startswith("P") and text[f.start : f.end] == name
    }


def spans(recognizer, nlp_engine, text: str, entity: str) -> list[str]:  # type: ignore[no-untyped-def]
    """The substrings a recognizer reports for one entity type, in order."""
    artifacts = nlp_engine.process_text(text, "en")
    results = recognizer.analyze(text, [entity], artifacts)
    return [
        text[r.start : r.end]
        for r in sorted(results, key=lambda r: r.start)
        if r.entity_type == entity
    ]


def pytest_terminal_summary(terminalreporter) -> None:  # type: ignore[no-untyped-def]
    """Say where the browser tests' screenshots are, so CI can keep the folder as an artifact."""
    from tests.e2e_support import SCREENSHOTS, WRITTEN

    if WRITTEN:
        terminalreporter.write_line(f"browser screenshots ({len(WRITTEN)}): {SCREENSHOTS}")
