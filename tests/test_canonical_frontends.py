"""No way of writing a name lets it escape, in any front end (issue 10).

Every variant (case, invisible characters, look-alike letters, width, NFD accents, line breaks,
non-breaking hyphens) of several invented names, in plain text, Markdown and HTML, through the
engine, the HTTP API and ``sourceguard check``; a sanitized copy is stable under a second
sanitize and passes ``check``. All names and sentences are invented.
"""

from __future__ import annotations

import html
import json
import re
import unicodedata
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from recognizers.entities import AT_RISK_TYPES, PROTECTED_SOURCE
from recognizers.name_keys import fold
from service.cli import main
from service.drafts.canonical import canonicalize
from service.http.app import create_app
from service.pipeline.anonymize import Secrets
from service.pipeline.engine import Engine
from service.pipeline.roster import Roster
from tests.test_api import KEYS, make_config, make_engine
from tests.test_canonical import CYRILLIC, GREEK, INVISIBLES, fullwidth, math_bold, swap

NAMES = [("Karim", "al-Sabbagh"), ("Sasha", "Koval"), ("Yara", "Mansour"), ("Renée", "Ibáñez")]
SENTENCES = (
    "Citizen journalist {full} told us the army came at night. “We waited,” said {given}. "
    "Later {surname} said the bakery had closed."
)
FILLER = set(re.findall(r"[a-z]+", SENTENCES.lower())) - {"full", "given", "surname"}
PLACEHOLDER_WORDS = {"citizen", "journalist", "person", "protected", "source", "at", "risk"}
NAME_VARIANTS: dict[str, Callable[[str], str]] = {
    "as written": lambda n: n,
    "capitals": str.upper,
    "lower case": str.lower,
    "soft hyphen": lambda n: n[:2] + "\u00ad" + n[2:],
    "U+034F": lambda n: n[:3] + "\u034f" + n[3:],
    "BOM": lambda n: "\ufeff" + n,
    "zero-width space before": lambda n: "\u200b" + n,
    "Cyrillic look-alikes": lambda n: swap(CYRILLIC, n),
    "Greek look-alikes": lambda n: swap(GREEK, n),
    "fullwidth": fullwidth,
    "mathematical bold": math_bold,
    "NFD accents": lambda n: unicodedata.normalize("NFD", n[:2] + n[2:].replace("a", "á", 1)),
    "non-breaking hyphen": lambda n: n.replace("-", "\u2011"),
}
BLOCK_VARIANTS: dict[str, Callable[[str], str]] = {
    "block in capitals": str.upper,
    "block in lower case": str.lower,
}
FORMATS = ("plain", "markdown", "html")


def draft(given: str, surname: str, variant: str, fmt: str) -> str:
    """The sentences with every mention written in the variant (later mentions included)."""
    change = NAME_VARIANTS.get(variant, lambda n: n)
    full = f"{change(given)} {change(surname)}"
    if variant == "line break in name":
        full = f"{given}\n{surname}"
    text = SENTENCES.format(full=full, given=change(given), surname=change(surname))
    if variant in BLOCK_VARIANTS:
        text = BLOCK_VARIANTS[variant](text)
        full = BLOCK_VARIANTS[variant](full)
    if fmt == "markdown":
        return f"# Queues at dawn\n\n{text.replace(full, f'**{full}**', 1)}\n"
    if fmt == "html":
        body = html.escape(text, quote=False).replace("“", "&ldquo;").replace("”", "&rdquo;")
        first = html.escape(full, quote=False)
        body = body.replace(first, f"<b>{first}</b>", 1)
        return f"<html><body><h1>Queues at dawn</h1><p>{body}</p></body></html>"
    return text


ALL_VARIANTS = [*NAME_VARIANTS, *BLOCK_VARIANTS, "line break in name"]
CASES = [
    pytest.param(g, s, v, f, id=f"{g}-{v}-{f}")
    for g, s in NAMES
    for v in ALL_VARIANTS
    for f in FORMATS
]


def residue(given: str, surname: str, sanitized: str) -> list[str]:
    """Words of the sanitized copy's reading that could be (part of) the name."""
    reading = fold(canonicalize(sanitized).text)
    parts = [p for p in re.split(r"[\s\-]+", fold(f"{given} {surname}")) if len(p) >= 3]
    words = set(re.findall(r"[^\W\d_]+", reading))
    extra = words - FILLER - PLACEHOLDER_WORDS - {"queues", "dawn", "a", "b", "c", "d"}
    return [w for w in extra if any(w in p or p in w for p in parts) or w in parts]


@pytest.fixture(scope="module")
def engine(nlp_engine: Any) -> Engine:
    return Engine.create(
        nlp=nlp_engine, secrets=Secrets(hash_key=b"h" * 32, encryption_key=b"e" * 32), allow_list=[]
    )


def at_risk_changes(result: Any) -> list[Any]:
    return [
        f
        for f in result.findings
        if f.entity_type in (*AT_RISK_TYPES, PROTECTED_SOURCE) and f.replacement is not None
    ]


@pytest.mark.parametrize(("given", "surname", "variant", "fmt"), CASES)
def test_engine_leaves_no_readable_name(
    engine: Engine, given: str, surname: str, variant: str, fmt: str
) -> None:
    text = draft(given, surname, variant, fmt)
    sanitized = engine.sanitize(text, fmt=fmt).sanitized_text
    assert residue(given, surname, sanitized) == []
    if fmt != "plain":
        assert "<b>" in sanitized or "**" in sanitized  # the draft's markup is kept
    again = engine.sanitize(sanitized, fmt=fmt)
    assert again.sanitized_text == sanitized  # sanitize is idempotent
    assert at_risk_changes(engine.analyze(sanitized, fmt=fmt)) == []  # placeholders are no names


@pytest.mark.parametrize("fmt", FORMATS)
def test_detected_format_gives_the_same_result(engine: Engine, fmt: str) -> None:
    text = draft("Sasha", "Koval", "soft hyphen", fmt)
    assert engine.sanitize(text).sanitized_text == engine.sanitize(text, fmt=fmt).sanitized_text


def test_names_in_link_targets_and_slugs_are_replaced(engine: Engine) -> None:
    md = (
        "---\ntitle: Queues\nslug: yara-mansour-interview\n---\n\n"
        "Citizen journalist Yara Mansour filmed the queue. See [her video](/v/yara-mansour) "
        "and `Mansour` in the notes.\n"
    )
    out = engine.sanitize(md).sanitized_text
    assert "mansour" not in out.lower() and "yara" not in out.lower()
    assert "slug: citizen-journalist-a-interview" in out
    assert "(/v/citizen-journalist-a)" in out
    page = '<p>Citizen journalist <a href="/p/yara-mansour">Yara Mansour</a> filmed it.</p>'
    out = engine.sanitize(page).sanitized_text
    assert out == (
        '<p>Citizen journalist <a href="/p/citizen-journalist-a">[citizen journalist A]</a>'
        " filmed it.</p>"
    )


# --- the roster --------------------------------------------------------------------------------

ROSTER_KEY = b"r" * 32


@pytest.fixture(scope="module")
def roster_engine(nlp_engine: Any) -> Engine:
    roster = Roster.empty(ROSTER_KEY)
    roster.add_entries([{"name": "Tamer Qudsi"}, {"name": "Lina Barakeh"}])
    return Engine.create(
        nlp=nlp_engine,
        roster=roster,
        secrets=Secrets(hash_key=b"h" * 32, encryption_key=b"e" * 32),
        allow_list=[],
    )


@pytest.mark.parametrize(
    "written",
    [
        "Tamer Qudsi",
        "tamer qudsi",
        "TAMER QUDSI",
        "T\u0430mer Q\u0443dsi",
        "Ta\u00admer Qud\u200bsi",
        "Ｔａｍｅｒ Ｑｕｄｓｉ",
        "Tamer\nQudsi",
    ],
)
@pytest.mark.parametrize(
    "sentence",
    [
        "We met {name} at the market on Tuesday. The roads were open, he said.",
        "Deputy Governor {name} said the roads were open.",
        "Minister of Water {name}, speaking on Tuesday, said the pumps worked.",
    ],
)
def test_roster_matches_any_writing_and_outranks_titles(
    roster_engine: Engine, written: str, sentence: str
) -> None:
    text = sentence.format(name=written)
    result = roster_engine.sanitize(text, fmt="plain")
    assert "[protected source A]" in result.sanitized_text
    assert residue("Tamer", "Qudsi", result.sanitized_text) == []
    assert {f.entity_type for f in result.findings if f.replacement} == {PROTECTED_SOURCE}


# --- the HTTP API ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory, nlp_engine: Any) -> Iterator[Any]:
    tmp = tmp_path_factory.mktemp("canonical-api")
    app = create_app(make_config(tmp), engine=make_engine(nlp_engine))
    token = app.extensions["sourceguard"].store.create_token("editor-token", "editor")[0]
    client = app.test_client()
    client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {token}"
    yield client


API_CASES = [
    pytest.param("Karim", "al-Sabbagh", v, f, id=f"{v}-{f}") for v in ALL_VARIANTS for f in FORMATS
]


@pytest.mark.parametrize(("given", "surname", "variant", "fmt"), API_CASES)
def test_api_leaves_no_readable_name(
    client: Any, given: str, surname: str, variant: str, fmt: str
) -> None:
    text = draft(given, surname, variant, fmt)
    answer = client.post("/v1/sanitize", json={"text": text, "format": fmt})
    assert answer.status_code == 200, answer.get_json()
    sanitized = answer.get_json()["sanitized_text"]
    assert residue(given, surname, sanitized) == []
    analyzed = client.post("/v1/analyze", json={"text": text}).get_json()
    covered = [text[f["start"] : f["end"]] for f in analyzed["findings"] if f.get("replacement")]
    assert covered, "analyze finds the name too (format detected)"
    again = client.post("/v1/sanitize", json={"text": sanitized, "format": fmt}).get_json()
    assert again["sanitized_text"] == sanitized


def test_api_refuses_an_unknown_format(client: Any) -> None:
    answer = client.post("/v1/analyze", json={"text": "Some text.", "format": "pdf"})
    assert answer.status_code == 400
    assert answer.get_json()["type"].endswith("/bad-format")


# --- sourceguard check -------------------------------------------------------------------------

SUFFIX = {"plain": ".txt", "markdown": ".md", "html": ".html"}


@pytest.fixture
def check_env(monkeypatch: pytest.MonkeyPatch, nlp_engine: Any, tmp_path: Path) -> Path:
    original = Engine.create.__func__  # type: ignore[attr-defined]

    def create(cls: type[Engine], *args: Any, **kwargs: Any) -> Engine:
        kwargs.setdefault("nlp", nlp_engine)
        kwargs.setdefault("secrets", Secrets(hash_key=KEYS["hash"], encryption_key=b"e" * 32))
        kwargs.setdefault("allow_list", [])
        return original(cls, *args, **kwargs)

    monkeypatch.setattr(Engine, "create", classmethod(create))
    monkeypatch.setenv("SOURCEGUARD_SECRET_KEY", "canonical-test-secret-0123456789")
    monkeypatch.delenv("SOURCEGUARD_CONFIG", raising=False)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def run_check(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, dict[str, Any]]:
    code = main(["check", *args, "--format", "json", "--no-cache"])
    out = capsys.readouterr().out
    return code, json.loads(out)


def test_check_flags_every_variant_and_passes_sanitized_copies(
    check_env: Path, capsys: pytest.CaptureFixture[str], engine: Engine
) -> None:
    drafts = check_env / "drafts"
    clean = check_env / "clean"
    drafts.mkdir()
    clean.mkdir()
    expected: dict[str, int] = {}
    for variant in ALL_VARIANTS:
        for fmt in FORMATS:
            slug = re.sub(r"\W+", "-", variant).strip("-")
            name = f"{slug}-{fmt}{SUFFIX[fmt]}"
            text = draft("Sasha", "Koval", variant, fmt)
            (drafts / name).write_text(text, encoding="utf-8")
            (clean / name).write_text(engine.sanitize(text, fmt=fmt).sanitized_text, "utf-8")
            expected[f"drafts/{name}"] = 3  # three mentions
    code, report = run_check(capsys, "drafts")
    assert code == 1
    errors: dict[str, int] = {}
    for v in report["violations"]:
        if v["rule"] == "SG002":
            errors[v["path"]] = errors.get(v["path"], 0) + 1
    missing = {p: n for p, n in expected.items() if errors.get(p, 0) < n}
    assert missing == {}
    code, report = run_check(capsys, "clean")
    assert [v for v in report["violations"] if v["level"] == "error"] == []
    assert code == 0


# --- properties --------------------------------------------------------------------------------

SENTENCE_TEMPLATES = (
    "Citizen journalist {name} told us the water had been cut for a week.",
    "“They came at night,” said {name}, a citizen journalist who films the checkpoints.",
    "The citizen journalist {name} was detained on Sunday, her brother said.",
)
INVENTED = ("Dalia Haroun", "Omid Rezaei", "Nour Khattab", "Bashir al-Tamimi", "Milena Vasko")
LOOK_ALIKES = {**GREEK, **CYRILLIC}


@st.composite
def disguised_name(draw: st.DrawFn) -> tuple[str, str]:
    name = draw(st.sampled_from(INVENTED))
    case = draw(st.sampled_from([str, str.upper, str.lower]))
    out = []
    for ch in case(name):
        roll = draw(st.integers(0, 5))
        if roll == 0 and ch in LOOK_ALIKES:
            ch = LOOK_ALIKES[ch]
        elif roll == 1:
            ch = fullwidth(ch)
        out.append(ch)
        if draw(st.integers(0, 3)) == 0:
            out.append(draw(st.sampled_from(INVISIBLES)))
    return name, "".join(out)


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(disguised_name(), st.sampled_from(SENTENCE_TEMPLATES), st.sampled_from(FORMATS))
def test_property_no_disguised_name_survives(
    engine: Engine, pair: tuple[str, str], template: str, fmt: str
) -> None:
    name, written = pair
    text = template.format(name=written)
    if fmt == "html":
        text = f"<p>{text}</p>"
    sanitized = engine.sanitize(text, fmt=fmt).sanitized_text
    reading = fold(canonicalize(sanitized).text)
    for part in re.split(r"[\s\-]+", fold(name)):
        if len(part) >= 3:
            assert part not in re.findall(r"[^\W\d_]+", reading), (fmt, template)
    assert engine.sanitize(sanitized, fmt=fmt).sanitized_text == sanitized


# --- the development corpora -------------------------------------------------------------------

ROOT = Path(__file__).resolve().parents[1]
CORPORA = [
    ROOT.parent / "shared" / "corpus",
    Path.home() / ".cache" / "sourceguard" / "corpus-real",
]
CORPUS_FILES = [p for c in CORPORA if c.is_dir() for p in sorted(c.glob("*.txt"))]


@pytest.mark.skipif(not CORPUS_FILES, reason="no development corpus on this machine")
@pytest.mark.parametrize("path", CORPUS_FILES, ids=lambda p: p.stem[:12])
def test_sanitize_is_idempotent_on_the_corpora(engine: Engine, path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    once = engine.sanitize(text).sanitized_text
    twice = engine.sanitize(once)
    assert twice.sanitized_text == once
    assert at_risk_changes(engine.analyze(once)) == []


def test_check_flags_names_in_code_link_targets_and_slugs(
    check_env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    md = (
        "---\ntitle: Queues\nslug: yara-mansour-interview\n---\n\n"
        "Citizen journalist Yara Mansour filmed the queue.\n\n"
        "See [the video](/v/yara-mansour) and `Mansour` in the notes.\n"
    )
    (check_env / "post.md").write_text(md, encoding="utf-8")
    code, report = run_check(capsys, "post.md")
    assert code == 1
    places = {(v["line"], v["column"]) for v in report["violations"] if v["rule"] == "SG002"}
    lines = md.split("\n")

    def at(line: int, needle: str) -> tuple[int, int]:
        return line, lines[line - 1].index(needle) + 1

    assert at(3, "yara-mansour") in places  # the slug
    assert at(6, "Yara Mansour") in places  # the prose
    assert at(8, "yara-mansour") in places  # the link target
    assert at(8, "Mansour`") in places  # the code span


def test_cli_sanitize_keeps_html_markup(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    page = tmp_path / "page.html"
    page.write_text(
        "<p>&ldquo;We waited,&rdquo; said citizen journalist <b>Sasha</b> Koval.</p>", "utf-8"
    )
    assert main(["sanitize", str(page)]) == 0
    out = capsys.readouterr().out
    assert out.strip() == (
        "<p>&ldquo;We waited,&rdquo; said citizen journalist <b>[citizen journalist A]</b>.</p>"
    )
    saved = tmp_path / "page.txt"  # the name says plain text; the flag says what it is
    saved.write_text(page.read_text("utf-8"), "utf-8")
    assert main(["sanitize", "--input-format", "html", str(saved)]) == 0
    assert capsys.readouterr().out == out
