"""The editor web page: sign in with a token, paste or upload a draft, see who is at risk.

Server-rendered HTML forms (they work with the keyboard alone and without JavaScript); a small
script adds screening as you type (``/screen/live``), linked highlighting, keyboard navigation
between findings, copy and the view toggle. What the page shows is built in ``editor_view``;
the editor's corrections are applied by ``corrections`` inside the audited screening. Sessions
live in the store: the signed cookie holds only a random session id (stored as a digest), the
token id and CSRF token stay server-side, so logout, revoking the token or expiry ends the
session and its CSRF token at once. The draft travels with each form post and the audit log
keeps digests and fingerprints only. Every POST checks the CSRF token.
"""

from __future__ import annotations

import base64
import hmac
import ipaddress
import re
import secrets
import urllib.parse
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from flask import (
    Blueprint,
    Response,
    current_app,
    g,
    jsonify,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask.sessions import SecureCookieSessionInterface

from policies.loader import DEFAULT_POLICY, list_policies
from recognizers.entities import AT_RISK_SOURCE, PERSON_TYPES, PUBLIC_FIGURE
from service.audit.records import fingerprint
from service.audit.store import StoreError
from service.core.config import DEFAULT_MAX_CHARS, policy_dirs
from service.core.errors import InputError
from service.core.findings import Finding, ScreeningResult
from service.drafts.validation import decode_bytes
from service.http.editor_view import (
    KINDS,
    UNAVAILABLE,
    Mark,
    PersonRow,
    human_error,
    jigsaw_warnings,
    people,
    segment,
    summary_line,
    used_kinds,
)
from service.http.problems import Problem
from service.http.state import ServiceState
from service.pipeline.corrections import ACTION_CHOICES, ROLE_CHOICES, Decision, EditorStage
from service.pipeline.roster import RosterError

bp = Blueprint(
    "web", __name__, template_folder="templates", static_folder="static", static_url_path="/static"
)

WEB_ROLES = ("editor", "admin")
SESSION_LIFETIME_S = 8 * 3600
MAX_REASON_CHARS = 500
ROLE_LABELS = {
    "not-person": "not a person",
    "public": "public figure",
    "pseudonym": "pseudonym",
    "at-risk": "at risk",
}
REMEMBERED_ROLES = (PUBLIC_FIGURE, AT_RISK_SOURCE)
REMEMBER_NEEDS_ROLE = (
    "remembering works with a corrected role: public figure (always public) or at risk "
    "(always protect)"
)
UPLOAD_KINDS = {
    ".txt": "plain",
    ".md": "markdown",
    ".markdown": "markdown",
    ".html": "html",
    ".htm": "html",
}
_DECISION_FIELD_RE = re.compile(r"(role|action|reason|remember)_([0-9a-f]{16})")


def state() -> ServiceState:
    return current_app.extensions["sourceguard"]


# -- session and CSRF -----------------------------------------------------------------------------
class SessionCookie(SecureCookieSessionInterface):
    """Flask's signed cookie with ``Secure`` set unless the page is plain http on loopback.

    ``mode`` is SOURCEGUARD_COOKIE_SECURE: "auto", "true" or "false".
    """

    def __init__(self, mode: str = "auto") -> None:
        self.mode = mode

    def get_cookie_secure(self, app: Any) -> bool:
        if self.mode in ("true", "false"):
            return self.mode == "true"
        return request.is_secure or not is_loopback_host(request.host)


def is_loopback_host(host: str) -> bool:
    """localhost, 127.0.0.0/8 or ::1 (with or without a port)."""
    name = urllib.parse.urlsplit("//" + host).hostname or ""
    if name == "localhost":
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def web_session() -> dict[str, str] | None:
    """The live server-side session of this cookie (cached for the request), else None."""
    if "web_session" not in g:
        sid = session.get("sid")
        g.web_session = state().store_or_503().get_session(sid) if sid else None
    return g.web_session


def csrf_token() -> str:
    """The signed-in session's CSRF token; before sign-in, one kept in the cookie (login form)."""
    live = web_session()
    if live is not None:
        return live["csrf"]
    token = session.get("csrf")
    if not token:
        token = session["csrf"] = secrets.token_urlsafe(32)
    return token


def check_csrf() -> None:
    sent = request.form.get("csrf_token", "")
    live = web_session()
    expected = live["csrf"] if live is not None else session.get("csrf", "")
    if not expected or not hmac.compare_digest(sent.encode(), expected.encode()):
        raise Problem(
            400,
            "csrf",
            "the form's CSRF token is missing or does not match the "
            "session; reload the page and try again",
        )


def current_editor() -> dict[str, Any] | None:
    """The signed-in session (live, its token active and with an editor role), else None."""
    live = web_session()
    if live is None or live["role"] not in WEB_ROLES:
        if session.get("sid"):
            session.clear()
        return None
    g.actor = live["token_id"]
    return live


@bp.app_context_processor
def inject() -> dict[str, Any]:
    live = web_session() if session.get("sid") else None
    return {"csrf_token": csrf_token, "kinds": KINDS, "signed_in": live}


@bp.after_app_request
def security_headers(response: Response) -> Response:
    if request.blueprint == "web":
        response.headers.setdefault(
            "Content-Security-Policy",
            "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
            "frame-ancestors 'none'; form-action 'self'; base-uri 'none'",
        )
        response.headers.setdefault("Referrer-Policy", "no-referrer")
        response.headers.setdefault("X-Frame-Options", "DENY")
    return response


# -- sign in / out ------------------------------------------------------------------------------
@bp.get("/login")
def login_form() -> str:
    return render_template("login.html", error=None, text="", policy="")


@bp.post("/login")
def login() -> Any:
    check_csrf()
    record = state().store_or_503().authenticate(request.form.get("token", "").strip())
    kept = {"text": request.form.get("text", ""), "policy": request.form.get("policy", "")}
    if record is None:
        return render_template("login.html", error="That token is unknown or revoked.", **kept), 401
    if record["role"] not in WEB_ROLES:
        return render_template("login.html", error="This page needs an editor token.", **kept), 403
    created = state().store_or_503().create_session(record["id"], SESSION_LIFETIME_S)
    session.clear()
    session.permanent = True  # cookie lifetime: PERMANENT_SESSION_LIFETIME, set by create_app
    session["sid"] = created["id"]
    g.pop("web_session", None)
    if kept["text"]:  # signed in again mid-draft (see _sign_in_again): the draft comes back
        return render_template(
            "index.html", **_page(kept["text"], kept["policy"] or DEFAULT_POLICY)
        )
    return redirect(url_for("web.index"), code=303)


@bp.post("/logout")
def logout() -> Any:
    check_csrf()
    sid = session.get("sid")
    if sid:
        state().store_or_503().revoke_session(sid)
    session.clear()
    g.pop("web_session", None)
    return redirect(url_for("web.login_form"), code=303)


# -- the page -----------------------------------------------------------------------------------
@bp.get("/")
def index() -> Any:
    if current_editor() is None:
        return redirect(url_for("web.login_form"), code=303)
    return render_template("index.html", **_page("", DEFAULT_POLICY))


@bp.post("/screen")
def screen() -> Any:
    """The form post (works without JavaScript): screen, apply the decisions, show the result."""
    if current_editor() is None:
        return _sign_in_again()
    page, status = _screen_page(live=False)
    return render_template("index.html", **page), status


@bp.post("/screen/live")
def screen_live() -> Any:
    """Screen as you type: the page posts its form here after a pause and swaps in the panes.

    Answers JSON in every case (the script shows ``message`` in its state line); nothing newsroom-
    wide is remembered from here, that needs the editor's explicit submit.
    """
    if current_editor() is None:
        return jsonify(
            state="failed",
            message="Your sign-in has ended: nothing was sanitized. Sign in again in another tab; "
            "your draft stays in this box.",
        ), 401
    page, status = _screen_page(live=True)
    body: dict[str, Any] = {"state": "up-to-date" if page["result"] else "failed"}
    if page["errors"]:
        body["message"] = " ".join(page["errors"])
    if page["result"]:
        body["html"] = {
            "draft-result": render_template("_draft_result.html", **page),
            "findings-pane": render_template("_findings.html", **page),
        }
    return jsonify(body), status


def _page(text: str, policy: str, **extra: Any) -> dict[str, Any]:
    engine = state().engine
    page: dict[str, Any] = {
        "text": text,
        "policy": policy,
        "policies": list_policies(policy_dirs()),
        "result": None,
        "view": None,
        "errors": [],
        "notice": None,
        "max_chars": engine.max_chars if engine else DEFAULT_MAX_CHARS,
        "max_bytes": state().config.max_body_bytes,
        "role_choices": ROLE_LABELS,
        "role_types": ROLE_CHOICES,
        "action_choices": ACTION_CHOICES,
    }
    page.update(extra)
    return page


def _human(problem: Problem) -> str:
    engine = state().engine
    return human_error(
        problem.slug, problem.detail, engine.max_chars if engine else DEFAULT_MAX_CHARS
    )


def _sign_in_again() -> tuple[str, int]:
    """The session ended mid-draft: the sign-in page carries the draft, so nothing is lost."""
    return render_template(
        "login.html",
        error="Your sign-in has ended. Sign in again: your draft is kept on this page and comes "
        "back after you sign in.",
        text=request.form.get("text", ""),
        policy=request.form.get("policy", ""),
    ), 401


def _screen_page(live: bool) -> tuple[dict[str, Any], int]:
    text = request.form.get("text", "")
    policy = request.form.get("policy") or DEFAULT_POLICY
    try:
        check_csrf()
        notice, fmt = None, "auto"
        if not live:
            text, notice, fmt = _draft_from_form(text)
    except Problem as problem:
        return _page(text, policy, errors=[_human(problem)]), problem.status
    form = read_decisions(request.form)
    stage = EditorStage(form.valid, anchor_of)
    try:
        result, record = state().screen(
            text,
            policy,
            apply=True,
            actor=g.actor,
            request_id=g.request_id,
            editor=stage,
            details=_audit_details(text, stage, "web-live" if live else "web"),
            fmt=fmt,
        )
    except Problem as problem:
        if problem.status >= 500 and problem.slug not in UNAVAILABLE:
            raise
        return _page(text, policy, errors=[_human(problem)]), problem.status
    remembered, not_remembered = [], []
    try:
        remembered = [] if live else _remember(text, stage)
    except Problem as problem:  # the draft's result stands; only the newsroom memory failed
        not_remembered = [
            "The corrections apply to this draft, but remembering them for the newsroom failed "
            f"({UNAVAILABLE.get(problem.slug, 'the name could not be stored')}). Press Screen "
            "to try again."
        ]
    view = build_view(text, result, stage, form)
    errors = [*form.errors, *view.problems, *not_remembered] if not live else form.errors
    return _page(
        text,
        policy,
        result=result,
        view=view,
        audit_id=record["id"],
        errors=errors,
        notice=notice,
        remembered=remembered,
        download_href=data_url(result.sanitized_text),
    ), 200


def _draft_from_form(text: str) -> tuple[str, str | None, str]:
    """The pasted text or the uploaded file, with its format; 422 if unusable.

    An uploaded HTML or Markdown file is screened as such (the engine reads its visible text)
    and its sanitized copy keeps its markup; pasted text has its format detected.
    """
    upload = request.files.get("file")
    max_chars = state().engine_or_503().max_chars
    if upload is None or not upload.filename:
        return text, None, "auto"
    suffix = "." + upload.filename.rsplit(".", 1)[-1].lower() if "." in upload.filename else ""
    kind = UPLOAD_KINDS.get(suffix)
    if kind is None:
        raise Problem(415, "unsupported-file", "upload a .txt, .md or .html file")
    try:
        text = decode_bytes(upload.read(), max_chars)
    except InputError as exc:
        raise Problem(422, "invalid-text", f"the uploaded file: {exc}") from None
    notice = "The HTML file was screened as HTML; its markup is kept." if kind == "html" else None
    return text, notice, kind


# -- the editor's decisions -----------------------------------------------------------------------
@dataclass
class FormDecisions:
    """Decisions as the form holds them (``entered``, echoed back even when incomplete), the
    ones that may be applied (``valid``), and what is wrong with the others (by anchor)."""

    entered: dict[str, Decision] = field(default_factory=dict)
    valid: dict[str, Decision] = field(default_factory=dict)
    problems: dict[str, str] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)


def read_decisions(form: Mapping[str, str]) -> FormDecisions:
    """``role_<anchor>``, ``action_<anchor>``, ``reason_<anchor>``, ``remember_<anchor>``."""
    out = FormDecisions()
    anchors = sorted({m.group(2) for k in form if (m := _DECISION_FIELD_RE.fullmatch(k))})
    for a in anchors:
        role = form.get(f"role_{a}", "")
        action = form.get(f"action_{a}", "")
        raw_reason = form.get(f"reason_{a}", "")
        if any(ord(c) < 32 and c not in "\t\n\r" for c in raw_reason):
            # Refused, never stored (not even screened): a NUL byte is not a reason.
            raise Problem(422, "invalid-note", "a reason contains control characters (a NUL byte?)")
        reason = " ".join(raw_reason.split())
        remember = form.get(f"remember_{a}", "") == "on"
        if (role and role not in ROLE_CHOICES) or (action and action not in ACTION_CHOICES):
            out.errors.append("A choice in the form is not valid; reload the page.")
            continue
        decision = Decision(
            a, ROLE_CHOICES.get(role), action or None, reason[:MAX_REASON_CHARS], remember
        )
        out.entered[a] = decision
        if decision.role is None and decision.action is None:
            if remember:
                out.problems[a] = REMEMBER_NEEDS_ROLE
            continue
        if not reason:
            out.problems[a] = "give a reason for this choice"
        elif len(reason) > MAX_REASON_CHARS:
            out.problems[a] = f"the reason is longer than {MAX_REASON_CHARS} characters"
        elif remember and decision.role not in REMEMBERED_ROLES:
            out.problems[a] = REMEMBER_NEEDS_ROLE
        else:
            out.valid[a] = decision
    return out


def anchor_of(name: str) -> str:
    """A person's key in the form: the start of the keyed fingerprint the audit log records."""
    return fingerprint(name, state().config.key("audit")).rsplit(":", 1)[-1][:16]


def _audit_details(
    text: str, stage: EditorStage, channel: str
) -> Callable[[ScreeningResult], dict[str, Any]]:
    """Audit details: each applied decision with actor, roles, action, fingerprints only."""

    def details(result: ScreeningResult) -> dict[str, Any]:
        key = state().config.key("audit")
        names = [a.name for a in stage.applied]
        out: list[dict[str, Any]] = []
        for a in stage.applied:
            d = a.decision
            entry: dict[str, Any] = {
                "identity": a.identity,
                "entity_type": a.found_as,
                "actor": g.actor,
                "fingerprint": fingerprint(a.name, key),
                "reason": screened_reason(d.reason, text, result.findings, names),
                "reason_fingerprint": fingerprint(d.reason, key),
            }
            if d.role:
                entry["corrected_to"] = d.role
            if d.action:
                entry["action"] = d.action
            if d.remember:
                entry["remember"] = True
            out.append(entry)
        return {"channel": channel, "corrections": out}

    return details


def _remember(text: str, stage: EditorStage) -> list[str]:
    """Newsroom-wide: "always public" joins the allow list, "always protect" the roster."""
    messages: list[str] = []
    key = state().config.key("audit")
    for a in stage.applied:
        d = a.decision
        if not d.remember:
            continue
        reason = screened_reason(d.reason, text, [], [a.name])
        common = {
            "identity": a.identity,
            "fingerprint": fingerprint(a.name, key),
            "reason": reason,
            "reason_fingerprint": fingerprint(d.reason, key),
            "channel": "web",
        }
        if d.role == PUBLIC_FIGURE:
            if _store_call(lambda s, n=a.name: s.add_allowed(n)):
                state().append_audit(_newsroom_record("allow-list-add", common))
            messages.append(f"{a.identity} is now always public in this newsroom (allow list).")
        elif d.role == AT_RISK_SOURCE:
            _store_call(lambda s, n=a.name: s.remove_allowed(n))
            ids = state().change_roster(lambda r, n=a.name: _add_to_roster(r, n))
            if ids:
                roster = state().engine_or_503().roster
                details = {**common, "entry_ids": ids, "entries": len(roster)}
                details["roster_digest"] = roster.digest
                state().append_audit(_newsroom_record("roster-add", details))
            messages.append(
                f"{a.identity} is now always protected: added to the newsroom's roster "
                "(as keyed digests only)."
            )
    return messages


def _add_to_roster(roster: Any, name: str) -> list[str]:
    """The new entry's id, or nothing if the person was on the roster already."""
    before = {e["id"] for e in roster.entries}
    try:
        ids = roster.add_entries([{"name": name}])
    except RosterError as exc:  # structural only ("entry 1: 'name' has no identifying word")
        raise Problem(400, "invalid-roster-entry", str(exc)) from None
    return [i for i in ids if i not in before]


def _newsroom_record(operation: str, details: dict[str, Any]) -> dict[str, Any]:
    return {
        "operation": operation,
        "actor": g.actor,
        "request_id": g.request_id,
        "details": details,
    }


def _store_call(call: Callable[[Any], Any]) -> Any:
    try:
        return call(state().store_or_503())
    except StoreError as exc:
        raise Problem(503, "store-unavailable", f"allow list not saved: {exc}") from None


def screened_reason(
    reason: str, text: str, findings: list[Finding], names: list[str] | None = None
) -> str:
    """The reason with every name replaced: the full screening, knowing the draft's people
    (``service.pipeline.freetext``). Fails the request (Problem) rather than store a reason
    that could not be screened."""
    found = {text[f.start : f.end] for f in findings if f.entity_type in PERSON_TYPES}
    found.update(names or [])
    return state().screen_note(reason, sorted(found))


# -- the result view ----------------------------------------------------------------------------
@dataclass
class View:
    marks: list[Mark]
    used_kinds: set[str]
    people: list[PersonRow]
    summary: str
    jigsaw: list[str]
    waiting: list[Decision]
    problems: list[str]  # sentences for the page's error box (the form's incomplete choices)
    always_public: set[str]
    corrected: list[PersonRow]  # the rows whose decision was applied


def build_view(text: str, result: ScreeningResult, stage: EditorStage, form: FormDecisions) -> View:
    marks = segment(text, result.findings)
    rows = people(result, stage.anchors, stage.applied, form.entered, form.problems)
    shown = {r.anchor for r in rows}
    problems = [
        f"{r.id} ({r.kind.label}): {r.problem}. Nothing was changed for {r.id}."
        for r in rows
        if r.problem
    ]
    allowed = {" ".join(n.casefold().split()) for n in state().allow_list or ()}
    return View(
        marks=marks,
        used_kinds=used_kinds(marks),
        people=rows,
        summary=summary_line(rows, result.findings),
        jigsaw=jigsaw_warnings(result.findings),
        waiting=[d for a, d in form.entered.items() if a not in shown and (d.role or d.action)],
        problems=problems,
        always_public={
            i for i, n in stage.names.items() if " ".join(n.casefold().split()) in allowed
        },
        corrected=[r for r in rows if r.anchor in form.valid and r.decision is not None],
    )


def data_url(text: str) -> str:
    return "data:text/plain;charset=utf-8;base64," + base64.b64encode(text.encode()).decode()
