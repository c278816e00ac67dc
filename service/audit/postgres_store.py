"""The PostgreSQL backend, shared by replicas: advisory-locked appends, server-side streaming,
error messages that never include the connection password.
"""

from __future__ import annotations

import contextlib
import hashlib
from collections.abc import Iterator
from typing import Any

import psycopg
import psycopg.conninfo
import psycopg.errors
from psycopg.pq import TransactionStatus

from service.audit.schema import (
    DEFAULT_PREFIX,
    ITER_BATCH,
    PG_CONNECT_TIMEOUT_S,
    StoreError,
    safe_url,
)
from service.audit.store import Store


class PostgresStore(Store):
    """Tables in a shared PostgreSQL database; critical sections use transaction-level advisory
    locks keyed by the table prefix, so several stores can share one database."""

    kind = "postgresql"
    _int_type = "BIGINT"
    _db_errors = (psycopg.Error,)

    def __init__(self, url: str, prefix: str = DEFAULT_PREFIX, *, chain_key: bytes) -> None:
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
        super().__init__(prefix, f"PostgreSQL store at {self.url}", chain_key)

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
