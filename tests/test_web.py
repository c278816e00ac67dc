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
from service.core.findings import Finding
from service.http.app import create_app
from service.http.editor_view import jigsaw_warnings, segment
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
    assert response.status_code == 401 and 'id="login-form"' in response.get_data(as_text=True)
    assert "[citizen journalist" not in response.get_data(as_text=True)  # nothing screened


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
    assert "1 person at risk, 1 public figure kept" in html  # the summary line
    assert 'download="sanitized.txt"' in html and "data:text/plain;charset=utf-8;base64," in html
    headers = response.headers
    assert "default-src 'self'" in headers["Content-Security-Policy"]
    assert headers["Cache-Control"] == "no-store"


def anchors(html: str) -> dict[str, str]:
    """identity → the anchor its form fields are named by."""
    return dict(re.findall(r'data-identity="(P\d+)" data-anchor="([0-9a-f]{16})"', html))


def sanitized_of(response: Any) -> str:
    return SANITIZED_RE.search(response.get_data(as_text=True)).group(1)  # type: ignore[union-attr]


def test_override_requires_a_reason_and_is_audited(site: dict[str, Any]) -> None:
    token = sign_in(site)
    a = anchors(screen(site, token).get_data(as_text=True))
    missing = screen(site, token, **{f"action_{a['P2']}": "redact", f"reason_{a['P2']}": "  "})
    html = missing.get_data(as_text=True)
    assert "P2 (public figure): give a reason for this choice" in html
    assert "Karim Haddad" in sanitized_of(missing)
    assert f'name="action_{a["P2"]}"' in html and 'value="redact" selected' in html  # kept

    done = screen(
        site, token, **{f"action_{a['P2']}": "redact", f"reason_{a['P2']}": "Haddad asked us"}
    )
    html = done.get_data(as_text=True)
    assert "Haddad" not in sanitized_of(done) and "[withheld name A]" in sanitized_of(done)
    assert "P2: replace with a placeholder" in html

    kept = screen(site, token, **{f"action_{a['P1']}": "keep", f"reason_{a['P1']}": "consent"})
    assert "Yara Mansour" in sanitized_of(kept)

    records = site["store"].list_audit(after=0, limit=100)
    entry = records[-2]["details"]["corrections"][0]
    editor_id = site["tokens"]["editor"].split("_")[1]
    assert entry["identity"] == "P2" and entry["action"] == "redact"
    assert entry["entity_type"] == "PUBLIC_FIGURE" and "corrected_to" not in entry
    assert entry["actor"] == editor_id == records[-2]["actor"]
    assert entry["fingerprint"].startswith("hmac-sha256:" + a["P2"])
    assert "Haddad" not in entry["reason"] and "asked us" in entry["reason"]
    assert not records[-4]["details"]["corrections"]  # the refused one was not applied
    dump = json.dumps(records)
    assert "Haddad" not in dump and "Mansour" not in dump


def test_replacing_someone_already_replaced_keeps_the_role_word(site: dict[str, Any]) -> None:
    token = sign_in(site)
    a = anchors(screen(site, token).get_data(as_text=True))
    done = screen(site, token, **{f"action_{a['P1']}": "redact", f"reason_{a['P1']}": "sure"})
    assert sanitized_of(done).count("[citizen journalist A]") == 2
    assert "withheld" not in sanitized_of(done)


@pytest.mark.parametrize(
    ("identity", "role", "expect_in", "expect_out", "shown"),
    [
        # a public official who in fact fled: at risk, replaced with the at-risk role word
        ("P2", "at-risk", "[source A]", "Haddad", "at-risk source"),
        # a wrongly flagged citizen journalist who is a public official
        ("P1", "public", "Yara Mansour", "[citizen journalist", "public figure"),
        # the name is the source's declared pseudonym: the policy keeps pseudonyms
        ("P1", "pseudonym", "Yara Mansour", "[citizen journalist", "pseudonym"),
        # a false hit: not a person at all, nothing is replaced, and the row stays to undo it
        ("P1", "not-person", "Yara Mansour", "[citizen journalist", "not a person"),
    ],
)
def test_role_corrections_apply_to_every_mention(
    site: dict[str, Any], identity: str, role: str, expect_in: str, expect_out: str, shown: str
) -> None:
    token = sign_in(site)
    a = anchors(screen(site, token).get_data(as_text=True))
    fields = {f"role_{a[identity]}": role, f"reason_{a[identity]}": "checked with the desk"}
    response = screen(site, token, **fields)
    text = sanitized_of(response)
    assert expect_in in text and expect_out not in text
    html = response.get_data(as_text=True)
    row = re.search(rf'<li class="person" data-identity="{identity}".*?</li>', html, re.S)
    assert row and shown in row.group(0) and "corrected" in row.group(0)
    if role != "not-person":  # every mention carries the corrected kind
        kinds = re.findall(rf'data-kind="([a-z-]+)" data-identity="{identity}"', html)
        assert kinds and len(set(kinds)) == 1
    entry = site["store"].list_audit(after=0, limit=100)[-1]["details"]["corrections"][0]
    assert entry["identity"] == identity and entry["corrected_to"]
    assert "Mansour" not in json.dumps(entry) and "Haddad" not in json.dumps(entry)


def test_a_correction_follows_the_person_when_ids_change(site: dict[str, Any]) -> None:
    """Decisions are keyed by the name's anchor: a new person before P2 renumbers it."""
    token = sign_in(site)
    a = anchors(screen(site, token).get_data(as_text=True))
    fields = {f"role_{a['P2']}": "at-risk", f"reason_{a['P2']}": "fled"}
    edited = "Activist Lina Farouk spoke first. " + DRAFT
    response = screen(site, token, text=edited, **fields)
    now = anchors(response.get_data(as_text=True))
    assert now["P3"] == a["P2"]
    assert "Haddad" not in sanitized_of(response)
    # The name gone (half-typed): the correction waits in the form and comes back with it.
    gone = screen(site, token, text=DRAFT.replace("Karim Haddad", "Karim Hadd"), **fields)
    html = gone.get_data(as_text=True)
    assert 'id="waiting"' in html and f'name="role_{a["P2"]}" value="at-risk"' in html
    back = screen(site, token, **fields)
    assert "Haddad" not in sanitized_of(back)


def test_bad_override_values_are_refused(site: dict[str, Any]) -> None:
    token = sign_in(site)
    a = anchors(screen(site, token).get_data(as_text=True))
    html = screen(
        site, token, **{f"action_{a['P2']}": "publish-anyway", f"reason_{a['P2']}": "x"}
    ).get_data(as_text=True)
    assert "not valid" in html
    assert "Karim Haddad" in SANITIZED_RE.search(html).group(1)  # type: ignore[union-attr]
    html = screen(
        site, token, **{f"role_{a['P2']}": "president", f"reason_{a['P2']}": "x"}
    ).get_data(as_text=True)
    assert "not valid" in html


def test_remember_always_public_and_always_protect(site: dict[str, Any]) -> None:
    token = sign_in(site)
    plain = "On Monday, Samir Nakash met Leila Toumi in the market."
    a = anchors(screen(site, token, text=plain).get_data(as_text=True))
    # Nothing classifies either in this sentence: both are unclassified and replaced.
    assert "Samir Nakash" not in sanitized_of(screen(site, token, text=plain))
    refused = screen(
        site, token, text=plain, **{f"remember_{a['P1']}": "on", f"reason_{a['P1']}": "x"}
    )
    assert "remembering works with a corrected role" in refused.get_data(as_text=True)
    fields = {
        f"role_{a['P1']}": "public",
        f"reason_{a['P1']}": "minister",
        f"remember_{a['P1']}": "on",
        f"role_{a['P2']}": "at-risk",
        f"reason_{a['P2']}": "threatened",
        f"remember_{a['P2']}": "on",
    }
    html = screen(site, token, text=plain, **fields).get_data(as_text=True)
    assert "P1 is now always public" in html and "P2 is now always protected" in html
    assert site["store"].list_allowed() == ["Samir Nakash"]
    # A new draft without any correction: the newsroom remembers.
    later = screen(site, token, text=plain)
    text = sanitized_of(later)
    assert "Samir Nakash" in text and "Toumi" not in text and "[protected source A]" in text
    assert "always public in this newsroom" in later.get_data(as_text=True)
    records = site["store"].list_audit(after=0, limit=100)
    operations = [r["operation"] for r in records]
    assert "allow-list-add" in operations and "roster-add" in operations
    assert "Toumi" not in json.dumps(records) and "Nakash" not in json.dumps(records)
    # The allow list holds the public name as written; the protected one only as digests.
    raw = b"".join(p.read_bytes() for p in site["db"].parent.glob("web.sqlite3*"))
    assert b"Toumi" not in raw


def test_live_screening_answers_json(site: dict[str, Any]) -> None:
    token = sign_in(site)
    client = site["client"]
    response = client.post("/screen/live", data={"text": DRAFT, "csrf_token": token})
    body = response.get_json()
    assert response.status_code == 200 and body["state"] == "up-to-date"
    assert 'id="draft-view"' in body["html"]["draft-result"]
    assert 'id="summary"' in body["html"]["findings-pane"]
    assert site["store"].list_audit(after=0, limit=10)[-1]["details"]["channel"] == "web-live"
    empty = client.post("/screen/live", data={"text": " ", "csrf_token": token})
    assert empty.status_code == 422 and empty.get_json()["state"] == "failed"
    assert "empty" in empty.get_json()["message"] and "html" not in empty.get_json()
    forged = client.post("/screen/live", data={"text": DRAFT, "csrf_token": "x"})
    assert forged.status_code == 400 and "Mansour" not in forged.get_data(as_text=True)
    client.post("/logout", data={"csrf_token": token})
    ended = client.post("/screen/live", data={"text": DRAFT, "csrf_token": token})
    assert ended.status_code == 401 and "sign-in has ended" in ended.get_json()["message"]


def test_the_draft_survives_every_error(site: dict[str, Any]) -> None:
    token = sign_in(site)
    textarea = re.compile(r'<textarea id="draft"[^>]*>(.*?)</textarea>', re.S)

    def kept(response: Any) -> str:
        return textarea.search(response.get_data(as_text=True)).group(1)  # type: ignore[union-attr]

    forged = screen(site, "stale-token")
    assert forged.status_code == 400 and "Mansour" in kept(forged)
    assert "security token has expired" in forged.get_data(as_text=True)
    unknown = screen(site, token, policy="nope")
    assert unknown.status_code == 404 and "Mansour" in kept(unknown)
    bad_file = site["client"].post(
        "/screen",
        data={"text": DRAFT, "csrf_token": token, "file": (io.BytesIO(b"%PDF"), "d.pdf")},
        content_type="multipart/form-data",
    )
    assert bad_file.status_code == 415 and "Mansour" in kept(bad_file)
    # The session ends mid-draft: the sign-in page carries the draft back.
    site["client"].post("/logout", data={"csrf_token": token})
    ended = screen(site, token)
    html = ended.get_data(as_text=True)
    assert ended.status_code == 401 and 'id="draft-kept"' in html
    login_csrf = csrf(html)
    back = site["client"].post(
        "/login",
        data={
            "token": site["tokens"]["editor"],
            "csrf_token": login_csrf,
            "text": DRAFT,
            "policy": "publish",
        },
    )
    assert back.status_code == 200 and "Mansour" in kept(back)


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
        ("draft.pdf", b"%PDF-1.4", 415, "Only .txt, .md and .html files"),
        ("draft.txt", b"\x00\x01binary", 422, "not text"),
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
    assert "text is empty" not in empty.get_data(as_text=True)  # a person's words, not a code's
    assert "The draft is empty" in empty.get_data(as_text=True)


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
    a = anchors(screen(site, token).get_data(as_text=True))
    screen(site, token, **{f"action_{a['P2']}": "keep", f"reason_{a['P2']}": "Haddad is public"})
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


def test_segment_nests_details_inside_their_source() -> None:
    """One mark (one tag) for the whole anonymous source, its details marked inside it."""
    text = "a nurse from Douma spoke"
    source = Finding(0, 24, "ANONYMOUS_SOURCE", 0.6, "r", identity="S1")
    place = Finding(13, 18, "QUASI_IDENTIFIER", 0.6, "r", identity="S1", kind="place")
    job = Finding(2, 7, "QUASI_IDENTIFIER", 0.6, "r", identity="S1", kind="job")
    marks = segment(text, [source, place, job])
    assert len(marks) == 1 and marks[0].kind.key == "anonymous-source"  # type: ignore[union-attr]
    inner = [m for m in marks[0].children if m.finding]
    assert [m.kind.key for m in inner] == ["quasi-identifier", "quasi-identifier"]  # type: ignore[union-attr]
    assert flatten(marks) == text
    assert jigsaw_warnings([source, place, job])[0].startswith(
        "Anonymous source S1 is described with place/district + job"
    )


def flatten(marks: list[Any]) -> str:
    return "".join(m.text if m.finding is None else flatten(m.children) for m in marks)


@pytest.mark.parametrize(
    "spans",
    [
        [(0, 10), (5, 15)],  # crossing: the second is split at the first's end
        [(0, 10), (0, 10)],  # identical extents are shown once
        [(0, 20), (2, 8), (5, 15), (16, 19)],
        [(3, 4), (0, 20), (0, 2), (19, 20)],
        [],
    ],
)
def test_segment_keeps_the_text_exact(spans: list[tuple[int, int]]) -> None:
    text = "abcdefghijklmnopqrstuvwxyz"[:20]
    findings = [Finding(s, e, "QUASI_IDENTIFIER", 0.5, "r") for s, e in spans]
    marks = segment(text, findings)
    assert flatten(marks) == text

    def check(nodes: list[Any], lo: int, hi: int) -> None:
        last = lo
        for m in nodes:
            assert lo <= m.start >= last and m.end <= hi and m.start < m.end
            last = m.end
            check(m.children, m.start, m.end)

    check(marks, 0, len(text))


def test_segment_is_linear_enough_on_many_findings() -> None:
    text = "word " * 20000
    findings = [Finding(i * 5, i * 5 + 4, "PERSON", 0.8, "r", identity="P1") for i in range(20000)]
    findings.append(Finding(0, len(text) - 1, "ANONYMOUS_SOURCE", 0.6, "r", identity="S1"))
    marks = segment(text, findings)
    assert flatten(marks) == text and len(marks[0].children) == 40000 - 1


def test_summary_line() -> None:
    from service.http.editor_view import KIND_BY_KEY, PersonRow, summary_line

    def row(i: int, kind: str, action: str) -> PersonRow:
        return PersonRow(f"P{i}", "0" * 16, KIND_BY_KEY[kind], 1, action, None)

    rows = [
        row(1, "citizen-journalist", "placeholder"),
        row(2, "at-risk", "placeholder"),
        row(3, "protected-source", "placeholder"),
        row(4, "pseudonym", "keep"),
        row(5, "public-figure", "keep"),
        row(6, "public-figure", "keep"),
    ]
    source = Finding(0, 5, "ANONYMOUS_SOURCE", 0.6, "r", identity="S1", risk="high")
    assert summary_line(rows, [source]) == (
        "3 people at risk, 1 pseudonym kept, 2 public figures kept, "
        "1 anonymous source with high jigsaw risk."
    )
    rows[0].action = "keep"
    assert summary_line(rows[:1], []) == "1 person at risk (1 kept as written)."
    assert summary_line([], []) == "No person, anonymous source or contact detail found."


def test_a_failed_newsroom_memory_keeps_the_result(
    site: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    from service.audit.store import StoreError

    token = sign_in(site)
    a = anchors(screen(site, token).get_data(as_text=True))

    def broken(name: str) -> bool:
        raise StoreError("saving the allow list failed: disk full")

    monkeypatch.setattr(site["store"], "add_allowed", broken)
    fields = {
        f"role_{a['P1']}": "public",
        f"reason_{a['P1']}": "on the record",
        f"remember_{a['P1']}": "on",
    }
    response = screen(site, token, **fields)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "remembering them for the newsroom failed" in html
    assert "Yara Mansour" in sanitized_of(response)  # this draft's correction stands
    assert "disk full" not in html


# -- issue 11: sessions end, Secure cookies --------------------------------------------------
def _cookie(client: Any) -> str:
    cookie = client.get_cookie("sourceguard_session")
    assert cookie is not None
    return cookie.value


def test_logout_ends_the_session_for_a_copied_cookie(site: dict[str, Any]) -> None:
    """After logout the old cookie and the old CSRF token must both stop working."""
    token = sign_in(site)
    stolen = _cookie(site["client"])
    assert site["client"].post("/logout", data={"csrf_token": token}).status_code == 303
    thief = site["app"].test_client()
    thief.set_cookie("sourceguard_session", stolen)
    assert thief.get("/").status_code == 303
    response = screen({**site, "client": thief}, token)
    assert response.status_code in (303, 400, 401)  # signed out: the draft is not screened
    assert 'id="sanitized"' not in response.get_data(as_text=True)


def test_revoking_the_token_ends_a_copied_cookie(site: dict[str, Any]) -> None:
    sign_in(site)
    stolen = _cookie(site["client"])
    site["store"].revoke_token("editor-web")
    thief = site["app"].test_client()
    thief.set_cookie("sourceguard_session", stolen)
    assert thief.get("/").status_code == 303


def test_expired_session_ends(site: dict[str, Any]) -> None:
    import sqlite3

    sign_in(site)
    with sqlite3.connect(site["db"]) as conn:
        conn.execute("UPDATE sg_sessions SET expires = '2000-01-01T00:00:00.000000Z'")
    assert site["client"].get("/").status_code == 303


def test_session_cookie_holds_no_token_id(site: dict[str, Any]) -> None:
    import base64
    import zlib

    sign_in(site)
    payload = _cookie(site["client"]).split(".")
    data = payload[1] if payload[0] == "" else payload[0]
    raw = base64.urlsafe_b64decode(data + "=" * (-len(data) % 4))
    text = (zlib.decompress(raw) if payload[0] == "" else raw).decode()
    editor_id = site["tokens"]["editor"].split("_")[1]
    assert editor_id not in text and "csrf" not in text and "sid" in text


def test_sign_out_button_follows_the_server_side_session(site: dict[str, Any]) -> None:
    token = sign_in(site)
    assert 'id="logout-button"' in site["client"].get("/").get_data(as_text=True)
    site["client"].post("/logout", data={"csrf_token": token})
    assert 'id="logout-button"' not in site["client"].get("/login").get_data(as_text=True)


@pytest.mark.parametrize(
    ("mode", "base_url", "secure"),
    [
        ("auto", "http://localhost", False),
        ("auto", "http://127.0.0.1:8080", False),
        ("auto", "http://[::1]:8080", False),
        ("auto", "http://newsroom.example", True),
        ("auto", "http://10.0.0.5:8080", True),
        ("auto", "https://localhost", True),
        ("false", "http://newsroom.example", False),
        ("true", "http://localhost", True),
    ],
)
def test_secure_cookie_unless_plain_localhost(
    tmp_path: Path, mode: str, base_url: str, secure: bool
) -> None:
    config = Config(
        data_dir=tmp_path,
        database_url=f"sqlite:///{tmp_path}/web.sqlite3",
        keys=dict(KEYS),
        cookie_secure=mode,
    )
    app = create_app(config, engine=object())
    response = app.test_client().get("/login", base_url=base_url)
    cookie = response.headers["Set-Cookie"]
    assert ("; Secure" in cookie) is secure, cookie


# -- issue 11: every stored reason is screened, knowing the draft's people ---------------------
NAMED_DRAFT = (
    "Citizen journalist Tamer al-Haddouri filmed the checkpoint on Friday. Haddouri said the "
    "soldiers took two phones. A resident confirmed the account."
)


def _post_reason(site: dict[str, Any], reason: str) -> tuple[Any, int]:
    token = sign_in(site)
    a = anchors(screen(site, token, text=NAMED_DRAFT).get_data(as_text=True))
    before = site["store"].audit_count()
    fields = {f"action_{a['P1']}": "keep", f"reason_{a['P1']}": reason}
    return screen(site, token, text=NAMED_DRAFT, **fields), before


def _stored_reason(site: dict[str, Any], reason: str) -> dict[str, Any]:
    response, before = _post_reason(site, reason)
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    records = site["store"].list_audit(after=before, limit=10)
    assert len(records) == 1
    return records[0]["details"]["corrections"][0]


@pytest.mark.parametrize(
    ("reason", "forbidden"),
    [
        ("TAAMER HADOURI CONSENTED to be named", ("taamer", "hadouri")),
        ("al\u2011Haddouri agreed by phone on Sunday", ("haddouri",)),
        ("Al-Hadouri agreed by phone on Sunday", ("hadouri",)),
        ("his brother nabil haddouri confirmed the consent", ("haddouri", "nabil")),
        ("tamer al-haddouri consented in writing", ("tamer", "haddouri")),
        ("Ta\u200bmer Haddouri consented", ("tamer", "haddouri")),
    ],
)
def test_override_reasons_never_store_a_name(
    site: dict[str, Any], reason: str, forbidden: tuple[str, ...]
) -> None:
    entry = _stored_reason(site, reason)
    stored = entry["reason"].lower()
    for word in forbidden:
        assert word not in stored, entry["reason"]
    assert "[name]" in entry["reason"]
    assert "haddouri" not in json.dumps(site["store"].list_audit(after=0, limit=100)).lower()


def test_a_reason_without_names_is_kept(site: dict[str, Any]) -> None:
    entry = _stored_reason(site, "consent recorded on 1 March, see the desk log")
    assert entry["reason"] == "consent recorded on 1 March, see the desk log"


def test_a_reason_with_a_nul_byte_is_refused_not_stored_raw(site: dict[str, Any]) -> None:
    response, before = _post_reason(site, "Haddouri\x00 agreed")
    assert response.status_code == 422
    assert site["store"].audit_count() == before
    assert "Haddouri" not in json.dumps(site["store"].list_audit(after=0, limit=100))


def test_a_reason_that_cannot_be_screened_fails_the_request(
    site: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    from service.core.errors import ConfigurationError

    token = sign_in(site)
    a = anchors(screen(site, token, text=NAMED_DRAFT).get_data(as_text=True))
    before = site["store"].audit_count()
    engine = site["app"].extensions["sourceguard"].engine
    real = engine.screen

    def failing(text: str, policy: Any = None, **kw: Any) -> Any:
        if "agreed" in text:
            raise ConfigurationError("model gone")
        return real(text, policy, **kw)

    monkeypatch.setattr(engine, "screen", failing)
    fields = {f"action_{a['P1']}": "keep", f"reason_{a['P1']}": "he agreed"}
    response = screen(site, token, text=NAMED_DRAFT, **fields)
    assert response.status_code == 503
    assert site["store"].audit_count() == before
