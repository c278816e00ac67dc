"""Findings of the scan as JSONL or Parquet: document id, identity fingerprint, type, offsets,
recognizer, reasons and the policy's action — never a name.

Rows are appended as JSON lines and made durable (flush + fsync) before a batch is recorded in
the checkpoint, whose record keeps the file's length at that moment. A resumed scan cuts the
file back to the last recorded length, so a batch written but not recorded before a crash is
written again exactly once. Parquet is made from those lines when the scan completes (row groups
of ``PARQUET_ROWS``, streamed, never the whole file in memory).
"""

from __future__ import annotations

import contextlib
import json
import os
from pathlib import Path
from typing import Any

from service.core.errors import ConfigurationError, InputError

FORMATS = ("jsonl", "parquet")
PARQUET_ROWS = 50_000
COLUMNS = (
    "document",
    "document_key",
    "tier",
    "identity",
    "entity_type",
    "start",
    "end",
    "score",
    "recognizer",
    "reasons",
    "action",
)
INSTALL_HINT = (
    "install the optional extra 'archive': pip install 'sourceguard[archive]' "
    "(from a checkout: pip install -e '.[archive]')"
)


def rows_path(output: Path, fmt: str) -> Path:
    """Where the JSON lines go: the output itself, or a spool beside the Parquet file."""
    return output if fmt == "jsonl" else output.with_name(output.name + ".rows.jsonl")


class RowWriter:
    """Appends rows; ``commit`` makes them durable and returns the file length to record."""

    def __init__(self, path: Path, resume_at: int | None) -> None:
        self.path = path
        try:
            if resume_at and (not path.exists() or path.stat().st_size < resume_at):
                raise InputError(
                    f"{path.name} is shorter than the checkpoint records: it was changed since; "
                    "remove the checkpoint to scan again from the start"
                )
            self.handle = path.open("r+b" if resume_at is not None and path.exists() else "wb")
            if resume_at is not None:
                self.handle.truncate(resume_at)
                self.handle.seek(resume_at)
        except OSError as exc:
            raise InputError(f"cannot write {path.name} ({exc.strerror})") from None

    def write(self, rows: list[dict[str, Any]]) -> None:
        if rows:
            self.handle.write(
                b"".join(
                    json.dumps(row, ensure_ascii=True, separators=(",", ":")).encode() + b"\n"
                    for row in rows
                )
            )

    def commit(self) -> int:
        self.handle.flush()
        os.fsync(self.handle.fileno())
        return self.handle.tell()

    def close(self) -> None:
        with contextlib.suppress(OSError):
            self.handle.close()


def parquet_schema():  # type: ignore[no-untyped-def]
    import pyarrow as pa

    return pa.schema(
        [
            ("document", pa.string()),
            ("document_key", pa.string()),
            ("tier", pa.string()),
            ("identity", pa.string()),
            ("entity_type", pa.string()),
            ("start", pa.int64()),
            ("end", pa.int64()),
            ("score", pa.float64()),
            ("recognizer", pa.string()),
            ("reasons", pa.list_(pa.string())),
            ("action", pa.string()),
        ]
    )


def require_pyarrow() -> None:
    try:
        import pyarrow
        import pyarrow.parquet  # noqa: F401
    except ImportError:
        raise ConfigurationError(f"--format parquet needs pyarrow: {INSTALL_HINT}") from None


def write_parquet(spool: Path, output: Path) -> int:
    """Convert the JSON lines to one Parquet file (atomically); the number of rows."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    schema = parquet_schema()
    tmp = output.with_name(f".{output.name}.tmp")
    count = 0
    with pq.ParquetWriter(tmp, schema) as writer, spool.open("rb") as lines:
        chunk: list[dict[str, Any]] = []
        for line in lines:
            chunk.append(json.loads(line))
            if len(chunk) >= PARQUET_ROWS:
                writer.write_table(pa.Table.from_pylist(chunk, schema=schema))
                count += len(chunk)
                chunk = []
        if chunk or count == 0:
            writer.write_table(pa.Table.from_pylist(chunk, schema=schema))
            count += len(chunk)
    os.replace(tmp, output)
    return count
