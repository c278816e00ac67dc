"""The service commands of the CLI, in-process: ``token``, ``audit`` and ``serve``'s refusals.

Operators script these commands, so their exit codes and stdout are an interface: a token is the
only stdout line of ``token create`` (and is never stored or listed), ``audit export`` is pure
JSON lines, ``audit verify`` exits 1 on a broken chain, and bad input exits 2 with one line.
"""

from __future__ import annotations

import itertools
import json
import os
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from service.audit.store import open_store
from service.cli import main
from service.core.config import Config

SECRET = "cli-service-test-master-secret-0123456789"
DB_NAME = "sourceguard.sqlite3"


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh SQLite store location; no SOURCEGUARD_* setting leaks in from the environment."""
    for name in list(os.environ):
        if name.startswith("SOURCEGUARD_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("SOURCEGUARD_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("SOURCEGUARD_SECRET_KEY", SECRET)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    """(exit code, stdout, stderr) of one in-process command; argparse exits count too."""
    try:
        code = main(list(argv))
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 2
    out, err = capsys.readouterr()
    return code, out, err


def store_bytes(data_dir: Path) -> bytes:
    """Every file of the SQLite store (main file, -wal, -shm) as one blob."""
    return b"".join(p.read_bytes() for p in sorted(data_dir.glob(DB_NAME + "*")))


def append(records: list[dict[str, Any]]) -> None:
    store = open_store(Config.from_env().database_url)
    try:
        for body in records:
            store.append_audit(body)
    finally:
        store.close()


# -- tokens ----------------------------------------------------------------------------------


def test_token_create_prints_only_the_token(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, "token", "create", "--role", "editor", "--name", "x")
    assert code == 0
    lines = out.splitlines()
    assert len(lines) == 1 and out.endswith("\n")
    token = lines[0]
    assert token.startswith("sgt_") and token == token.strip()
    assert token not in err  # the note on stderr names the id, not the token
    assert "editor" in err

    assert (data_dir / DB_NAME).is_file()
    blob = store_bytes(data_dir)
    assert token.encode() not in blob
    assert token.split("_")[-1].encode() not in blob  # not even the secret part

    store = open_store(Config.from_env().database_url)
    try:
        who = store.authenticate(token)
    finally:
        store.close()
    assert who is not None and who["name"] == "x" and who["role"] == "editor"


def test_duplicate_token_name_exits_2_with_one_line(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(capsys, "token", "create", "--role", "editor", "--name", "x")[0] == 0
    code, out, err = run(capsys, "token", "create", "--role", "admin", "--name", "x")
    assert code == 2
    assert out == ""
    assert len(err.splitlines()) == 1 and "exists" in err
    assert "Traceback" not in err


@pytest.mark.parametrize("role", ["root", "Editor", ""])
def test_bad_role_exits_2_with_one_line(
    data_dir: Path, capsys: pytest.CaptureFixture[str], role: str
) -> None:
    code, out, err = run(capsys, "token", "create", "--role", role, "--name", "x")
    assert code == 2
    assert out == ""
    assert len(err.splitlines()) == 1 and "role" in err


def test_bad_token_name_exits_2(data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "token", "create", "--role", "editor", "--name", "a b")
    assert code == 2 and out == ""
    assert len(err.splitlines()) == 1 and "name" in err


def test_token_list_shows_name_role_id_but_never_the_token(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    tokens = {}
    for name, role in (("desk-x", "editor"), ("audit-y", "auditor")):
        code, out, _ = run(capsys, "token", "create", "--role", role, "--name", name)
        assert code == 0
        tokens[name] = out.strip()

    code, out, _ = run(capsys, "token", "list")
    assert code == 0
    rows = [line.split("\t") for line in out.splitlines()]
    assert len(rows) == 2
    by_name = {row[1]: row for row in rows}
    for name, role in (("desk-x", "editor"), ("audit-y", "auditor")):
        token_id, _, listed_role, _, state = by_name[name]
        assert listed_role == role and state == "active"
        assert tokens[name].startswith(f"sgt_{token_id}_")  # the id is the token's public part
    for token in tokens.values():
        assert token not in out
        assert token.split("_")[-1] not in out


def test_allow_list_list_and_remove(data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """What editors remembered as "always public" on the web page can be read and undone."""
    store = open_store(Config.from_env().database_url)
    try:
        assert store.add_allowed("Samir  Nakash") and not store.add_allowed("samir nakash")
    finally:
        store.close()
    code, out, _ = run(capsys, "allow-list", "list")
    assert code == 0 and out == "Samir Nakash\n"
    code, out, err = run(capsys, "allow-list", "remove", "SAMIR NAKASH")
    assert code == 0 and "removed" in err
    assert run(capsys, "allow-list", "list")[1] == ""
    code, _, err = run(capsys, "allow-list", "remove", "Samir Nakash")
    assert code == 2 and "not on the allow list" in err
    store = open_store(Config.from_env().database_url)
    try:
        last = store.list_audit(after=0, limit=10)[-1]
    finally:
        store.close()
    assert last["operation"] == "allow-list-remove" and "Nakash" not in str(last)


def test_token_revoke(data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "token", "create", "--role", "editor", "--name", "x")
    token = out.strip()
    assert code == 0

    code, out, err = run(capsys, "token", "revoke", "x")
    assert code == 0 and out == "" and "revoked" in err
    code, out, err = run(capsys, "token", "revoke", "x")
    assert code == 2 and out == ""
    assert len(err.splitlines()) == 1 and "no active token" in err
    assert run(capsys, "token", "revoke", "never-created")[0] == 2

    code, out, _ = run(capsys, "token", "list")
    assert code == 0 and out.rstrip("\n").endswith("\trevoked")
    store = open_store(Config.from_env().database_url)
    try:
        assert store.authenticate(token) is None
    finally:
        store.close()

    # The name is free again after revocation.
    assert run(capsys, "token", "create", "--role", "admin", "--name", "x")[0] == 0


# -- audit -----------------------------------------------------------------------------------


def records(count: int) -> list[dict[str, Any]]:
    """Audit bodies shaped like the service's (no text, digests only)."""
    return [
        {
            "operation": "sanitize",
            "actor": {"token_id": "t0123456789", "role": "editor"},
            "input": {"sha256": f"sha256:{i:064x}", "chars": 100 + i},
            "summary": {"findings": i % 3},
        }
        for i in range(count)
    ]


def test_audit_export_of_an_empty_store(data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "audit", "export")
    assert code == 0
    assert out == ""
    assert "0 audit record" in err


def test_audit_export_emits_json_lines_in_id_order(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bodies = records(5)
    append(bodies)

    code, out, err = run(capsys, "audit", "export")
    assert code == 0 and "5 audit record" in err
    lines = out.splitlines()
    exported = [json.loads(line) for line in lines]
    assert [r["id"] for r in exported] == [1, 2, 3, 4, 5]
    for record, body in zip(exported, bodies, strict=True):
        assert {k: record[k] for k in body} == body
        assert record["hash"].startswith("sha256:")
    assert exported[0]["prev_hash"] == "sha256:" + "0" * 64
    assert all(b["prev_hash"] == a["hash"] for a, b in itertools.pairwise(exported))
    assert all(line.isascii() for line in lines)

    code, out, _ = run(capsys, "audit", "export", "--after", "3")
    assert code == 0
    assert [json.loads(line)["id"] for line in out.splitlines()] == [4, 5]
    assert out.splitlines() == lines[3:]
    code, out, _ = run(capsys, "audit", "export", "--after", "5")
    assert code == 0 and out == ""


def test_audit_export_with_a_bad_after_exits_2(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, "audit", "export", "--after", "-1")
    assert code == 2 and out == "" and len(err.splitlines()) == 1
    code, out, err = run(capsys, "audit", "export", "--after", "two")
    assert code == 2 and out == "" and len(err.splitlines()) == 1


def test_audit_verify_intact_then_broken(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "audit", "verify")
    assert code == 0 and "intact" in out and "0 record" in out

    append(records(4))
    code, out, _ = run(capsys, "audit", "verify")
    assert code == 0
    assert len(out.splitlines()) == 1 and "intact" in out and "4 record" in out
    code, out, _ = run(capsys, "audit", "verify", "--format", "json")
    report = json.loads(out)
    assert code == 0
    assert report["ok"] is True and report["records"] == 4 and report["head"]["id"] == 4
    assert report["first_broken"] is None

    with sqlite3.connect(data_dir / DB_NAME) as conn:
        body = conn.execute("SELECT body FROM sg_audit WHERE id = 2").fetchone()[0]
        edited = body.replace('"findings":1', '"findings":0')
        assert edited != body
        conn.execute("UPDATE sg_audit SET body = ? WHERE id = 2", (edited,))
    conn.close()

    code, out, _ = run(capsys, "audit", "verify")
    assert code == 1
    assert len(out.splitlines()) == 1
    assert "BROKEN at record 2" in out and "edited" in out
    code, out, _ = run(capsys, "audit", "verify", "--format", "json")
    report = json.loads(out)
    assert code == 1
    assert report["ok"] is False and report["first_broken"] == 2 and report["records"] == 4


def test_audit_verify_reports_a_deleted_record(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    append(records(3))
    with sqlite3.connect(data_dir / DB_NAME) as conn:
        conn.execute("DELETE FROM sg_audit WHERE id = 3")
    conn.close()
    code, out, _ = run(capsys, "audit", "verify", "--format", "json")
    assert code == 1
    assert json.loads(out)["first_broken"] == 3


def test_audit_verify_bad_format_exits_2(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, "audit", "verify", "--format", "xml")
    assert code == 2 and out == "" and len(err.splitlines()) == 1


# -- serve -----------------------------------------------------------------------------------


@pytest.fixture
def no_server(monkeypatch: pytest.MonkeyPatch) -> list[tuple[Any, ...]]:
    """Replace gunicorn's entry point: a refused ``serve`` must never reach it."""
    import service.http.server

    calls: list[tuple[Any, ...]] = []
    monkeypatch.setattr(service.http.server, "run", lambda *a, **k: calls.append(a))
    return calls


@pytest.mark.parametrize(
    ("argv", "env", "message"),
    [
        (["--port", "0"], {}, "port"),
        (["--port", "65536"], {}, "port"),
        (["--port", "-5"], {}, "port"),
        (["--workers", "0"], {}, "workers"),
        (["--workers", "-1"], {}, "workers"),
        ([], {"SOURCEGUARD_PORT": "0"}, "port"),
        ([], {"SOURCEGUARD_PORT": "http"}, "SOURCEGUARD_PORT"),
        ([], {"SOURCEGUARD_WORKERS": "0"}, "workers"),
        ([], {"SOURCEGUARD_TIMEOUT": "soon"}, "SOURCEGUARD_TIMEOUT"),
        (["--port", "8080"], {"SOURCEGUARD_DATABASE_URL": "mysql://x"}, "DATABASE_URL"),
        (["--port", "8080"], {"SOURCEGUARD_MAX_BODY_BYTES": "big"}, "MAX_BODY_BYTES"),
    ],
)
def test_serve_refuses_bad_settings_without_starting(
    data_dir: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    no_server: list[tuple[Any, ...]],
    argv: list[str],
    env: dict[str, str],
    message: str,
) -> None:
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    code, out, err = run(capsys, "serve", *argv)
    assert code == 2
    assert out == ""
    assert len(err.splitlines()) == 1 and message in err
    assert "Traceback" not in err
    assert no_server == []


def test_serve_starts_with_good_settings(
    data_dir: Path, capsys: pytest.CaptureFixture[str], no_server: list[tuple[Any, ...]]
) -> None:
    """The control for the refusals above: same fixture, valid values, gunicorn is reached."""
    code, _, err = run(capsys, "serve", "--port", "8089", "--workers", "1")
    assert code == 0
    assert no_server == [("127.0.0.1", 8089, 1, 120)]
    assert "sqlite" in err
    assert (data_dir / DB_NAME).is_file()  # the tables are created before workers start


def test_internal_errors_fail_closed_without_their_message(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    import service.cli as cli

    def boom(args: object) -> int:
        raise ValueError("Yara Mansour appears in this message")

    monkeypatch.setattr(cli, "cmd_policies", boom)
    assert cli.main(["policies"]) == 2
    err = capsys.readouterr().err
    assert "internal error (ValueError" in err and "Mansour" not in err and "Traceback" not in err
