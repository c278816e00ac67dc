"""Verification of the keyed audit chain, record by record, optionally against a signed
checkpoint kept outside the database.
"""

from __future__ import annotations

from typing import Any

from service.audit.records import (
    GENESIS_HASH,
    LEGACY_GENESIS_HASH,
    DuplicateKeyError,
    canonical_json,
    chain_hash,
    legacy_chain_hash,
    strict_json,
)


class _ChainCheck:
    """Walks stored rows in id order and remembers the first place the chain breaks.

    ``key`` None checks a v1 (plain SHA-256) chain, only before it is re-keyed.
    ``checkpoint`` (already signature-checked) must match the record with its id.
    """

    def __init__(self, key: bytes | None, checkpoint: dict[str, Any] | None = None) -> None:
        self.key = key
        self.records = 0
        self.expected_id = 1
        genesis = GENESIS_HASH if key is not None else LEGACY_GENESIS_HASH
        self.last: tuple[int, str] = (0, genesis)
        self.first_broken: int | None = None
        self.problem: str | None = None
        self.checkpoint = checkpoint
        self.checkpoint_seen = checkpoint is not None and checkpoint["id"] == 0
        if self.checkpoint_seen and checkpoint is not None and checkpoint["hash"] != genesis:
            self.fail(1, "the checkpoint does not match the start of the chain")

    def fail(self, record_id: int, problem: str) -> None:
        if self.problem is None:
            self.first_broken, self.problem = record_id, problem

    def _hash(self, prev_hash: str, stored: dict[str, Any]) -> str | None:
        try:
            if self.key is None:
                return legacy_chain_hash(prev_hash, stored)
            return chain_hash(prev_hash, stored, self.key)
        except ValueError:  # NaN or Infinity: never written by append_audit
            return None

    def feed(self, record_id: int, time: str, prev_hash: str, digest: str, body: str) -> None:
        self.records += 1
        if record_id != self.expected_id:
            self.fail(self.expected_id, f"record {self.expected_id} is missing (id gap)")
        try:
            stored = strict_json(body)
        except DuplicateKeyError:
            stored = None
            self.fail(record_id, "record body has a duplicate JSON key")
        except ValueError:
            stored = None
        if not isinstance(stored, dict):
            self.fail(record_id, "record body is not a JSON object")
        elif canonical_json(stored).decode("ascii") != body:
            self.fail(record_id, "record body is not in the canonical form it was written in")
        elif type(stored.get("id")) is not int or (
            stored.get("id"),
            stored.get("time"),
            stored.get("prev_hash"),
        ) != (record_id, time, prev_hash):
            self.fail(record_id, "record body disagrees with its id, time or prev_hash columns")
        elif self._hash(prev_hash, stored) != digest:
            self.fail(record_id, "record hash does not match its content (edited record)")
        elif prev_hash != self.last[1]:
            self.fail(
                record_id,
                "record does not follow the previous record "
                "(records deleted, inserted or reordered)",
            )
        if self.checkpoint is not None and record_id == self.checkpoint["id"]:
            self.checkpoint_seen = True
            if digest != self.checkpoint["hash"]:
                self.fail(record_id, "the record at the checkpoint differs from the checkpoint")
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
        report: dict[str, Any] = {
            "ok": self.problem is None,
            "records": self.records,
            "head": {"id": head[0], "hash": head[1]},
            "first_broken": self.first_broken,
            "problem": self.problem,
        }
        if self.checkpoint is not None:
            if not self.checkpoint_seen:
                self.fail(
                    last_id + 1, "the chain ends before the checkpoint (records were removed)"
                )
                report.update(ok=False, first_broken=self.first_broken, problem=self.problem)
            report["checkpoint"] = {"id": self.checkpoint["id"], "hash": self.checkpoint["hash"]}
        return report
