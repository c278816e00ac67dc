"""Persistence for the HTTP service: the audit chain, API tokens and the stored roster.

Two backends behind one interface, chosen by URL (``open_store``): embedded SQLite (the default,
one host, several worker processes) and PostgreSQL (shared by replicas). Each worker process
opens its own ``Store``; a store is thread-safe (every call borrows a connection from a small
per-process pool, and the database serializes writers).

What is stored holds no names: audit records are built by ``service.audit.records`` (digests and keyed
fingerprints only), tokens are kept as SHA-256 digests, the roster document holds keyed digests.
Error messages name the kind of problem, never stored values, and never a database password:
they reach /readyz, logs and problem+json responses.

The audit log is a keyed hash chain (HMAC-SHA256 under the chain key, see ``service.audit``).
Appends are serialized (SQLite ``BEGIN IMMEDIATE``, PostgreSQL ``pg_advisory_xact_lock``) and a
one-row head table holds the last id and hash, so ids stay contiguous and ``verify_audit`` can
detect edited, deleted, inserted or reordered records and a truncated tail; without the key
nobody can re-chain the records after an edit. Truncation *together with* a rewritten head is
caught by a signed checkpoint kept outside the database (``checkpoint`` and
``verify_audit(checkpoint=...)``).

A store created by v1 holds a plain SHA-256 chain. It is refused for appends and readiness
until ``rekey_audit`` (``sourceguard audit rekey``) has verified it and re-chained it under the
key; the re-keying is itself recorded in the chain (operation ``audit-rekey``).
"""

from __future__ import annotations

import contextlib
import hmac
import json
import os
import secrets
import threading
import unicodedata
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from service.audit.chain_check import _ChainCheck
from service.audit.records import (
    GENESIS_HASH,
    LEGACY_GENESIS_HASH,
    LEGACY_PREFIX,
    canonical_json,
    chain_hash,
    checkpoint_problem,
    sign_checkpoint,
    strict_json,
)
from service.audit.schema import (
    _PREFIX_RE,
    _SCHEMA,
    _SCHEMA_PARAMS,
    _SQL,
    _TABLES,
    _TOKEN_ID_RE,
    _TOKEN_NAME_RE,
    DEFAULT_PREFIX,
    ITER_BATCH,
    LEGACY_CHAIN_MESSAGE,
    MAX_ALLOWED_NAME_CHARS,
    MAX_IDLE_CONNECTIONS,
    MAX_LIST_LIMIT,
    MAX_TOKEN_CHARS,
    RESERVED_RECORD_KEYS,
    ROLES,
    TOKEN_PREFIX,
    StoreConflict,
    StoreError,
    _check_int,
    _record,
    _token_digest,
    utc_now,
)
from service.core.errors import InputError


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


class Store:
    """The interface both backends implement; open one with ``open_store``."""

    kind = ""
    _int_type = "INTEGER"
    _db_errors: tuple[type[Exception], ...] = ()

    def __init__(self, prefix: str, where: str, chain_key: bytes) -> None:
        if not isinstance(prefix, str) or not _PREFIX_RE.fullmatch(prefix):
            raise StoreError(
                "table prefix must start with a lowercase letter and hold at most 32 of a-z, 0-9, _"
            )
        if not isinstance(chain_key, bytes | bytearray) or len(chain_key) < 16:
            raise StoreError("the audit chain key must be at least 16 bytes")
        self._chain_key = bytes(chain_key)
        self.prefix = prefix
        self._sql = {name: self._prepare(text) for name, text in _SQL.items()}
        self._pool = _Pool(self._connect)
        try:
            with self._session(f"cannot open the {where}") as conn:
                self._setup(conn)
                with self._transaction(conn, "schema"):
                    for number, statement in enumerate(_SCHEMA):
                        conn.execute(self._prepare(statement), _SCHEMA_PARAMS.get(number, ()))
                    # An empty v1 log has nothing to re-key: it starts a keyed chain at once.
                    conn.execute(self._sql["rekey_head"], (GENESIS_HASH, 0, LEGACY_GENESIS_HASH))
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
        """Raise StoreError unless the store can be read and written (/readyz).

        Two writes: an audit row is inserted (and rolled back), so a read-only table, a trigger
        or a constraint that would refuse the next record fails here; and a probe row is really
        committed (durably), so a full disk or a read-only database fails here too.
        """
        with self._session("store check failed") as conn, self._transaction(conn, rollback=True):
            if conn.execute(self._sql["touch_head"]).rowcount != 1:
                raise StoreError("store check failed: the audit head row is missing")
            if conn.execute(self._sql["roster_generation"]).fetchone() is None:
                raise StoreError("store check failed: the roster row is missing")
            conn.execute(self._sql["list_tokens"] + " LIMIT 1").fetchall()
            conn.execute(self._sql["list_audit"], (0, 1)).fetchall()
            conn.execute(self._sql["count_sessions"]).fetchone()
            last_id, head_hash = conn.execute(self._sql["head"]).fetchone()
            if str(head_hash).startswith(LEGACY_PREFIX):
                raise StoreError(f"store check failed: {LEGACY_CHAIN_MESSAGE}")
            conn.execute(
                self._sql["insert_audit"], (last_id + 1, utc_now(), head_hash, head_hash, "{}")
            )
        with self._session("store check failed (write)") as conn, self._transaction(conn):
            conn.execute(self._sql["probe"], (utc_now(), secrets.token_hex(16)))

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
            if str(prev_hash).startswith(LEGACY_PREFIX):
                raise StoreError(f"audit append refused: {LEGACY_CHAIN_MESSAGE}")
            stored = {"id": last_id + 1, "time": when, "prev_hash": prev_hash, **body}
            digest = chain_hash(prev_hash, stored, self._chain_key)
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

    def verify_audit(self, checkpoint: Any = None) -> dict[str, Any]:
        """Recompute the keyed chain from the stored bodies, in one consistent snapshot.

        Returns {"ok", "records", "head": {"id", "hash"} (the head table), "first_broken" (the
        lowest id whose record is missing or wrong), "problem" (short text)}, and "checkpoint"
        when one is given: then no record up to it may have changed, been removed or added, and
        the chain must still reach it.
        """
        if checkpoint is not None:
            problem = checkpoint_problem(checkpoint, self._chain_key)
            if problem is not None:
                return {
                    "ok": False,
                    "records": 0,
                    "head": None,
                    "first_broken": None,
                    "problem": problem,
                }
        with self._session("verifying the audit log failed") as conn, self._snapshot(conn):
            head = conn.execute(self._sql["head"]).fetchone()
            legacy = self._is_legacy(conn, head)
            check = _ChainCheck(None if legacy else self._chain_key, checkpoint)
            for row in self._stream(conn, self._sql["walk_audit"]):
                check.feed(*row)
        report = check.result(tuple(head) if head else None)  # type: ignore[arg-type]
        if legacy:
            report.update(ok=False, legacy_intact=report["ok"], problem=LEGACY_CHAIN_MESSAGE)
        return report

    def _is_legacy(self, conn: Any, head: Any) -> bool:
        """A v1 log: a plain head *and* a first record chained from the plain genesis (a plain
        head over keyed records is tampering, not a v1 store)."""
        if head is None or not str(head[1]).startswith(LEGACY_PREFIX):
            return False
        first = conn.execute(self._sql["first_prev_hash"]).fetchone()
        return first is None or first[0] == LEGACY_GENESIS_HASH

    def checkpoint(self) -> dict[str, Any]:
        """A signed checkpoint of the head, after verifying the whole chain (StoreError if not)."""
        report = self.verify_audit()
        if not report["ok"]:
            raise StoreError(f"no checkpoint: the audit chain is not intact ({report['problem']})")
        head = report["head"]
        return sign_checkpoint(head["id"], head["hash"], utc_now(), self._chain_key)

    def rekey_audit(self, actor: str = "cli") -> dict[str, Any]:
        """Re-chain a v1 (plain SHA-256) audit log under the chain key, after verifying it.

        Refuses (StoreError) if the log is already keyed or its v1 chain is broken. Every record
        keeps its id, time and content; ``prev_hash`` and ``hash`` are recomputed. One record
        ``audit-rekey`` is appended that names the v1 head it replaced.
        """
        with (
            self._session("re-keying the audit log failed") as conn,
            self._transaction(conn, "audit"),
        ):
            last_id, head_hash = conn.execute(self._sql["head"]).fetchone()
            if not str(head_hash).startswith(LEGACY_PREFIX):
                raise StoreError("the audit log already uses the keyed chain")
            check = _ChainCheck(None)
            for row in self._stream(conn, self._sql["walk_audit"]):
                check.feed(*row)
            report = check.result((last_id, head_hash))
            if not report["ok"]:
                raise StoreError(
                    "the v1 audit chain is broken at record "
                    f"{report['first_broken']} ({report['problem']}); not re-keyed"
                )
            prev, after = GENESIS_HASH, 0
            while rows := conn.execute(self._sql["audit_batch"], (after, ITER_BATCH)).fetchall():
                for record_id, _time, _prev, _hash, body in rows:
                    stored = {**strict_json(body), "prev_hash": prev}
                    digest = chain_hash(prev, stored, self._chain_key)
                    conn.execute(
                        self._sql["rewrite_audit"],
                        (prev, digest, canonical_json(stored).decode("ascii"), record_id),
                    )
                    prev, after = digest, record_id
            conn.execute(self._sql["rekey_head"], (prev, last_id, head_hash))
        return self.append_audit(
            {
                "operation": "audit-rekey",
                "actor": actor,
                "details": {"v1_head": {"id": last_id, "hash": head_hash}, "records": last_id},
            }
        )

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
        """Revoke the active token called ``name`` and its web sessions; False if there is none."""
        if not isinstance(name, str):
            return False
        now = utc_now()
        with self._session("revoking the token failed") as conn, self._transaction(conn):
            conn.execute(self._sql["revoke_token_sessions"], (now, name))
            return conn.execute(self._sql["revoke_token"], (now, name)).rowcount > 0

    # -- web sessions ----------------------------------------------------------------------------
    def create_session(self, token_id: str, lifetime_s: int) -> dict[str, str]:
        """A new editor-page session: {"id" (the cookie value, shown once), "csrf", "expires"}.

        Only a SHA-256 digest of the id is stored, like tokens; expired sessions are purged.
        """
        _check_int("session lifetime", lifetime_s, 1)
        session_id, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
        now = datetime.now(UTC)
        created = utc_now()
        expires = (
            (now + timedelta(seconds=lifetime_s))
            .isoformat(timespec="microseconds")
            .replace("+00:00", "Z")
        )
        with self._session("creating the session failed") as conn, self._transaction(conn):
            conn.execute(self._sql["purge_sessions"], (created,))
            conn.execute(
                self._sql["insert_session"],
                (_token_digest(session_id), token_id, csrf, created, expires),
            )
        return {"id": session_id, "csrf": csrf, "expires": expires}

    def get_session(self, session_id: Any) -> dict[str, str] | None:
        """{"token_id", "role", "csrf", "expires"} of a live session whose token is active."""
        if not isinstance(session_id, str) or not 0 < len(session_id) <= MAX_TOKEN_CHARS:
            return None
        with self._session("reading the session failed") as conn:
            row = conn.execute(
                self._sql["get_session"], (_token_digest(session_id), utc_now())
            ).fetchone()
        if row is None:
            return None
        token_id, csrf, expires, role = row
        return {"token_id": token_id, "role": role, "csrf": csrf, "expires": expires}

    def revoke_session(self, session_id: Any) -> bool:
        """End a session (logout); False if it was unknown or already ended."""
        if not isinstance(session_id, str):
            return False
        with self._session("ending the session failed") as conn, self._transaction(conn):
            cursor = conn.execute(
                self._sql["revoke_session"], (utc_now(), _token_digest(session_id))
            )
            return cursor.rowcount > 0

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


def open_store(database_url: str, prefix: str = DEFAULT_PREFIX, *, chain_key: bytes) -> Store:
    """``sqlite:///relative/or//absolute/path.sqlite3`` or ``postgresql://user@host/db``.

    Creates missing tables (safe when several processes open the store at once). ``chain_key``
    keys the audit chain (``Config.key("chain")``).
    """
    if not isinstance(database_url, str):
        raise StoreError("the database URL must be a string")
    if database_url.startswith("sqlite:///"):
        path = database_url[len("sqlite:///") :].partition("?")[0]
        if not path or path == ":memory:":
            raise StoreError("the SQLite URL needs a file path: sqlite:///path/file.sqlite3")
        from service.audit.sqlite_store import SqliteStore

        return SqliteStore(Path(path), prefix, chain_key=chain_key)
    if database_url.startswith(("postgresql://", "postgres://")):
        from service.audit.postgres_store import PostgresStore  # psycopg only when used

        return PostgresStore(database_url, prefix, chain_key=chain_key)
    raise StoreError("the database URL must start with sqlite:/// or postgresql://")
