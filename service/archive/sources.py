"""Where archived documents come from: a folder tree, a JSONL file or a PostgreSQL query.

Every source is a generator: one document at a time is read, so an archive of any size never sits
in memory. The driver reads (a Ray cluster's workers need not see the driver's disk) and hands
raw bytes on; a document that cannot be read still comes out, with ``problem`` set, so it is
counted and listed instead of stopping the scan. ``label`` names the source for the checkpoint
without holding a password (a DSN is reduced to a digest).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from service.check.settings import DEFAULT_EXCLUDES
from service.core.errors import InputError

KINDS = ("text", "markdown", "html")
POSTGRES_BATCH = 500
"""Rows fetched per round trip from the server-side cursor."""
_CURSOR_NAME = "sourceguard_archive_scan"


@dataclass(frozen=True)
class RawDocument:
    """One document as read: bytes or text, its markup kind, or why it could not be read."""

    id: str
    data: bytes | str | None
    kind: str = "text"
    problem: str | None = None


class FolderSource:
    """Every ``.txt``, ``.md`` and ``.html`` file under ``root``; ids are relative paths."""

    def __init__(self, root: Path, exclude: list[str] | None = None) -> None:
        if not root.is_dir():
            raise InputError(f"{root}: no such directory")
        self.root = root
        self.patterns = [*DEFAULT_EXCLUDES, *(exclude or [])]
        self.label = f"folder:{root.resolve()}"

    def _files(self) -> Iterator[tuple[Path, str, str]]:
        # Imported here: ``sourceguard --help`` imports this module for KINDS, and the markup
        # readers behind these are not needed to build the parser.
        from service.check.files import display_path, excluded
        from service.drafts.markup import kind_for

        for current, dirs, files in os.walk(self.root):
            here = Path(current)
            dirs[:] = sorted(
                d for d in dirs if not excluded(display_path(here / d, self.root), self.patterns)
            )
            for name in sorted(files):
                kind = kind_for(name)
                path = here / name
                doc_id = display_path(path, self.root)
                if kind is not None and not excluded(doc_id, self.patterns):
                    yield path, doc_id, kind

    def count(self) -> int | None:
        return sum(1 for _ in self._files())

    def __iter__(self) -> Iterator[RawDocument]:
        for path, doc_id, kind in self._files():
            try:
                data = path.read_bytes()
            except OSError as exc:
                yield RawDocument(doc_id, None, kind, f"cannot be read ({exc.strerror})")
                continue
            yield RawDocument(doc_id, data, kind)


class JsonlSource:
    """One JSON object per line: ``{"id": ..., "text": ..., "format": "text|markdown|html"}``.

    A line that is not JSON, not UTF-8 or lacks a usable id is reported as ``line:N``.
    """

    def __init__(self, path: Path, kind: str = "text") -> None:
        if not path.is_file():
            raise InputError(f"{path}: no such file")
        self.path = path
        self.kind = kind
        self.label = f"jsonl:{path.resolve()}"

    def count(self) -> int | None:
        lines = 0
        with self.path.open("rb") as handle:
            for chunk in iter(lambda: handle.read(1 << 20), b""):
                lines += chunk.count(b"\n")
        return lines

    def __iter__(self) -> Iterator[RawDocument]:
        with self.path.open("rb") as handle:
            for number, line in enumerate(handle, start=1):
                if line.strip():
                    yield self._document(number, line)

    def _document(self, number: int, line: bytes) -> RawDocument:
        where = f"line:{number}"
        # surrogateescape: a line with a bad byte still parses, so the document keeps its id
        decoded = line.decode("utf-8", errors="surrogateescape").removeprefix("\ufeff")
        try:
            item = json.loads(decoded)
        except json.JSONDecodeError as exc:
            return RawDocument(where, None, self.kind, f"not valid JSON (column {exc.colno})")
        if not isinstance(item, dict):
            return RawDocument(where, None, self.kind, "not a JSON object")
        doc_id = item.get("id")
        if isinstance(doc_id, bool) or not isinstance(doc_id, str | int) or doc_id == "":
            return RawDocument(where, None, self.kind, "'id' must be a non-empty string or integer")
        if isinstance(doc_id, str) and _has_surrogates(doc_id):
            return RawDocument(where, None, self.kind, "'id' is not valid UTF-8")
        kind = item.get("format", self.kind)
        if kind not in KINDS:
            return RawDocument(
                str(doc_id), None, self.kind, "'format' must be text, markdown or html"
            )
        text = item.get("text")
        if not isinstance(text, str):
            return RawDocument(str(doc_id), None, kind, "'text' is missing or not a string")
        if _has_surrogates(text):
            return RawDocument(str(doc_id), None, kind, "'text' is not valid UTF-8")
        return RawDocument(str(doc_id), text, kind)


def _has_surrogates(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


_PASSWORD_RE = re.compile(r"(password\s*=\s*)\S+|(://[^:/@\s]+:)[^@\s]+@", re.IGNORECASE)


class PostgresSource:
    """Rows of ``query`` (first column the id, second the text) through a server-side cursor.

    The cursor fetches ``POSTGRES_BATCH`` rows per round trip, so a table of any size streams.
    Text may be ``text`` or ``bytea`` (decoded as UTF-8 like a file).
    """

    def __init__(self, dsn: str, query: str, kind: str = "text") -> None:
        self.dsn = dsn
        self.query = query.strip().rstrip(";")
        self.kind = kind
        if not self.query:
            raise InputError("--query is empty")
        digest = hashlib.sha256(f"{_PASSWORD_RE.sub('', dsn)}\n{self.query}".encode()).hexdigest()
        self.label = f"postgresql:{digest[:32]}"

    def _connect(self):  # type: ignore[no-untyped-def]
        import psycopg

        try:
            return psycopg.connect(self.dsn, autocommit=False)
        except psycopg.Error as exc:
            raise InputError(f"cannot connect to PostgreSQL ({type(exc).__name__})") from None

    def count(self) -> int | None:
        import psycopg

        with self._connect() as conn:
            try:
                row = conn.execute(f"SELECT count(*) FROM ({self.query}) AS archive").fetchone()
            except psycopg.Error:
                return None  # the scan itself reports a bad query
        return int(row[0]) if row else None

    def __iter__(self) -> Iterator[RawDocument]:
        import psycopg

        with self._connect() as conn, conn.cursor(name=_CURSOR_NAME) as cursor:
            cursor.itersize = POSTGRES_BATCH
            try:
                cursor.execute(self.query)
            except psycopg.Error as exc:
                raise InputError(f"the --query failed ({type(exc).__name__})") from None
            if not cursor.description or len(cursor.description) < 2:
                raise InputError("--query must return two columns: id, text")
            for row in cursor:
                yield self._document(row)

    def _document(self, row: tuple) -> RawDocument:
        doc_id, text = row[0], row[1]
        if doc_id is None:
            return RawDocument("row:null-id", None, self.kind, "the id column is NULL")
        doc_id = str(doc_id)
        if text is None:
            return RawDocument(doc_id, None, self.kind, "the text column is NULL")
        if isinstance(text, memoryview):
            text = text.tobytes()
        if not isinstance(text, str | bytes):
            return RawDocument(doc_id, None, self.kind, "the text column is not text or bytea")
        return RawDocument(doc_id, text, self.kind)


Source = FolderSource | JsonlSource | PostgresSource
