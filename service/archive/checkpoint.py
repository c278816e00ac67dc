"""The checkpoint: which documents are finished, so an interrupted scan continues where it stopped.

A JSON-lines file. The first line describes the scan (source label, roster digest, tier, policy,
output); a resumed scan must be the same scan, or its results would mix two rosters. Every
following line is one finished batch: its documents' id fingerprints, bad documents (ids as
shown, roster names replaced), counters, identity counts
and the length of the output file once the batch's rows were durable. Lines are fsynced as they
are written; a torn last line (a crash mid-write) is ignored and cut off on resume. The checkpoint
holds fingerprints and shown ids only, like the output.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from service.core.errors import InputError

FORMAT = "sourceguard-archive-checkpoint"
VERSION = 2
"""2: document ids are stored as keyed fingerprints (1 stored them as given)."""
COMPLETE = "complete"


class Checkpoint:
    """A new checkpoint file appears with the first finished batch: a scan that fails to start
    leaves nothing behind that a second try would have to ``--resume``."""

    def __init__(self, path: Path, header: dict[str, Any], records: list[dict[str, Any]]):
        self.path = path
        self.header = header
        self.records = records
        self.done: set[str] = {doc_id for r in records for doc_id in r.get("ids", [])}
        self.complete = any(r.get(COMPLETE) for r in records)
        self.handle: Any = path.open("ab") if path.exists() else None

    @property
    def output_length(self) -> int | None:
        """Length of the output file when the last batch was recorded (None: nothing yet)."""
        lengths = [r["output"] for r in self.records if "output" in r]
        return lengths[-1] if lengths else None

    @classmethod
    def open(cls, path: Path, scan: dict[str, Any], resume: bool) -> Checkpoint:
        """Start a checkpoint, or continue one with ``resume``; InputError when they disagree."""
        header = {**scan, "format": FORMAT, "version": VERSION}
        if path.exists() and not resume:
            raise InputError(
                f"{path.name} exists: add --resume to continue that scan, or remove it (and the "
                "output) to start again"
            )
        if not path.exists():
            return cls(path, header, [])
        stored, records = _read(path)
        if stored != header:
            differing = sorted(k for k in header if stored.get(k) != header.get(k))
            raise InputError(
                f"{path.name} belongs to another scan (different {', '.join(differing)}); "
                "remove it to start again"
            )
        return cls(path, header, records)

    def record(self, batch: dict[str, Any]) -> None:
        if self.handle is None:
            _write_line(self.path, self.header, mode="xb")
            self.handle = self.path.open("ab")
        self.records.append(batch)
        self.done.update(batch.get("ids", []))
        _append(self.handle, batch)

    def mark_complete(self) -> None:
        if not self.complete:
            self.complete = True
            self.record({COMPLETE: True})

    def close(self) -> None:
        if self.handle is not None:
            self.handle.close()


def _read(path: Path) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read {path.name} ({exc.strerror})") from None
    lines = raw.split(b"\n")
    good = len(raw) if raw.endswith(b"\n") else len(raw) - len(lines[-1])
    items = list(_parse(path, lines[:-1]))  # the part after the last newline is torn
    if not items or not isinstance(items[0], dict) or items[0].get("format") != FORMAT:
        raise InputError(f"{path.name} is not a sourceguard archive checkpoint")
    if good < len(raw):
        with path.open("r+b") as handle:
            handle.truncate(good)
    return items[0], items[1:]


def _parse(path: Path, lines: list[bytes]) -> Iterator[dict[str, Any]]:
    for number, line in enumerate(lines, start=1):
        try:
            item = json.loads(line)
        except (UnicodeDecodeError, json.JSONDecodeError):
            raise InputError(
                f"{path.name} line {number} is damaged; remove it to start again"
            ) from None
        if not isinstance(item, dict):
            raise InputError(f"{path.name} line {number} is damaged; remove it to start again")
        yield item


def _line(item: dict[str, Any]) -> bytes:
    return (
        json.dumps(item, ensure_ascii=True, separators=(",", ":"), sort_keys=True).encode() + b"\n"
    )


def _append(handle: Any, item: dict[str, Any]) -> None:
    handle.write(_line(item))
    handle.flush()
    os.fsync(handle.fileno())


def _write_line(path: Path, item: dict[str, Any], mode: str) -> None:
    try:
        with path.open(mode) as handle:
            _append(handle, item)
    except OSError as exc:
        raise InputError(f"cannot write {path.name} ({exc.strerror})") from None
