"""service/http/openapi.yaml: a valid OpenAPI document that matches the Flask app.

The document must list exactly the app's routes, describe every error as problem+json, name the
role each operation needs — and the app must behave as documented: a fake store with one token
per role shows which roles get 403, and every answer is checked against the documented schema.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml
from jsonschema import Draft202012Validator

from service.core.config import Config
from service.http.app import create_app
from service.http.auth import ROLES
from service.pipeline.roster import Roster

SPEC_PATH = Path(__file__).resolve().parent.parent / "service" / "http" / "openapi.yaml"
KEYS = {p: b"k" * 32 for p in ("roster", "audit", "hash", "encryption", "session")}
METHODS = ("get", "put", "post", "delete", "patch", "head", "options", "trace")
PROBLEM_MEDIA_TYPE = "application/problem+json"
PROBLEM_REF = "#/components/schemas/Problem"
# Error answers that are deliberately not problem+json: /readyz reports its checks on 503.
NOT_PROBLEMS = {("/readyz", "get", "503")}
# Values for path parameters when the app is called.
PATH_VALUES = {"name": "publish", "record_id": "7", "entry_id": "r-000000000000"}
FLASK_PARAM_RE = re.compile(r"<(?:[^<>:]+:)?([^<>]+)>")


@cache
def spec() -> dict[str, Any]:
    return yaml.safe_load(SPEC_PATH.read_text(encoding="utf-8"))


def operations() -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (path, method, op)
        for path, item in spec()["paths"].items()
        for method, op in item.items()
        if method in METHODS
    ]


def lookup(ref: str) -> Any:
    assert ref.startswith("#/"), f"only local references are used: {ref}"
    node: Any = spec()
    for part in ref[2:].split("/"):
        part = part.replace("~1", "/").replace("~0", "~")
        assert isinstance(node, dict) and part in node, f"unresolved $ref {ref}"
        node = node[part]
    return node


def resolve(node: dict[str, Any]) -> dict[str, Any]:
    """Follow $ref of a response, request body, parameter or example object."""
    while "$ref" in node:
        node = lookup(node["$ref"])
    return node


def schema_validator(schema: dict[str, Any]) -> Draft202012Validator:
    # The schema's "#/components/..." references resolve against this root.
    root = {**schema, "components": spec()["components"]}
    return Draft202012Validator(root, format_checker=Draft202012Validator.FORMAT_CHECKER)


def effective_security(op: dict[str, Any]) -> list[Any]:
    return op.get("security", spec().get("security", []))


def is_error(status: str) -> bool:
    return status == "default" or int(status) >= 400


def all_refs(node: Any) -> list[str]:
    if isinstance(node, dict):
        found = [node["$ref"]] if isinstance(node.get("$ref"), str) else []
        return found + [r for v in node.values() for r in all_refs(v)]
    if isinstance(node, list):
        return [r for v in node for r in all_refs(v)]
    return []


# -- the document itself -------------------------------------------------------------------------
def test_document_structure_and_references_resolve() -> None:
    doc = spec()
    assert re.fullmatch(r"3\.(0\.3|1\.\d+)", doc["openapi"])
    assert doc["info"]["title"] and doc["info"]["version"]
    description = doc["info"]["description"]
    assert "never contain the matched text" in description
    assert "fingerprints only" in description
    assert doc["paths"] and doc["components"]["schemas"]["Problem"]
    assert doc["components"]["securitySchemes"]["bearerAuth"] == {
        **doc["components"]["securitySchemes"]["bearerAuth"],
        "type": "http",
        "scheme": "bearer",
    }
    refs = all_refs(doc)
    assert refs
    for ref in refs:
        lookup(ref)
    for schema in doc["components"]["schemas"].values():
        Draft202012Validator.check_schema(schema)


def test_document_validates_as_openapi() -> None:
    validator = pytest.importorskip("openapi_spec_validator")
    validator.validate(spec())


def test_served_document_is_this_file(client: Any) -> None:
    response = client.get("/openapi.json")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    assert response.get_json() == spec()


# -- routes --------------------------------------------------------------------------------------
def test_paths_and_methods_equal_the_flask_routes(tmp_path: Path) -> None:
    config = Config(
        data_dir=tmp_path,
        database_url="sqlite:///" + str(tmp_path / "x.sqlite3"),
        keys=dict(KEYS),
    )
    app = create_app(config, engine=object(), store=object())
    routes = {
        (FLASK_PARAM_RE.sub(r"{\1}", rule.rule), method.lower())
        for rule in app.url_map.iter_rules()
        # The editor page (HTML forms, blueprint "web") is not part of the JSON API.
        if rule.endpoint != "static" and not rule.endpoint.startswith("web.")
        for method in rule.methods or ()
        if method not in ("HEAD", "OPTIONS")
    }
    documented = {(path, method) for path, method, _ in operations()}
    assert documented == routes, (
        f"undocumented routes: {sorted(routes - documented)}; "
        f"documented but not served: {sorted(documented - routes)}"
    )


def test_path_parameters_are_declared() -> None:
    for path, method, op in operations():
        declared = {
            resolve(p)["name"]
            for p in spec()["paths"][path].get("parameters", []) + op.get("parameters", [])
            if resolve(p)["in"] == "path"
        }
        assert declared == set(re.findall(r"{([^}]+)}", path)), (path, method)


# -- errors and roles ----------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("path", "method"), [(p, m) for p, m, _ in operations()], ids=lambda v: str(v)
)
def test_error_responses_are_problems(path: str, method: str) -> None:
    op = spec()["paths"][path][method]
    responses = op["responses"]
    secured = bool(effective_security(op))
    if secured:
        assert "401" in responses and "403" in responses
    else:
        assert not path.startswith("/v1/")
    problems = 0
    for status, response in responses.items():
        if not is_error(status) or (path, method, status) in NOT_PROBLEMS:
            continue
        content = resolve(response)["content"]
        assert set(content) == {PROBLEM_MEDIA_TYPE}, (path, method, status)
        assert content[PROBLEM_MEDIA_TYPE]["schema"] == {"$ref": PROBLEM_REF}
        if status.startswith("4"):
            problems += 1
    if secured:
        assert problems >= 2  # 401, 403 and whatever the operation adds
    for status, response in responses.items():
        if not is_error(status):
            assert PROBLEM_MEDIA_TYPE not in resolve(response).get("content", {})


def test_every_v1_operation_needs_a_token_and_names_its_roles() -> None:
    for path, method, op in operations():
        if not path.startswith("/v1/"):
            assert op.get("security") == [], (path, method)
            assert "x-roles" not in op
            continue
        assert effective_security(op) == [{"bearerAuth": []}], (path, method)
        roles = op["x-roles"]
        assert roles and set(roles) <= set(ROLES), (path, method)
        assert "Required role" in op["description"]
        for role in roles:
            assert f"`{role}`" in op["description"], (path, method, role)


def test_body_limits_and_error_statuses_are_documented() -> None:
    for path in ("/v1/analyze", "/v1/sanitize"):
        statuses = set(spec()["paths"][path]["post"]["responses"])
        assert {"200", "400", "401", "403", "404", "413", "415", "422", "503"} <= statuses
    assert {"201", "400", "413", "415", "422", "503"} <= set(
        spec()["paths"]["/v1/roster"]["post"]["responses"]
    )
    assert "2097152" in resolve({"$ref": "#/components/responses/PayloadTooLarge"})["description"]
    limit = next(
        p for p in spec()["paths"]["/v1/audit"]["get"]["parameters"] if p.get("name") == "limit"
    )
    assert (limit["schema"]["minimum"], limit["schema"]["maximum"]) == (1, 1000)


# -- examples ------------------------------------------------------------------------------------
def media_types() -> list[tuple[str, dict[str, Any]]]:
    found = []
    for path, method, op in operations():
        if "requestBody" in op:
            for mt in resolve(op["requestBody"])["content"].values():
                found.append((f"{method} {path} request", mt))
        for status, response in op["responses"].items():
            for mt in resolve(response).get("content", {}).values():
                found.append((f"{method} {path} {status}", mt))
    return found


def test_examples_match_their_schemas() -> None:
    checked = 0
    for where, media_type in media_types():
        examples = [media_type["example"]] if "example" in media_type else []
        examples += [resolve(e)["value"] for e in media_type.get("examples", {}).values()]
        validator = schema_validator(media_type["schema"])
        for example in examples:
            errors = [e.message for e in validator.iter_errors(example)]
            assert not errors, (where, errors)
            checked += 1
    for name, schema in spec()["components"]["schemas"].items():
        if "example" in schema:
            validator = schema_validator({"$ref": f"#/components/schemas/{name}"})
            assert not list(validator.iter_errors(schema["example"])), name
            checked += 1
    assert checked >= 10


def test_screening_example_uses_the_documented_offsets() -> None:
    request = resolve(spec()["components"]["requestBodies"]["Screening"])
    text = next(iter(request["content"]["application/json"]["examples"].values()))["value"]["text"]
    result = spec()["components"]["examples"]["AnalyzeResult"]["value"]
    assert result["summary"]["characters"] == len(text)
    spans = {f["entity_type"]: text[f["start"] : f["end"]] for f in result["findings"]}
    assert spans["PHONE_NUMBER"] == "+44 20 7946 0958"
    assert spans["ANONYMOUS_SOURCE"].startswith("A 34-year-old nurse")
    sanitized = spec()["components"]["examples"]["SanitizeResult"]["value"]
    assert sanitized["findings"] == result["findings"]
    assert spans["CITIZEN_JOURNALIST"] not in sanitized["sanitized_text"]


# -- the app answers as documented ---------------------------------------------------------------
class FakeStore:
    """Tokens named after their role; an empty audit log; everything else unused."""

    def authenticate(self, token: str) -> dict[str, Any] | None:
        role = token.removeprefix("token-")
        return {"id": f"t-{role}", "name": role, "role": role} if role in ROLES else None

    def check(self) -> None:
        pass

    def roster_generation(self) -> int:
        return -1  # what the service state starts with: no reload

    def list_audit(self, after: int = 0, limit: int = 100) -> list[dict[str, Any]]:
        return []

    def get_audit(self, record_id: int) -> dict[str, Any] | None:
        return None

    def verify_audit(self) -> dict[str, Any]:
        head = {"id": 0, "hash": "sha256:" + "0" * 64}
        return {"ok": True, "records": 0, "head": head, "first_broken": None, "problem": None}


class FakeEngine:
    def __init__(self) -> None:
        self.roster = Roster.empty(KEYS["roster"])


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Any:
    tmp = tmp_path_factory.mktemp("openapi")
    config = Config(
        data_dir=tmp,
        database_url="sqlite:///" + str(tmp / "x.sqlite3"),
        keys=dict(KEYS),
        testing=True,
    )
    return create_app(config, engine=FakeEngine(), store=FakeStore()).test_client()


def call(client: Any, path: str, method: str, role: str | None) -> Any:
    url = re.sub(r"{([^}]+)}", lambda m: PATH_VALUES[m.group(1)], path)
    headers = {"Authorization": f"Bearer token-{role}"} if role else {}
    return client.open(url, method=method.upper(), headers=headers)


def assert_documented(path: str, method: str, response: Any) -> None:
    """The status is listed for the operation and the body matches its schema."""
    responses = spec()["paths"][path][method]["responses"]
    status = str(response.status_code)
    assert status in responses or "default" in responses, (path, method, status)
    documented = resolve(responses.get(status) or responses["default"])
    content = documented.get("content", {})
    if not content:
        assert response.get_data() == b"", (path, method, status)
        return
    assert response.mimetype in content, (path, method, status, response.mimetype)
    schema = content[response.mimetype]["schema"]
    if response.mimetype.endswith("json"):
        body = response.get_json(force=True)
        errors = [e.message for e in schema_validator(schema).iter_errors(body)]
        assert not errors, (path, method, status, errors)
    for name in documented.get("headers", {}):
        assert name in response.headers, (path, method, status, name)


@pytest.mark.parametrize(
    ("path", "method"), [(p, m) for p, m, _ in operations()], ids=lambda v: str(v)
)
def test_app_enforces_the_documented_roles(client: Any, path: str, method: str) -> None:
    op = spec()["paths"][path][method]
    if not effective_security(op):
        response = call(client, path, method, None)
        assert response.status_code < 400, (path, method, response.status_code)
        assert_documented(path, method, response)
        return
    anonymous = call(client, path, method, None)
    assert anonymous.status_code == 401
    assert_documented(path, method, anonymous)
    for role in ROLES:
        response = call(client, path, method, role)
        allowed = role == "admin" or role in op["x-roles"]
        assert (response.status_code == 403) is not allowed, (path, method, role)
        assert response.status_code != 500, (path, method, role, response.get_data(as_text=True))
        assert_documented(path, method, response)


def test_metrics_are_prometheus_text(client: Any) -> None:
    client.get("/healthz")
    response = client.get("/metrics")
    assert response.status_code == 200
    assert response.mimetype == "text/plain"
    assert "text/plain" in spec()["paths"]["/metrics"]["get"]["responses"]["200"]["content"]
    assert "sourceguard_http_requests_total" in response.get_data(as_text=True)
