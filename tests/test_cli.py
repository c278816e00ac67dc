"""The sourceguard CLI: output formats and exit codes (0 ok, 2 bad input, one-line messages)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from service.cli import main

DRAFT = "“The road is cut,” citizen journalist Karim al-Sabbagh told us. Reach him on +963 944 111 222.\n"


def test_sanitize_text(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    draft = tmp_path / "draft.txt"
    draft.write_text(DRAFT, encoding="utf-8")
    assert main(["sanitize", str(draft)]) == 0
    out = capsys.readouterr().out
    assert "Sabbagh" not in out and "944" not in out
    assert "[citizen journalist A]" in out


def test_sanitize_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    draft = tmp_path / "draft.txt"
    draft.write_text(DRAFT, encoding="utf-8")
    assert main(["sanitize", "--format", "json", "--policy", "review", str(draft)]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert set(doc) >= {"sanitized_text", "findings", "policy", "summary"}
    assert doc["sanitized_text"] == DRAFT
    assert doc["policy"]["name"] == "review" and doc["policy"]["digest"].startswith("sha256:")
    assert "Sabbagh" not in json.dumps(doc["findings"])


@pytest.mark.parametrize(
    ("setup", "args", "message"),
    [
        (None, ["sanitize", "missing.txt"], "no such file"),
        (b"\x00\x01\x02binary", ["sanitize", "{f}"], "binary"),
        (b"caf\xe9 latin-1", ["sanitize", "{f}"], "not valid UTF-8"),
        (b"   \n", ["sanitize", "{f}"], "empty"),
        (b"fine text", ["sanitize", "--policy", "nope", "{f}"], "unknown policy"),
        (b"fine text", ["sanitize", "--policy", "../etc/passwd", "{f}"], "policy"),
        (b"fine text", ["sanitize", "--roster", "/nonexistent/roster.json", "{f}"], "roster"),
    ],
)
def test_bad_input_exits_2_with_one_line(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    setup,
    args,
    message,
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SOURCEGUARD_ROSTER_KEY", "k" * 32)
    f = tmp_path / "input.txt"
    if setup is not None:
        f.write_bytes(setup)
    assert main([a.format(f=f) for a in args]) == 2
    err = capsys.readouterr().err.strip()
    assert message in err and len(err.splitlines()) == 1 and "Traceback" not in err


def test_roster_import_then_sanitize(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCEGUARD_ROSTER_KEY", "r" * 32)
    plain = tmp_path / "plain.json"
    plain.write_text(
        json.dumps([{"name": "Darin Qassem", "aliases": ["Dareen Kassem"]}]), encoding="utf-8"
    )
    roster = tmp_path / "roster.sgr"
    assert main(["roster", "import", str(plain), "-o", str(roster)]) == 0
    assert "Darin" not in roster.read_text() and "darin" not in roster.read_text().lower()
    draft = tmp_path / "d.txt"
    draft.write_text(
        "The market reopened, Dareen al-Qasim said. Qasim added that prices rose.", encoding="utf-8"
    )
    capsys.readouterr()
    assert main(["sanitize", "--roster", str(roster), "--format", "json", str(draft)]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert "Qasim" not in doc["sanitized_text"] and "Dareen" not in doc["sanitized_text"]
    assert {f["entity_type"] for f in doc["findings"]} >= {"PROTECTED_SOURCE"}


def test_console_script_stdin() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "service.cli", "sanitize", "-"],
        input=DRAFT.encode(),
        capture_output=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr.decode()
    assert b"Sabbagh" not in proc.stdout
