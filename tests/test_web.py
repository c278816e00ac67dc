"""The editor web page through Flask's test client: sign-in, CSRF, screening, uploads,
overrides (applied and audited without plaintext), and that nothing leaves the app.
(The same flow in real Chromium against a real server: tests/test_e2e_editor.py.)
"""

from __future__ import annotations

import io
import json
import re
from pathlib import Path
from typing import Any

import pytest

from service.core.config import KEY_PURPOSES, Config
from service.http.app import create_app
from service.http.web import jigsaw_warnings, segment
from service.pipeline.anonymize import Secrets
from service.pipeline.engine import Engine
from service.pipeline.roster import Roster

KEYS = {p: f"web-{p}-key-0123456789abcdef".encode() for p in KEY_PURPOSES}
DRAFT = (
    'Citizen journalist Yara Mansour filmed the shelling in Douma. "The road is cut," Mansour '
    "said. Foreign Minister Karim Haddad denied it. A nurse at the only hospital in the eastern "
    "district, a mother of three, spoke on condition of anonymity."
)
CSRF_RE = re.compile(r'name="csrf_token" value="([^"]+)"')
SANITIZED_RE = re.compile(r'<pre id="sanitized"[^>]*>(.*?)</pre>', re.S)


@pytest.fixture
def site(tmp_path: Path, nlp_engine: Any) -> dict[str, Any]:
    config = Config(
        data_dir=tmp_path, database_url=f"sqlite:///{tmp_path}/web.sqlite3", keys=dict(KEYS)
    )
    engine = Engine.create(
        nlp=nlp_engine,
        roster=Roster.empty(KEYS["roster"]),
        secrets=Secrets(hash_key=KEYS["hash"], encryption_key=b"e" * 32),
        allow_list=[],
    )
    app = create_app(config, engine=engine)
    store = app.extensions["sourceguard"].store
    tokens = {
        role: store.create_token(f"{role}-web", role)[0] for role in ("editor", "auditor", "admin")
    }
    return {
        "app": app,
        "client": app.test_client(),
        "tokens": tokens,
        "store": store,
        "db": tmp_path / "web.sqlite3",
    }


def csrf(html: str) -> str:
    return CSRF_RE.search(html).group(1)  # type: ignore[union-attr]


def sign_in(site: dict[str, Any], role: str = "editor") -> str:
    client = site["client"]
    token = csrf(client.get("/login").get_data(as_text=True))
    response = client.post("/login", data={"token": site["tokens"][role], "csrf_token": token})
    assert response.status_code == 303 and response.headers["Location"].endswith("/")
    return csrf(client.get("/").get_data(as_text=True))  # rotated at sign-in


def screen(site: dict[str, Any], token: str, **fields: Any) -> Any:
    data = {"text": DRAFT, "policy": "publish", "csrf_token": token, **fields}
    return site["client"].post("/screen", data=data)


def test_page_needs_sign_in(site: dict[str, Any]) -> None:
    response = site["client"].get("/")
    assert response.status_code == 303 and response.headers["Location"].endswith("/login")
    response = site["client"].post("/screen", data={"text": DRAFT})
    assert response.status_code == 303


def test_bad_and_wrong_role_tokens(site: dict[str, Any]) -> None:
    client = site["client"]
    token = csrf(client.get("/login").get_data(as_text=True))
    bad = client.post("/login", data={"token": "sgt_tnope_x", "csrf_token": token})
    assert bad.status_code == 401 and "unknown or revoked" in bad.get_data(as_text=True)
    auditor = client.post("/login", data={"token": site["tokens"]["auditor"], "csrf_token": token})
    assert auditor.status_code == 403
    assert client.get("/").status_code == 303


def test_every_post_needs_the_csrf_token(site: dict[str, Any]) -> None:
    client = site["client"]
    assert client.post("/login", data={"token": site["tokens"]["editor"]}).status_code == 400
    sign_in(site)
    assert screen(site, "forged").status_code == 400
    assert client.post("/logout", data={}).status_code == 400


def test_result_view(site: dict[str, Any]) -> None:
    token = sign_in(site)
    response = screen(site, token)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    marks = re.findall(
        r'<mark class="finding kind-([a-z-]+)" data-kind="\1" data-identity="(\w+)"', html
    )
    assert ("citizen-journalist", "P1") in marks and ("public-figure", "P2") in marks
    assert sum(1 for m in marks if m == ("citizen-journalist", "P1")) == 2  # both mentions
    assert all(
        f'<li data-kind="{k}"' in html
        for k in (
            "protected-source",
            "citizen-journalist",
            "at-risk",
            "pseudonym",
            "public-figure",
            "person",
            "anonymous-source",
            "quasi-identifier",
            "contact",
        )
    )
    assert 'class="tag"' in html and "score 0." in html and "action: placeholder" in html
    sanitized = SANITIZED_RE.search(html).group(1)  # type: ignore[union-attr]
    assert "Mansour" not in sanitized and "[citizen journalist A]" in sanitized
    assert "Karim Haddad" in sanitized
    assert "Anonymous source S1 is described with" in html
    assert 'download="sanitized.txt"' in html and "data:text/plain;charset=utf-8;base64," in html
    headers = response.headers
    assert "default-src 'self'" in headers["Content-Security-Policy"]
    assert headers["Cache-Control"] == "no-store"


def test_override_requires_a_reason_and_is_audited(site: dict[str, Any]) -> None:
    token = sign_in(site)
    missing = screen(site, token, override_P2="redact", reason_P2="  ").get_data(as_text=True)
    assert "Give a reason for the override of P2." in missing
    assert "Karim Haddad" in SANITIZED_RE.search(missing).group(1)  # type: ignore[union-attr]

    done = screen(site, token, override_P2="redact", reason_P2="Haddad asked us by phone")
    html = done.get_data(as_text=True)
    sanitized = SANITIZED_RE.search(html).group(1)  # type: ignore[union-attr]
    assert "Haddad" not in sanitized and "[withheld name A]" in sanitized
    assert "P2: replace with a placeholder" in html

    kept = screen(site, token, override_P1="keep", reason_P1="consent recorded on 1 March")
    assert "Yara Mansour" in SANITIZED_RE.search(kept.get_data(as_text=True)).group(1)  # type: ignore[union-attr]

    records = site["store"].list_audit(after=0, limit=100)
    override = records[-2]["details"]["overrides"][0]
    editor_id = site["tokens"]["editor"].split("_")[1]
    assert override["identity"] == "P2" and override["action"] == "redact"
    assert override["actor"] == editor_id == records[-2]["actor"]
    assert override["fingerprint"].startswith("hmac-sha256:")
    assert "Haddad" not in override["reason"] and "asked us by phone" in override["reason"]
    dump = json.dumps(records)
    assert "Haddad" not in dump and "Mansour" not in dump


def test_bad_override_values_are_refused(site: dict[str, Any]) -> None:
    token = sign_in(site)
    html = screen(site, token, override_P2="publish-anyway", reason_P2="x").get_data(as_text=True)
    assert "not valid" in html
    assert "Karim Haddad" in SANITIZED_RE.search(html).group(1)  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("name", "content", "status", "expect"),
    [
        ("draft.txt", DRAFT.encode(), 200, "[citizen journalist A]"),
        ("draft.md", f"# Douma\n\n**{DRAFT}**\n".encode(), 200, "[citizen journalist A]"),
        (
            "draft.html",
            f"<html><body><p>{DRAFT}</p></body></html>".encode(),
            200,
            "screened as HTML",
        ),
        ("draft.pdf", b"%PDF-1.4", 415, "upload a .txt"),
        ("draft.txt", b"\x00\x01binary", 422, "binary"),
        ("draft.txt", b"caf\xe9", 422, "UTF-8"),
    ],
)
def test_uploads(site: dict[str, Any], name: str, content: bytes, status: int, expect: str) -> None:
    token = sign_in(site)
    response = site["client"].post(
        "/screen",
        data={
            "text": "",
            "policy": "publish",
            "csrf_token": token,
            "file": (io.BytesIO(content), name),
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == status
    assert expect in response.get_data(as_text=True)


def test_empty_draft_and_unknown_policy_show_an_error(site: dict[str, Any]) -> None:
    token = sign_in(site)
    empty = screen(site, token, text="   ")
    assert empty.status_code == 422 and 'class="error"' in empty.get_data(as_text=True)
    unknown = screen(site, token, policy="nope")
    assert unknown.status_code == 404 and "no policy" in unknown.get_data(as_text=True)


def test_revoked_token_ends_the_session(site: dict[str, Any]) -> None:
    sign_in(site)
    assert site["client"].get("/").status_code == 200
    site["store"].revoke_token("editor-web")
    assert site["client"].get("/").status_code == 303


def test_logout(site: dict[str, Any]) -> None:
    token = sign_in(site)
    response = site["client"].post("/logout", data={"csrf_token": token})
    assert response.status_code == 303 and site["client"].get("/").status_code == 303


def test_session_cookie_flags(site: dict[str, Any]) -> None:
    client = site["client"]
    token = csrf(client.get("/login").get_data(as_text=True))
    response = client.post("/login", data={"token": site["tokens"]["editor"], "csrf_token": token})
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie
    assert site["tokens"]["editor"] not in cookie


def test_draft_is_not_stored(site: dict[str, Any]) -> None:
    token = sign_in(site)
    screen(site, token)
    screen(site, token, override_P2="keep", reason_P2="Karim Haddad is on the record")
    raw = b"".join(p.read_bytes() for p in site["db"].parent.glob("web.sqlite3*"))
    for word in (b"Mansour", b"Haddad", b"Douma", b"nurse"):
        assert word not in raw


def test_pages_use_no_external_resources() -> None:
    root = Path(__file__).resolve().parents[1] / "service" / "http"
    for path in [*root.joinpath("templates").iterdir(), *root.joinpath("static").iterdir()]:
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"(src|href)=[\"']?(https?:)?//", text), path.name
        assert "@import" not in text and "url(http" not in text, path.name


def test_static_assets_are_served(site: dict[str, Any]) -> None:
    for asset in ("app.css", "app.js"):
        response = site["client"].get(f"/static/{asset}")
        assert response.status_code == 200 and response.data


def test_segment_prefers_the_specific_finding() -> None:
    from service.core.findings import Finding

    text = "a nurse from Douma spoke"
    source = Finding(0, 24, "ANONYMOUS_SOURCE", 0.6, "r", identity="S1")
    place = Finding(13, 18, "QUASI_IDENTIFIER", 0.6, "r", identity="S1", kind="place")
    marks = segment(text, [source, place])
    assert "".join(m.text for m in marks) == text
    assert [m.kind.key for m in marks if m.kind] == [
        "anonymous-source",
        "quasi-identifier",
        "anonymous-source",
    ]
    assert jigsaw_warnings([source, place])[0].startswith(
        "Anonymous source S1 is described with place/district"
    )
