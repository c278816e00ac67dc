"""scripts/corpus_leak_check.py: its matching on invented text, and full runs on the corpus.

The full runs start a real server over the shared development corpus, so they are slow and skip
when ../shared/corpus is absent (or, for --postgres, when PostgreSQL is not reachable). The
matching tests guard against a check that passes because it cannot see: names in JSON escapes
must be found, names inside digests must not, and shared words are reported apart.
"""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

from evaluation.evaluate import GoldDoc, GoldPerson
from tests.server_process import postgres_unreachable_reason

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "scripts" / "corpus_leak_check.py"
CORPUS = ROOT.parent / "shared" / "corpus"
PG_URL = "postgresql://postgres@127.0.0.1:5432/test"
RUN_SECONDS = 1200


def load_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("corpus_leak_check", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses resolve their annotations through it
    try:
        spec.loader.exec_module(module)
    except BaseException:
        del sys.modules[spec.name]
        raise
    return module


@pytest.fixture(scope="module")
def check() -> ModuleType:
    return load_script()


def invented_corpus() -> tuple[list[GoldDoc], list[dict[str, object]]]:
    text = (
        "Reporter Darya Zénobi filmed the river in Hama. Zénobi left. Minister Colm Aberly spoke."
    )
    doc = GoldDoc(
        id="doc_a",
        text=text,
        persons=[
            GoldPerson("Darya Zénobi", "at_risk", "journalist", ("Darya Zénobi", "Zénobi")),
            GoldPerson("Colm Aberly", "public", "official", ("Colm Aberly", "Aberly")),
        ],
    )
    roster = [{"name": "Hama Qorvell", "aliases": ["Qorvell", "@qorvell_help"]}]
    return [doc], roster


def result(check: ModuleType, places: dict[str, str], sanitized: str = "") -> object:
    return check.RunResult(
        places=places,
        sanitized=[sanitized],
        documents=1,
        audit_records=0,
        chain="intact",
        store="sqlite",
        roster_entries=1,
    )


def texts(found: dict[str, list[object]]) -> dict[str, set[str]]:
    return {place: {t.text for t in terms} for place, terms in found.items()}


def test_terms_are_at_risk_names_roster_names_and_their_long_words(check: ModuleType) -> None:
    docs, roster = invented_corpus()
    terms = check.build_terms(docs, roster)
    names = {t.text for t in terms if t.kind == "name"}
    words = {t.text for t in terms if t.kind == "word"}
    assert names == {"Darya Zénobi", "Zénobi", "Hama Qorvell", "Qorvell", "@qorvell_help"}
    assert words == {"Darya", "Hama"}  # public names and the handle's parts are not searched
    origins = {t.text: t.origins for t in terms}
    assert origins["Zénobi"] == {"doc_a"} and origins["Qorvell"] == {"roster"}


def test_search_finds_names_in_every_form_a_file_holds(check: ModuleType) -> None:
    docs, roster = invented_corpus()
    terms = check.build_terms(docs, roster)
    places = {
        "log": '{"event": "request", "note": "DARYA ZÉNOBI"}',
        "jsonl": '{"x": "Z\\u00e9nobi"}',  # json.dumps(ensure_ascii=True) of a name
        "sqlite": "sha256:00darya11 qorvellish tokenQorvell xZénobi_ @qorvell_help",
    }
    found = check.search(terms, result(check, places))
    assert texts(found["name"]) == {
        "log": {"Darya Zénobi", "Zénobi"},
        "jsonl": {"Zénobi"},
        "sqlite": {"@qorvell_help"},  # the rest are inside longer words, not names
    }
    assert texts(found["word"]) == {"log": {"Darya"}}


def test_words_shared_with_the_sanitized_text_are_reported_apart(check: ModuleType) -> None:
    docs, roster = invented_corpus()
    terms = check.build_terms(docs, roster)
    places = {"log": "shelling reported near hama", "jsonl": "{}"}
    sanitized = "Reporter [journalist A] filmed the river in Hama."
    found = check.search(terms, result(check, places, sanitized))
    assert found["name"] == {} and found["word"] == {}
    assert texts(found["word in sanitized"]) == {"log": {"Hama"}}
    # The report line counts and places, never the word itself.
    line = check._where(found["word in sanitized"], places)
    assert line == "1 found: log 1 (from roster)" and "hama" not in line.lower()
    assert check._where({}, ["sqlite", "jsonl", "log"]) == "0 found in sqlite, jsonl, log"


def test_a_missing_corpus_exits_2(
    check: ModuleType, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert check.main([str(tmp_path / "no-corpus")]) == 2
    (tmp_path / "empty").mkdir()
    assert check.main([str(tmp_path / "empty")]) == 2
    assert "corpus missing" in capsys.readouterr().err


# -- full runs on the shared corpus ---------------------------------------------------------------


def corpus_or_skip() -> Path:
    if not (CORPUS / "roster.json").is_file():
        pytest.skip(f"development corpus not found at {CORPUS}")
    return CORPUS


def run_script(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(SCRIPT), *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=RUN_SECONDS,
    )


@pytest.mark.slow
def test_corpus_leaks_nothing_with_sqlite() -> None:
    done = run_script(str(corpus_or_skip()))
    # The script prints counts and places only, so its output is safe to show.
    assert done.returncode == 0, done.stdout + done.stderr
    assert "names/aliases: 0 found in" in done.stdout
    assert "sqlite store" in done.stdout and "0 found in sqlite, jsonl, log, metrics" in done.stdout


@pytest.mark.slow
@pytest.mark.postgres
def test_corpus_leaks_nothing_with_postgresql() -> None:
    corpus = corpus_or_skip()
    reason = postgres_unreachable_reason(PG_URL)
    if reason:
        pytest.skip(reason)
    done = run_script(str(corpus), "--postgres")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "postgresql store" in done.stdout and "0 found in postgresql, jsonl, log" in done.stdout
