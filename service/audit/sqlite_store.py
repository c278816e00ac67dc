"""The embedded SQLite backend (the default): one file, private to the service user, WAL mode,
serialized writers.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from service.audit.schema import DEFAULT_PREFIX, ITER_BATCH, SQLITE_BUSY_TIMEOUT_S, StoreError
from service.audit.store import Store


class SqliteStore(Store):
    """One SQLite file in WAL mode; writers are serialized by ``BEGIN IMMEDIATE``."""

    kind = "sqlite"
    _int_type = "INTEGER"
    _db_errors = (sqlite3.Error,)

    def __init__(self, path: Path, prefix: str = DEFAULT_PREFIX, *, chain_key: bytes) -> None:
        self.path = path
        try:
            path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(
                f"cannot create the directory of the SQLite store: {exc.strerror or 'OS error'}"
            ) from None
        _create_private(path)
        super().__init__(prefix, "SQLite store", chain_key)

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


def _create_private(path: Path) -> None:
    """Create the database file (and its WAL/SHM companions, which SQLite gives the database
    file's mode) readable by the owner only; an existing file open to others is tightened."""
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            if os.fstat(fd).st_mode & 0o077:
                os.fchmod(fd, 0o600)
        finally:
            os.close(fd)
        for suffix in ("-wal", "-shm"):
            companion = path.with_name(path.name + suffix)
            if companion.exists() and companion.stat().st_mode & 0o077:
                companion.chmod(0o600)
    except OSError as exc:
        raise StoreError(
            f"cannot open the SQLite store file: {exc.strerror or 'OS error'}"
        ) from None


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
