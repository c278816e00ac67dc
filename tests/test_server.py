"""A real ``sourceguard serve`` process (gunicorn, 2 workers) on a free loopback port.

Covers every endpoint and error code over real HTTP, 200 concurrent sanitize requests from 8
threads (exactly 200 chained audit records), the PostgreSQL audit store, and that no name from
the drafts reaches the server's log output, its database or the exported JSONL.
"""

from __future__ import annotations

import itertools
import json
import os
import shutil
import subprocess
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
import requests

from tests.server_process import (
    Server,
    free_port,
    postgres_unreachable_reason,
    sourceguard_command,
    start_server,
)

pytestmark = pytest.mark.slow

PG_BASE_URL = "postgresql://postgres@127.0.0.1:5432/test"
NAMES = ("Yara Mansour", "Mansour", "Tarek Nassif", "Nassif", "Salim Aboud", "Aboud")
DRAFTS = [
    "Citizen journalist Yara Mansour filmed the shelling in Douma. Mansour said the road was cut.",
    "The water came back on Tuesday, Tarek al-Nassif said. Nassif runs a shop near the square.",
    "Salim Aboud, a nurse at the field hospital, said supplies ran out. Aboud asked not to be named.",
]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    s = start_server(tmp_path_factory.mktemp("server"))
    yield s
    s.stop()


def problem(response: requests.Response, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["Content-Type"].startswith("application/problem+json")
    return response.json()


def test_every_endpoint(server: Server) -> None:
    url, editor, auditor, admin = (
        server.url,
        server.headers("editor"),
        server.headers("auditor"),
        server.headers("admin"),
    )
    assert requests.get(url + "/healthz", timeout=10).json() == {"status": "alive"}
    assert requests.get(url + "/readyz", timeout=10).json()["ready"] is True
    assert requests.get(url + "/openapi.json", timeout=10).json()["openapi"].startswith("3.")

    created = requests.post(
        url + "/v1/roster", json={"entries": [{"name": "Tarek Nassif"}]}, headers=admin, timeout=30
    )
    assert created.status_code == 201
    entry_id = created.json()["ids"][0]
    listing = requests.get(url + "/v1/roster", headers=admin, timeout=30).json()
    assert entry_id in [e["id"] for e in listing["entries"]]

    # The roster change reaches both workers (each reloads it from the store).
    for _ in range(6):
        body = requests.post(
            url + "/v1/sanitize", json={"text": DRAFTS[1]}, headers=editor, timeout=60
        ).json()
        assert "Nassif" not in body["sanitized_text"]
        assert "PROTECTED_SOURCE" in {f["entity_type"] for f in body["findings"]}

    analyzed = requests.post(
        url + "/v1/analyze",
        json={"text": DRAFTS[0], "policy": "strict"},
        headers=editor,
        timeout=60,
    )
    assert analyzed.status_code == 200 and "sanitized_text" not in analyzed.json()
    audit_id = analyzed.json()["audit_id"]

    policies = requests.get(url + "/v1/policies", headers=editor, timeout=30).json()
    assert "publish" in {p["name"] for p in policies["policies"]}
    assert requests.get(url + "/v1/policies/publish", headers=editor, timeout=30).json()["rules"]

    record = requests.get(f"{url}/v1/audit/{audit_id}", headers=auditor, timeout=30).json()
    assert record["operation"] == "analyze" and record["policy"]["name"] == "strict"
    page = requests.get(url + "/v1/audit?after=0&limit=3", headers=auditor, timeout=30).json()
    assert [r["id"] for r in page["records"]] == [1, 2, 3]
    assert requests.get(url + "/v1/audit/verify", headers=auditor, timeout=30).json()["ok"] is True

    assert (
        requests.delete(f"{url}/v1/roster/{entry_id}", headers=admin, timeout=30).status_code == 204
    )
    metrics = requests.get(url + "/metrics", timeout=30).text
    assert "sourceguard_http_requests_total" in metrics
    assert 'sourceguard_findings_total{entity_type="PROTECTED_SOURCE"}' in metrics


def test_error_codes(server: Server) -> None:
    url, editor = server.url, server.headers("editor")
    sanitize = url + "/v1/sanitize"
    problem(requests.post(sanitize, json={"text": "x"}, timeout=30), 401)
    problem(
        requests.post(
            sanitize, json={"text": "x"}, headers={"Authorization": "Bearer nope"}, timeout=30
        ),
        401,
    )
    problem(
        requests.post(sanitize, json={"text": "x"}, headers=server.headers("auditor"), timeout=30),
        403,
    )
    problem(requests.get(url + "/v1/audit", headers=editor, timeout=30), 403)
    problem(
        requests.post(
            sanitize,
            data=b'{"text": ',
            headers={**editor, "Content-Type": "application/json"},
            timeout=30,
        ),
        400,
    )
    problem(requests.post(sanitize, json={"text": ["a"]}, headers=editor, timeout=30), 400)
    problem(
        requests.post(sanitize, json={"text": "x", "policy": "nope"}, headers=editor, timeout=30),
        404,
    )
    problem(
        requests.get(url + "/v1/audit/99999", headers=server.headers("auditor"), timeout=30), 404
    )
    problem(requests.get(sanitize, headers=editor, timeout=30), 405)
    problem(
        requests.post(
            sanitize,
            data=b"x" * (2 * 1024 * 1024 + 1),
            headers={**editor, "Content-Type": "application/json"},
            timeout=60,
        ),
        413,
    )
    problem(
        requests.post(
            sanitize, data=b"plain", headers={**editor, "Content-Type": "text/plain"}, timeout=30
        ),
        415,
    )
    problem(requests.post(sanitize, json={"text": ""}, headers=editor, timeout=30), 422)
    problem(
        requests.post(
            sanitize,
            data=b'{"text": "\xff\xfe"}',
            headers={**editor, "Content-Type": "application/json"},
            timeout=30,
        ),
        422,
    )


def test_concurrent_sanitize_leaves_exactly_200_chained_records(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    s = start_server(tmp_path_factory.mktemp("concurrent"))
    try:
        started = time.monotonic()

        def one(i: int) -> int:
            response = requests.post(
                s.url + "/v1/sanitize",
                json={"text": DRAFTS[i % 3]},
                headers=s.headers("editor"),
                timeout=120,
            )
            return response.status_code

        with ThreadPoolExecutor(max_workers=8) as pool:
            statuses = list(pool.map(one, range(200)))
        elapsed = time.monotonic() - started
        assert statuses == [200] * 200
        assert elapsed < 300, f"200 requests took {elapsed:.0f} s"

        report = requests.get(
            s.url + "/v1/audit/verify", headers=s.headers("auditor"), timeout=60
        ).json()
        assert report["ok"] is True and report["records"] == 200

        export = s.cli("audit", "export")
        assert export.returncode == 0, export.stderr
        lines = [json.loads(line) for line in export.stdout.splitlines()]
        assert [r["id"] for r in lines] == list(range(1, 201))
        assert all(r["operation"] == "sanitize" for r in lines)
        assert all(b["prev_hash"] == a["hash"] for a, b in itertools.pairwise(lines))
        verify = s.cli("audit", "verify")
        assert verify.returncode == 0 and "200 record" in verify.stdout
    finally:
        s.stop()
    leaks = _find_names(s.data_dir, export.stdout)
    assert not leaks, f"names found in: {leaks}"


def _find_names(data_dir: Path, *texts: str) -> list[str]:
    """Where any draft name occurs: database files, the server log, the given outputs."""
    places: list[str] = []
    blobs = {p.name: p.read_bytes() for p in data_dir.iterdir() if p.is_file()}
    blobs.update({f"output{i}": t.encode() for i, t in enumerate(texts)})
    for place, blob in blobs.items():
        lowered = blob.lower()
        if any(name.lower().encode() in lowered for name in NAMES):
            places.append(place)
    return places


@pytest.mark.postgres
def test_postgres_store_end_to_end(tmp_path: Path) -> None:
    reason = postgres_unreachable_reason(PG_BASE_URL)
    if reason:
        pytest.skip(reason)
    import psycopg

    schema = f"sg_server_test_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(PG_BASE_URL, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {schema}")
    url = f"{PG_BASE_URL}?options=-csearch_path%3D{schema}"
    s = None
    try:
        s = start_server(tmp_path, {"SOURCEGUARD_DATABASE_URL": url})
        for text in DRAFTS:
            response = requests.post(
                s.url + "/v1/sanitize", json={"text": text}, headers=s.headers("editor"), timeout=60
            )
            assert response.status_code == 200
        report = requests.get(
            s.url + "/v1/audit/verify", headers=s.headers("auditor"), timeout=60
        ).json()
        assert report == {**report, "ok": True, "records": 3}
        export = s.cli("audit", "export")
        with psycopg.connect(url) as conn:
            tables = [
                r[0]
                for r in conn.execute(
                    "SELECT table_name FROM information_schema.tables WHERE table_schema = %s",
                    (schema,),
                )
            ]
            assert tables, "the service created no tables in the test schema"
            dump = "".join(
                json.dumps(conn.execute(f"SELECT * FROM {schema}.{t}").fetchall(), default=str)
                for t in tables
            )
    finally:
        if s is not None:
            s.stop()
        with psycopg.connect(PG_BASE_URL, autocommit=True) as conn:
            conn.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
    assert not _find_names(tmp_path, export.stdout, dump)


def test_serve_refuses_bad_configuration(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "SOURCEGUARD_DATA_DIR": str(tmp_path),
        "SOURCEGUARD_DATABASE_URL": "mysql://nope",
    }
    done = subprocess.run(
        [*sourceguard_command(), "serve", "--port", str(free_port())],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2 and "SOURCEGUARD_DATABASE_URL" in done.stderr
    assert "Traceback" not in done.stderr
    shutil.rmtree(tmp_path, ignore_errors=True)
