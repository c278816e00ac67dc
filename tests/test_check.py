"""``sourceguard check`` and ``sourceguard baseline`` end to end, in-process through ``main``.

Every format must fail a draft that names an at-risk source without printing the name; the
clean copy must pass; suppressions and baselines must work and survive moved lines; locations
must be right in Markdown and HTML; the cache must skip unchanged files and hold no text.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from service.cli import main
from service.pipeline.anonymize import Secrets
from service.pipeline.engine import Engine

SCHEMA = Path(__file__).parent / "data" / "sarif-schema-2.1.0.json"
SECRET = "check-test-secret-0123456789abcdef"
NAME = "Yara Mansour"
SECRET_WORDS = ("Yara", "Mansour", "944 555", "Haddad")

DRAFT_MD = """---
title: Bread queues in Douma
tags: [syria]
---

# Bread queues

Citizen journalist **Yara Mansour** filmed the queue outside the bakery in Douma.
"We waited six hours," Mansour said.

```
sample code mentioning Rami Haddad
```

Reach her on +963 944 555 012.
"""

DRAFT_HTML = """<!doctype html>
<html><head><title>Bread queues</title>
<style>p { color: red }</style></head>
<body>
<p>The queue was long.</p>
<p>Citizen journalist <b>Yara</b> Mansour filmed it, and
Mansour said the wait was six hours.</p>
</body></html>
"""


def position(text: str, needle: str, nth: int = 0) -> tuple[int, int]:
    """1-based line and column of the nth occurrence of needle."""
    index = -1
    for _ in range(nth + 1):
        index = text.index(needle, index + 1)
    line = text.count("\n", 0, index) + 1
    column = index - (text.rfind("\n", 0, index) + 1) + 1
    return line, column


@pytest.fixture(autouse=True)
def fast_engine(
    monkeypatch: pytest.MonkeyPatch, nlp_engine: Any, tmp_path: Path
) -> Iterator[dict[str, int]]:
    """Engines reuse the session's spaCy model; count how often one is built."""
    calls = {"create": 0}
    original = Engine.create.__func__  # type: ignore[attr-defined]

    def create(cls: type[Engine], *args: Any, **kwargs: Any) -> Engine:
        calls["create"] += 1
        kwargs.setdefault("nlp", nlp_engine)
        kwargs.setdefault("secrets", Secrets(hash_key=b"h" * 32, encryption_key=b"e" * 32))
        kwargs.setdefault("allow_list", [])
        return original(cls, *args, **kwargs)

    monkeypatch.setattr(Engine, "create", classmethod(create))
    monkeypatch.setenv("SOURCEGUARD_SECRET_KEY", SECRET)
    monkeypatch.delenv("SOURCEGUARD_CONFIG", raising=False)
    monkeypatch.chdir(tmp_path)
    yield calls


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["check", *args])
    out = capsys.readouterr()
    return code, out.out, out.err


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("fmt", ["text", "json", "sarif", "github"])
def test_named_source_fails_without_printing_the_name(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, fmt: str
) -> None:
    write(tmp_path / "content" / "queue.md", DRAFT_MD)
    code, out, err = run(capsys, "content", "--format", fmt, "--verbose")
    assert code == 1
    assert "SG002" in out and "SG005" in out
    for word in SECRET_WORDS:
        assert word not in out and word not in err, (fmt, word)
        assert word.lower() not in out.lower(), (fmt, word)


def test_markdown_locations(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    write(tmp_path / "queue.md", DRAFT_MD)
    code, out, _ = run(capsys, "queue.md", "--format", "json")
    assert code == 1
    violations = json.loads(out)["violations"]
    at_risk = sorted((v["line"], v["column"]) for v in violations if v["rule"] == "SG002")
    assert at_risk == [position(DRAFT_MD, NAME), position(DRAFT_MD, "Mansour", 1)]
    phone = next(v for v in violations if v["rule"] == "SG005")
    assert (phone["line"], phone["column"]) == position(DRAFT_MD, "+963")
    assert any(v["line"] == position(DRAFT_MD, "Rami")[0] for v in violations), "code block"


def test_html_locations(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    write(tmp_path / "queue.html", DRAFT_HTML)
    code, out, _ = run(capsys, "queue.html", "--format", "json")
    assert code == 1
    at_risk = sorted(
        (v["line"], v["column"]) for v in json.loads(out)["violations"] if v["rule"] == "SG002"
    )
    assert at_risk[0] == position(DRAFT_HTML, "Yara")
    assert position(DRAFT_HTML, "Mansour", 1) in at_risk


def test_sanitized_copy_passes(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, engine: Engine
) -> None:
    clean = engine.sanitize(DRAFT_MD, "publish").sanitized_text
    write(tmp_path / "clean.md", clean)
    code, out, _ = run(capsys, "clean.md")
    assert code == 0, out


def test_sarif_validates(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    write(tmp_path / "a" / "queue.md", DRAFT_MD)
    write(tmp_path / "b" / "queue.html", DRAFT_HTML)
    code, out, _ = run(capsys, ".", "--format", "sarif")
    assert code == 1
    log = json.loads(out)
    jsonschema.Draft4Validator(json.loads(SCHEMA.read_text(encoding="utf-8"))).validate(log)
    results = log["runs"][0]["results"]
    assert {r["ruleId"] for r in results} >= {"SG002", "SG005"}
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in results}
    assert uris == {"a/queue.md", "b/queue.html"}


def test_inline_allow_and_audit_mode(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    text = (
        'Intro line.\n\n<!-- sourceguard: allow SG002 reason="consent recorded 2026-03-01" -->\n'
        "Citizen journalist Yara Mansour filmed the queue.\n"
    )
    write(tmp_path / "ok.md", text)
    assert run(capsys, "ok.md")[0] == 0
    code, out, _ = run(capsys, "ok.md", "--no-inline-allow")
    assert code == 1 and "SG002" in out and "consent" not in out


def test_allow_without_reason_is_not_applied(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    text = "<!-- sourceguard: allow SG002 -->\nCitizen journalist Yara Mansour filmed the queue.\n"
    write(tmp_path / "bad.md", text)
    code, out, _ = run(capsys, "bad.md")
    assert code == 1 and "suppression" in out.lower()


def test_block_disable(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    text = (
        '<!-- sourceguard: disable SG002 SG005 reason="interview on the record" -->\n'
        "Citizen journalist Yara Mansour filmed the queue.\n"
        "Reach her on +963 944 555 012.\n"
        "<!-- sourceguard: enable -->\n"
    )
    write(tmp_path / "block.md", text)
    assert run(capsys, "block.md")[0] == 0


def test_baseline_survives_moved_lines(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    draft = write(tmp_path / "queue.md", DRAFT_MD)
    assert main(["baseline", "queue.md", "-o", "sg-baseline.json"]) == 0
    capsys.readouterr()
    baseline = (tmp_path / "sg-baseline.json").read_text(encoding="utf-8")
    assert not any(w.lower() in baseline.lower() for w in SECRET_WORDS)
    assert '"line"' not in baseline
    assert run(capsys, "queue.md", "--baseline", "sg-baseline.json")[0] == 0

    draft.write_text(DRAFT_MD.replace("# Bread queues", "# Bread queues\n\nA new paragraph.\n"))
    assert run(capsys, "queue.md", "--baseline", "sg-baseline.json")[0] == 0

    draft.write_text(DRAFT_MD + "\nCitizen journalist Samir Haddouche also filmed it.\n")
    code, out, _ = run(capsys, "queue.md", "--baseline", "sg-baseline.json")
    assert code == 1 and "Haddouche" not in out


def test_baseline_needs_a_stable_key(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(tmp_path / "queue.md", DRAFT_MD)
    monkeypatch.delenv("SOURCEGUARD_SECRET_KEY")
    assert main(["baseline", "queue.md", "-o", "b.json"]) == 2
    assert "SOURCEGUARD_SECRET_KEY" in capsys.readouterr().err


def test_fail_level_warning(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    write(tmp_path / "p.md", "Omar Khatib walked to the market on Sunday and bought bread.\n")
    code, out, _ = run(capsys, "p.md", "--format", "json")
    assert code == 0 and any(v["rule"] == "SG003" for v in json.loads(out)["violations"])
    assert run(capsys, "p.md", "--fail-level", "warning")[0] == 1


def test_config_files(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    write(tmp_path / "content" / "queue.md", DRAFT_MD)
    write(tmp_path / "content" / "drafts" / "wip.md", DRAFT_MD)
    write(tmp_path / ".sourceguard.toml", 'exclude = ["content/queue.md"]\nformat = "json"\n')
    code, out, _ = run(capsys, "content")
    assert code == 1 and {v["path"] for v in json.loads(out)["violations"]} == {
        "content/drafts/wip.md"
    }
    (tmp_path / ".sourceguard.toml").unlink()
    write(tmp_path / "pyproject.toml", '[tool.sourceguard]\nexclude = ["drafts"]\n')
    code, out, _ = run(capsys, "content", "--format", "json")
    assert {v["path"] for v in json.loads(out)["violations"]} == {"content/queue.md"}
    write(tmp_path / "bad.toml", "exclood = []\n")
    code, _, err = run(capsys, "content", "--config", "bad.toml")
    assert code == 2 and "exclood" in err


def test_stdin(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    import io
    import sys

    stdin = io.TextIOWrapper(io.BytesIO(DRAFT_MD.encode()), encoding="utf-8")
    monkeypatch.setattr(sys, "stdin", stdin)
    code, out, _ = run(capsys, "-", "--stdin-format", "markdown")
    assert code == 1 and "SG002" in out and "Mansour" not in out


@pytest.mark.parametrize(
    ("content", "message"),
    [(b"\x00\x01binary", "binary"), (b"caf\xe9", "UTF-8"), (None, "no such file")],
)
def test_bad_input_exits_2(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, content: bytes | None, message: str
) -> None:
    if content is not None:
        (tmp_path / "x.md").write_bytes(content)
    code, out, err = run(capsys, "x.md")
    assert code == 2 and message in err and not out and len(err.strip().splitlines()) == 1


def test_cache_skips_unchanged_files(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, fast_engine: dict[str, int]
) -> None:
    for i in range(3):
        write(tmp_path / "site" / f"p{i}.md", DRAFT_MD + f"\n<!-- {i} -->\n")
    first = run(capsys, "site", "--format", "json")
    assert fast_engine["create"] == 1
    second = run(capsys, "site", "--format", "json")
    assert fast_engine["create"] == 1, "a warm run must not load the engine"
    assert json.loads(second[1])["violations"] == json.loads(first[1])["violations"]
    assert json.loads(second[1])["summary"]["files_from_cache"] == 3
    cached = b"".join(p.read_bytes() for p in (tmp_path / ".sourceguard-cache").rglob("*.json"))
    assert cached and not any(w.lower().encode() in cached.lower() for w in SECRET_WORDS)
    write(tmp_path / "site" / "p0.md", DRAFT_MD + "\nChanged.\n")
    run(capsys, "site")
    assert fast_engine["create"] == 2, "a changed file is screened again"


def test_warm_run_reuses_fingerprints_without_the_canonical_view(
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    fast_engine: dict[str, int],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The cached fingerprints stand in for the canonical view, and only under their own key."""
    import service.check.runner as runner

    write(tmp_path / "site" / "p.md", DRAFT_MD)
    first = json.loads(run(capsys, "site", "--format", "json")[1])["violations"]
    assert first and all(v["fingerprint"] for v in first)
    calls: list[int] = []
    real = runner.canonicalize
    monkeypatch.setattr(runner, "canonicalize", lambda *a, **k: calls.append(1) or real(*a, **k))
    warm = json.loads(run(capsys, "site", "--format", "json")[1])["violations"]
    assert warm == first and not calls, "a warm run reads fingerprints from the cache"
    monkeypatch.setenv("SOURCEGUARD_SECRET_KEY", "another-check-secret-0123456789ab")
    rekeyed = json.loads(run(capsys, "site", "--format", "json")[1])["violations"]
    assert calls and fast_engine["create"] == 1, "findings still cached; fingerprints recomputed"
    assert [v["fingerprint"] for v in rekeyed] != [v["fingerprint"] for v in first]
    assert [{**v, "fingerprint": ""} for v in rekeyed] == [{**v, "fingerprint": ""} for v in first]


def test_server_mode(
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    nlp_engine: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from werkzeug.serving import make_server

    from service.core.config import KEY_PURPOSES, Config
    from service.http.app import create_app
    from service.pipeline.roster import Roster

    keys = {p: f"k-{p}-0123456789abcdef".encode() for p in KEY_PURPOSES}
    config = Config(data_dir=tmp_path, database_url=f"sqlite:///{tmp_path}/s.sqlite3", keys=keys)
    app = create_app(
        config,
        engine=Engine.create(nlp=nlp_engine, roster=Roster.empty(keys["roster"]), allow_list=[]),
    )
    token, _ = app.extensions["sourceguard"].store.create_token("ci", "editor")
    server = make_server("127.0.0.1", 0, app, threaded=False)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        write(tmp_path / "queue.md", DRAFT_MD)
        url = f"http://127.0.0.1:{server.server_port}"
        monkeypatch.delenv("SOURCEGUARD_TOKEN", raising=False)
        assert run(capsys, "queue.md", "--server", url)[0] == 2
        monkeypatch.setenv("SOURCEGUARD_TOKEN", token)
        code, out, err = run(capsys, "queue.md", "--server", url, "--format", "json")
        assert code == 1 and "SG002" in out and "Mansour" not in out + err
        monkeypatch.setenv("SOURCEGUARD_TOKEN", "wrong")
        code, _, err = run(capsys, "queue.md", "--server", url)
        assert code == 2 and "401" in err
    finally:
        server.shutdown()


def test_low_confidence_is_shown_to_the_editor(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    # Invented names: one person with no role at all (replaced, low confidence), and one kept as
    # public against an at-risk cue of his own (kept, low confidence: SG006).
    draft = (
        "Karim Yassin said the road was cut.\n\n"
        "Bakri's son Hadi Bakri, who heads the reconstruction fund, said aid would follow.\n"
    )
    write(tmp_path / "doubt.md", draft)
    code, out, _ = run(capsys, "doubt.md", "--format", "json")
    assert code == 0  # warnings only
    violations = json.loads(out)["violations"]
    unclassified = [v for v in violations if v["rule"] == "SG003"]
    assert unclassified and all(v["review"] for v in unclassified)
    uncertain = [v for v in violations if v["rule"] == "SG006"]
    assert uncertain and all(v["level"] == "warning" for v in uncertain)
    assert all("low confidence" in v["message"] for v in uncertain)
    assert "Hadi" not in out and "Bakri" not in out and "Karim" not in out
