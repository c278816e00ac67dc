"""The protected-source roster: the people a newsroom has promised never to name.

The roster file holds no plaintext. Every name, alias and handle is reduced to
transliteration-insensitive keys (``recognizers.name_keys``) and each key to an HMAC-SHA256 under
the newsroom's roster key (``SOURCEGUARD_ROSTER_KEY``). Someone who copies the file learns neither
the names nor, without the key, whether a guessed name is on it. A draft is screened by computing
the same digests for the names it contains and looking them up.

Every error message here is about structure ("entry 3: aliases must be a list of strings"), never
about content: a message may reach a log, a terminal or a CI report.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import json
import os
import re
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from recognizers.name_keys import name_key, name_keys, name_parts, token_keys
from service.core.config import setting
from service.core.errors import ConfigurationError

ROSTER_FORMAT = "sourceguard-roster"
ROSTER_VERSION = 1
KEY_ENV = "SOURCEGUARD_ROSTER_KEY"
MIN_KEY_BYTES = 16
KEY_CHECK_MESSAGE = b"sourceguard-roster-key-check"
ID_HEX_CHARS = 12
KINDS: tuple[str, ...] = ("full", "surnames", "given", "handles")
"""Digest lists of one roster entry, by what a mention must match."""

_HEX_DIGEST_RE = re.compile(r"[0-9a-f]{64}")
_ID_RE = re.compile(rf"r-[0-9a-f]{{{ID_HEX_CHARS}}}")
_HANDLE_RE = re.compile(r"@[A-Za-z0-9_.]{1,64}")
_ENTRY_FIELDS = frozenset({"id", *KINDS})
_PLAIN_FIELDS = frozenset({"name", "aliases"})
_DOCUMENT_FIELDS = frozenset({"format", "version", "key_check", "entries"})


class RosterError(ConfigurationError):
    """The roster (or its key, or a plain import file) is unusable. Messages never hold names."""


def _check_key(key: Any) -> bytes:
    if not isinstance(key, bytes | bytearray):
        raise RosterError("roster key must be bytes")
    if len(key) < MIN_KEY_BYTES:
        raise RosterError(f"roster key must be at least {MIN_KEY_BYTES} bytes")
    return bytes(key)


def roster_key_from_env() -> bytes:
    """The roster key from ``SOURCEGUARD_ROSTER_KEY`` (UTF-8, surrounding whitespace ignored)."""
    raw = setting(KEY_ENV)
    if not raw:
        raise RosterError(f"{KEY_ENV} is not set; the roster cannot be used without its key")
    key = raw.encode("utf-8")
    if len(key) < MIN_KEY_BYTES:
        raise RosterError(f"{KEY_ENV} must be at least {MIN_KEY_BYTES} bytes")
    return key


def _hmac(key: bytes, message: str | bytes) -> str:
    data = message.encode("utf-8") if isinstance(message, str) else message
    return hmac.new(key, data, hashlib.sha256).hexdigest()


def key_check(key: bytes) -> str:
    """The digest stored in a roster file to recognise the key it was built with."""
    return _hmac(_check_key(key), KEY_CHECK_MESSAGE)


def _validate_plain(plain: Any) -> list[tuple[str, list[str]]]:
    """(name, aliases) per entry, or RosterError naming the entry number and the problem."""
    if not isinstance(plain, list):
        raise RosterError("roster input must be a JSON list of objects")
    if not plain:
        raise RosterError("roster input has no entries")
    out: list[tuple[str, list[str]]] = []
    for number, item in enumerate(plain, start=1):
        where = f"entry {number}"
        if not isinstance(item, dict):
            raise RosterError(f"{where}: must be an object with 'name' and optional 'aliases'")
        if set(item) - _PLAIN_FIELDS:
            raise RosterError(f"{where}: unexpected field(s); allowed fields are name, aliases")
        name = item.get("name")
        if not isinstance(name, str) or not name.strip():
            raise RosterError(f"{where}: 'name' must be a non-empty string")
        if name.strip().startswith("@"):
            raise RosterError(f"{where}: 'name' must be a person's name; put handles in aliases")
        if not name_parts(name):
            raise RosterError(f"{where}: 'name' has no identifying word")
        aliases = item.get("aliases", [])
        if not isinstance(aliases, list) or not all(isinstance(a, str) for a in aliases):
            raise RosterError(f"{where}: 'aliases' must be a list of strings")
        cleaned: list[str] = []
        for alias_number, alias in enumerate(aliases, start=1):
            alias = alias.strip()
            if not alias:
                raise RosterError(f"{where}: alias {alias_number} is empty")
            if alias.startswith("@"):
                if not _HANDLE_RE.fullmatch(alias):
                    raise RosterError(
                        f"{where}: alias {alias_number} starts with '@' but is not a handle "
                        "(letters, digits, '_' and '.' only)"
                    )
            elif not name_parts(alias):
                raise RosterError(f"{where}: alias {alias_number} has no identifying word")
            cleaned.append(alias)
        out.append((name.strip(), cleaned))
    return out


def _entry_digests(key: bytes, name: str, aliases: list[str]) -> dict[str, Any]:
    """The digests of one entry (see module docstring); single-word names match on their own."""
    digests: dict[str, set[str]] = {kind: set() for kind in KINDS}
    for variant in [name, *aliases]:
        if variant.startswith("@"):
            digests["handles"].add(_hmac(key, variant[1:].lower()))
            continue
        parts = name_parts(variant)
        if len(parts) >= 2:
            digests["full"].update(_hmac(key, k) for k in name_keys(variant))
            digests["surnames"].update(_hmac(key, k) for k in token_keys(parts[-1]))
            digests["given"].update(_hmac(key, k) for k in token_keys(parts[0]))
        else:
            # A single word registered on its own ("Zarmina", "Abu Layth") identifies the person
            # by itself: it is a given-name key and, so that it matches alone, a full-name key.
            digests["given"].update(_hmac(key, k) for k in token_keys(parts[0]))
            digests["full"].update(_hmac(key, k) for k in name_keys(variant))
    entry: dict[str, Any] = {"id": "r-" + _hmac(key, name_key(name))[:ID_HEX_CHARS]}
    entry.update({kind: sorted(values) for kind, values in digests.items()})
    return entry


def _merge_entries(entries: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """One entry per id (two spellings of one name share an id), digests united, sorted."""
    merged: dict[str, dict[str, set[str]]] = {}
    for entry in entries:
        slot = merged.setdefault(entry["id"], {kind: set() for kind in KINDS})
        for kind in KINDS:
            slot[kind].update(entry[kind])
    return [
        {"id": entry_id, **{kind: sorted(slot[kind]) for kind in KINDS}}
        for entry_id, slot in sorted(merged.items())
    ]


def _build_entries(plain: Any, key: bytes) -> list[dict[str, Any]]:
    key = _check_key(key)
    return _merge_entries(
        _entry_digests(key, name, aliases) for name, aliases in _validate_plain(plain)
    )


def build_roster(plain: list[dict], key: bytes) -> dict:
    """The roster document for ``[{"name": ..., "aliases": [...]}, ...]``; no plaintext in it."""
    return {
        "format": ROSTER_FORMAT,
        "version": ROSTER_VERSION,
        "key_check": key_check(key),
        "entries": _build_entries(plain, key),
    }


def serialize(document: dict) -> bytes:
    """The exact bytes written for a roster document (stable: sorted keys, trailing newline)."""
    return (json.dumps(document, indent=2, sort_keys=True, ensure_ascii=True) + "\n").encode()


def _validate_document(doc: Any, label: str) -> list[dict[str, Any]]:
    if not isinstance(doc, dict):
        raise RosterError(f"roster file {label} must hold a JSON object")
    if doc.get("format") != ROSTER_FORMAT:
        raise RosterError(f"roster file {label} is not a sourceguard roster (format)")
    version = doc.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version != ROSTER_VERSION:
        raise RosterError(f"roster file {label} has unsupported version (expected 1)")
    if set(doc) != _DOCUMENT_FIELDS:
        raise RosterError(
            f"roster file {label} must have exactly the fields format, version, key_check, entries"
        )
    if not isinstance(doc["key_check"], str) or not _HEX_DIGEST_RE.fullmatch(doc["key_check"]):
        raise RosterError(f"roster file {label} has a malformed key_check")
    entries = doc["entries"]
    if not isinstance(entries, list):
        raise RosterError(f"roster file {label}: entries must be a list")
    seen: set[str] = set()
    for number, entry in enumerate(entries, start=1):
        where = f"roster file {label}, entry {number}"
        if not isinstance(entry, dict) or set(entry) != _ENTRY_FIELDS:
            raise RosterError(f"{where}: must have exactly the fields id, {', '.join(KINDS)}")
        if not isinstance(entry["id"], str) or not _ID_RE.fullmatch(entry["id"]):
            raise RosterError(f"{where}: malformed id")
        if entry["id"] in seen:
            raise RosterError(f"{where}: duplicate id")
        seen.add(entry["id"])
        for kind in KINDS:
            values = entry[kind]
            if not isinstance(values, list) or not all(
                isinstance(v, str) and _HEX_DIGEST_RE.fullmatch(v) for v in values
            ):
                raise RosterError(f"{where}: {kind} must be a list of hex SHA-256 digests")
        if not entry["full"] and not entry["handles"]:
            raise RosterError(f"{where}: has neither full-name nor handle digests")
    return entries


class Roster:
    """A loaded roster: entries of digests plus an in-memory index digest -> entry ids."""

    def __init__(self, entries: list[dict[str, Any]], key: bytes | None, raw: bytes | None = None):
        self._key = _check_key(key) if key is not None else None
        self.entries: list[dict[str, Any]] = _merge_entries(entries)
        self._raw = raw
        self._reindex()

    # -- construction ---------------------------------------------------------------------------

    @classmethod
    def empty(cls, key: bytes | None = None) -> Roster:
        """No protected sources (give the key to add entries and save later)."""
        return cls([], key)

    @classmethod
    def from_document(cls, doc: Any, key: bytes, label: str = "<document>") -> Roster:
        key = _check_key(key)
        entries = _validate_document(doc, label)
        if not hmac.compare_digest(doc["key_check"], key_check(key)):
            raise RosterError("roster was hashed with a different key")
        return cls(entries, key)

    # -- identity -------------------------------------------------------------------------------

    @property
    def digest(self) -> str:
        """``sha256:<hex>`` of the roster file bytes (as loaded, or as ``save`` would write)."""
        if self._raw is None:
            if self._key is None:
                return "sha256:" + hashlib.sha256(b"").hexdigest()
            self._raw = serialize(self.to_document())
        return "sha256:" + hashlib.sha256(self._raw).hexdigest()

    @property
    def has_key(self) -> bool:
        return self._key is not None

    def __len__(self) -> int:
        return len(self.entries)

    # -- lookups --------------------------------------------------------------------------------

    def _reindex(self) -> None:
        index: dict[str, dict[str, list[str]]] = {kind: {} for kind in KINDS}
        for entry in self.entries:
            for kind in KINDS:
                for value in entry[kind]:
                    index[kind].setdefault(value, []).append(entry["id"])
        self._index: dict[str, dict[str, tuple[str, ...]]] = {
            kind: {d: tuple(ids) for d, ids in table.items()} for kind, table in index.items()
        }

    def key_digest(self, key_str: str) -> str:
        """HMAC-SHA256 of one normalized key under the roster key (hex)."""
        if self._key is None:
            raise RosterError("roster has no key")
        return _hmac(self._key, key_str)

    def ids_for_digests(self, kind: str, digests: Iterable[str]) -> tuple[str, ...]:
        """Every entry id whose ``kind`` list holds one of ``digests`` (sorted, deduplicated)."""
        table = self._index[kind]
        found: set[str] = set()
        for d in digests:
            found.update(table.get(d, ()))
        return tuple(sorted(found))

    def _match(self, kind: str, keys: Iterable[str]) -> str | None:
        if not self.entries or self._key is None:
            return None
        ids = self.ids_for_digests(kind, (self.key_digest(k) for k in keys))
        return ids[0] if ids else None

    def match_full(self, keys: Iterable[str]) -> str | None:
        """Entry id for any of the whole-name ``keys`` (from ``name_keys``), else None."""
        return self._match("full", keys)

    def match_surname(self, keys: Iterable[str]) -> str | None:
        """Entry id for any of the word ``keys`` (from ``token_keys``) as a surname."""
        return self._match("surnames", keys)

    def match_given(self, keys: Iterable[str]) -> str | None:
        """Entry id for any of the word ``keys`` (from ``token_keys``) as a given name."""
        return self._match("given", keys)

    def match_handle(self, handle: str) -> str | None:
        """Entry id for a handle, with or without "@", any case."""
        return self._match("handles", [handle.strip().lstrip("@").lower()])

    # -- management -----------------------------------------------------------------------------

    def add_entries(self, plain: list[dict], key: bytes | None = None) -> list[str]:
        """Hash and add plain entries (merged into existing ids); returns their ids."""
        if key is not None:
            key = _check_key(key)
            if self._key is not None and not hmac.compare_digest(key, self._key):
                raise RosterError("roster was hashed with a different key")
            self._key = key
        if self._key is None:
            raise RosterError("roster has no key; entries cannot be added")
        new = _build_entries(plain, self._key)
        self.entries = _merge_entries([*self.entries, *new])
        self._raw = None
        self._reindex()
        return [e["id"] for e in new]

    def remove_entry(self, entry_id: str) -> None:
        """Remove one entry by id; RosterError if there is none."""
        kept = [e for e in self.entries if e["id"] != entry_id]
        if len(kept) == len(self.entries):
            raise RosterError("no roster entry with that id")
        self.entries = kept
        self._raw = None
        self._reindex()

    def to_document(self) -> dict:
        if self._key is None:
            raise RosterError("roster has no key; it cannot be written")
        return {
            "format": ROSTER_FORMAT,
            "version": ROSTER_VERSION,
            "key_check": key_check(self._key),
            "entries": [dict(e) for e in self.entries],
        }

    def save(self, path: str | os.PathLike[str]) -> None:
        """Write atomically (temp file in the same directory, fsync, ``os.replace``), mode 0600."""
        data = serialize(self.to_document())
        write_atomic(Path(path), data)
        self._raw = data


def write_atomic(path: Path, data: bytes) -> None:
    directory = path.parent if str(path.parent) else Path(".")
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=directory)
    except OSError as exc:
        raise RosterError(f"cannot write roster file {path.name}: {exc.strerror}") from None
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o600)
        os.replace(tmp, path)
    except OSError as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise RosterError(f"cannot write roster file {path.name}: {exc.strerror}") from None


def _read_json(path: Path, what: str) -> tuple[Any, bytes]:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise RosterError(f"cannot read {what} {path.name}: {exc.strerror}") from None
    try:
        return json.loads(raw.decode("utf-8-sig")), raw
    except UnicodeDecodeError:
        raise RosterError(f"{what} {path.name} is not UTF-8 text") from None
    except json.JSONDecodeError as exc:
        raise RosterError(
            f"{what} {path.name} is not valid JSON (line {exc.lineno}, column {exc.colno})"
        ) from None


def load_roster(path: str | os.PathLike[str], key: bytes) -> Roster:
    """Load and verify a roster file; RosterError on any problem (wrong key included)."""
    key = _check_key(key)
    path = Path(path)
    doc, raw = _read_json(path, "roster file")
    roster = Roster.from_document(doc, key, label=path.name)
    roster._raw = raw
    return roster


def import_plain_file(src: Path, dst: Path, key: bytes) -> int:
    """Hash a plain JSON roster (``[{"name", "aliases"}]``) from ``src`` into ``dst``.

    ``dst`` is replaced atomically; ``src`` is never modified (delete it securely yourself).
    Returns the number of roster entries written.
    """
    key = _check_key(key)
    src, dst = Path(src), Path(dst)
    if src.resolve() == dst.resolve():
        raise RosterError("the hashed roster must not overwrite the plain input file")
    plain, _ = _read_json(src, "roster input file")
    document = build_roster(plain, key)
    write_atomic(dst, serialize(document))
    return len(document["entries"])
