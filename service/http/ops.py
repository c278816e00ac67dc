"""Operational endpoints: liveness, readiness, Prometheus metrics and the OpenAPI document.

None of them needs a token: they reveal no draft, no name and no audit content, and load
balancers and scrapers must reach them.
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any

import yaml
from flask import Blueprint, Response, current_app, jsonify

from service.http.metrics import CONTENT_TYPE
from service.http.problems import Problem

bp = Blueprint("ops", __name__)


@bp.get("/healthz")
def healthz() -> Response:
    return jsonify({"status": "alive"})


@bp.get("/readyz")
def readyz() -> Response:
    report = current_app.extensions["sourceguard"].readiness()
    response = jsonify({"status": "ready" if report["ready"] else "not ready", **report})
    if not report["ready"]:
        response.status_code = 503
        response.headers["Retry-After"] = "5"
    return response


@bp.get("/metrics")
def metrics() -> Response:
    body = current_app.extensions["sourceguard"].metrics.render()
    return Response(body, mimetype=None, content_type=CONTENT_TYPE)


@cache
def openapi_document() -> dict[str, Any]:
    """The OpenAPI 3 document shipped next to this module (parsed once per process)."""
    text = resources.files("service.http").joinpath("openapi.yaml").read_text(encoding="utf-8")
    return yaml.safe_load(text)


@bp.get("/openapi.json")
def openapi() -> Response:
    try:
        document = openapi_document()
    except (OSError, yaml.YAMLError):
        raise Problem(503, "openapi-unavailable", "the OpenAPI document cannot be read") from None
    return Response(json.dumps(document, indent=1), content_type="application/json")
