"""``sourceguard archive scan``: arguments, the roster, the source, the exit code.

Exit codes: 0 nothing found, 1 some document names a roster entry (or, with ``--full``, exposes
someone under the policy), 2 bad input: a usage or configuration error, or some document that
could not be read (listed by id with the reason; the rest of the archive is still scanned).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from service.archive.output import FORMATS, INSTALL_HINT, require_pyarrow
from service.archive.sources import KINDS, FolderSource, JsonlSource, PostgresSource, Source
from service.core.config import derive_key, max_chars
from service.core.errors import ConfigurationError, InputError


def add_parsers(sub: Any) -> None:
    p = sub.add_parser("archive", help="scan an archive for roster names (on Ray)")
    archive_sub = p.add_subparsers(dest="archive_command", required=True, parser_class=type(p))
    s = archive_sub.add_parser(
        "scan",
        help="find every archived document that names a protected source",
        description="Roster pass over every document (no model), then optionally the full "
        "engine. Exit 0 nothing found, 1 found, 2 bad input or unreadable documents.",
    )
    s.add_argument("source", nargs="?", help="a folder of .txt/.md/.html files or a .jsonl file")
    s.add_argument("--dsn", help="PostgreSQL connection string (instead of SOURCE)")
    s.add_argument("--query", help="with --dsn: SQL returning (id, text) rows")
    s.add_argument("-o", "--output", required=True, help="findings file to write")
    s.add_argument("--format", choices=FORMATS, default="jsonl", help="output format")
    s.add_argument("--roster", help="hashed roster file (key in SOURCEGUARD_ROSTER_KEY)")
    s.add_argument(
        "--roster-from-store",
        action="store_true",
        help="the roster the service keeps (SOURCEGUARD_DATABASE_URL and its keys)",
    )
    s.add_argument(
        "--full",
        nargs="?",
        const="flagged",
        default="none",
        choices=("flagged", "all"),
        help="also screen with the whole engine: the flagged documents (default) or all",
    )
    s.add_argument("--policy", default="publish", help="policy of --full (default: publish)")
    s.add_argument("--model", help="spaCy model of --full (default: $SOURCEGUARD_SPACY_MODEL)")
    s.add_argument(
        "--text-format", choices=KINDS, default="text", help="markup of JSONL/PostgreSQL texts"
    )
    s.add_argument("--exclude", action="append", help="glob of folder paths to skip (repeatable)")
    s.add_argument("--workers", type=int, default=0, help="worker processes (default: one a CPU)")
    s.add_argument("--address", help="Ray cluster address (default: start Ray on this machine)")
    s.add_argument("--checkpoint", help="checkpoint file (default: OUTPUT.checkpoint)")
    s.add_argument("--resume", action="store_true", help="continue the scan in the checkpoint")
    s.add_argument("--summary", help="also write the summary as JSON to this file")
    s.add_argument("--quiet", action="store_true", help="no progress output")
    s.set_defaults(func=cmd_archive_scan)


def require_ray() -> None:
    try:
        import ray  # noqa: F401
    except ImportError:
        raise ConfigurationError(
            f"the archive scan runs on Ray, which is missing: {INSTALL_HINT}"
        ) from None


def _source(args: argparse.Namespace) -> Source:
    if args.dsn or args.query:
        if args.source:
            raise InputError("give either SOURCE or --dsn/--query, not both")
        if not (args.dsn and args.query):
            raise InputError("a PostgreSQL source needs both --dsn and --query")
        return PostgresSource(args.dsn, args.query, args.text_format)
    if not args.source:
        raise InputError("give a folder, a .jsonl file, or --dsn and --query")
    path = Path(args.source)
    if path.is_dir():
        return FolderSource(path, args.exclude)
    if path.is_file():
        return JsonlSource(path, args.text_format)
    raise InputError(f"{args.source}: no such file or directory")


def _roster(args: argparse.Namespace):  # type: ignore[no-untyped-def]
    """(roster, its key). The scan has nothing to look for without one."""
    from service.pipeline.roster import Roster, RosterError, load_roster, roster_key_from_env

    if bool(args.roster) == bool(args.roster_from_store):
        raise InputError("give exactly one of --roster FILE and --roster-from-store")
    if args.roster:
        key = roster_key_from_env()
        return load_roster(args.roster, key), key
    from service.audit.store import open_store
    from service.core.config import Config

    config = Config.from_env()
    store = open_store(config.database_url)
    try:
        _, document = store.load_roster()
    finally:
        store.close()
    if document is None:
        raise RosterError("the service has no stored roster")
    key = config.key("roster")
    return Roster.from_document(document, key, label="stored roster"), key


def cmd_archive_scan(args: argparse.Namespace) -> int:
    from service.archive.scan import ScanOptions, run_scan
    from service.archive.worker import WorkerConfig  # imports the recognizers: only when run

    require_ray()
    if args.format == "parquet":
        require_pyarrow()
    if args.workers < 0:
        raise InputError("--workers must be 0 (one a CPU) or more")
    source = _source(args)
    roster, key = _roster(args)
    if len(roster) == 0:
        raise InputError("the roster has no entries: there is nothing to look for")
    secrets = None
    if args.full != "none":
        from policies.loader import load_policy
        from service.pipeline.anonymize import Secrets

        load_policy(args.policy, allow_paths=False)  # an unknown policy fails before Ray starts
        secrets = Secrets.from_env()
    output = Path(args.output)
    config = WorkerConfig(
        roster_document=roster.to_document(),
        roster_key=key,
        fingerprint_key=derive_key(key, "archive"),
        max_chars=max_chars(),
        full=args.full,
        policy=args.policy,
        model=args.model,
        secrets=secrets,
    )
    header = {
        "source": source.label,
        "roster": roster.digest,
        "full": args.full,
        "policy": args.policy if args.full != "none" else None,
        "output": str(output.resolve()),
        "output_format": args.format,
    }
    options = ScanOptions(
        output=output,
        fmt=args.format,
        checkpoint=Path(args.checkpoint or f"{args.output}.checkpoint"),
        resume=args.resume,
        workers=args.workers,
        address=args.address,
        quiet=args.quiet,
        scan_header=header,
    )
    summary = run_scan(options, source, config)
    sys.stdout.write(summary.render())
    if args.summary:
        Path(args.summary).write_text(json.dumps(summary.to_dict(), indent=2) + "\n")
    return 130 if summary.interrupted else summary.exit_code
