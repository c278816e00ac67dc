"""The store, on both backends: audit chain, tamper detection, concurrency, tokens, roster.

The PostgreSQL variants need the server on 127.0.0.1:5432 (database ``test``, trust auth) and are
skipped with the reason when it cannot be reached. Each test uses its own table prefix and drops
its tables afterwards, so runs can share the database.
"""

from __future__ import annotations

import functools
import hashlib
import json
import multiprocessing
import re
import sqlite3
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import psycopg
import pytest

from service.audit.records import GENESIS_HASH, canonical_json, chain_hash
from service.audit.store import Store, StoreConflict, StoreError, open_store
from service.core.errors import ConfigurationError, InputError

PG_URL = "postgresql://postgres@127.0.0.1:5432/test"
SECRET = "Sup3rS3cretPassw0rd"


@functools.cache
def _pg_unreachable() -> str | None:
    try:
        psycopg.connect(PG_URL, connect_timeout=3).close()
    except psycopg.Error as exc:
        first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
        return f"PostgreSQL not reachable on 127.0.0.1:5432: {type(exc).__name__} {first_line}"
    return None


def _require_pg() -> None:
    reason = _pg_unreachable()
    if reason:
        pytest.skip(reason)


def _prefix() -> str:
    return f"sgtest_{uuid.uuid4().hex[:12]}_"


def _url(store: Store) -> str:
    return f"sqlite:///{store.path}" if store.kind == "sqlite" else PG_URL  # type: ignore[attr-defined]


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    if request.param == "sqlite":
        opened = open_store(f"sqlite:///{tmp_path}/data/sourceguard.sqlite3")
    else:
        _require_pg()
        opened = open_store(PG_URL, prefix=_prefix())
    try:
        yield opened
    finally:
        try:
            if opened.kind == "postgresql":
                opened.drop_all()
        finally:
            opened.close()


def raw(store: Store, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Run SQL behind the store's back (``{p}`` = table prefix), as an attacker with DB access."""
    sql = sql.replace("{p}", store.prefix)
    if store.kind == "sqlite":
        conn = sqlite3.connect(store.path, isolation_level=None)  # type: ignore[attr-defined]
        try:
            cursor = conn.execute(sql, params)
            return cursor.fetchall() if cursor.description else []
        finally:
            conn.close()
    with psycopg.connect(PG_URL, autocommit=True) as conn:
        cursor = conn.execute(sql.replace("?", "%s"), params)
        return cursor.fetchall() if cursor.description else []


def _body(n: int) -> dict[str, Any]:
    return {"operation": "sanitize", "actor": f"actor-{n}", "request_id": f"r{n}", "findings": []}


@pytest.fixture
def chain(store: Store) -> Store:
    for n in range(1, 6):
        store.append_audit(_body(n))
    assert store.verify_audit()["ok"]
    return store


def _assert_broken(store: Store, first: int, problem: str) -> dict[str, Any]:
    report = store.verify_audit()
    assert report["ok"] is False
    assert report["first_broken"] == first, report
    assert problem in report["problem"], report
    return report


# -- opening ------------------------------------------------------------------------------------
def test_open_creates_tables_and_is_idempotent(store: Store) -> None:
    assert store.kind in ("sqlite", "postgresql")
    store.check()
    store.append_audit(_body(1))
    again = open_store(_url(store), prefix=store.prefix)
    try:
        again.check()
        assert again.audit_count() == 1
        assert again.append_audit(_body(2))["id"] == 2
        assert store.verify_audit()["ok"]
    finally:
        again.close()


def test_check_fails_when_tables_are_gone(store: Store) -> None:
    store.drop_all()
    with pytest.raises(StoreError, match="tables are missing"):
        store.check()


def test_sqlite_store_uses_wal(tmp_path: Path) -> None:
    store = open_store(f"sqlite:///{tmp_path}/a/b/s.sqlite3")
    try:
        assert store.kind == "sqlite"
        assert (tmp_path / "a" / "b" / "s.sqlite3").exists()
        assert raw(store, "PRAGMA journal_mode") == [("wal",)]
    finally:
        store.close()


def test_closed_store_refuses(tmp_path: Path) -> None:
    store = open_store(f"sqlite:///{tmp_path}/s.sqlite3")
    store.close()
    with pytest.raises(StoreError, match="closed"):
        store.audit_count()


# -- audit: append and read --------------------------------------------------------------------
def test_append_and_get(store: Store) -> None:
    first = store.append_audit(_body(1))
    second = store.append_audit(_body(2), time="2025-01-02T03:04:05.000000Z")
    assert first["id"] == 1 and second["id"] == 2
    assert first["prev_hash"] == GENESIS_HASH
    assert second["prev_hash"] == first["hash"]
    assert second["time"] == "2025-01-02T03:04:05.000000Z"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z", first["time"])
    assert first["actor"] == "actor-1"
    stored = {k: v for k, v in first.items() if k != "hash"}
    assert first["hash"] == chain_hash(GENESIS_HASH, stored)
    assert store.get_audit(1) == first
    assert store.get_audit(2) == second
    assert store.get_audit(3) is None
    assert list(first)[:3] == ["id", "time", "prev_hash"]
    assert list(first)[-1] == "hash"


def test_stored_body_is_canonical_json_without_hash(store: Store) -> None:
    record = store.append_audit({**_body(1), "summary": {"b": 2, "a": "é"}})
    [(body, digest, prev_hash)] = raw(store, "SELECT body, hash, prev_hash FROM {p}audit")
    stored = {k: v for k, v in record.items() if k != "hash"}
    assert body == canonical_json(stored).decode("ascii")
    assert digest == record["hash"]
    assert prev_hash == GENESIS_HASH
    assert raw(store, "SELECT last_id, hash FROM {p}audit_head") == [(1, record["hash"])]


def test_list_paging_iter_and_count(store: Store) -> None:
    assert store.audit_count() == 0
    assert store.list_audit() == []
    for n in range(1, 13):
        store.append_audit(_body(n))
    assert store.audit_count() == 12
    assert [r["id"] for r in store.list_audit()] == list(range(1, 13))
    assert [r["id"] for r in store.list_audit(after=3, limit=4)] == [4, 5, 6, 7]
    assert [r["id"] for r in store.list_audit(after=10, limit=1000)] == [11, 12]
    assert store.list_audit(after=12) == []
    assert [r["id"] for r in store.iter_audit()] == list(range(1, 13))
    assert [r["id"] for r in store.iter_audit(after=9)] == [10, 11, 12]
    assert [r["actor"] for r in store.list_audit(limit=2)] == ["actor-1", "actor-2"]


def test_iter_audit_crosses_batches(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("service.audit.store.ITER_BATCH", 3)
    for n in range(1, 8):
        store.append_audit(_body(n))
    assert [r["id"] for r in store.iter_audit()] == list(range(1, 8))


@pytest.mark.parametrize(("after", "limit"), [(0, 0), (0, 1001), (-1, 10), (0, True), ("0", 10)])
def test_list_audit_refuses_bad_paging(store: Store, after: Any, limit: Any) -> None:
    with pytest.raises(InputError):
        store.list_audit(after=after, limit=limit)


@pytest.mark.parametrize(
    ("body", "error"),
    [
        ({"id": 7, "operation": "x"}, ValueError),
        ({"hash": "sha256:x"}, ValueError),
        ({"prev_hash": "x"}, ValueError),
        ({"time": "now"}, ValueError),
        ({"operation": object()}, TypeError),
        ({"score": float("nan")}, ValueError),
        (["not", "a", "dict"], TypeError),
    ],
)
def test_append_refuses_bad_bodies_before_writing(store: Store, body: Any, error: type) -> None:
    with pytest.raises(error):
        store.append_audit(body)
    assert store.audit_count() == 0
    assert store.append_audit(_body(1))["id"] == 1


# -- audit: verification and tampering -----------------------------------------------------------
def test_verify_empty_and_intact(store: Store) -> None:
    assert store.verify_audit() == {
        "ok": True,
        "records": 0,
        "head": {"id": 0, "hash": GENESIS_HASH},
        "first_broken": None,
        "problem": None,
    }
    last = None
    for n in range(1, 6):
        last = store.append_audit(_body(n))
    assert last is not None
    assert store.verify_audit() == {
        "ok": True,
        "records": 5,
        "head": {"id": 5, "hash": last["hash"]},
        "first_broken": None,
        "problem": None,
    }


def test_tamper_edited_body(chain: Store) -> None:
    raw(chain, "UPDATE {p}audit SET body = replace(body, 'actor-3', 'mallory') WHERE id = 3")
    assert chain.get_audit(3)["actor"] == "mallory"  # type: ignore[index]
    _assert_broken(chain, 3, "hash does not match")


def test_tamper_edited_hash(chain: Store) -> None:
    raw(chain, "UPDATE {p}audit SET hash = ? WHERE id = 3", ("sha256:" + "f" * 64,))
    _assert_broken(chain, 3, "hash does not match")


def _rewrite_with_recomputed_hash(chain: Store, record_id: int) -> None:
    """What an attacker who knows the hash scheme does: edit a record and recompute its hash."""
    record = chain.get_audit(record_id)
    assert record is not None
    stored = {k: v for k, v in record.items() if k != "hash"}
    stored["actor"] = "mallory"
    digest = chain_hash(stored["prev_hash"], stored)
    raw(
        chain,
        f"UPDATE {{p}}audit SET body = ?, hash = ? WHERE id = {record_id}",
        (canonical_json(stored).decode("ascii"), digest),
    )


def test_tamper_rewritten_record_with_recomputed_hash(chain: Store) -> None:
    """An attacker who recomputes the edited record's hash still breaks the link to the next."""
    _rewrite_with_recomputed_hash(chain, 3)
    _assert_broken(chain, 4, "does not follow the previous record")


def test_tamper_rewritten_last_record(chain: Store) -> None:
    _rewrite_with_recomputed_hash(chain, 5)
    _assert_broken(chain, 5, "head hash does not match")


def test_tamper_deleted_middle_record(chain: Store) -> None:
    raw(chain, "DELETE FROM {p}audit WHERE id = 3")
    report = _assert_broken(chain, 3, "missing")
    assert report["records"] == 4


def test_tamper_deleted_first_record(chain: Store) -> None:
    raw(chain, "DELETE FROM {p}audit WHERE id = 1")
    _assert_broken(chain, 1, "missing")


def test_tamper_deleted_last_record(chain: Store) -> None:
    raw(chain, "DELETE FROM {p}audit WHERE id = 5")
    _assert_broken(chain, 5, "head points past the last record")


def test_tamper_swapped_records(chain: Store) -> None:
    rows = {
        row[0]: row[1:]
        for row in raw(
            chain, "SELECT id, time, prev_hash, hash, body FROM {p}audit WHERE id IN (2, 3)"
        )
    }
    update = "UPDATE {p}audit SET time = ?, prev_hash = ?, hash = ?, body = ? WHERE id = ?"
    raw(chain, update, (*rows[3], 2))
    raw(chain, update, (*rows[2], 3))
    _assert_broken(chain, 2, "disagrees with its id")


def test_tamper_renumbered_records(chain: Store) -> None:
    """Swapping ids and rewriting the ids inside the bodies breaks the hashes."""
    for record_id, new_id in ((2, 3), (3, 2)):
        record = chain.get_audit(record_id)
        assert record is not None
        stored = {k: v for k, v in record.items() if k != "hash"}
        stored["id"] = new_id
        raw(chain, "UPDATE {p}audit SET id = ? WHERE id = ?", (100 + new_id, record_id))
        raw(
            chain,
            "UPDATE {p}audit SET body = ? WHERE id = ?",
            (canonical_json(stored).decode("ascii"), 100 + new_id),
        )
    raw(chain, "UPDATE {p}audit SET id = id - 100 WHERE id > 100")
    _assert_broken(chain, 2, "hash does not match")


def test_tamper_column_disagrees_with_body(chain: Store) -> None:
    raw(chain, "UPDATE {p}audit SET time = ? WHERE id = 2", ("2000-01-01T00:00:00Z",))
    _assert_broken(chain, 2, "disagrees with its id, time or prev_hash")


def test_tamper_edited_head(chain: Store) -> None:
    raw(chain, "UPDATE {p}audit_head SET hash = ?", ("sha256:" + "e" * 64,))
    report = _assert_broken(chain, 5, "head hash does not match")
    assert report["head"] == {"id": 5, "hash": "sha256:" + "e" * 64}


def test_tamper_record_appended_behind_the_head(chain: Store) -> None:
    last = chain.get_audit(5)
    assert last is not None
    stored = {**_body(6), "id": 6, "time": "2030-01-01T00:00:00Z", "prev_hash": last["hash"]}
    raw(
        chain,
        "INSERT INTO {p}audit (id, time, prev_hash, hash, body) VALUES (?, ?, ?, ?, ?)",
        (
            6,
            stored["time"],
            stored["prev_hash"],
            chain_hash(stored["prev_hash"], stored),
            canonical_json(stored).decode("ascii"),
        ),
    )
    _assert_broken(chain, 6, "past the head")


def test_tamper_body_not_json(chain: Store) -> None:
    raw(chain, "UPDATE {p}audit SET body = ? WHERE id = 4", ("{not json",))
    _assert_broken(chain, 4, "not a JSON object")


# -- audit: concurrency --------------------------------------------------------------------------
def test_concurrent_appends_threads(store: Store) -> None:
    threads, per_thread = 8, 25

    def work(n: int) -> list[int]:
        return [store.append_audit(_body(n))["id"] for _ in range(per_thread)]

    with ThreadPoolExecutor(threads) as pool:
        ids = [i for batch in pool.map(work, range(threads)) for i in batch]
    total = threads * per_thread
    assert sorted(ids) == list(range(1, total + 1))
    assert store.audit_count() == total
    report = store.verify_audit()
    assert report["ok"], report
    assert report["records"] == total
    assert report["head"]["id"] == total


def _append_from_process(
    url: str, prefix: str, threads: int, per_thread: int, barrier: Any
) -> None:
    """Child process: open its own store (tables created concurrently), then append."""
    store = open_store(url, prefix=prefix)
    try:
        barrier.wait(60)

        def work(n: int) -> None:
            for _ in range(per_thread):
                store.append_audit(_body(n))

        with ThreadPoolExecutor(threads) as pool:
            list(pool.map(work, range(threads)))
    finally:
        store.close()


def test_concurrent_appends_processes(store: Store, tmp_path: Path) -> None:
    """Two worker processes × 4 threads, each process with its own Store, on fresh tables."""
    if store.kind == "sqlite":
        url, prefix = f"sqlite:///{tmp_path}/mp/sourceguard.sqlite3", "sg_"
    else:
        url, prefix = PG_URL, _prefix()
    processes, threads, per_thread = 2, 4, 25
    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(processes)
    workers = [
        context.Process(
            target=_append_from_process, args=(url, prefix, threads, per_thread, barrier)
        )
        for _ in range(processes)
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(120)
    assert [worker.exitcode for worker in workers] == [0] * processes
    total = processes * threads * per_thread
    check = open_store(url, prefix=prefix)
    try:
        assert check.audit_count() == total
        assert [r["id"] for r in check.iter_audit()] == list(range(1, total + 1))
        report = check.verify_audit()
        assert report["ok"], report
        assert report["records"] == total
    finally:
        if check.kind == "postgresql":
            check.drop_all()
        check.close()


# -- tokens ----------------------------------------------------------------------------------------
def test_token_create_authenticate_revoke(store: Store) -> None:
    plaintext, info = store.create_token("ci-bot.1", "editor")
    assert re.fullmatch(r"sgt_t[0-9a-f]{10}_[A-Za-z0-9_-]{43}", plaintext)
    assert plaintext.startswith(f"sgt_{info['id']}_")
    assert set(info) == {"id", "name", "role", "created"}
    assert info["name"] == "ci-bot.1" and info["role"] == "editor"
    assert store.authenticate(plaintext) == info

    assert store.revoke_token("ci-bot.1") is True
    assert store.authenticate(plaintext) is None
    assert store.revoke_token("ci-bot.1") is False
    assert store.revoke_token("nobody") is False
    # The name is free again once revoked.
    plaintext2, info2 = store.create_token("ci-bot.1", "auditor")
    assert info2["id"] != info["id"]
    assert store.authenticate(plaintext2) == info2


def test_authenticate_refuses_wrong_tokens(store: Store) -> None:
    plaintext, _ = store.create_token("alice", "admin")
    token_id = plaintext[4:15]
    tail = plaintext[-1]
    wrong = [
        plaintext[:-1] + ("A" if tail != "A" else "B"),
        plaintext + "x",
        plaintext[:-1],
        f"sgt_{token_id}_" + "x" * 43,
        "sgt_t0000000000_" + plaintext[16:],
        plaintext.upper(),
        "",
        "Bearer " + plaintext,
        "sgt_" + "x" * 300,
    ]
    for token in wrong:
        assert store.authenticate(token) is None
    assert store.authenticate(None) is None  # type: ignore[arg-type]
    assert store.authenticate(plaintext) is not None


def test_list_tokens(store: Store) -> None:
    assert store.list_tokens() == []
    _, a = store.create_token("alice", "admin")
    _, b = store.create_token("bob", "auditor")
    store.revoke_token("bob")
    listed = store.list_tokens()
    assert [t["name"] for t in listed] == ["alice", "bob"]
    for entry in listed:
        assert set(entry) == {"id", "name", "role", "created", "revoked"}
    assert listed[0]["revoked"] is None
    assert listed[1]["revoked"] is not None
    assert listed[0]["id"] == a["id"] and listed[1]["id"] == b["id"]


def test_duplicate_active_token_name(store: Store) -> None:
    store.create_token("alice", "editor")
    with pytest.raises(StoreConflict, match="a token with that name exists"):
        store.create_token("alice", "admin")
    assert len(store.list_tokens()) == 1


@pytest.mark.parametrize("name", ["", "a" * 65, "has space", "ümlaut", "x/y", "semi;colon", None])
def test_token_bad_name(store: Store, name: Any) -> None:
    with pytest.raises(InputError, match="token name"):
        store.create_token(name, "editor")


@pytest.mark.parametrize("role", ["", "root", "Admin", None])
def test_token_bad_role(store: Store, role: Any) -> None:
    with pytest.raises(InputError, match="token role"):
        store.create_token("alice", role)


def test_token_table_holds_no_plaintext(store: Store) -> None:
    plaintext, info = store.create_token("alice", "editor")
    secret_part = plaintext.split("_", 2)[2]
    rows = raw(store, "SELECT * FROM {p}tokens")
    assert len(rows) == 1
    cells = [str(cell) for cell in rows[0]]
    for cell in cells:
        assert plaintext not in cell
        assert secret_part not in cell
    assert hashlib.sha256(plaintext.encode()).hexdigest() in cells
    assert info["id"] in cells


# -- roster ----------------------------------------------------------------------------------------
def test_roster_compare_and_swap(store: Store) -> None:
    assert store.roster_generation() == 0
    assert store.load_roster() == (0, None)
    document = {"format": "sourceguard-roster", "version": 1, "key_check": "ab", "entries": []}
    assert store.save_roster(document, 0) == 1
    assert store.load_roster() == (1, document)
    assert store.roster_generation() == 1

    with pytest.raises(StoreConflict, match="generation"):
        store.save_roster({**document, "entries": [{"id": "r-1"}]}, 0)
    assert store.load_roster() == (1, document)

    changed = {**document, "key_check": "cd"}
    assert store.save_roster(changed, 1) == 2
    other = open_store(_url(store), prefix=store.prefix)  # another worker sees the change
    try:
        assert other.roster_generation() == 2
        assert other.load_roster() == (2, changed)
    finally:
        other.close()


def test_roster_concurrent_saves_one_wins(store: Store) -> None:
    document = {"entries": []}

    def save(n: int) -> bool:
        try:
            store.save_roster({**document, "n": n}, 0)
        except StoreConflict:
            return False
        return True

    with ThreadPoolExecutor(6) as pool:
        outcomes = list(pool.map(save, range(6)))
    assert outcomes.count(True) == 1
    assert store.roster_generation() == 1


def test_save_roster_refuses_non_dict(store: Store) -> None:
    with pytest.raises(TypeError):
        store.save_roster(["not", "a", "dict"], 0)  # type: ignore[arg-type]


# -- errors --------------------------------------------------------------------------------------
def test_store_error_is_a_configuration_error() -> None:
    assert issubclass(StoreError, ConfigurationError)
    assert issubclass(StoreConflict, StoreError)


def test_unwritable_sqlite_path(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("x")
    with pytest.raises(StoreError, match="directory of the SQLite store") as info:
        open_store(f"sqlite:///{blocker}/sub/sourceguard.sqlite3")
    assert str(tmp_path) not in str(info.value)


def test_sqlite_path_is_a_directory(tmp_path: Path) -> None:
    (tmp_path / "dir.sqlite3").mkdir()
    with pytest.raises(StoreError, match="cannot open the SQLite store") as info:
        open_store(f"sqlite:///{tmp_path}/dir.sqlite3")
    assert str(tmp_path) not in str(info.value)


@pytest.mark.parametrize(
    "url", ["", "mysql://u@h/db", "sqlite://relative.db", "sqlite:///", "sqlite:///:memory:"]
)
def test_bad_urls(url: str) -> None:
    with pytest.raises(StoreError):
        open_store(url)


@pytest.mark.parametrize("prefix", ["", "SG_", "1sg_", "sg-", "sg_; DROP TABLE x;", "s" * 40])
def test_bad_prefix(tmp_path: Path, prefix: str) -> None:
    with pytest.raises(StoreError, match="table prefix"):
        open_store(f"sqlite:///{tmp_path}/s.sqlite3", prefix=prefix)


@pytest.mark.parametrize(
    "url",
    [
        f"postgresql://sourceguard:{SECRET}@127.0.0.1:1/test?connect_timeout=1",
        f"postgres://sourceguard:{SECRET}@127.0.0.1:1/test?connect_timeout=1",
        f"postgresql://127.0.0.1:1/test?password={SECRET}&connect_timeout=1",
    ],
)
def test_unreachable_postgres_message_hides_credentials(url: str) -> None:
    with pytest.raises(StoreError) as info:
        open_store(url)
    message = str(info.value)
    assert SECRET not in message
    assert "sourceguard:" not in message
    assert "127.0.0.1:1/test" in message
    assert "cannot open the PostgreSQL store" in message
    assert "connection refused" in message
    assert info.value.__cause__ is None and info.value.__suppress_context__


@pytest.mark.postgres
def test_postgres_missing_database_message() -> None:
    _require_pg()
    with pytest.raises(StoreError, match="does not exist") as info:
        open_store(f"postgresql://postgres:{SECRET}@127.0.0.1:5432/sg_no_such_database_x")
    assert SECRET not in str(info.value)


def test_records_are_json_roundtrip(store: Store) -> None:
    body = {**_body(1), "summary": {"score": 0.1 + 0.2, "names": 0}, "details": {"ü": "→"}}
    record = store.append_audit(body)
    fetched = store.get_audit(1)
    assert fetched == record
    assert json.loads(json.dumps(fetched)) == record
    assert store.verify_audit()["ok"]
