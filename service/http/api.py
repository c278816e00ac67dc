"""The JSON API under ``/v1``: screening, policies, audit log and roster management.

Request bodies are parsed strictly (media type, size, UTF-8, JSON, field types, unknown
fields) so every mistake gets a precise problem+json answer. Roster entries arrive as plain
names and leave this module only as keyed digests.
"""

from __future__ import annotations

import json
import re
from typing import Any

from flask import Blueprint, Response, current_app, g, jsonify, request

from policies.loader import NAME_RE, PolicyError, list_policies, load_policy
from service.core.config import policy_dirs
from service.drafts.canonical import FORMATS
from service.http.auth import require
from service.http.problems import Problem
from service.http.state import ServiceState
from service.pipeline.roster import RosterError

bp = Blueprint("v1", __name__, url_prefix="/v1")

SCREEN_FIELDS = {"text": str, "policy": str, "format": str}
MAX_PAGE = 1000
MAX_ID = 2**63 - 1
"""Record ids and ``after`` are 64-bit signed integers in both stores."""
DEFAULT_PAGE = 100
_ROSTER_ID_RE = re.compile(r"r-[0-9a-f]{12}")


def state() -> ServiceState:
    return current_app.extensions["sourceguard"]


# -- request parsing ------------------------------------------------------------------------------
def json_body() -> Any:
    """The request's JSON value, or the precise 4xx for what is wrong with it."""
    mimetype = request.mimetype or ""
    if mimetype != "application/json" and not mimetype.endswith("+json"):
        raise Problem(415, "unsupported-media-type", "send the body as application/json")
    raw = request.get_data(cache=True)  # over MAX_CONTENT_LENGTH: werkzeug raises 413
    if not raw:
        raise Problem(400, "empty-body", "the request body is empty; send a JSON object")
    try:
        decoded = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise Problem(
            422, "invalid-encoding", f"the body is not valid UTF-8 (byte offset {exc.start})"
        ) from None
    try:
        return json.loads(decoded)
    except json.JSONDecodeError as exc:
        raise Problem(
            400,
            "malformed-json",
            f"malformed JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}",
        ) from None
    except RecursionError:
        raise Problem(400, "malformed-json", "JSON nested too deeply") from None
    except ValueError:  # an integer longer than Python's int-to-str digit limit
        raise Problem(400, "malformed-json", "a number in the body has too many digits") from None


def object_body(fields: dict[str, type], required: tuple[str, ...]) -> dict[str, Any]:
    body = json_body()
    if not isinstance(body, dict):
        raise Problem(400, "wrong-type", "the body must be a JSON object")
    unknown = sum(1 for k in body if k not in fields)
    if unknown:
        # Never name them: a client's field name is client input and may be a name.
        raise Problem(
            400,
            "unknown-field",
            f"the body has {unknown} unknown field(s); allowed: {', '.join(sorted(fields))}",
            allowed=sorted(fields),
        )
    for name in required:
        if name not in body:
            raise Problem(400, "missing-field", f"the field {name!r} is required")
    for name, kind in fields.items():
        if name in body and body[name] is not None and not isinstance(body[name], kind):
            raise Problem(
                400,
                "wrong-type",
                f"the field {name!r} must be a {_json_type(kind)}, "
                f"not {_json_type(type(body[name]))}",
            )
    return body


def _json_type(kind: type) -> str:
    return {
        str: "string",
        int: "number",
        float: "number",
        bool: "boolean",
        list: "array",
        dict: "object",
        type(None): "null",
    }.get(kind, kind.__name__)


def screening_input() -> tuple[str, str | None, str | None]:
    body = object_body(SCREEN_FIELDS, required=("text",))
    text = body["text"]
    if text is None:
        raise Problem(400, "wrong-type", "the field 'text' must be a string, not null")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise Problem(422, "invalid-text", "text is not valid UTF-8 (lone surrogate)") from None
    fmt = body.get("format")
    if fmt is not None and fmt not in FORMATS:
        raise Problem(
            400, "bad-format", "format must be one of " + ", ".join(FORMATS), allowed=list(FORMATS)
        )
    return text, body.get("policy"), fmt


def int_arg(name: str, default: int, minimum: int, maximum: int | None = None) -> int:
    raw = request.args.get(name)
    if raw is None or raw == "":
        return default
    if not re.fullmatch(r"\d{1,19}", raw) or int(raw) > MAX_ID:
        raise Problem(
            400, "bad-parameter", f"{name} must be an integer between {minimum} and {MAX_ID}"
        )
    value = int(raw)
    if value < minimum or (maximum is not None and value > maximum):
        raise Problem(
            400,
            "bad-parameter",
            f"{name} must be between {minimum} and {maximum}"
            if maximum is not None
            else f"{name} must be at least {minimum}",
        )
    return value


# -- screening ----------------------------------------------------------------------------------
@bp.post("/analyze")
@require("editor")
def analyze() -> Response:
    return _screen(apply=False)


@bp.post("/sanitize")
@require("editor")
def sanitize() -> Response:
    return _screen(apply=True)


def _screen(apply: bool) -> Response:
    """Analyze returns findings only; sanitize adds the sanitized text. Both are audited."""
    text, policy, fmt = screening_input()
    g.server_timing = {}  # filled by screen(); sent as the Server-Timing header (app.py)
    result, record = state().screen(
        text,
        policy,
        apply=apply,
        actor=g.actor,
        request_id=g.request_id,
        fmt=fmt,
        timings=g.server_timing,
    )
    body = result.to_dict(include_text=apply)
    body["audit_id"] = record["id"]
    return jsonify(body)


# -- policies -----------------------------------------------------------------------------------
@bp.get("/policies")
@require("editor", "auditor")
def policies() -> Response:
    out = []
    for name in list_policies(policy_dirs()):
        policy = _load(name)
        out.append({**policy.info().to_dict(), "description": policy.description})
    return jsonify({"policies": out, "default": "publish"})


@bp.get("/policies/<name>")
@require("editor", "auditor")
def policy_detail(name: str) -> Response:
    if not NAME_RE.match(name) or name not in list_policies(policy_dirs()):
        raise Problem(
            404,
            "unknown-policy",
            "there is no policy with that name",
            policies=list_policies(policy_dirs()),
        )
    return jsonify(_load(name).to_dict())


def _load(name: str):  # type: ignore[no-untyped-def]
    try:
        return load_policy(name, policy_dirs(), allow_paths=False)
    except PolicyError as exc:
        raise Problem(503, "policy-unavailable", f"policy cannot be loaded: {exc}") from None


# -- audit log ----------------------------------------------------------------------------------
@bp.get("/audit")
@require("auditor")
def audit_list() -> Response:
    after = int_arg("after", 0, 0)
    limit = int_arg("limit", DEFAULT_PAGE, 1, MAX_PAGE)
    records = _store_call(lambda s: s.list_audit(after=after, limit=limit))
    next_after = records[-1]["id"] if len(records) == limit else None
    return jsonify({"records": records, "next_after": next_after})


@bp.get("/audit/<int:record_id>")
@require("auditor")
def audit_get(record_id: int) -> Response:
    if record_id > MAX_ID:
        raise Problem(404, "unknown-record", "there is no audit record with that id")
    record = _store_call(lambda s: s.get_audit(record_id))
    if record is None:
        raise Problem(404, "unknown-record", f"there is no audit record {record_id}")
    return jsonify(record)


@bp.get("/audit/verify")
@require("auditor")
def audit_verify() -> Response:
    return jsonify(_store_call(lambda s: s.verify_audit()))


def _store_call(call: Any) -> Any:
    from service.audit.store import StoreError

    try:
        return call(state().store_or_503())
    except StoreError as exc:
        raise Problem(503, "store-unavailable", f"audit store not usable: {exc}") from None


# -- roster -------------------------------------------------------------------------------------
@bp.post("/roster")
@require("admin")
def roster_add() -> Response:
    body = object_body({"entries": list}, required=("entries",))
    entries = body["entries"]
    if not entries:
        raise Problem(400, "wrong-type", "entries must be a non-empty array of {name, aliases}")

    def add(roster: Any) -> list[str]:
        try:
            return roster.add_entries(entries)
        except RosterError as exc:  # structural messages only ("entry 2: name must be ...")
            raise Problem(400, "invalid-roster-entry", str(exc)) from None

    ids = state().change_roster(add)
    roster = state().engine_or_503().roster
    state().append_audit(_roster_record("roster-add", ids, roster))
    response = jsonify({"ids": ids, "entries": len(roster), "digest": roster.digest})
    response.status_code = 201
    return response


@bp.get("/roster")
@require("admin")
def roster_list() -> Response:
    with state().lock:
        roster = state().refresh_roster()
    entries = [
        {"id": e["id"], **{kind: len(e[kind]) for kind in ("full", "surnames", "given", "handles")}}
        for e in roster.entries
    ]
    return jsonify({"entries": entries, "count": len(entries), "digest": roster.digest})


@bp.delete("/roster/<entry_id>")
@require("admin")
def roster_delete(entry_id: str) -> Response:
    if not _ROSTER_ID_RE.fullmatch(entry_id):
        raise Problem(404, "unknown-roster-entry", "there is no roster entry with that id")

    def remove(roster: Any) -> None:
        try:
            roster.remove_entry(entry_id)
        except RosterError:
            raise Problem(
                404, "unknown-roster-entry", "there is no roster entry with that id"
            ) from None

    state().change_roster(remove)
    state().append_audit(
        _roster_record("roster-delete", [entry_id], state().engine_or_503().roster)
    )
    return Response(status=204)


def _roster_record(operation: str, ids: list[str], roster: Any) -> dict[str, Any]:
    return {
        "operation": operation,
        "actor": g.actor,
        "request_id": g.request_id,
        "details": {"entry_ids": ids, "entries": len(roster), "roster_digest": roster.digest},
    }
