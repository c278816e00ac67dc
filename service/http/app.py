"""The Flask application factory.

``create_app(config)`` loads the engine (spaCy model, recognizers, policies) and opens the audit
store *before* the first request. A part that fails to load does not crash the process: it is
reported by ``/readyz`` and every request that needs it gets a 503 (fail closed). Every error
is answered as problem+json; unexpected ones are logged by class and code location only.
"""

from __future__ import annotations

import re
import time
import uuid
from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from flask import Flask, Response, g, request
from werkzeug.exceptions import HTTPException

from policies.types import PolicyError
from service.core import logs
from service.core.config import Config
from service.core.errors import ConfigurationError
from service.http.metrics import Metrics
from service.http.problems import Problem, problem_response
from service.http.state import ServiceState
from service.http.wsgi import BodyReader
from service.pipeline.anonymize import Secrets
from service.pipeline.roster import Roster

REQUEST_ID_PATTERN = r"[0-9A-Fa-f]{8}(?:-?[0-9A-Fa-f]{4}){3}-?[0-9A-Fa-f]{12}|[0-9A-Fa-f]{16,64}"
"""A client's X-Request-Id is kept only if it is a UUID or 16-64 hex digits: a free-form id
("<name>-draft") would carry text into the logs and the audit log."""
_REQUEST_ID_RE = re.compile(REQUEST_ID_PATTERN)
SERVER_TIMING_STEPS = ("roster", "engine", "audit")
"""The steps of a screening request that ``Server-Timing`` reports, besides ``app`` (the whole
request inside the app, JSON encoding included)."""


def create_app(
    config: Config | Mapping[str, Any] | None = None,
    *,
    engine: Any = None,
    store: Any = None,
) -> Flask:
    """Build the app. ``config`` is a ``Config``, or overrides of ``Config.from_env`` fields.

    ``engine``/``store`` inject already built parts (tests); otherwise they are built here.
    """
    if not isinstance(config, Config):
        config = Config.from_env(overrides=config)
    logs.configure(config.log_level)
    app = Flask(__name__)
    app.wsgi_app = BodyReader(  # type: ignore[method-assign]
        app.wsgi_app, config.max_body_bytes, config.body_timeout_s
    )
    from service.http.web import SessionCookie

    app.session_interface = SessionCookie(config.cookie_secure)
    app.config.update(
        MAX_CONTENT_LENGTH=config.max_body_bytes,
        SECRET_KEY=config.key("session"),
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Strict",
        SESSION_COOKIE_NAME="sourceguard_session",
        PERMANENT_SESSION_LIFETIME=timedelta(hours=8),
        JSON_SORT_KEYS=False,
        TESTING=config.testing,
    )
    app.json.sort_keys = False  # type: ignore[attr-defined]
    state = ServiceState(config=config, metrics=Metrics())
    _open_store(state, store)
    _load_engine(state, engine)
    app.extensions["sourceguard"] = state

    from service.http.api import bp as api_bp
    from service.http.ops import bp as ops_bp
    from service.http.web import bp as web_bp

    app.register_blueprint(ops_bp)
    app.register_blueprint(api_bp)
    app.register_blueprint(web_bp)
    _register_hooks(app, state)
    logs.event(
        "app_created",
        store=config.store_kind,
        engine="ok" if state.engine else "unavailable",
        audit_store="ok" if state.store else "unavailable",
    )
    return app


def server_timing(steps: Mapping[str, float], total: float) -> str:
    """The ``Server-Timing`` value: fixed step names and milliseconds, nothing of the draft.

    It lets a client (and ``bench/http_overhead.py``) tell the engine's time from the service's
    own overhead (roster refresh, audit write, parsing and JSON) without access to the server.
    """
    parts = [
        f"{name};dur={steps[name] * 1000:.1f}" for name in SERVER_TIMING_STEPS if name in steps
    ]
    parts.append(f"app;dur={total * 1000:.1f}")
    return ", ".join(parts)


def _open_store(state: ServiceState, store: Any) -> None:
    from service.audit.store import StoreError, open_store

    if store is not None:
        state.store = store
        return
    try:
        state.store = open_store(state.config.database_url, chain_key=state.config.key("chain"))
    except StoreError as exc:
        state.store_error = str(exc)
        logs.event("store_unavailable", 40, error=type(exc).__name__)


def _load_engine(state: ServiceState, engine: Any) -> None:
    from service.pipeline.engine import Engine

    if engine is not None:
        state.engine = engine
        return
    config = state.config
    try:
        state.engine = Engine.create(
            model_name=config.model_name,
            roster=Roster.empty(config.key("roster")),
            secrets=Secrets(hash_key=config.key("hash"), encryption_key=config.key("encryption")),
        )
    except (ConfigurationError, PolicyError) as exc:
        state.engine_error = str(exc)
        logs.event("engine_unavailable", 40, error=type(exc).__name__)


def _register_hooks(app: Flask, state: ServiceState) -> None:
    @app.before_request
    def start() -> None:
        supplied = request.headers.get("X-Request-Id", "")
        g.request_id = supplied if _REQUEST_ID_RE.fullmatch(supplied) else uuid.uuid4().hex
        g.started = time.perf_counter()
        g.actor = None
        body_problem = request.environ.get(BodyReader.PROBLEM_KEY)
        if body_problem == 413:
            raise Problem(
                413,
                "request-entity-too-large",
                f"the request body is larger than {state.config.max_body_bytes} bytes",
                headers={"Connection": "close"},
            )
        if body_problem == 408:
            raise Problem(
                408,
                "request-timeout",
                "the request body did not arrive in time",
                headers={"Connection": "close"},
            )
        if body_problem == 400:
            raise Problem(400, "incomplete-body", "the request body ended early or is malformed")

    @app.after_request
    def finish(response: Response) -> Response:
        response.headers["X-Request-Id"] = g.get("request_id", "")
        response.headers.setdefault("Cache-Control", "no-store")
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        seconds = time.perf_counter() - g.get("started", time.perf_counter())
        steps = g.get("server_timing")
        if steps:
            response.headers["Server-Timing"] = server_timing(steps, seconds)
        route = request.url_rule.rule if request.url_rule else "unmatched"
        state.metrics.observe_request(request.method, route, response.status_code, seconds)
        logs.event(
            "request",
            request_id=g.get("request_id"),
            method=request.method,
            route=route,
            status=response.status_code,
            duration_ms=round(seconds * 1000, 1),
            actor=g.get("actor"),
            bytes_in=request.content_length or 0,
        )
        return response

    @app.errorhandler(Problem)
    def on_problem(problem: Problem) -> Response:
        return problem_response(problem, instance=request.path)

    @app.errorhandler(HTTPException)
    def on_http(exc: HTTPException) -> Response:
        status = exc.code or 500
        detail = {
            404: "no such endpoint",
            405: "this method is not allowed here",
            413: f"the request body is larger than {state.config.max_body_bytes} bytes",
        }.get(status, exc.description or "")
        headers = {}
        if status == 405 and exc.valid_methods:  # type: ignore[attr-defined]
            headers["Allow"] = ", ".join(exc.valid_methods)  # type: ignore[attr-defined]
        slug = (exc.name or "error").lower().replace(" ", "-")
        return problem_response(Problem(status, slug, detail, headers=headers), request.path)

    @app.errorhandler(Exception)
    def on_error(exc: Exception) -> Response:
        logs.event(
            "unhandled_error", 40, request_id=g.get("request_id"), **logs.exception_fields(exc)
        )
        return problem_response(
            Problem(
                500,
                "internal-error",
                "an internal error occurred; it was logged with the request id",
            ),
            request.path,
        )
