"""The HTTP API through Flask's test client: every endpoint, every error code, role checks,
audit records without plaintext, fail-closed behaviour when the store or the engine is unusable.
"""

from __future__ import annotations

import io
import json
import re
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from service.audit.store import StoreError
from service.core.config import KEY_PURPOSES, Config
from service.http.app import create_app
from service.pipeline.anonymize import Secrets
from service.pipeline.engine import Engine
from service.pipeline.roster import Roster

KEYS = {p: f"test-{p}-key-0123456789abcdef".encode() for p in KEY_PURPOSES}
CJ_NAME = "Yara Mansour"
DRAFT = (
    f"Citizen journalist {CJ_NAME} filmed the shelling of the bakery in Douma. "
    f"Mansour said the road was cut. Reach her on +963 944 555 012."
)
ROSTER_NAME = "Tarek Nassif"
ROSTER_DRAFT = "The water came back on Tuesday, Tarek al-Nassif said. Nassif runs a shop."
SECRET_WORDS = ("Mansour", "Nassif", "944 555")


def make_config(tmp_path: Path, **over: Any) -> Config:
    config = Config(
        data_dir=tmp_path,
        database_url=f"sqlite:///{(tmp_path / 'sg.sqlite3').as_posix()}",
        keys=dict(KEYS),
        testing=True,
    )
    for k, v in over.items():
        setattr(config, k, v)
    return config


def make_engine(nlp_engine: Any) -> Engine:
    return Engine.create(
        nlp=nlp_engine,
        roster=Roster.empty(KEYS["roster"]),
        secrets=Secrets(hash_key=KEYS["hash"], encryption_key=b"e" * 32),
        allow_list=[],
    )


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory, nlp_engine: Any) -> dict[str, Any]:
    tmp = tmp_path_factory.mktemp("api")
    app = create_app(make_config(tmp), engine=make_engine(nlp_engine))
    store = app.extensions["sourceguard"].store
    tokens = {
        role: store.create_token(f"{role}-token", role)[0]
        for role in ("editor", "auditor", "admin")
    }
    return {
        "app": app,
        "client": app.test_client(),
        "tokens": tokens,
        "db": tmp / "sg.sqlite3",
        "store": store,
    }


def auth(service: dict[str, Any], role: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {service['tokens'][role]}"}


def post(service: dict[str, Any], path: str, body: Any, role: str = "editor", **kw: Any) -> Any:
    headers = {**auth(service, role), **kw.pop("headers", {})}
    return service["client"].post(path, json=body, headers=headers, **kw)


def assert_problem(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/problem+json"
    body = response.get_json(force=True)
    assert body["status"] == status and body["title"] and body["detail"] and body["type"]
    assert "Traceback" not in json.dumps(body)
    return body


# -- operations endpoints -----------------------------------------------------------------------
def test_healthz_and_readyz(service: dict[str, Any]) -> None:
    assert service["client"].get("/healthz").get_json() == {"status": "alive"}
    ready = service["client"].get("/readyz")
    assert ready.status_code == 200
    assert ready.get_json()["checks"] == {
        "model": "ok",
        "policies": "ok",
        "audit_store": "ok",
        "roster": "ok",
    }


def test_openapi_document(service: dict[str, Any]) -> None:
    response = service["client"].get("/openapi.json")
    assert response.status_code == 200
    doc = response.get_json()
    assert doc["openapi"].startswith("3.") and "/v1/sanitize" in doc["paths"]


def test_metrics_count_requests_and_findings(service: dict[str, Any]) -> None:
    post(service, "/v1/analyze", {"text": DRAFT})
    text = service["client"].get("/metrics").get_data(as_text=True)
    assert 'sourceguard_http_requests_total{method="POST",route="/v1/analyze",status="200"}' in text
    assert "sourceguard_http_request_duration_seconds_bucket" in text
    assert 'sourceguard_findings_total{entity_type="CITIZEN_JOURNALIST"}' in text
    assert not any(word in text for word in SECRET_WORDS)


# -- screening ----------------------------------------------------------------------------------
def test_analyze_reports_without_changing(service: dict[str, Any]) -> None:
    response = post(service, "/v1/analyze", {"text": DRAFT})
    assert response.status_code == 200
    body = response.get_json()
    assert "sanitized_text" not in body and isinstance(body["audit_id"], int)
    types = {f["entity_type"] for f in body["findings"]}
    assert {"CITIZEN_JOURNALIST", "PHONE_NUMBER"} <= types
    assert body["policy"]["name"] == "publish" and body["summary"]["at_risk_identities"] == 1
    assert not any(word in json.dumps(body) for word in SECRET_WORDS)


def test_sanitize_replaces_every_mention(service: dict[str, Any]) -> None:
    response = post(service, "/v1/sanitize", {"text": DRAFT, "policy": "publish"})
    assert response.status_code == 200
    body = response.get_json()
    assert set(body) >= {"sanitized_text", "findings", "summary", "policy", "audit_id"}
    assert "[citizen journalist A]" in body["sanitized_text"]
    assert not any(word in body["sanitized_text"] for word in SECRET_WORDS)
    assert "Douma" in body["sanitized_text"]


def test_sanitize_other_policy(service: dict[str, Any]) -> None:
    body = post(service, "/v1/sanitize", {"text": DRAFT, "policy": "review"}).get_json()
    assert body["sanitized_text"] == DRAFT and body["policy"]["name"] == "review"


SERVER_TIMING_RE = re.compile(r"[a-z]+;dur=\d+\.\d(?:, [a-z]+;dur=\d+\.\d)*")


@pytest.mark.parametrize("path", ["/v1/sanitize", "/v1/analyze"])
def test_server_timing_has_fixed_names_and_numbers_only(service: dict[str, Any], path: str) -> None:
    """The engine's share of the request, for clients and bench/http_overhead.py; a header a
    proxy may log, so nothing of the draft may be in it."""
    response = post(service, path, {"text": DRAFT})
    assert response.status_code == 200
    value = response.headers["Server-Timing"]
    assert SERVER_TIMING_RE.fullmatch(value), value
    steps = {name: float(dur) for name, _, dur in (p.partition(";dur=") for p in value.split(", "))}
    assert list(steps) == ["roster", "engine", "audit", "app"]
    assert steps["engine"] > 0
    assert steps["roster"] + steps["engine"] + steps["audit"] <= steps["app"] + 0.3  # rounding
    assert not any(word in value for word in SECRET_WORDS)


def test_server_timing_only_on_screening(service: dict[str, Any]) -> None:
    response = service["client"].get("/v1/policies", headers=auth(service, "editor"))
    assert response.status_code == 200 and "Server-Timing" not in response.headers
    refused = post(service, "/v1/sanitize", {"text": DRAFT}, role="auditor")
    assert refused.status_code == 403 and "Server-Timing" not in refused.headers


REQUEST_ID = "4f1c2a9b-e0d3-4f7c-8a61-d2e5b7c90a13"


def test_request_id_is_echoed_and_audited(service: dict[str, Any]) -> None:
    response = post(
        service,
        "/v1/sanitize",
        {"text": DRAFT},
        headers={**auth(service, "editor"), "X-Request-Id": REQUEST_ID},
    )
    assert response.headers["X-Request-Id"] == REQUEST_ID
    record = (
        service["client"]
        .get(f"/v1/audit/{response.get_json()['audit_id']}", headers=auth(service, "auditor"))
        .get_json()
    )
    assert record["request_id"] == REQUEST_ID


@pytest.mark.parametrize(
    "supplied", ["Wissam-Qandil-draft", "req-42", "", " ", "a" * 65, "deadbeef", "x" * 20]
)
def test_unsafe_request_ids_are_replaced(service: dict[str, Any], supplied: str) -> None:
    """Only a UUID or 16-64 hex digits is kept: free text would carry a name into the logs."""
    response = post(
        service,
        "/v1/sanitize",
        {"text": DRAFT},
        headers={**auth(service, "editor"), "X-Request-Id": supplied},
    )
    generated = response.headers["X-Request-Id"]
    assert generated != supplied and re.fullmatch(r"[0-9a-f]{32}", generated)
    record = (
        service["client"]
        .get(f"/v1/audit/{response.get_json()['audit_id']}", headers=auth(service, "auditor"))
        .get_json()
    )
    assert record["request_id"] == generated


# -- errors -------------------------------------------------------------------------------------
def raw_post(service: dict[str, Any], path: str, data: bytes, content_type: str) -> Any:
    return service["client"].post(
        path, data=data, headers={**auth(service, "editor"), "Content-Type": content_type}
    )


@pytest.mark.parametrize(
    ("data", "content_type", "status", "slug"),
    [
        (b'{"text": "unterminated', "application/json", 400, "malformed-json"),
        (b"", "application/json", 400, "empty-body"),
        (b'["a list"]', "application/json", 400, "wrong-type"),
        (b'{"text": 42}', "application/json", 400, "wrong-type"),
        (b'{"text": null}', "application/json", 400, "wrong-type"),
        (b'{"text": "x", "policy": 7}', "application/json", 400, "wrong-type"),
        (b'{"policy": "publish"}', "application/json", 400, "missing-field"),
        (b'{"text": "x", "colour": "red"}', "application/json", 400, "unknown-field"),
        (b"text=hello", "application/x-www-form-urlencoded", 415, "unsupported-media-type"),
        (b"hello", "text/plain", 415, "unsupported-media-type"),
        (b'{"text": "   "}', "application/json", 422, "invalid-text"),
        (b'{"text": "caf\xe9"}', "application/json", 422, "invalid-encoding"),
        (b'{"text": "bad \\ud800 surrogate"}', "application/json", 422, "invalid-text"),
        (b'{"text": "nul \\u0000 byte"}', "application/json", 422, "invalid-text"),
        (b'{"text": "fine", "policy": "nope"}', "application/json", 404, "unknown-policy"),
    ],
)
def test_bad_requests(
    service: dict[str, Any], data: bytes, content_type: str, status: int, slug: str
) -> None:
    for path in ("/v1/analyze", "/v1/sanitize"):
        body = assert_problem(raw_post(service, path, data, content_type), status)
        assert body["type"].endswith("/" + slug)


def test_unknown_policy_lists_the_known_ones(service: dict[str, Any]) -> None:
    body = assert_problem(post(service, "/v1/sanitize", {"text": "x", "policy": "nope"}), 404)
    assert "publish" in body["policies"]


def test_policy_field_is_not_echoed_unless_it_looks_like_a_policy(service: dict[str, Any]) -> None:
    body = assert_problem(post(service, "/v1/sanitize", {"text": "x", "policy": CJ_NAME}), 404)
    assert "Mansour" not in json.dumps(body)


def test_body_over_the_limit_is_413(service: dict[str, Any]) -> None:
    big = json.dumps({"text": "a" * (2 * 1024 * 1024 + 10)}).encode()
    body = assert_problem(raw_post(service, "/v1/sanitize", big, "application/json"), 413)
    assert "2097152" in body["detail"]


# -- issue 11: no 500, no echo, statuses the schema promises ------------------------------------
def test_a_number_with_thousands_of_digits_is_400_not_500(service: dict[str, Any]) -> None:
    raw = b'{"text": "x", "policy": 1' + b"0" * 5000 + b"}"
    body = assert_problem(raw_post(service, "/v1/sanitize", raw, "application/json"), 400)
    assert body["type"].endswith("malformed-json")


def test_record_id_beyond_64_bits_is_404_not_500(service: dict[str, Any]) -> None:
    response = service["client"].get("/v1/audit/" + "9" * 25, headers=auth(service, "auditor"))
    assert_problem(response, 404)


@pytest.mark.parametrize("after", ["0", "1000000000000000", str(2**63 - 1)])
def test_after_values_the_schema_allows_are_accepted(service: dict[str, Any], after: str) -> None:
    response = service["client"].get(f"/v1/audit?after={after}", headers=auth(service, "auditor"))
    assert response.status_code == 200, response.get_json()


@pytest.mark.parametrize("after", ["-1", str(2**63), "1e3", "x"])
def test_after_values_outside_the_schema_are_400(service: dict[str, Any], after: str) -> None:
    response = service["client"].get(f"/v1/audit?after={after}", headers=auth(service, "auditor"))
    assert_problem(response, 400)


def test_unknown_field_names_are_never_echoed(service: dict[str, Any]) -> None:
    body = assert_problem(post(service, "/v1/sanitize", {"text": "x", "Yara Mansour": 1}), 400)
    assert "Mansour" not in json.dumps(body) and body["allowed"] == ["format", "policy", "text"]
    body = assert_problem(post(service, "/v1/roster", {"Yara Mansour": []}, role="admin"), 400)
    assert "Mansour" not in json.dumps(body)


def test_policy_name_is_never_echoed(service: dict[str, Any]) -> None:
    body = assert_problem(post(service, "/v1/sanitize", {"text": "x", "policy": "mansour"}), 404)
    assert "mansour" not in json.dumps(body).lower()


def test_unknown_method_is_not_echoed(service: dict[str, Any]) -> None:
    response = service["client"].open("/v1/sanitize", method="MANSOUR")
    assert "MANSOUR" not in response.get_data(as_text=True)


def test_chunked_body_over_the_limit_is_413(service: dict[str, Any]) -> None:
    big = json.dumps({"text": "a" * (2 * 1024 * 1024 + 10)}).encode()
    response = service["client"].post(
        "/v1/sanitize",
        input_stream=io.BytesIO(big),
        headers={
            **auth(service, "editor"),
            "Content-Type": "application/json",
            "Transfer-Encoding": "chunked",
        },
    )
    assert_problem(response, 413)


def test_chunked_body_within_the_limit_is_read_whole(service: dict[str, Any]) -> None:
    response = service["client"].post(
        "/v1/sanitize",
        input_stream=io.BytesIO(json.dumps({"text": DRAFT}).encode()),
        headers={
            **auth(service, "editor"),
            "Content-Type": "application/json",
            "Transfer-Encoding": "chunked",
        },
    )
    assert response.status_code == 200, response.get_json()
    assert "Mansour" not in response.get_json()["sanitized_text"]


def test_text_over_the_character_limit_is_422(
    service: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(service["app"].extensions["sourceguard"].engine, "max_chars", 100)
    body = assert_problem(post(service, "/v1/sanitize", {"text": "word " * 50}), 422)
    assert "limit is 100" in body["detail"]


def test_unknown_route_and_method(service: dict[str, Any]) -> None:
    assert_problem(service["client"].get("/v1/nothing-here"), 404)
    response = service["client"].get("/v1/sanitize", headers=auth(service, "editor"))
    assert_problem(response, 405)
    assert "POST" in response.headers["Allow"]


# -- auth ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("header", [None, "Bearer", "Bearer sgt_tnothing_xyz", "Basic abc"])
def test_missing_or_bad_token_is_401(service: dict[str, Any], header: str | None) -> None:
    headers = {"Authorization": header} if header else {}
    response = service["client"].post("/v1/sanitize", json={"text": DRAFT}, headers=headers)
    assert_problem(response, 401)
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


ROLE_TABLE = [
    ("POST", "/v1/analyze", {"editor": 200, "auditor": 403, "admin": 200}),
    ("POST", "/v1/sanitize", {"editor": 200, "auditor": 403, "admin": 200}),
    ("GET", "/v1/policies", {"editor": 200, "auditor": 200, "admin": 200}),
    ("GET", "/v1/policies/publish", {"editor": 200, "auditor": 200, "admin": 200}),
    ("GET", "/v1/audit", {"editor": 403, "auditor": 200, "admin": 200}),
    ("GET", "/v1/audit/1", {"editor": 403, "auditor": 200, "admin": 200}),
    ("GET", "/v1/audit/verify", {"editor": 403, "auditor": 200, "admin": 200}),
    ("GET", "/v1/roster", {"editor": 403, "auditor": 403, "admin": 200}),
    ("POST", "/v1/roster", {"editor": 403, "auditor": 403}),
    ("DELETE", "/v1/roster/r-000000000000", {"editor": 403, "auditor": 403, "admin": 404}),
]


@pytest.mark.parametrize(("method", "path", "expected"), ROLE_TABLE)
def test_roles(service: dict[str, Any], method: str, path: str, expected: dict[str, int]) -> None:
    post(service, "/v1/analyze", {"text": DRAFT})  # at least one audit record exists
    for role, status in expected.items():
        kwargs: dict[str, Any] = {"headers": auth(service, role)}
        if method == "POST":
            kwargs["json"] = {"text": DRAFT} if "roster" not in path else {"entries": []}
        response = service["client"].open(path, method=method, **kwargs)
        assert response.status_code == status, (role, response.get_data(as_text=True))
        if status == 403:
            assert_problem(response, 403)


def test_revoked_token_is_401(service: dict[str, Any]) -> None:
    store = service["store"]
    token, _ = store.create_token("short-lived", "editor")
    headers = {"Authorization": f"Bearer {token}"}
    assert (
        service["client"].post("/v1/analyze", json={"text": DRAFT}, headers=headers).status_code
        == 200
    )
    assert store.revoke_token("short-lived")
    assert_problem(
        service["client"].post("/v1/analyze", json={"text": DRAFT}, headers=headers), 401
    )


# -- policies -----------------------------------------------------------------------------------
def test_policies(service: dict[str, Any]) -> None:
    body = service["client"].get("/v1/policies", headers=auth(service, "editor")).get_json()
    names = {p["name"] for p in body["policies"]}
    assert {"publish", "strict", "internal", "review"} <= names
    assert all(p["digest"].startswith("sha256:") and p["version"] for p in body["policies"])
    detail = (
        service["client"].get("/v1/policies/strict", headers=auth(service, "editor")).get_json()
    )
    assert detail["name"] == "strict" and "PSEUDONYM" in detail["rules"]
    assert_problem(
        service["client"].get("/v1/policies/../etc", headers=auth(service, "editor")), 404
    )
    assert_problem(service["client"].get("/v1/policies/nope", headers=auth(service, "editor")), 404)


# -- audit --------------------------------------------------------------------------------------
def test_audit_record_contents(service: dict[str, Any]) -> None:
    response = post(service, "/v1/sanitize", {"text": DRAFT})
    audit_id = response.get_json()["audit_id"]
    record = (
        service["client"].get(f"/v1/audit/{audit_id}", headers=auth(service, "auditor")).get_json()
    )
    assert record["id"] == audit_id and record["operation"] == "sanitize"
    assert record["actor"].startswith("t") and not record["actor"].startswith("sgt_")
    assert record["policy"]["name"] == "publish" and record["policy"]["digest"].startswith(
        "sha256:"
    )
    assert record["input_sha256"].startswith("sha256:") and record["output_sha256"].startswith(
        "sha256:"
    )
    assert record["engine"]["model"] and record["hash"].startswith("hmac-sha256:")
    finding = next(f for f in record["findings"] if f["entity_type"] == "CITIZEN_JOURNALIST")
    assert set(finding) >= {
        "start",
        "end",
        "identity",
        "recognizer",
        "score",
        "action",
        "fingerprint",
    }
    assert finding["fingerprint"].startswith("hmac-sha256:")
    assert not any(word in json.dumps(record) for word in SECRET_WORDS)


def test_audit_paging_and_verify(service: dict[str, Any]) -> None:
    for _ in range(3):
        post(service, "/v1/analyze", {"text": DRAFT})
    client, headers = service["client"], auth(service, "auditor")
    first = client.get("/v1/audit?limit=2", headers=headers).get_json()
    assert [r["id"] for r in first["records"]] == [1, 2] and first["next_after"] == 2
    second = client.get("/v1/audit?after=2&limit=2", headers=headers).get_json()
    assert [r["id"] for r in second["records"]] == [3, 4]
    assert second["records"][0]["prev_hash"] == first["records"][1]["hash"]
    verify = client.get("/v1/audit/verify", headers=headers).get_json()
    assert verify["ok"] is True and verify["records"] >= 4 and verify["first_broken"] is None
    for bad in ("limit=0", "limit=1001", "after=-1", "after=x", "limit=1.5"):
        assert_problem(client.get(f"/v1/audit?{bad}", headers=headers), 400)
    assert_problem(client.get("/v1/audit/999999", headers=headers), 404)


def test_edited_audit_row_is_detected(tmp_path: Path, nlp_engine: Any) -> None:
    app = create_app(make_config(tmp_path), engine=make_engine(nlp_engine))
    store = app.extensions["sourceguard"].store
    editor, _ = store.create_token("e", "editor")
    auditor, _ = store.create_token("a", "auditor")
    client = app.test_client()
    for _ in range(3):
        client.post(
            "/v1/analyze", json={"text": DRAFT}, headers={"Authorization": f"Bearer {editor}"}
        )
    with sqlite3.connect(tmp_path / "sg.sqlite3") as db:
        table = next(
            n
            for (n,) in db.execute("select name from sqlite_master where type='table'")
            if n.endswith("audit")
        )
        body = db.execute(f"select body from {table} where id = 2").fetchone()[0]
        db.execute(
            f"update {table} set body = ? where id = 2",
            (body.replace('"operation":"analyze"', '"operation":"sanitize"'),),
        )
    report = client.get(
        "/v1/audit/verify", headers={"Authorization": f"Bearer {auditor}"}
    ).get_json()
    assert report["ok"] is False and report["first_broken"] == 2


# -- roster -------------------------------------------------------------------------------------
def test_roster_lifecycle(service: dict[str, Any]) -> None:
    client, admin = service["client"], auth(service, "admin")
    before = post(service, "/v1/analyze", {"text": ROSTER_DRAFT}).get_json()
    assert "PROTECTED_SOURCE" not in {f["entity_type"] for f in before["findings"]}

    created = client.post(
        "/v1/roster",
        json={"entries": [{"name": ROSTER_NAME, "aliases": ["Tareq Nasif"]}]},
        headers=admin,
    )
    assert created.status_code == 201, created.get_data(as_text=True)
    entry_id = created.get_json()["ids"][0]
    assert not any(word in created.get_data(as_text=True) for word in SECRET_WORDS)

    listing = client.get("/v1/roster", headers=admin).get_json()
    assert entry_id in {e["id"] for e in listing["entries"]}
    assert "Nassif" not in json.dumps(listing) and "Tarek" not in json.dumps(listing)

    after = post(service, "/v1/sanitize", {"text": ROSTER_DRAFT}).get_json()
    protected = [f for f in after["findings"] if f["entity_type"] == "PROTECTED_SOURCE"]
    assert len(protected) == 2 and "Nassif" not in after["sanitized_text"]

    assert client.delete(f"/v1/roster/{entry_id}", headers=admin).status_code == 204
    assert_problem(client.delete(f"/v1/roster/{entry_id}", headers=admin), 404)
    gone = post(service, "/v1/analyze", {"text": ROSTER_DRAFT}).get_json()
    assert "PROTECTED_SOURCE" not in {f["entity_type"] for f in gone["findings"]}


@pytest.mark.parametrize(
    "body",
    [
        {"entries": []},
        {"entries": [{"aliases": []}]},
        {"entries": [{"name": 5}]},
        {"entries": "x"},
        {"names": ["x"]},
    ],
)
def test_roster_bad_entries_are_400(service: dict[str, Any], body: Any) -> None:
    assert_problem(
        service["client"].post("/v1/roster", json=body, headers=auth(service, "admin")), 400
    )


def test_roster_is_stored_as_digests_only(service: dict[str, Any]) -> None:
    service["client"].post(
        "/v1/roster",
        json={"entries": [{"name": "Samir Haddouche"}]},
        headers=auth(service, "admin"),
    )
    raw = service["db"].read_bytes()
    for wal in service["db"].parent.glob("sg.sqlite3-wal"):
        raw += wal.read_bytes()
    assert b"Haddouche" not in raw and b"haddouche" not in raw


# -- fail closed --------------------------------------------------------------------------------
class FailingAppendStore:
    """A working store whose audit writes fail: the request must fail with it."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)

    def append_audit(self, *args: Any, **kwargs: Any) -> Any:
        raise StoreError("disk full")


def test_audit_write_failure_returns_503_and_no_text(tmp_path: Path, nlp_engine: Any) -> None:
    from service.audit.store import open_store

    inner = open_store(f"sqlite:///{(tmp_path / 'sg.sqlite3').as_posix()}", chain_key=KEYS["chain"])
    token, _ = inner.create_token("e", "editor")
    app = create_app(
        make_config(tmp_path), engine=make_engine(nlp_engine), store=FailingAppendStore(inner)
    )
    response = app.test_client().post(
        "/v1/sanitize", json={"text": DRAFT}, headers={"Authorization": f"Bearer {token}"}
    )
    body = assert_problem(response, 503)
    assert "sanitized_text" not in body and "Mansour" not in response.get_data(as_text=True)


def test_unloadable_model_is_503_and_not_ready(tmp_path: Path) -> None:
    app = create_app(make_config(tmp_path, model_name="no_such_model_xyz"))
    state = app.extensions["sourceguard"]
    token, _ = state.store.create_token("e", "editor")
    ready = app.test_client().get("/readyz")
    assert ready.status_code == 503 and ready.get_json()["checks"]["model"].startswith("error")
    response = app.test_client().post(
        "/v1/sanitize", json={"text": DRAFT}, headers={"Authorization": f"Bearer {token}"}
    )
    assert_problem(response, 503)


def test_unusable_store_is_503(tmp_path: Path, nlp_engine: Any) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    config = make_config(tmp_path, database_url=f"sqlite:///{(blocker / 'sg.sqlite3').as_posix()}")
    app = create_app(config, engine=make_engine(nlp_engine))
    assert app.test_client().get("/readyz").status_code == 503
    response = app.test_client().post(
        "/v1/sanitize", json={"text": DRAFT}, headers={"Authorization": "Bearer sgt_x_y"}
    )
    assert_problem(response, 503)


# -- no plaintext anywhere ----------------------------------------------------------------------
def test_no_names_in_logs_or_store(
    tmp_path: Path, nlp_engine: Any, capfd: pytest.CaptureFixture[str]
) -> None:
    app = create_app(make_config(tmp_path), engine=make_engine(nlp_engine))
    store = app.extensions["sourceguard"].store
    editor, _ = store.create_token("e", "editor")
    admin, _ = store.create_token("a", "admin")
    client = app.test_client()
    client.post(
        "/v1/roster",
        json={"entries": [{"name": ROSTER_NAME}]},
        headers={"Authorization": f"Bearer {admin}"},
    )
    for text in (DRAFT, ROSTER_DRAFT):
        for path in ("/v1/analyze", "/v1/sanitize"):
            assert (
                client.post(
                    path, json={"text": text}, headers={"Authorization": f"Bearer {editor}"}
                ).status_code
                == 200
            )
    client.post(
        "/v1/sanitize",
        json={"text": DRAFT, "policy": CJ_NAME},
        headers={"Authorization": f"Bearer {editor}"},
    )
    client.post("/v1/sanitize", data=DRAFT.encode(), headers={"Authorization": f"Bearer {editor}"})
    logged = capfd.readouterr()
    output = logged.out + logged.err
    assert '"event": "request"' in output
    raw = b"".join(p.read_bytes() for p in tmp_path.glob("sg.sqlite3*"))
    for word in (*SECRET_WORDS, "Tarek", "Yara"):
        assert word not in output, word
        assert word.encode() not in raw, word
        assert word.lower().encode() not in raw, word
