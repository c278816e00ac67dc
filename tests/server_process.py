"""A real ``sourceguard serve`` process for the tests: free port, throw-away store, CLI tokens.

Used by tests/test_server.py, the browser tests (tests/e2e_support.py) and
tests/test_corpus_leak_check.py. scripts/corpus_leak_check.py keeps its own copy on purpose: it
must run without the tests folder.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
from collections.abc import Mapping
from pathlib import Path

import requests

STARTUP_SECONDS = 180
SECRET = "test-server-master-secret-0123456789"
# A developer's shell settings must not point a test server at a shared store.
UNSET_UNLESS_GIVEN = ("SOURCEGUARD_DATABASE_URL", "PROMETHEUS_MULTIPROC_DIR")


def sourceguard_command() -> list[str]:
    script = Path(sys.executable).with_name("sourceguard")
    return [str(script)] if script.exists() else [sys.executable, "-m", "service.cli"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def postgres_unreachable_reason(url: str) -> str | None:
    """None if PostgreSQL answers at ``url``, else why not (a reason to skip a test)."""
    try:
        import psycopg

        with psycopg.connect(url, connect_timeout=3):
            return None
    except Exception as exc:  # any failure means: skip with the reason
        parts = urllib.parse.urlsplit(url)
        where = f"{parts.hostname}:{parts.port or 5432}"
        return f"PostgreSQL not reachable on {where} ({type(exc).__name__})"


class Server:
    """``sourceguard serve`` in its own process group, output in ``data_dir/server.log``."""

    def __init__(self, data_dir: Path, extra_env: Mapping[str, str] | None = None) -> None:
        self.data_dir = data_dir
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = {
            **os.environ,
            "SOURCEGUARD_DATA_DIR": str(data_dir),
            "SOURCEGUARD_SECRET_KEY": SECRET,
        }
        for name in UNSET_UNLESS_GIVEN:
            self.env.pop(name, None)
        self.env.update(extra_env or {})
        self.log_path = data_dir / "server.log"
        self.tokens: dict[str, str] = {}
        self.proc: subprocess.Popen[bytes] | None = None

    def cli(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [*sourceguard_command(), *args],
            env=self.env,
            capture_output=True,
            text=True,
            timeout=120,
        )

    def create_token(self, role: str, name: str) -> str:
        """A token in the server's store, created in this process: ``token create`` screens
        the name with the full engine, which costs a model load per call (tested in
        tests/test_cli_service.py)."""
        from service.audit.store import open_store
        from service.core.config import Config

        config = Config.from_env(environ=self.env)
        store = open_store(config.database_url, chain_key=config.key("chain"))
        try:
            self.tokens[role] = store.create_token(name, role)[0]
        finally:
            store.close()
        return self.tokens[role]

    def start(self, workers: int = 2) -> None:
        serve = ["serve", "--port", str(self.port), "--workers", str(workers)]
        with self.log_path.open("wb") as log:
            self.proc = subprocess.Popen(
                [*sourceguard_command(), *serve],
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def log_tail(self, chars: int = 3000) -> str:
        return self.log_path.read_text(errors="replace")[-chars:]

    def wait_ready(self, timeout: float = STARTUP_SECONDS) -> None:
        assert self.proc is not None, "start() the server first"
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise AssertionError(f"server exited early:\n{self.log_tail()}")
            with contextlib.suppress(requests.RequestException):
                if requests.get(self.url + "/readyz", timeout=5).status_code == 200:
                    return
            time.sleep(0.5)
        raise AssertionError(f"server not ready after {timeout:.0f} s:\n{self.log_tail()}")

    def stop(self) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        os.killpg(self.proc.pid, signal.SIGTERM)
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()

    def headers(self, role: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[role]}"}


def start_server(
    data_dir: Path,
    extra_env: Mapping[str, str] | None = None,
    workers: int = 2,
    roles: tuple[str, ...] = ("editor", "auditor", "admin"),
    timeout: float = STARTUP_SECONDS,
) -> Server:
    """A ready server with one token per role, named ``test-<role>``.

    The tokens are created through the CLI, as an operator would, BEFORE the server starts:
    creating them while the workers open the SQLite store at the same moment once raced.
    """
    server = Server(data_dir, extra_env)
    try:
        for role in roles:
            server.create_token(role, f"test-{role}")
        server.start(workers)
        server.wait_ready(timeout)
    except BaseException:
        server.stop()
        raise
    return server
