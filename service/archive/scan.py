"""The scan on Ray: a pool of ``ScanWorker`` actors fed batches from a streamed source.

Local by default (``ray.init()`` starts Ray on this machine with ``workers`` CPUs, nothing to
install or start); ``address`` joins a running cluster (``ray start --head`` there, sourceguard
and its extra installed on every node). Each actor loads the roster index, and with ``--full``
the engine, once. The driver reads the source, keeps at most ``IN_FLIGHT`` batches queued per
actor (memory stays bounded whatever the archive's size), writes each finished batch's rows,
then records the batch in the checkpoint.
"""

from __future__ import annotations

import logging
import os
import socket
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from service.archive.checkpoint import Checkpoint
from service.archive.labels import DocumentLabel, Labeler
from service.archive.output import RowWriter, rows_path, write_parquet
from service.archive.progress import Progress
from service.archive.roster_pass import RosterIndex
from service.archive.sources import RawDocument, Source
from service.archive.summary import Summary, batch_record
from service.archive.worker import WorkerConfig
from service.core.errors import ConfigurationError, InputError
from service.pipeline.roster import Roster

BATCH_DOCUMENTS = 200
BATCH_CHARS = 4_000_000
IN_FLIGHT = 2
"""Batches queued per actor: one running, one waiting, so no actor idles between batches."""
LOCAL_OBJECT_STORE_BYTES = 256 * 1024 * 1024
LOCAL_NODE_IP = "127.0.0.1"
CONNECT_TIMEOUT_S = 5.0
DUPLICATE_REASON = "duplicate id (an earlier document has the same id)"


@dataclass
class ScanOptions:
    output: Path
    fmt: str
    checkpoint: Path
    resume: bool
    workers: int
    address: str | None = None
    batch_documents: int = BATCH_DOCUMENTS
    quiet: bool = False
    scan_header: dict[str, Any] = field(default_factory=dict)


def _batches(
    source: Source, done: set[str], labels: Labeler, limit_docs: int, summary: Summary
) -> Iterator[list[RawDocument] | DocumentLabel]:
    """Batches of unfinished documents; a duplicate id comes out alone, as its label.

    ``done`` holds the checkpoint's id fingerprints; ``seen`` the ids of this run, in memory only.
    """
    seen: set[str] = set()
    batch: list[RawDocument] = []
    chars = 0
    for raw in source:
        if done and labels.key_of(raw.id) in done:
            summary.skipped += 1
            continue
        if raw.id in seen:
            yield labels.label(raw.id)
            continue
        seen.add(raw.id)
        batch.append(raw)
        chars += len(raw.data) if raw.data is not None else 0
        if len(batch) >= limit_docs or chars >= BATCH_CHARS:
            yield batch
            batch, chars = [], 0
    if batch:
        yield batch


def start_ray(workers: int, address: str | None) -> bool:
    """Connect to (or start) Ray; True when this call started it (and must shut it down).

    ``workers`` 0 means one per CPU (this machine's, or the cluster's).
    """
    import ray

    if address:
        _check_reachable(address)
    if ray.is_initialized():
        return False
    options: dict[str, Any] = {
        "include_dashboard": False,
        "logging_level": logging.ERROR,
        "log_to_driver": False,
    }
    try:
        if address:
            ray.init(address=address, **options)
        else:
            # Loopback only: Ray has no authentication, a local scan must not listen on the LAN.
            ray.init(
                num_cpus=workers or os.cpu_count(),
                object_store_memory=LOCAL_OBJECT_STORE_BYTES,
                _node_ip_address=LOCAL_NODE_IP,
                **options,
            )
    except (ConnectionError, RuntimeError, ValueError) as exc:
        where = "the Ray cluster at --address" if address else "Ray on this machine"
        raise ConfigurationError(f"cannot start or reach {where} ({type(exc).__name__})") from None
    return True


def _check_reachable(address: str) -> None:
    """Fail in seconds on a wrong ``host:port`` (Ray itself retries for minutes)."""
    host, _, port = address.rpartition(":")
    if "://" in address or not host or not port.isdigit():
        return  # ray://, "auto" and the like: Ray's own checks apply
    try:
        socket.create_connection((host.strip("[]"), int(port)), CONNECT_TIMEOUT_S).close()
    except OSError:
        raise ConfigurationError("cannot reach the Ray cluster at --address") from None


def run_scan(
    options: ScanOptions,
    source: Source,
    config: WorkerConfig,
    on_batch: Callable[[dict[str, Any]], None] | None = None,
) -> Summary:
    """Scan ``source``; ``on_batch`` sees each recorded batch (tests interrupt through it)."""
    import ray

    from service.archive.worker import ScanWorker

    checkpoint = Checkpoint.open(options.checkpoint, options.scan_header, options.resume)
    summary = Summary()
    for record in checkpoint.records:
        summary.add(record)
    started = time.monotonic()
    spool = rows_path(options.output, options.fmt)
    if checkpoint.complete:
        summary.skipped = summary.documents
        checkpoint.close()
        return summary
    writer = RowWriter(spool, checkpoint.output_length if checkpoint.records else None)
    total = source.count() if not options.quiet else None
    progress = Progress(None, 0, quiet=True)  # replaced once the workers are ready
    owns_ray = False
    actors: list[Any] = []
    try:
        owns_ray = start_ray(options.workers, options.address)
        actor_class = ray.remote(num_cpus=1)(ScanWorker)
        count = options.workers or max(1, int(ray.available_resources().get("CPU", 1)))
        actors = [actor_class.remote(config) for _ in range(count)]
        try:
            ray.get([a.ready.remote() for a in actors])
        except ray.exceptions.RayError as exc:
            raise ConfigurationError(f"the scan workers could not start ({_cause(exc)})") from None
        summary.startup_seconds = time.monotonic() - started
        progress = Progress(total, len(checkpoint.done), quiet=options.quiet)
        pending: dict[Any, Any] = {}  # object ref -> actor
        load = {id(a): 0 for a in actors}

        def finish(ref: Any) -> None:
            actor = pending.pop(ref)
            load[id(actor)] -= 1
            try:
                result = ray.get(ref)
            except ray.exceptions.RayError as exc:
                raise ConfigurationError(f"a scan worker failed ({_cause(exc)})") from None
            _record(result, writer, checkpoint, summary, progress, on_batch)

        labels = _driver_labels(config)
        for batch in _batches(source, checkpoint.done, labels, options.batch_documents, summary):
            if isinstance(batch, DocumentLabel):
                empty = {"ids": [batch.key], "rows": [], "bad": [[batch.shown, DUPLICATE_REASON]],
                         "words": 0, "flagged": 0, "screened": 0}  # fmt: skip
                _record(empty, writer, checkpoint, summary, progress, on_batch)
                continue
            while all(load[id(a)] >= IN_FLIGHT for a in actors):
                ready, _ = ray.wait(list(pending), num_returns=1)
                finish(ready[0])
            actor = min(actors, key=lambda a: load[id(a)])
            pending[actor.scan.remote(batch)] = actor
            load[id(actor)] += 1
        while pending:
            ready, _ = ray.wait(list(pending), num_returns=1)
            finish(ready[0])
        writer.close()
        if options.fmt == "parquet":
            write_parquet(spool, options.output)
            spool.unlink()
        checkpoint.mark_complete()
    except KeyboardInterrupt:
        summary.interrupted = True
    finally:
        writer.close()
        progress.close()
        checkpoint.close()
        for actor in actors:
            ray.kill(actor)
        if owns_ray:
            ray.shutdown()
    summary.seconds = time.monotonic() - started - summary.startup_seconds
    return summary


def _driver_labels(config: WorkerConfig) -> Labeler:
    """The driver's own labeler (duplicates and resumed ids), from the roster the workers get."""
    roster = Roster.from_document(config.roster_document, config.roster_key, "roster")
    return Labeler(RosterIndex(roster), config.fingerprint_key)


def _record(
    result: dict[str, Any],
    writer: RowWriter,
    checkpoint: Checkpoint,
    summary: Summary,
    progress: Progress,
    on_batch: Callable[[dict[str, Any]], None] | None,
) -> None:
    """Rows durable first, then the checkpoint record: a crash between them repeats the batch."""
    writer.write(result["rows"])
    record = batch_record(result, writer.commit())
    checkpoint.record(record)
    summary.add(record)
    progress.update(len(record["ids"]), record["flagged"], len(record["bad"]))
    if on_batch is not None:
        on_batch(record)


def _cause(exc: Exception) -> str:
    """The worker's own error type and message (ours never hold text), not Ray's traceback."""
    cause = getattr(exc, "cause", None)
    if isinstance(cause, RuntimeError | InputError | ConfigurationError):
        return str(cause)
    return type(cause or exc).__name__
