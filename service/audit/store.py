"""Persistence for the HTTP service: the audit chain, API tokens and the stored roster.

Two backends behind one interface, chosen by URL (``open_store``): embedded SQLite (the default,
one host, several worker processes) and PostgreSQL (shared by replicas). Each worker process
opens its own ``Store``; a store is thread-safe (every call borrows a connection from a small
per-process pool, and the database serializes writers).

What is stored holds no names: audit records are built by ``service.audit.records`` (digests and keyed
fingerprints only), tokens are kept as SHA-256 digests, the roster document holds keyed digests.
Error messages name the kind of problem, never stored values, and never a database password:
they reach /readyz, logs and problem+json responses.

The audit log is a hash chain. Appends are serialized (SQLite ``BEGIN IMMEDIATE``, PostgreSQL
``pg_advisory_xact_lock``) and a one-row head table holds the last id and hash, so ids stay
contiguous and ``verify_audit`` can detect edited, deleted, inserted or reordered records and a
truncated tail. Truncation *together with* a rewritten head can only be caught by comparing the
head with a copy kept elsewhere (publish or log ``verify_audit()["head"]`` periodically).
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import json
import os
import re
import secrets
import sqlite3
import threading
import time
import unicodedata
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import psycopg
import psycopg.conninfo
import psycopg.errors
from psycopg.pq import TransactionStatus

from service.audit.records import GENESIS_HASH, canonical_json, chain_hash
from service.core.errors import ConfigurationError, InputError

DEFAULT_PREFIX = "sg_"
ROLES = ("editor", "auditor", "admin")
TOKEN_PREFIX = "sgt_"
SQLITE_BUSY_TIMEOUT_S = 30.0
PG_CONNECT_TIMEOUT_S = 10
MAX_IDLE_CONNECTIONS = 8
MAX_LIST_LIMIT = 1000
ITER_BATCH = 500
MAX_TOKEN_CHARS = 200
RESERVED_RECORD_KEYS = frozenset({"id", "time", "prev_hash", "hash"})

_PREFIX_RE = re.compile(r"[a-z][a-z0-9_]{0,31}")
_TOKEN_NAME_RE = re.compile(r"[A-Za-z0-9_.-]{1,64}")
_TOKEN_ID_RE = re.compile(r"t[0-9a-f]{10}")
_TABLES = ("audit", "audit_head", "tokens", "roster", "allow_list")

_SCHEMA = (
    """CREATE TABLE IF NOT EXISTS {p}audit (
        id {int} PRIMARY KEY,
        time TEXT NOT NULL,
        prev_hash TEXT NOT NULL,
        hash TEXT NOT NULL,
        body TEXT NOT NULL
    )""",
    """CREATE TABLE IF NOT EXISTS {p}audit_head (
        singleton INTEGER PRIMARY KEY CHECK (singleton = 1),
        last_id {int} NOT NULL,
        hash TEXT NOT NULL
    )""",
    "INSERT INTO {p}audit_head (singleton, last_id, hash) VALUES (1, 0, ?) "
    "ON CONFLICT (singleton) DO NOTHING",
    """CREATE TABLE IF NOT EXISTS {p}tokens (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        role TEXT NOT NULL,
        digest TEXT NOT NULL UNIQUE,
        created TEXT NOT NULL,
        revoked TEXT
    )""",
    "CREATE UNIQUE INDEX IF NOT EXISTS {p}tokens_active_name ON {p}tokens (name) "
    "WHERE revoked IS NULL",
    """CREATE TABLE IF NOT EXISTS {p}roster (
        singleton INTEGER PRIMARY KEY CHECK (singleton = 1),
        generation {int} NOT NULL,
        document TEXT,
        updated TEXT
    )""",
    "INSERT INTO {p}roster (singleton, generation) VALUES (1, 0) "
    "ON CONFLICT (singleton) DO NOTHING",
    # The newsroom's "always public" names (public figures: they are on the record, so the
    # names are stored as written; the audit log still keeps only their fingerprints).
    """CREATE TABLE IF NOT EXISTS {p}allow_list (
        name_key TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        added TEXT NOT NULL
    )""",
)
_SCHEMA_PARAMS: dict[int, tuple[Any, ...]] = {2: (GENESIS_HASH,)}

_SQL = {
    "head": "SELECT last_id, hash FROM {p}audit_head WHERE singleton = 1",
    "touch_head": "UPDATE {p}audit_head SET last_id = last_id WHERE singleton = 1",
    "update_head": "UPDATE {p}audit_head SET last_id = ?, hash = ? "
    "WHERE singleton = 1 AND last_id = ?",
    "insert_audit": "INSERT INTO {p}audit (id, time, prev_hash, hash, body) VALUES (?, ?, ?, ?, ?)",
    "get_audit": "SELECT body, hash FROM {p}audit WHERE id = ?",
    "list_audit": "SELECT body, hash FROM {p}audit WHERE id > ? ORDER BY id LIMIT ?",
    "walk_audit": "SELECT id, time, prev_hash, hash, body FROM {p}audit ORDER BY id",
    "count_audit": "SELECT COUNT(*) FROM {p}audit",
    "active_token": "SELECT id FROM {p}tokens WHERE name = ? AND revoked IS NULL",
    "insert_token": "INSERT INTO {p}tokens (id, name, role, digest, created) "
    "VALUES (?, ?, ?, ?, ?)",
    "token_by_id": "SELECT id, name, role, digest, created, revoked FROM {p}tokens WHERE id = ?",
    "revoke_token": "UPDATE {p}tokens SET revoked = ? WHERE name = ? AND revoked IS NULL",
    "list_tokens": "SELECT id, name, role, created, revoked FROM {p}tokens ORDER BY created, id",
    "roster_generation": "SELECT generation FROM {p}roster WHERE singleton = 1",
    "load_roster": "SELECT generation, document FROM {p}roster WHERE singleton = 1",
    "save_roster": "UPDATE {p}roster SET generation = generation + 1, document = ?, updated = ? "
    "WHERE singleton = 1 AND generation = ?",
    "list_allowed": "SELECT name FROM {p}allow_list ORDER BY name_key",
    "add_allowed": "INSERT INTO {p}allow_list (name_key, name, added) VALUES (?, ?, ?) "
    "ON CONFLICT (name_key) DO NOTHING",
    "remove_allowed": "DELETE FROM {p}allow_list WHERE name_key = ?",
}
MAX_ALLOWED_NAME_CHARS = 200


class StoreError(ConfigurationError):
    """The store cannot be read or written (HTTP 503). Messages never hold values or passwords."""


class StoreConflict(StoreError):
    """A write lost a race or clashes with existing data (duplicate token name, roster changed)."""


def utc_now() -> str:
    """Current UTC time, ISO-8601 with "Z"."""
    return datetime.now(UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")


def safe_url(url: str) -> str:
    """The URL without user, password and query (which may carry ``password=``)."""
    scheme, _, rest = url.partition("://")
    location, _, _ = rest.partition("?")
    netloc, slash, path = location.partition("/")
    return f"{scheme}://{netloc.rpartition('@')[2]}{slash}{path}"


def _token_digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _check_int(name: str, value: Any, minimum: int, maximum: int | None = None) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise InputError(f"{name} must be an integer of at least {minimum}")
    if maximum is not None and value > maximum:
        raise InputError(f"{name} must be at most {maximum}")
    return value


def _record(body: str, digest: str) -> dict[str, Any]:
    """A stored record as callers see it: id, time, prev_hash first, hash last."""
    try:
        stored = json.loads(body)
    except ValueError:
        raise StoreError("an audit record body is not valid JSON") from None
    if not isinstance(stored, dict):
        raise StoreError("an audit record body is not a JSON object")
    head = {key: stored.pop(key) for key in ("id", "time", "prev_hash") if key in stored}
    return {**head, **stored, "hash": digest}


class _Pool:
    """Idle connections of this process; a connection is used by one thread at a time."""

    def __init__(self, connect: Callable[[], Any], max_idle: int = MAX_IDLE_CONNECTIONS):
        self._connect = connect
        self._max_idle = max_idle
        self._idle: list[Any] = []
        self._lock = threading.Lock()
        self._pid = os.getpid()
        self._closed = False

    def acquire(self) -> Any:
        with self._lock:
            if self._closed:
                raise StoreError("the store is closed")
            if self._pid != os.getpid():
                # Forked: the parent's connections are not ours to use, nor to close.
                self._idle, self._pid = [], os.getpid()
            conn = self._idle.pop() if self._idle else None
        return conn if conn is not None else self._connect()

    def release(self, conn: Any, reuse: bool) -> None:
        with self._lock:
            if (
                reuse
                and not self._closed
                and self._pid == os.getpid()
                and len(self._idle) < self._max_idle
            ):
                self._idle.append(conn)
                return
        with contextlib.suppress(Exception):
            conn.close()

    def close(self) -> None:
        with self._lock:
            self._closed = True
            idle, self._idle = self._idle, []
        for conn in idle:
            with contextlib.suppress(Exception):
                conn.close()


class _ChainCheck:
    """Walks stored rows in id order and remembers the first place the chain breaks."""

    def __init__(self) -> None:
        self.records = 0
        self.expected_id = 1
        self.last: tuple[int, str] = (0, GENESIS_HASH)
        self.first_broken: int | None = None
        self.problem: str | None = None

    def fail(self, record_id: int, problem: str) -> None:
        if self.problem is None:
            self.first_broken, self.problem = record_id, problem

    def feed(self, record_id: int, time: str, prev_hash: str, digest: str, body: str) -> None:
        self.records += 1
        if record_id != self.expected_id:
            self.fail(self.expected_id, f"record {self.expected_id} is missing (id gap)")
        try:
            stored = json.loads(body)
        except ValueError:
            stored = None
        if not isinstance(stored, dict):
            self.fail(record_id, "record body is not a JSON object")
        elif type(stored.get("id")) is not int or (
            stored.get("id"),
            stored.get("time"),
            stored.get("prev_hash"),
        ) != (record_id, time, prev_hash):
            self.fail(record_id, "record body disagrees with its id, time or prev_hash columns")
        else:
            try:
                recomputed = chain_hash(prev_hash, stored)
            except ValueError:  # NaN or Infinity: never written by append_audit
                recomputed = None
            if recomputed != digest:
                self.fail(record_id, "record hash does not match its content (edited record)")
            elif prev_hash != self.last[1]:
                self.fail(
                    record_id,
                    "record does not follow the previous record "
                    "(records deleted, inserted or reordered)",
                )
        self.expected_id = record_id + 1
        self.last = (record_id, digest)

    def result(self, head: tuple[int, str] | None) -> dict[str, Any]:
        last_id, last_hash = self.last
        if head is None:
            self.fail(last_id + 1, "the audit head is missing")
            head = self.last
        elif head[0] > last_id:
            self.fail(last_id + 1, "the head points past the last record (records deleted)")
        elif head[0] < last_id:
            self.fail(head[0] + 1, "records exist past the head")
        elif head[1] != last_hash:
            self.fail(last_id, "the head hash does not match the last record")
        return {
            "ok": self.problem is None,
            "records": self.records,
            "head": {"id": head[0], "hash": head[1]},
            "first_broken": self.first_broken,
            "problem": self.problem,
        }


class Store:
    """The interface both backends implement; open one with ``open_store``."""

    kind = ""
    _int_type = "INTEGER"
    _db_errors: tuple[type[Exception], ...] = ()

    def __init__(self, prefix: str, where: str) -> None:
        if not isinstance(prefix, str) or not _PREFIX_RE.fullmatch(prefix):
            raise StoreError(
                "table prefix must start with a lowercase letter and hold at most 32 of a-z, 0-9, _"
            )
        self.prefix = prefix
        self._sql = {name: self._prepare(text) for name, text in _SQL.items()}
        self._pool = _Pool(self._connect)
        try:
            with self._session(f"cannot open the {where}") as conn:
                self._setup(conn)
                with self._transaction(conn, "schema"):
                    for number, statement in enumerate(_SCHEMA):
                        conn.execute(self._prepare(statement), _SCHEMA_PARAMS.get(number, ()))
        except BaseException:
            self._pool.close()
            raise

    # -- backend hooks ---------------------------------------------------------------------------
    def _connect(self) -> Any:
        raise NotImplementedError

    def _setup(self, conn: Any) -> None:
        """Once per open, before the tables are created."""

    def _transaction(
        self, conn: Any, lock: str | None = None, rollback: bool = False
    ) -> contextlib.AbstractContextManager[None]:
        """A write transaction; ``lock`` names a critical section serialized across processes."""
        raise NotImplementedError

    def _snapshot(self, conn: Any) -> contextlib.AbstractContextManager[None]:
        """A read-only transaction that sees one consistent state."""
        raise NotImplementedError

    def _stream(self, conn: Any, sql: str) -> Iterator[tuple[Any, ...]]:
        raise NotImplementedError

    def _placeholder(self, sql: str) -> str:
        return sql

    def _describe(self, exc: Exception) -> str:
        return type(exc).__name__

    def _is_unique_violation(self, exc: Exception) -> bool:
        return False

    def _reusable(self, conn: Any) -> bool:
        return True

    # -- plumbing --------------------------------------------------------------------------------
    def _prepare(self, sql: str) -> str:
        return self._placeholder(sql.replace("{p}", self.prefix).replace("{int}", self._int_type))

    @contextlib.contextmanager
    def _session(self, what: str, conflict: str | None = None) -> Iterator[Any]:
        """A pooled connection; database errors become StoreError(``what``: kind of problem)."""
        try:
            conn = self._pool.acquire()
        except self._db_errors as exc:
            raise StoreError(f"{what}: {self._describe(exc)}") from None
        try:
            yield conn
        except self._db_errors as exc:
            self._pool.release(conn, reuse=self._reusable(conn))
            if conflict is not None and self._is_unique_violation(exc):
                raise StoreConflict(conflict) from None
            raise StoreError(f"{what}: {self._describe(exc)}") from None
        except BaseException:
            self._pool.release(conn, reuse=self._reusable(conn))
            raise
        else:
            self._pool.release(conn, reuse=True)

    def close(self) -> None:
        """Close this process's connections; the store cannot be used afterwards."""
        self._pool.close()

    def check(self) -> None:
        """Raise StoreError unless every table can be read and the audit head written (/readyz)."""
        with self._session("store check failed") as conn, self._transaction(conn, rollback=True):
            if conn.execute(self._sql["touch_head"]).rowcount != 1:
                raise StoreError("store check failed: the audit head row is missing")
            if conn.execute(self._sql["roster_generation"]).fetchone() is None:
                raise StoreError("store check failed: the roster row is missing")
            conn.execute(self._sql["list_tokens"] + " LIMIT 1").fetchall()
            conn.execute(self._sql["list_audit"], (0, 1)).fetchall()

    def drop_all(self) -> None:
        """Drop this store's tables (tests); the store is unusable afterwards."""
        with self._session("dropping the tables failed") as conn, self._transaction(conn, "schema"):
            for table in _TABLES:
                conn.execute(f"DROP TABLE IF EXISTS {self.prefix}{table}")

    # -- audit -----------------------------------------------------------------------------------
    def append_audit(self, body: dict[str, Any], time: str | None = None) -> dict[str, Any]:
        """Chain ``body`` (from ``service.audit.records.build_record``) onto the log; the stored record."""
        if not isinstance(body, dict):
            raise TypeError("audit record body must be a dict")
        if RESERVED_RECORD_KEYS & body.keys():
            raise ValueError("audit record body must not set id, time, prev_hash or hash")
        if time is not None and (not isinstance(time, str) or not time):
            raise ValueError("audit record time must be a non-empty string")
        when = time or utc_now()
        canonical_json(body)  # not JSON-serializable: fail before taking the lock
        with (
            self._session("audit append failed") as conn,
            self._transaction(conn, "audit"),
        ):
            head = conn.execute(self._sql["head"]).fetchone()
            if head is None:
                raise StoreError("audit append failed: the audit head row is missing")
            last_id, prev_hash = head
            stored = {"id": last_id + 1, "time": when, "prev_hash": prev_hash, **body}
            digest = chain_hash(prev_hash, stored)
            conn.execute(
                self._sql["insert_audit"],
                (last_id + 1, when, prev_hash, digest, canonical_json(stored).decode("ascii")),
            )
            updated = conn.execute(self._sql["update_head"], (last_id + 1, digest, last_id))
            if updated.rowcount != 1:
                raise StoreError("audit append failed: the audit head changed during the append")
        return {**stored, "hash": digest}

    def get_audit(self, record_id: int) -> dict[str, Any] | None:
        _check_int("record id", record_id, 0)
        with self._session("reading the audit log failed") as conn:
            row = conn.execute(self._sql["get_audit"], (record_id,)).fetchone()
        return _record(*row) if row else None

    def list_audit(self, after: int = 0, limit: int = 100) -> list[dict[str, Any]]:
        """Records with id > ``after``, ascending; ``limit`` 1..1000."""
        _check_int("after", after, 0)
        _check_int("limit", limit, 1, MAX_LIST_LIMIT)
        with self._session("reading the audit log failed") as conn:
            rows = conn.execute(self._sql["list_audit"], (after, limit)).fetchall()
        return [_record(*row) for row in rows]

    def iter_audit(self, after: int = 0) -> Iterator[dict[str, Any]]:
        """Every record with id > ``after``, fetched in batches (no long-lived transaction)."""
        while True:
            batch = self.list_audit(after, ITER_BATCH)
            yield from batch
            if len(batch) < ITER_BATCH:
                return
            after = batch[-1]["id"]

    def audit_count(self) -> int:
        with self._session("reading the audit log failed") as conn:
            return int(conn.execute(self._sql["count_audit"]).fetchone()[0])

    def verify_audit(self) -> dict[str, Any]:
        """Recompute the chain from the stored bodies, in one consistent snapshot.

        Returns {"ok", "records", "head": {"id", "hash"} (the head table), "first_broken" (the
        lowest id whose record is missing or wrong), "problem" (short text)}.
        """
        check = _ChainCheck()
        with self._session("verifying the audit log failed") as conn, self._snapshot(conn):
            head = conn.execute(self._sql["head"]).fetchone()
            for row in self._stream(conn, self._sql["walk_audit"]):
                check.feed(*row)
        return check.result(tuple(head) if head else None)  # type: ignore[arg-type]

    # -- tokens ----------------------------------------------------------------------------------
    def create_token(self, name: str, role: str) -> tuple[str, dict[str, Any]]:
        """A new API token: (plaintext, shown once; {"id", "name", "role", "created"})."""
        if not isinstance(name, str) or not _TOKEN_NAME_RE.fullmatch(name):
            raise InputError("token name must be 1 to 64 characters of A-Z a-z 0-9 _ . -")
        if role not in ROLES:
            raise InputError(f"token role must be one of {', '.join(ROLES)}")
        token_id = "t" + secrets.token_hex(5)
        plaintext = f"{TOKEN_PREFIX}{token_id}_{secrets.token_urlsafe(32)}"
        info = {"id": token_id, "name": name, "role": role, "created": utc_now()}
        conflict = "a token with that name exists"
        with (
            self._session("creating the token failed", conflict=conflict) as conn,
            self._transaction(conn, "tokens"),
        ):
            if conn.execute(self._sql["active_token"], (name,)).fetchone() is not None:
                raise StoreConflict(conflict)
            conn.execute(
                self._sql["insert_token"],
                (token_id, name, role, _token_digest(plaintext), info["created"]),
            )
        return plaintext, info

    def authenticate(self, token: str) -> dict[str, Any] | None:
        """The token's {"id", "name", "role", "created"}; None if unknown, malformed or revoked."""
        if not isinstance(token, str) or len(token) > MAX_TOKEN_CHARS:
            return None
        token_id = token[len(TOKEN_PREFIX) : len(TOKEN_PREFIX) + 11]
        if (
            not token.startswith(TOKEN_PREFIX)
            or not _TOKEN_ID_RE.fullmatch(token_id)
            or token[len(TOKEN_PREFIX) + 11 : len(TOKEN_PREFIX) + 12] != "_"
        ):
            return None
        with self._session("reading the tokens failed") as conn:
            row = conn.execute(self._sql["token_by_id"], (token_id,)).fetchone()
        if row is None:
            return None
        found_id, name, role, digest, created, revoked = row
        matches = hmac.compare_digest(
            str(digest).encode("utf-8"), _token_digest(token).encode("utf-8")
        )
        if not matches or revoked is not None:
            return None
        return {"id": found_id, "name": name, "role": role, "created": created}

    def revoke_token(self, name: str) -> bool:
        """Revoke the active token called ``name``; False if there is none."""
        if not isinstance(name, str):
            return False
        with self._session("revoking the token failed") as conn, self._transaction(conn):
            return conn.execute(self._sql["revoke_token"], (utc_now(), name)).rowcount > 0

    def list_tokens(self) -> list[dict[str, Any]]:
        """Every token, revoked ones included (``revoked`` is their revocation time)."""
        with self._session("reading the tokens failed") as conn:
            rows = conn.execute(self._sql["list_tokens"]).fetchall()
        keys = ("id", "name", "role", "created", "revoked")
        return [dict(zip(keys, row, strict=True)) for row in rows]

    # -- roster ----------------------------------------------------------------------------------
    def roster_generation(self) -> int:
        """Bumped by every save: a worker reloads the roster when it differs from its copy."""
        with self._session("reading the roster failed") as conn:
            row = conn.execute(self._sql["roster_generation"]).fetchone()
        if row is None:
            raise StoreError("reading the roster failed: the roster row is missing")
        return int(row[0])

    def load_roster(self) -> tuple[int, dict[str, Any] | None]:
        """(generation, roster document or None if none was ever saved)."""
        with self._session("reading the roster failed") as conn:
            row = conn.execute(self._sql["load_roster"]).fetchone()
        if row is None:
            raise StoreError("reading the roster failed: the roster row is missing")
        generation, text = row
        if text is None:
            return int(generation), None
        try:
            document = json.loads(text)
        except ValueError:
            document = None
        if not isinstance(document, dict):
            raise StoreError("reading the roster failed: the stored roster is not a JSON object")
        return int(generation), document

    def save_roster(self, document: dict[str, Any], expected_generation: int) -> int:
        """Replace the roster if nobody saved since ``expected_generation``; the new generation.

        Raises StoreConflict (a StoreError whose message mentions the generation) otherwise.
        """
        if not isinstance(document, dict):
            raise TypeError("roster document must be a dict")
        _check_int("expected generation", expected_generation, 0)
        text = canonical_json(document).decode("ascii")
        with self._session("saving the roster failed") as conn, self._transaction(conn):
            cursor = conn.execute(self._sql["save_roster"], (text, utc_now(), expected_generation))
            if cursor.rowcount != 1:
                raise StoreConflict(
                    "the roster generation changed since it was read; reload and retry"
                )
        return expected_generation + 1

    # -- the newsroom's allow list ("always public") --------------------------------------------
    def list_allowed(self) -> list[str]:
        with self._session("reading the allow list failed") as conn:
            return [str(row[0]) for row in conn.execute(self._sql["list_allowed"]).fetchall()]

    def add_allowed(self, name: str) -> bool:
        """Remember a public figure's name; False if it was already there."""
        key = _name_key(name)
        with self._session("saving the allow list failed") as conn, self._transaction(conn):
            cursor = conn.execute(
                self._sql["add_allowed"], (key, " ".join(name.split()), utc_now())
            )
            return cursor.rowcount == 1

    def remove_allowed(self, name: str) -> bool:
        with self._session("saving the allow list failed") as conn, self._transaction(conn):
            return conn.execute(self._sql["remove_allowed"], (_name_key(name),)).rowcount == 1


def _name_key(name: str) -> str:
    if not isinstance(name, str) or not name.strip() or len(name) > MAX_ALLOWED_NAME_CHARS:
        raise InputError(f"an allow-list name must be 1 to {MAX_ALLOWED_NAME_CHARS} characters")
    return " ".join(unicodedata.normalize("NFKC", name).casefold().split())


class SqliteStore(Store):
    """One SQLite file in WAL mode; writers are serialized by ``BEGIN IMMEDIATE``."""

    kind = "sqlite"
    _int_type = "INTEGER"
    _db_errors = (sqlite3.Error,)

    def __init__(self, path: Path, prefix: str = DEFAULT_PREFIX) -> None:
        self.path = path
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(
                f"cannot create the directory of the SQLite store: {exc.strerror or 'OS error'}"
            ) from None
        super().__init__(prefix, "SQLite store")

    def _connect(self) -> sqlite3.Connection:
        conn = sqlite3.connect(
            self.path,
            timeout=SQLITE_BUSY_TIMEOUT_S,
            isolation_level=None,  # we issue BEGIN/COMMIT ourselves
            check_same_thread=False,  # the pool hands a connection to one thread at a time
        )
        try:
            conn.execute(f"PRAGMA busy_timeout = {int(SQLITE_BUSY_TIMEOUT_S * 1000)}")
            conn.execute("PRAGMA synchronous = FULL")
        except BaseException:
            conn.close()
            raise
        return conn

    def _setup(self, conn: sqlite3.Connection) -> None:
        # Persistent in the file; readers then never block the writer. A file system without
        # WAL support keeps the rollback journal, which is slower but just as correct.
        # Switching the mode ignores the busy timeout: several processes opening a new store at
        # once (gunicorn workers, a CLI command) get SQLITE_BUSY at once, so retry until it.
        deadline = time.monotonic() + SQLITE_BUSY_TIMEOUT_S
        while True:
            try:
                mode = conn.execute("PRAGMA journal_mode").fetchone()[0]
                if str(mode).lower() != "wal":
                    conn.execute("PRAGMA journal_mode = WAL").fetchone()
                return
            except sqlite3.OperationalError as exc:
                busy = getattr(exc, "sqlite_errorname", "").startswith(
                    ("SQLITE_BUSY", "SQLITE_LOCKED")
                )
                if not busy or time.monotonic() > deadline:
                    raise
                time.sleep(0.05)

    @contextlib.contextmanager
    def _transaction(
        self, conn: sqlite3.Connection, lock: str | None = None, rollback: bool = False
    ) -> Iterator[None]:
        conn.execute("BEGIN IMMEDIATE")  # the write lock, for every section (one file, one lock)
        try:
            yield
            conn.execute("ROLLBACK" if rollback else "COMMIT")
        except BaseException:
            if conn.in_transaction:
                with contextlib.suppress(sqlite3.Error):
                    conn.execute("ROLLBACK")
            raise

    @contextlib.contextmanager
    def _snapshot(self, conn: sqlite3.Connection) -> Iterator[None]:
        conn.execute("BEGIN")  # deferred: the first SELECT fixes the snapshot (WAL)
        try:
            yield
        finally:
            if conn.in_transaction:
                with contextlib.suppress(sqlite3.Error):
                    conn.execute("ROLLBACK")

    def _stream(self, conn: sqlite3.Connection, sql: str) -> Iterator[tuple[Any, ...]]:
        cursor = conn.execute(sql)
        while rows := cursor.fetchmany(ITER_BATCH):
            yield from rows

    def _describe(self, exc: Exception) -> str:
        name = getattr(exc, "sqlite_errorname", "") or ""
        if name.startswith("SQLITE_IOERR"):
            return "I/O error on the database file"
        if name == "SQLITE_ERROR" and str(exc).startswith("no such table"):
            return "the store tables are missing"
        return _SQLITE_PROBLEMS.get(name, f"SQLite error ({name or type(exc).__name__})")

    def _is_unique_violation(self, exc: Exception) -> bool:
        return getattr(exc, "sqlite_errorname", "") in (
            "SQLITE_CONSTRAINT_UNIQUE",
            "SQLITE_CONSTRAINT_PRIMARYKEY",
        )

    def _reusable(self, conn: sqlite3.Connection) -> bool:
        return not conn.in_transaction


_SQLITE_PROBLEMS = {
    "SQLITE_CANTOPEN": "cannot open the database file",
    "SQLITE_READONLY": "the database is read-only",
    "SQLITE_READONLY_DBMOVED": "the database file was moved or deleted",
    "SQLITE_BUSY": "the database stayed locked longer than the busy timeout",
    "SQLITE_LOCKED": "the database is locked",
    "SQLITE_FULL": "the disk is full",
    "SQLITE_CORRUPT": "the database file is corrupt",
    "SQLITE_NOTADB": "the file is not an SQLite database",
    "SQLITE_PERM": "permission denied",
    "SQLITE_AUTH": "permission denied",
}


class PostgresStore(Store):
    """Tables in a shared PostgreSQL database; critical sections use transaction-level advisory
    locks keyed by the table prefix, so several stores can share one database."""

    kind = "postgresql"
    _int_type = "BIGINT"
    _db_errors = (psycopg.Error,)

    def __init__(self, url: str, prefix: str = DEFAULT_PREFIX) -> None:
        self.url = safe_url(url)  # for messages; the full URL stays private
        try:
            params = psycopg.conninfo.conninfo_to_dict(url)
        except psycopg.Error:
            raise StoreError(f"the PostgreSQL URL is not valid ({self.url})") from None
        self._conninfo = url
        self._connect_kwargs: dict[str, Any] = {}
        if "connect_timeout" not in params:
            self._connect_kwargs["connect_timeout"] = PG_CONNECT_TIMEOUT_S
        if "application_name" not in params:
            self._connect_kwargs["application_name"] = "sourceguard"
        self._locks = {
            name: int.from_bytes(
                hashlib.sha256(f"sourceguard:{prefix}:{name}".encode()).digest()[:8],
                "big",
                signed=True,
            )
            for name in ("schema", "audit", "tokens", "roster")
        }
        super().__init__(prefix, f"PostgreSQL store at {self.url}")

    def _connect(self) -> psycopg.Connection[Any]:
        return psycopg.connect(self._conninfo, autocommit=True, **self._connect_kwargs)

    @contextlib.contextmanager
    def _transaction(
        self, conn: psycopg.Connection[Any], lock: str | None = None, rollback: bool = False
    ) -> Iterator[None]:
        with conn.transaction(force_rollback=rollback):
            if lock is not None:
                conn.execute("SELECT pg_advisory_xact_lock(%s)", (self._locks[lock],))
            yield

    @contextlib.contextmanager
    def _snapshot(self, conn: psycopg.Connection[Any]) -> Iterator[None]:
        with conn.transaction(force_rollback=True):
            conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            yield

    def _stream(self, conn: psycopg.Connection[Any], sql: str) -> Iterator[tuple[Any, ...]]:
        with conn.cursor(name=f"{self.prefix}walk") as cursor:
            cursor.itersize = ITER_BATCH
            cursor.execute(sql)
            yield from cursor

    def _placeholder(self, sql: str) -> str:
        return sql.replace("?", "%s")

    def _describe(self, exc: Exception) -> str:
        state = getattr(exc, "sqlstate", None)
        if state:
            known = _PG_STATES.get(state) or _PG_STATES.get(state[:2])
            return known or f"database error (SQLSTATE {state})"
        text = str(exc).lower()
        for needle, problem in _PG_MESSAGES:
            if needle in text:
                return problem
        return f"database error ({type(exc).__name__})"

    def _is_unique_violation(self, exc: Exception) -> bool:
        return isinstance(exc, psycopg.errors.UniqueViolation)

    def _reusable(self, conn: psycopg.Connection[Any]) -> bool:
        return not conn.closed and conn.info.transaction_status == TransactionStatus.IDLE


_PG_STATES = {
    "28P01": "authentication failed",
    "28000": "authentication failed",
    "3D000": "the database does not exist",
    "42P01": "the store tables are missing",
    "42501": "insufficient privilege",
    "25006": "the database is read-only",
    "53100": "the disk is full",
    "53300": "too many connections",
    "57P01": "the server is shutting down",
    "57P03": "the server is not accepting connections yet",
    "40001": "serialization failure",
    "40P01": "deadlock detected",
    "08": "the connection to the server failed",
    "53": "the server is out of resources",
}
_PG_MESSAGES = (
    ("password authentication failed", "authentication failed"),
    ("no password supplied", "a password is required"),
    ("timeout expired", "connection timed out"),
    ("connection refused", "connection refused"),
    ("could not translate host name", "unknown host"),
    ("no route to host", "no route to host"),
    ("does not exist", "the database or role does not exist"),
    ("ssl", "TLS problem"),
    ("server closed the connection", "the server closed the connection"),
    ("connection is closed", "the connection was closed"),
)


def open_store(database_url: str, prefix: str = DEFAULT_PREFIX) -> Store:
    """``sqlite:///relative/or//absolute/path.sqlite3`` or ``postgresql://user@host/db``.

    Creates missing tables (safe when several processes open the store at once).
    """
    if not isinstance(database_url, str):
        raise StoreError("the database URL must be a string")
    if database_url.startswith("sqlite:///"):
        path = database_url[len("sqlite:///") :].partition("?")[0]
        if not path or path == ":memory:":
            raise StoreError("the SQLite URL needs a file path: sqlite:///path/file.sqlite3")
        return SqliteStore(Path(path), prefix)
    if database_url.startswith(("postgresql://", "postgres://")):
        return PostgresStore(database_url, prefix)
    raise StoreError("the database URL must start with sqlite:/// or postgresql://")
