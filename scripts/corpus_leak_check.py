#!/usr/bin/env python3
"""Corpus leak check: do at-risk names reach anything a real service writes down?

Runs a real ``sourceguard serve`` (gunicorn, 2 workers) on a free loopback port with a
throwaway data directory and master secret, loads the corpus roster through ``POST /v1/roster``,
sanitizes every corpus draft through ``POST /v1/sanitize``, exports the audit log with
``sourceguard audit export``, then searches for every at-risk gold mention, every roster name and
alias, and every word of four letters or more of those names in: the SQLite store files (WAL
included, read while the server runs and again after it stopped), the exported JSONL, the
server's and the CLI's log output (at DEBUG level), and the Prometheus metrics (``/metrics`` and
the workers' files). With ``--postgres`` the store is a fresh schema on the local PostgreSQL
(created, dumped table by table, dropped). The environment's SOURCEGUARD_* settings are ignored,
so the check never writes into a configured store.

Matching is case-insensitive at word boundaries (as ``sourceguard evaluate`` matches mentions),
also in the ``\\uXXXX`` form JSON writes. A name *word* that also occurs in the sanitized output
(a place or a public figure sharing it) is reported apart and not counted as a leak.

The report never prints a name: only counts, places and document ids. The sanitized texts stay
in memory and the temporary directory is removed.

The server start-up code (``Server``, ``free_port``, ...) resembles tests/server_process.py on
purpose: this script must run without the tests folder, so it deliberately does not import tests/.

Exit codes: 0 nothing leaked, 1 a leak (or the check could not complete), 2 corpus missing.

    python scripts/corpus_leak_check.py [CORPUS_DIR] [--postgres]
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import unicodedata
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CORPUS = REPO_ROOT.parent / "shared" / "corpus"
PG_BASE_URL = "postgresql://postgres@127.0.0.1:5432/test"
STARTUP_SECONDS = 300
REQUEST_SECONDS = 300
MIN_WORD_LETTERS = 4
DB_FILE = "sourceguard.sqlite3"

EXIT_OK = 0
EXIT_LEAK = 1
EXIT_NO_CORPUS = 2

if str(REPO_ROOT) not in sys.path:  # `python scripts/corpus_leak_check.py` from anywhere
    sys.path.insert(0, str(REPO_ROOT))


class CheckFailed(Exception):
    """The check could not complete; its message holds no name."""


# -- corpus and search terms ---------------------------------------------------------------------


@dataclass
class Term:
    """One string to look for, and where it comes from (document ids, "roster")."""

    text: str
    kind: str  # "name" (mention, roster name or alias) | "word" (part of a name)
    origins: set[str] = field(default_factory=set)
    pattern: re.Pattern[str] | None = None


def load_corpus(corpus: Path) -> tuple[list[Any], list[dict[str, Any]]]:
    """(gold documents, plain roster entries); raises OSError, ValueError or GoldCorpusError."""
    from evaluation.gold import load_gold_dir

    docs = load_gold_dir(corpus)
    roster = json.loads((corpus / "roster.json").read_text(encoding="utf-8"))
    if not isinstance(roster, list) or not all(
        isinstance(e, dict) and isinstance(e.get("name"), str) for e in roster
    ):
        raise ValueError("roster.json is not a list of {name, aliases}")
    return docs, roster


def _variants(text: str) -> set[str]:
    """The forms a string can take in a file: NFC, NFD, and JSON's ASCII escapes of each."""
    forms = {text, unicodedata.normalize("NFC", text), unicodedata.normalize("NFD", text)}
    forms |= {json.dumps(f, ensure_ascii=True)[1:-1] for f in forms}
    return forms


def _pattern(text: str) -> re.Pattern[str]:
    alternatives = "|".join(re.escape(v) for v in sorted(_variants(text), key=len, reverse=True))
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE)


def build_terms(docs: Iterable[Any], roster: Iterable[dict[str, Any]]) -> list[Term]:
    """Names (at-risk mentions and identities, roster names and aliases) and their long words."""
    names: dict[str, Term] = {}

    def add_name(text: str, origin: str) -> None:
        text = text.strip()
        if text:
            names.setdefault(text.casefold(), Term(text, "name")).origins.add(origin)

    for doc in docs:
        for person in doc.persons_of("at_risk"):
            add_name(person.identity, doc.id)
            for mention in person.mentions:
                add_name(mention, doc.id)
    for entry in roster:
        add_name(entry["name"], "roster")
        for alias in entry.get("aliases") or []:
            if isinstance(alias, str):
                add_name(alias, "roster")

    words: dict[str, Term] = {}
    for name in names.values():
        if "@" in name.text:  # a handle, not a name: its parts are ordinary words
            continue
        for word in re.findall(r"[^\W\d_]+", name.text):
            key = word.casefold()
            if len(word) >= MIN_WORD_LETTERS and key not in names:
                words.setdefault(key, Term(word, "word")).origins.update(name.origins)

    terms = [*names.values(), *words.values()]
    for term in terms:
        term.pattern = _pattern(term.text)
    return terms


# -- the server ----------------------------------------------------------------------------------


def sourceguard_command() -> list[str]:
    script = Path(sys.executable).with_name("sourceguard")
    return [str(script)] if script.exists() else [sys.executable, "-m", "service.cli"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def http_raw(
    method: str, url: str, body: Any = None, token: str | None = None
) -> tuple[int, bytes]:
    """(status, body) of one request; HTTP errors are answers, not exceptions."""
    data = None if body is None else json.dumps(body).encode("utf-8")
    request = urllib.request.Request(url, data=data, method=method)
    if data is not None:
        request.add_header("Content-Type", "application/json")
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(request, timeout=REQUEST_SECONDS) as response:
            status, raw = response.status, response.read()
    except urllib.error.HTTPError as exc:
        status, raw = exc.code, exc.read()
    return status, raw


def http(
    method: str, url: str, body: Any = None, token: str | None = None
) -> tuple[int, dict[str, Any]]:
    """(status, JSON object body or {}) of one request."""
    status, raw = http_raw(method, url, body, token)
    try:
        parsed = json.loads(raw) if raw else {}
    except ValueError:
        parsed = {}
    return status, parsed if isinstance(parsed, dict) else {}


class Server:
    """``sourceguard serve`` in its own process group, output captured to ``log_path``."""

    def __init__(self, work: Path, env: dict[str, str]) -> None:
        self.env = env
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = work / "server.log"
        self.cli_output: list[str] = []
        self._log: Any = None
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self._log = self.log_path.open("wb")
        self.proc = subprocess.Popen(
            [*sourceguard_command(), "serve", "--port", str(self.port), "--workers", "2"],
            env=self.env,
            cwd=REPO_ROOT,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def cli(self, *args: str) -> subprocess.CompletedProcess[str]:
        done = subprocess.run(
            [*sourceguard_command(), *args],
            env=self.env,
            cwd=REPO_ROOT,
            capture_output=True,
            text=True,
            timeout=REQUEST_SECONDS,
        )
        self.cli_output.append(done.stderr)
        return done

    def token(self, role: str) -> str:
        done = self.cli("token", "create", "--role", role, "--name", f"ci-bot-{role}")
        if done.returncode != 0:
            raise CheckFailed(f"token create --role {role} exited {done.returncode}")
        self.cli_output.append(done.stdout)
        return done.stdout.strip()

    def wait_ready(self) -> None:
        deadline = time.monotonic() + STARTUP_SECONDS
        while time.monotonic() < deadline:
            assert self.proc is not None
            if self.proc.poll() is not None:
                # Only start-up output so far: no draft has been sent yet.
                tail = self.log_path.read_text(encoding="utf-8", errors="replace")[-2000:]
                raise CheckFailed(f"the server exited during start-up:\n{tail}")
            with contextlib.suppress(OSError):
                if http("GET", self.url + "/readyz")[0] == 200:
                    return
            time.sleep(0.5)
        raise CheckFailed(f"the server was not ready after {STARTUP_SECONDS} s")

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        if self._log is not None:
            self._log.close()


# -- PostgreSQL ----------------------------------------------------------------------------------


@contextlib.contextmanager
def postgres_schema() -> Iterator[tuple[str, str]]:
    """A fresh schema: (its name, a store URL that uses it); dropped afterwards."""
    import psycopg

    schema = f"sg_leak_check_{uuid.uuid4().hex[:10]}"
    try:
        with psycopg.connect(PG_BASE_URL, autocommit=True, connect_timeout=5) as conn:
            conn.execute(f"CREATE SCHEMA {schema}")
    except psycopg.Error as exc:
        raise CheckFailed(
            f"PostgreSQL at 127.0.0.1:5432 is not usable ({type(exc).__name__})"
        ) from None
    try:
        yield schema, f"{PG_BASE_URL}?options=-csearch_path%3D{schema}"
    finally:
        with psycopg.connect(PG_BASE_URL, autocommit=True, connect_timeout=5) as conn:
            conn.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")


def dump_postgres(schema: str) -> tuple[str, int]:
    """Every row of every table of ``schema`` as text, and the number of tables."""
    import psycopg

    with psycopg.connect(PG_BASE_URL, connect_timeout=5) as conn:
        tables = [
            row[0]
            for row in conn.execute(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = %s",
                (schema,),
            )
        ]
        parts = [
            json.dumps(
                conn.execute(f'SELECT * FROM "{schema}"."{table}"').fetchall(),
                default=str,
                ensure_ascii=False,
            )
            for table in tables
        ]
    return "\n".join(parts), len(tables)


# -- the run -------------------------------------------------------------------------------------


@dataclass
class RunResult:
    places: dict[str, str]  # place -> text to search
    sanitized: list[str]
    documents: int
    audit_records: int
    chain: str
    store: str
    roster_entries: int


def _read_files(directory: Path, pattern: str = "*", skip: str | None = None) -> str:
    """Every file under ``directory`` matching ``pattern`` (not starting with ``skip``) as text."""
    blobs = [
        p.read_bytes()
        for p in sorted(directory.rglob(pattern))
        if p.is_file() and not (skip and p.name.startswith(skip))
    ]
    return "\n".join(b.decode("utf-8", errors="replace") for b in blobs)


def run_service(
    docs: list[Any], roster: list[dict[str, Any]], work: Path, database_url: str | None
) -> RunResult:
    data_dir, metrics_dir = work / "data", work / "metrics"
    data_dir.mkdir()
    metrics_dir.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith("SOURCEGUARD_")}
    env.update(
        PROMETHEUS_MULTIPROC_DIR=str(metrics_dir),  # ours, so it outlives the server
        SOURCEGUARD_DATA_DIR=str(data_dir),
        SOURCEGUARD_SECRET_KEY=secrets.token_urlsafe(32),
        SOURCEGUARD_LOG_LEVEL="DEBUG",  # names must not be logged at any level
    )
    if database_url:
        env["SOURCEGUARD_DATABASE_URL"] = database_url

    server = Server(work, env)
    found: dict[str, list[str]] = {}

    def collect(place: str, text: str) -> None:
        found.setdefault(place, []).append(text)

    try:
        # Tokens first: they create the store, which the server then only opens (processes
        # opening a fresh SQLite store at the same moment can fail with SQLITE_BUSY).
        tokens = {role: server.token(role) for role in ("editor", "auditor", "admin")}
        server.start()
        server.wait_ready()

        status, body = http("POST", server.url + "/v1/roster", {"entries": roster}, tokens["admin"])
        if status != 201:
            raise CheckFailed(f"POST /v1/roster answered {status}")
        roster_entries = int(body.get("entries", 0))

        sanitized = []
        for doc in docs:
            status, body = http(
                "POST", server.url + "/v1/sanitize", {"text": doc.text}, tokens["editor"]
            )
            if status != 200 or not isinstance(body.get("sanitized_text"), str):
                raise CheckFailed(f"POST /v1/sanitize answered {status} for {doc.id}")
            sanitized.append(body["sanitized_text"])

        status, report = http("GET", server.url + "/v1/audit/verify", token=tokens["auditor"])
        chain = "intact" if status == 200 and report.get("ok") is True else "BROKEN"
        collect("metrics", http_raw("GET", server.url + "/metrics")[1].decode("utf-8", "replace"))

        export = server.cli("audit", "export")
        if export.returncode != 0:
            raise CheckFailed(f"audit export exited {export.returncode}")
        collect("jsonl", export.stdout)
        audit_records = len(export.stdout.splitlines())
        if database_url is None:
            collect("sqlite", _read_files(data_dir, DB_FILE + "*"))  # the WAL, while open
    finally:
        server.stop()
    if database_url is None:
        collect("sqlite", _read_files(data_dir, DB_FILE + "*"))
    collect("log", server.log_path.read_text(encoding="utf-8", errors="replace"))
    for output in server.cli_output:
        collect("log", output)
    collect("metrics", _read_files(metrics_dir))
    if other := _read_files(data_dir, skip=DB_FILE):
        collect("data dir", other)
    order = ("sqlite", "postgresql", "jsonl", "log", "metrics", "data dir")
    return RunResult(
        places={p: "\n".join(found[p]) for p in order if p in found},
        sanitized=sanitized,
        documents=len(docs),
        audit_records=audit_records,
        chain=chain,
        store="postgresql" if database_url else "sqlite",
        roster_entries=roster_entries,
    )


# -- search and report ---------------------------------------------------------------------------


def search(terms: list[Term], result: RunResult) -> dict[str, dict[str, list[Term]]]:
    """{"name" | "word" | "word in sanitized": {place: [terms found there]}}."""
    sanitized = "\n".join(result.sanitized)
    found: dict[str, dict[str, list[Term]]] = {"name": {}, "word": {}, "word in sanitized": {}}
    for term in terms:
        assert term.pattern is not None
        for place, text in result.places.items():
            if not term.pattern.search(text):
                continue
            category = term.kind
            if term.kind == "word" and term.pattern.search(sanitized):
                category = "word in sanitized"
            found[category].setdefault(place, []).append(term)
    return found


def _where(by_place: dict[str, list[Term]], places: Iterable[str]) -> str:
    total = len({id(t) for terms in by_place.values() for t in terms})
    if not total:
        return f"0 found in {', '.join(places)}"
    parts = []
    for place, terms in sorted(by_place.items()):
        origins = sorted({o for t in terms for o in t.origins})
        parts.append(f"{place} {len(terms)} (from {', '.join(origins)})")
    return f"{total} found: " + "; ".join(parts)


def sanitized_leaks(docs: list[Any], sanitized: list[str]) -> int:
    """At-risk identities still named in the sanitized text (the evaluator's rule)."""
    from evaluation.matching import leaked_identities

    return sum(len(leaked_identities(d, s)) for d, s in zip(docs, sanitized, strict=True))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("corpus", nargs="?", default=str(DEFAULT_CORPUS), help="corpus folder")
    parser.add_argument("--postgres", action="store_true", help=f"store in {PG_BASE_URL}")
    args = parser.parse_args(argv)

    from service.core.errors import SourceguardError

    corpus = Path(args.corpus)
    try:
        docs, roster = load_corpus(corpus)
    except (OSError, ValueError, SourceguardError) as exc:  # messages name files, not people
        reason = exc.strerror if isinstance(exc, OSError) else exc
        print(f"corpus missing or unreadable: {corpus}: {reason}", file=sys.stderr)
        return EXIT_NO_CORPUS

    terms = build_terms(docs, roster)
    at_risk = sum(len(d.persons_of("at_risk")) for d in docs)
    names = sum(1 for t in terms if t.kind == "name")
    print(
        f"corpus: {len(docs)} documents, {at_risk} at-risk identities, "
        f"{len(roster)} roster entries; searching {names} names/aliases and "
        f"{len(terms) - names} name words of {MIN_WORD_LETTERS}+ letters"
    )

    work = Path(tempfile.mkdtemp(prefix="sg-leak-check-"))
    try:
        if args.postgres:
            with postgres_schema() as (schema, url):
                result = run_service(docs, roster, work, url)
                dump, tables = dump_postgres(schema)
                result.places = {"postgresql": dump, **result.places}
            if not tables:
                raise CheckFailed("the service created no tables in the PostgreSQL schema")
        else:
            result = run_service(docs, roster, work, None)
    except CheckFailed as exc:
        print(f"check incomplete: {exc}", file=sys.stderr)
        return EXIT_LEAK
    finally:
        shutil.rmtree(work, ignore_errors=True)

    print(
        f"server: {result.store} store, roster of {result.roster_entries} entries, "
        f"{result.documents}/{len(docs)} documents sanitized, {result.audit_records} audit "
        f"records exported, chain {result.chain}"
    )
    print(
        f"sanitized output: {sanitized_leaks(docs, result.sanitized)} of {at_risk} at-risk "
        "identities still named (information only; `sourceguard evaluate` scores this)"
    )
    found = search(terms, result)
    places = list(result.places)
    print(f"names/aliases: {_where(found['name'], places)}")
    print(f"name words: {_where(found['word'], places)}")
    if found["word in sanitized"]:
        print(
            "name words also in sanitized text (not counted): "
            + _where(found["word in sanitized"], places)
        )
    leaked = bool(found["name"] or found["word"])
    if result.chain != "intact":
        print("audit chain: BROKEN")
    print("result: LEAK" if leaked else "result: no leak")
    return EXIT_LEAK if leaked or result.chain != "intact" else EXIT_OK


if __name__ == "__main__":
    raise SystemExit(main())
