"""A real ``sourceguard serve`` under attack (issue 11): slow clients, gunicorn's own refusals,
chunked bodies over the limit, and a metrics folder that disappears.

Slow clients: with gunicorn's sync workers two connections that sent half a body blocked both
workers and ``/healthz`` stopped answering. Here more slow connections than there are workers
stay open while ``/healthz`` keeps answering, and each slow client gets a 408 problem+json.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from tests.server_process import Server, start_server

pytestmark = pytest.mark.slow

READ_TIMEOUT_S = 3
BODY_TIMEOUT_S = 6
MAX_BODY = 4096
NAME = "Wissam Qandil"  # invented


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    s = start_server(
        tmp_path_factory.mktemp("hardening"),
        extra_env={
            "SOURCEGUARD_READ_TIMEOUT": str(READ_TIMEOUT_S),
            "SOURCEGUARD_BODY_TIMEOUT": str(BODY_TIMEOUT_S),
            "SOURCEGUARD_MAX_BODY_BYTES": str(MAX_BODY),
        },
    )
    yield s
    s.stop()


def _connect(server: Server) -> socket.socket:
    return socket.create_connection(("127.0.0.1", server.port), timeout=30)


def _read_response(sock: socket.socket) -> tuple[int, dict[str, str], bytes]:
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        if not chunk:
            break
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = {k.lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:])}
    length = int(headers.get("content-length", "0"))
    while len(body) < length:
        chunk = sock.recv(65536)
        if not chunk:
            break
        body += chunk
    return int(lines[0].split()[1]), headers, body


def _partial_body(server: Server) -> socket.socket:
    sock = _connect(server)
    token = server.tokens["editor"]
    sock.sendall(
        (
            "POST /v1/sanitize HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            f"Authorization: Bearer {token}\r\nContent-Type: application/json\r\n"
            "Content-Length: 1000\r\n\r\n"
            '{"text": "half a bo'
        ).encode()
    )
    return sock


def _partial_headers(server: Server) -> socket.socket:
    sock = _connect(server)
    sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
    return sock


def test_slow_clients_do_not_starve_the_service(server: Server) -> None:
    slow = [_partial_body(server) for _ in range(6)] + [_partial_headers(server) for _ in range(2)]
    try:
        started = time.monotonic()
        answered = []
        while time.monotonic() - started < READ_TIMEOUT_S - 0.5:
            t0 = time.monotonic()
            # Generous: the CI machine is shared; sync workers never answered at all.
            response = requests.get(server.url + "/healthz", timeout=10)
            answered.append((response.status_code, time.monotonic() - t0))
            time.sleep(0.2)
        assert answered and all(status == 200 for status, _ in answered), answered
        assert max(seconds for _, seconds in answered) < 8
        # Each slow body gets a 408 problem+json once it stays silent for the read timeout.
        for sock in slow[:6]:
            sock.settimeout(BODY_TIMEOUT_S + 10)
            status, headers, body = _read_response(sock)
            assert status == 408, (status, body)
            assert headers["content-type"].startswith("application/problem+json")
            assert json.loads(body)["type"].endswith("request-timeout")
        # A client stuck in its headers is disconnected, not kept.
        for sock in slow[6:]:
            sock.settimeout(BODY_TIMEOUT_S + 10)
            assert sock.recv(65536) == b""
    finally:
        for sock in slow:
            sock.close()
    assert requests.get(server.url + "/healthz", timeout=5).status_code == 200


def test_a_trickling_body_is_cut_at_the_body_deadline(server: Server) -> None:
    sock = _partial_body(server)
    try:
        started = time.monotonic()
        sock.settimeout(0.2)
        status = None
        while time.monotonic() - started < BODY_TIMEOUT_S + 10:
            try:
                sock.sendall(b"a")
            except OSError:
                break
            try:
                status, _, _ = _read_response(sock)
                break
            except TimeoutError:
                time.sleep(READ_TIMEOUT_S / 3)
        elapsed = time.monotonic() - started
        assert status == 408, status
        assert elapsed < BODY_TIMEOUT_S + READ_TIMEOUT_S + 2, elapsed
    finally:
        sock.close()


@pytest.mark.parametrize(
    ("request_bytes", "status"),
    [
        (f"GET /{NAME.replace(' ', '-')}{'x' * 5000} HTTP/1.1\r\nHost: h\r\n\r\n".encode(), 414),
        (f"GET / HTTP/1.1\r\nHost: h\r\nX-Note: {NAME} {'y' * 9000}\r\n\r\n".encode(), 431),
        (f"{NAME} IS NOT A REQUEST LINE\r\n\r\n".encode(), 400),
    ],
)
def test_gunicorn_refusals_are_problem_json(
    server: Server, request_bytes: bytes, status: int
) -> None:
    with _connect(server) as sock:
        sock.sendall(request_bytes)
        got, headers, body = _read_response(sock)
    assert got == status, body
    assert headers["content-type"].startswith("application/problem+json")
    problem = json.loads(body)
    assert problem["status"] == status and "Qandil" not in body.decode()
    time.sleep(0.3)
    assert "Qandil" not in server.log_tail(200_000)


def test_chunked_body_over_the_limit_is_413(server: Server) -> None:
    def chunks() -> Iterator[bytes]:
        for _ in range(10):
            yield b'{"text": "' + b"a" * 1000 + b'"}'

    response = requests.post(
        server.url + "/v1/sanitize",
        data=chunks(),
        headers={**server.headers("editor"), "Content-Type": "application/json"},
        timeout=30,
    )
    assert response.status_code == 413, response.text
    assert response.headers["Content-Type"].startswith("application/problem+json")


def _worker_pids(master: int) -> list[int]:
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == master:
                pids.append(int(entry.name))
    return pids


def test_a_removed_metrics_folder_does_not_kill_the_service(tmp_path: Path) -> None:
    metrics_dir = tmp_path / "metrics"
    metrics_dir.mkdir()
    server = start_server(
        tmp_path / "data",
        extra_env={"PROMETHEUS_MULTIPROC_DIR": str(metrics_dir)},
        roles=("editor",),
    )
    try:
        assert server.proc is not None
        shutil.rmtree(metrics_dir)
        # Requests go on while the folder is gone (metrics must not fail them).
        assert requests.get(server.url + "/healthz", timeout=10).status_code == 200
        old = _worker_pids(server.proc.pid)
        assert old
        os.kill(old[0], signal.SIGKILL)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            assert server.proc.poll() is None, server.log_tail()
            current = _worker_pids(server.proc.pid)
            if len(current) == len(old) and old[0] not in current:
                break
            time.sleep(0.5)
        server.wait_ready()
        assert server.proc.poll() is None
        for _ in range(4):
            assert requests.get(server.url + "/metrics", timeout=10).status_code == 200
            policies = requests.get(
                server.url + "/v1/policies", headers=server.headers("editor"), timeout=10
            )
            assert policies.status_code == 200
        assert metrics_dir.is_dir()
    finally:
        server.stop()
