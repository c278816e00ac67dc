"""What the store keeps and how it names it: tables, SQL shared by both backends, limits, roles,
and the store's error types. Nothing stored holds a name (see ``store``).
"""

from __future__ import annotations

import hashlib
import json
import re
from datetime import UTC, datetime
from typing import Any

from service.audit.records import (
    GENESIS_HASH,
)
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


_TABLES = ("audit", "audit_head", "tokens", "roster", "allow_list", "probe", "sessions")


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
    """CREATE TABLE IF NOT EXISTS {p}probe (
        singleton INTEGER PRIMARY KEY CHECK (singleton = 1),
        time TEXT NOT NULL,
        nonce TEXT NOT NULL
    )""",
    """CREATE TABLE IF NOT EXISTS {p}sessions (
        id TEXT PRIMARY KEY,
        token_id TEXT NOT NULL,
        csrf TEXT NOT NULL,
        created TEXT NOT NULL,
        expires TEXT NOT NULL,
        revoked TEXT
    )""",
    "CREATE INDEX IF NOT EXISTS {p}sessions_token ON {p}sessions (token_id)",
)


_SCHEMA_PARAMS: dict[int, tuple[Any, ...]] = {2: (GENESIS_HASH,)}


_SQL = {
    "head": "SELECT last_id, hash FROM {p}audit_head WHERE singleton = 1",
    "touch_head": "UPDATE {p}audit_head SET last_id = last_id WHERE singleton = 1",
    "update_head": "UPDATE {p}audit_head SET last_id = ?, hash = ? "
    "WHERE singleton = 1 AND last_id = ?",
    "insert_audit": "INSERT INTO {p}audit (id, time, prev_hash, hash, body) VALUES (?, ?, ?, ?, ?)",
    "get_audit": "SELECT body, hash FROM {p}audit WHERE id = ?",
    "first_prev_hash": "SELECT prev_hash FROM {p}audit ORDER BY id LIMIT 1",
    "list_audit": "SELECT body, hash FROM {p}audit WHERE id > ? ORDER BY id LIMIT ?",
    "walk_audit": "SELECT id, time, prev_hash, hash, body FROM {p}audit ORDER BY id",
    "audit_batch": "SELECT id, time, prev_hash, hash, body FROM {p}audit WHERE id > ? "
    "ORDER BY id LIMIT ?",
    "rewrite_audit": "UPDATE {p}audit SET prev_hash = ?, hash = ?, body = ? WHERE id = ?",
    "rekey_head": "UPDATE {p}audit_head SET hash = ? WHERE singleton = 1 AND last_id = ? "
    "AND hash = ?",
    "count_audit": "SELECT COUNT(*) FROM {p}audit",
    "probe": "INSERT INTO {p}probe (singleton, time, nonce) VALUES (1, ?, ?) "
    "ON CONFLICT (singleton) DO UPDATE SET time = excluded.time, nonce = excluded.nonce",
    "active_token": "SELECT id FROM {p}tokens WHERE name = ? AND revoked IS NULL",
    "insert_token": "INSERT INTO {p}tokens (id, name, role, digest, created) "
    "VALUES (?, ?, ?, ?, ?)",
    "token_by_id": "SELECT id, name, role, digest, created, revoked FROM {p}tokens WHERE id = ?",
    "revoke_token": "UPDATE {p}tokens SET revoked = ? WHERE name = ? AND revoked IS NULL",
    "list_tokens": "SELECT id, name, role, created, revoked FROM {p}tokens ORDER BY created, id",
    "insert_session": "INSERT INTO {p}sessions (id, token_id, csrf, created, expires) "
    "VALUES (?, ?, ?, ?, ?)",
    "get_session": "SELECT s.token_id, s.csrf, s.expires, t.role FROM {p}sessions s "
    "JOIN {p}tokens t ON t.id = s.token_id "
    "WHERE s.id = ? AND s.revoked IS NULL AND t.revoked IS NULL AND s.expires > ?",
    "revoke_session": "UPDATE {p}sessions SET revoked = ? WHERE id = ? AND revoked IS NULL",
    "revoke_token_sessions": "UPDATE {p}sessions SET revoked = ? WHERE revoked IS NULL AND "
    "token_id IN (SELECT id FROM {p}tokens WHERE name = ? AND revoked IS NULL)",
    "purge_sessions": "DELETE FROM {p}sessions WHERE expires < ?",
    "count_sessions": "SELECT COUNT(*) FROM {p}sessions",
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


LEGACY_CHAIN_MESSAGE = (
    "the audit log was written by sourceguard v1 with an unkeyed hash chain; run "
    "`sourceguard audit rekey` to verify it and re-chain it under the service key"
)


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


def valid_token_name(name: Any) -> bool:
    """1 to 64 of A-Z a-z 0-9 _ . - (what ``create_token`` accepts)."""
    return isinstance(name, str) and _TOKEN_NAME_RE.fullmatch(name) is not None


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
