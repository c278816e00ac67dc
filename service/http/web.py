"""The editor web page: sign in with a token, paste or upload a draft, see who is at risk.

Server-rendered HTML forms (they work with the keyboard alone and without JavaScript); a small
script adds linked highlighting, copy and the view toggle. Nothing is stored server-side: the
session cookie holds the token id, role and CSRF token, the draft travels with each form post,
and the audit log keeps digests and fingerprints only. Every POST checks the CSRF token.
"""

from __future__ import annotations

import base64
import hmac
import itertools
import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from flask import (
    Blueprint,
    Response,
    current_app,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)

from policies.loader import DEFAULT_POLICY, Rule, list_policies
from recognizers.entities import (
    ANONYMOUS_SOURCE,
    AT_RISK_SOURCE,
    CITIZEN_JOURNALIST,
    EMAIL_ADDRESS,
    PERSON,
    PERSON_TYPES,
    PHONE_NUMBER,
    PROTECTED_SOURCE,
    PSEUDONYM,
    PUBLIC_FIGURE,
    QUASI_IDENTIFIER,
    SOCIAL_HANDLE,
)
from service.audit.records import fingerprint
from service.core.config import policy_dirs
from service.core.errors import InputError
from service.core.findings import Finding, ScreeningResult
from service.drafts.validation import decode_bytes
from service.http.problems import Problem
from service.http.state import ServiceState

bp = Blueprint(
    "web", __name__, template_folder="templates", static_folder="static", static_url_path="/static"
)

WEB_ROLES = ("editor", "admin")
MAX_REASON_CHARS = 500
OVERRIDE_CHOICES = {"keep": "keep the name", "redact": "replace with a placeholder"}
UPLOAD_KINDS = {
    ".txt": "plain",
    ".md": "markdown",
    ".markdown": "markdown",
    ".html": "html",
    ".htm": "html",
}
_IDENTITY_RE = re.compile(r"[PS][0-9]{1,5}")


@dataclass(frozen=True)
class Kind:
    key: str  # data-kind value and CSS class
    label: str
    tag: str  # short visible label: colour is never the only signal
    description: str


KINDS: tuple[Kind, ...] = (
    Kind("protected-source", "roster", "ROSTER", "on the newsroom's protected-source roster"),
    Kind("citizen-journalist", "citizen journalist", "CJ", "citizen journalist or media activist"),
    Kind("at-risk", "at-risk source", "AT RISK", "resident, activist, medic, witness..."),
    Kind("pseudonym", "pseudonym", "PSEUDONYM", "a name the draft declares protective"),
    Kind("public-figure", "public figure", "PUBLIC", "on the record; kept by the policy"),
    Kind("person", "unclassified person", "PERSON?", "a person whose role is unclear"),
    Kind("anonymous-source", "anonymous source", "ANON", "an unnamed source"),
    Kind("quasi-identifier", "quasi-identifier", "DETAIL", "a detail that narrows who it is"),
    Kind("contact", "contact detail", "CONTACT", "phone, e-mail or social handle"),
)
KIND_BY_KEY = {k.key: k for k in KINDS}
KIND_OF_TYPE = {
    PROTECTED_SOURCE: "protected-source",
    CITIZEN_JOURNALIST: "citizen-journalist",
    AT_RISK_SOURCE: "at-risk",
    PSEUDONYM: "pseudonym",
    PUBLIC_FIGURE: "public-figure",
    PERSON: "person",
    ANONYMOUS_SOURCE: "anonymous-source",
    QUASI_IDENTIFIER: "quasi-identifier",
    PHONE_NUMBER: "contact",
    EMAIL_ADDRESS: "contact",
    SOCIAL_HANDLE: "contact",
}
DISPLAY_PRIORITY = {"quasi-identifier": 1, "anonymous-source": 0}
"""In overlapping spans the more specific finding is shown (persons and contacts rank 2)."""
DETAIL_WORDS = {
    "place": "place/district",
    "job": "job",
    "age": "age",
    "family": "family",
    "unit": "unit",
    "time": "date/time",
}


def state() -> ServiceState:
    return current_app.extensions["sourceguard"]


# -- session and CSRF -----------------------------------------------------------------------------
def csrf_token() -> str:
    token = session.get("csrf")
    if not token:
        token = session["csrf"] = secrets.token_urlsafe(32)
    return token


def check_csrf() -> None:
    sent = request.form.get("csrf_token", "")
    expected = session.get("csrf", "")
    if not expected or not hmac.compare_digest(sent.encode(), expected.encode()):
        raise Problem(
            400,
            "csrf",
            "the form's CSRF token is missing or does not match the "
            "session; reload the page and try again",
        )


def current_editor() -> dict[str, Any] | None:
    """The signed-in token (still active and with an editor role), else None."""
    actor = session.get("actor")
    if not actor:
        return None
    tokens = {t["id"]: t for t in state().store_or_503().list_tokens()}
    token = tokens.get(actor)
    if token is None or token.get("revoked") or token["role"] not in WEB_ROLES:
        session.clear()
        return None
    g.actor = actor
    return token


@bp.app_context_processor
def inject() -> dict[str, Any]:
    return {"csrf_token": csrf_token, "kinds": KINDS}


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
    return render_template("login.html", error=None)


@bp.post("/login")
def login() -> Any:
    check_csrf()
    record = state().store_or_503().authenticate(request.form.get("token", "").strip())
    if record is None:
        return render_template("login.html", error="That token is unknown or revoked."), 401
    if record["role"] not in WEB_ROLES:
        return render_template("login.html", error="This page needs an editor token."), 403
    session.clear()
    session.permanent = True  # lifetime: PERMANENT_SESSION_LIFETIME, set by create_app
    session["actor"], session["role"] = record["id"], record["role"]
    csrf_token()
    return redirect(url_for("web.index"), code=303)


@bp.post("/logout")
def logout() -> Any:
    check_csrf()
    session.clear()
    return redirect(url_for("web.login_form"), code=303)


# -- the page -----------------------------------------------------------------------------------
@bp.get("/")
def index() -> Any:
    if current_editor() is None:
        return redirect(url_for("web.login_form"), code=303)
    return render_template("index.html", **_form_context("", DEFAULT_POLICY), result=None)


def _form_context(text: str, policy: str) -> dict[str, Any]:
    return {"text": text, "policy": policy, "policies": list_policies(policy_dirs())}


@bp.post("/screen")
def screen() -> Any:
    if current_editor() is None:
        return redirect(url_for("web.login_form"), code=303)
    check_csrf()
    policy = request.form.get("policy") or DEFAULT_POLICY
    text, notice, fmt = _draft_from_form()
    requested, errors = _requested_overrides()
    rules = {identity: _override_rule(action) for identity, (action, _) in requested.items()}
    if errors:
        rules = {}
    try:
        result, record = state().screen(
            text,
            policy,
            apply=True,
            actor=g.actor,
            request_id=g.request_id,
            overrides=rules,
            details=_override_details(text, requested if not errors else {}),
            fmt=fmt,
        )
    except Problem as problem:
        if problem.status in (404, 422):
            return render_template(
                "index.html", **_form_context(text, policy), result=None, errors=[problem.detail]
            ), problem.status
        raise
    view = build_view(text, result, requested if not errors else {})
    return render_template(
        "result.html",
        **_form_context(text, policy),
        result=result,
        view=view,
        audit_id=record["id"],
        errors=errors,
        notice=notice,
        download_href=data_url(result.sanitized_text),
    )


def _draft_from_form() -> tuple[str, str | None, str]:
    """The pasted text or the uploaded file, with its format; 422 if unusable.

    An uploaded HTML or Markdown file is screened as such (the engine reads its visible text)
    and its sanitized copy keeps its markup; pasted text has its format detected.
    """
    upload = request.files.get("file")
    max_chars = state().engine_or_503().max_chars
    if upload is not None and upload.filename:
        suffix = "." + upload.filename.rsplit(".", 1)[-1].lower() if "." in upload.filename else ""
        kind = UPLOAD_KINDS.get(suffix)
        if kind is None:
            raise Problem(415, "unsupported-file", "upload a .txt, .md or .html file")
        try:
            text = decode_bytes(upload.read(), max_chars)
        except InputError as exc:
            raise Problem(422, "invalid-text", f"the uploaded file: {exc}") from None
        notice = (
            "The HTML file was screened as HTML; its markup is kept." if kind == "html" else None
        )
        return text, notice, kind
    return request.form.get("text", ""), None, "auto"


def _requested_overrides() -> tuple[dict[str, tuple[str, str]], list[str]]:
    """identity → (action, reason) from the form; every override needs a reason."""
    requested: dict[str, tuple[str, str]] = {}
    errors: list[str] = []
    for key, value in request.form.items():
        if not key.startswith("override_") or not value:
            continue
        identity = key.removeprefix("override_")
        if not _IDENTITY_RE.fullmatch(identity) or value not in OVERRIDE_CHOICES:
            errors.append("An override in the form is not valid; reload the page.")
            continue
        reason = request.form.get(f"reason_{identity}", "").strip()
        if not reason:
            errors.append(f"Give a reason for the override of {identity}.")
        elif len(reason) > MAX_REASON_CHARS:
            errors.append(
                f"The reason for {identity} is longer than {MAX_REASON_CHARS} characters."
            )
        else:
            requested[identity] = (value, reason)
    return requested, errors


def _override_rule(action: str) -> Rule:
    return Rule("keep") if action == "keep" else Rule("placeholder", label="withheld name")


def _override_details(
    text: str, requested: dict[str, tuple[str, str]]
) -> Callable[[ScreeningResult], dict[str, Any]]:
    """Audit details: each override with actor (the record's), action and fingerprints only."""

    def details(result: ScreeningResult) -> dict[str, Any]:
        out: list[dict[str, Any]] = []
        key = state().config.key("audit")
        for identity, (action, reason) in sorted(requested.items()):
            mentions = [f for f in result.findings if f.identity == identity]
            if not mentions:
                continue
            out.append(
                {
                    "identity": identity,
                    "entity_type": mentions[0].entity_type,
                    "action": action,
                    "actor": g.actor,
                    "fingerprint": fingerprint(text[mentions[0].start : mentions[0].end], key),
                    "reason": screened_reason(reason, text, result.findings),
                    "reason_fingerprint": fingerprint(reason, key),
                }
            )
        return {"channel": "web", "overrides": out}

    return details


def screened_reason(reason: str, text: str, findings: list[Finding]) -> str:
    """The reason with every name from the draft (and any the engine finds in it) replaced."""
    names = sorted(
        {text[f.start : f.end] for f in findings if f.entity_type in PERSON_TYPES}
        | {
            part
            for f in findings
            if f.entity_type in PERSON_TYPES
            for part in text[f.start : f.end].split()
            if len(part) > 2
        },
        key=len,
        reverse=True,
    )
    for name in names:
        reason = re.sub(re.escape(name), "[name]", reason, flags=re.IGNORECASE)
    engine = state().engine_or_503()
    with state().lock:
        try:
            return engine.sanitize(reason, "strict").sanitized_text
        except (InputError, Problem):
            return reason


# -- the result view ----------------------------------------------------------------------------
@dataclass
class Mark:
    text: str
    finding: Finding | None = None
    kind: Kind | None = None
    first: bool = False  # the first piece of its finding carries the visible tag
    index: int = 0


@dataclass
class IdentityRow:
    id: str
    kind: Kind
    mentions: int
    action: str
    replacement: str | None
    override: str = ""
    reason: str = ""


@dataclass
class View:
    marks: list[Mark] = field(default_factory=list)
    identities: list[IdentityRow] = field(default_factory=list)
    jigsaw: list[str] = field(default_factory=list)
    overrides: list[str] = field(default_factory=list)
    used_kinds: set[str] = field(default_factory=set)


def kind_of(finding: Finding) -> Kind:
    return KIND_BY_KEY[KIND_OF_TYPE.get(finding.entity_type, "person")]


def build_view(text: str, result: ScreeningResult, requested: dict[str, tuple[str, str]]) -> View:
    view = View()
    view.marks = segment(text, result.findings)
    view.used_kinds = {m.kind.key for m in view.marks if m.kind}
    seen: dict[str, IdentityRow] = {}
    for f in result.findings:
        if f.identity and f.entity_type in PERSON_TYPES:
            row = seen.get(f.identity)
            if row is None:
                action, reason = requested.get(f.identity, ("", ""))
                row = seen[f.identity] = IdentityRow(
                    f.identity, kind_of(f), 0, f.action, f.replacement, action, reason
                )
            row.mentions += 1
    view.identities = list(seen.values())
    view.jigsaw = jigsaw_warnings(result.findings)
    view.overrides = [
        f"{identity}: {OVERRIDE_CHOICES[action]} (reason recorded in audit record)"
        for identity, (action, _) in sorted(requested.items())
        if identity in seen
    ]
    return view


def segment(text: str, findings: list[Finding]) -> list[Mark]:
    """Split the draft into plain and highlighted pieces; overlaps show the most specific.

    A sweep over the span boundaries keeps the findings open at each piece, so a long draft
    with many findings costs O(pieces × overlapping findings), not O(pieces × findings).
    """
    bounds = sorted({0, len(text), *(f.start for f in findings), *(f.end for f in findings)})
    starting: dict[int, list[int]] = {}
    for i, f in enumerate(findings):
        starting.setdefault(f.start, []).append(i)
    marks: list[Mark] = []
    shown: set[int] = set()
    active: set[int] = set()
    for a, b in itertools.pairwise(bounds):
        active = {i for i in (*active, *starting.get(a, ())) if findings[i].end > a}
        covering = [(i, findings[i]) for i in sorted(active)]
        if not covering:
            marks.append(Mark(text[a:b]))
            continue
        i, f = max(
            covering,
            key=lambda c: (
                DISPLAY_PRIORITY.get(KIND_OF_TYPE.get(c[1].entity_type, ""), 2),
                c[1].start - c[1].end,
            ),
        )
        previous = marks[-1] if marks else None
        if previous and previous.finding is f:
            previous.text += text[a:b]
            continue
        marks.append(Mark(text[a:b], f, kind_of(f), first=i not in shown, index=i))
        shown.add(i)
    return marks


def jigsaw_warnings(findings: list[Finding]) -> list[str]:
    """One plain sentence per anonymous source that carries re-identifying details."""
    details: dict[str, list[str]] = {}
    for f in findings:
        if f.entity_type == QUASI_IDENTIFIER and f.identity:
            word = DETAIL_WORDS.get(f.kind or "", f.kind or "detail")
            if word not in details.setdefault(f.identity, []):
                details[f.identity].append(word)
    out = []
    for f in findings:
        if f.entity_type != ANONYMOUS_SOURCE or not f.identity:
            continue
        kinds = details.get(f.identity, [])
        if not kinds:
            continue
        out.append(
            f"Anonymous source {f.identity} is described with {' + '.join(kinds)} "
            f"(jigsaw risk {f.risk or 'unknown'}). Together these details may identify them; "
            "consider generalizing some."
        )
    return list(dict.fromkeys(out))


def data_url(text: str) -> str:
    return "data:text/plain;charset=utf-8;base64," + base64.b64encode(text.encode()).decode()
