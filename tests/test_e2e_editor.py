"""The editor web page in a real browser against a real ``sourceguard serve`` process.

Walks an editor's session end to end (login, screening, the annotated draft, jigsaw warnings,
an override with its mandatory reason, copy and download, logout) using only the ids and classes
the page promises, and checks what the audit log keeps of it: who overrode what, no names.
Colour must never be the only signal and the keyboard alone must do, so both are exercised.
Then each feature of the editor's daily tool: the two panes (and stacked at 400 px without
sideways scrolling), keyboard navigation between findings, role corrections, screening as you
type with its visible states, human error messages that keep the draft, and an axe-core check
(labels, contrast, focus order) of every state of the page. Screenshots of each step are
written to test-artifacts/screenshots/.
"""

from __future__ import annotations

import base64
import contextlib
import json
import urllib.parse
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import pytest
import requests

from tests.e2e_support import (
    SCREENSHOTS,
    Server,
    axe_violations,
    chromium,
    grant_clipboard,
    read_clipboard,
    require_browser,
    running_server,
    save_screenshot,
    screenshot_on_failure,
    set_width,
    token_id,
)

# Without Selenium, the fixtures fail (CI) or skip (elsewhere) before any of these is used.
with contextlib.suppress(ImportError):
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support.ui import Select, WebDriverWait

if TYPE_CHECKING:
    from selenium.webdriver.remote.webdriver import WebDriver
    from selenium.webdriver.remote.webelement import WebElement

pytestmark = pytest.mark.slow

WAIT_SECONDS = 60
KINDS = (
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
TYPED_TAIL = " anonymity."
DRAFT = (
    'Citizen journalist Yara Mansour filmed the shelling in Douma. "The road is cut," Mansour '
    "said. Foreign Minister Karim Haddad denied it. A nurse at the only hospital in the eastern "
    "district, a mother of three, spoke on condition of" + TYPED_TAIL
)
NAMES = ("Yara", "Mansour", "Karim", "Haddad")
OVERRIDE_REASON = "source asked"

# The text an element shows of the draft: without the visible tags and the tooltips.
DRAFT_TEXT_JS = """
const copy = arguments[0].cloneNode(true);
copy.querySelectorAll('.tag, .tip').forEach((e) => e.remove());
return copy.textContent;
"""


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    require_browser()  # before the server start: a missing browser should fail or skip at once
    with running_server(tmp_path_factory.mktemp("e2e-server")) as s:
        yield s


@pytest.fixture(scope="module")
def browser(server: Server) -> Iterator[WebDriver]:
    with chromium() as driver:
        grant_clipboard(driver, server.url)
        yield driver


# -- helpers ------------------------------------------------------------------------------------
def wait_for(driver: WebDriver, condition: Any, message: str) -> Any:
    """Wait for ``condition``; an element replaced meanwhile (a re-render) is simply retried."""
    from selenium.common.exceptions import StaleElementReferenceException

    wait = WebDriverWait(driver, WAIT_SECONDS, ignored_exceptions=(StaleElementReferenceException,))
    return wait.until(condition, message)


def visible(driver: WebDriver, selector: str) -> WebElement:
    """Wait until the element exists and is shown (page loads and re-renders take a moment)."""

    def shown(d: WebDriver) -> WebElement | None:
        found = [e for e in css_all(d, selector) if e.is_displayed()]
        return found[0] if found else None

    return wait_for(driver, shown, f"{selector} not shown on {driver.current_url}")


def visible_error(driver: WebDriver, containing: str) -> str:
    """The text of a shown ``.error`` that mentions ``containing`` (any non-empty one for "")."""

    def error(d: WebDriver) -> str | None:
        for e in css_all(d, ".error"):
            text = e.text.strip()
            if e.is_displayed() and text and containing in text.lower():
                return text
        return None

    return wait_for(driver, error, f"no .error mentioning {containing!r} on {driver.current_url}")


def css(driver: WebDriver | WebElement, selector: str) -> WebElement:

    return driver.find_element(By.CSS_SELECTOR, selector)


def css_all(driver: WebDriver | WebElement, selector: str) -> list[WebElement]:

    return driver.find_elements(By.CSS_SELECTOR, selector)


def path_of(driver: WebDriver) -> str:
    return urllib.parse.urlsplit(driver.current_url).path


def text_content(element: WebElement) -> str:
    """What a <pre> shows or a <textarea> holds, hidden or not."""
    if element.tag_name.lower() in ("textarea", "input"):
        return element.get_property("value") or ""
    return element.get_property("textContent") or ""


def draft_text(driver: WebDriver, element: WebElement) -> str:
    return driver.execute_script(DRAFT_TEXT_JS, element)


def marks(driver: WebDriver) -> list[dict[str, Any]]:
    out = []
    for element in css_all(driver, "#draft-view mark.finding"):
        out.append(
            {
                "element": element,
                "kind": element.get_attribute("data-kind"),
                "identity": element.get_attribute("data-identity"),
                "text": draft_text(driver, element).strip(),
            }
        )
    return out


def only(items: list[dict[str, Any]], what: str) -> dict[str, Any]:
    assert items, f"no {what} in #draft-view"
    return items[0]


def sanitized(driver: WebDriver) -> str:
    return text_content(css(driver, "#sanitized"))


def audit_records(server: Server) -> list[dict[str, Any]]:
    response = requests.get(
        server.url + "/v1/audit",
        params={"limit": 1000},
        headers=server.headers("auditor"),
        timeout=30,
    )
    assert response.status_code == 200, response.text
    return response.json()["records"]


def fetch_in_page(driver: WebDriver, url: str) -> str | None:
    """Read a blob: or data: URL from inside the page (a blob: URL lives only there)."""
    result: Any = driver.execute_async_script(
        """
        const done = arguments[arguments.length - 1];
        fetch(arguments[0]).then((r) => r.text()).then((t) => done({text: t}),
                                                      (e) => done({error: String(e)}));
        """,
        url,
    )
    return result.get("text") if isinstance(result, dict) else None


# -- smoke ----------------------------------------------------------------------------------------
def test_chromium_renders_a_page_of_the_real_server(browser: WebDriver, server: Server) -> None:
    """The infrastructure alone: Chromium starts, reaches the server and can use the clipboard."""
    browser.get(server.url + "/healthz")
    body = css(browser, "body").text
    assert json.loads(body) == {"status": "alive"}
    assert browser.execute_script("return window.innerWidth") > 1000
    # The copy button needs this; without it only the page's own confirmation could be checked.
    written: Any = browser.execute_async_script(
        """
        const done = arguments[arguments.length - 1];
        navigator.clipboard.writeText(arguments[0]).then(() => done(true),
                                                         (e) => done(String(e)));
        """,
        "e2e clipboard probe",
    )
    assert written is True, written
    assert read_clipboard(browser) == "e2e clipboard probe"
    save_screenshot(browser, "e2e-smoke.png")


# -- the editor's session -------------------------------------------------------------------------
def test_editor_session(browser: WebDriver, server: Server) -> None:
    with screenshot_on_failure(browser, "editor-failure.png"):
        login(browser, server)
        screen_draft(browser)
        public_figure = check_annotated_draft(browser)
        check_jigsaw_and_sanitized(browser)
        apply_override(browser, server, public_figure)
        check_copy_and_download(browser)
        save_screenshot(browser, "editor-result.png")
        check_audit(server, public_figure)
        check_csrf(browser, server)
        logout(browser, server)


def login(driver: WebDriver, server: Server) -> None:
    """a. Anonymous visitors land on /login; a wrong token is refused; the editor's is accepted."""

    driver.get(server.url + "/")
    assert path_of(driver) == "/login", driver.current_url
    css(driver, "#login-form")
    css(driver, "#token").send_keys("sgt_t0000000000_not-a-real-token")
    css(driver, "#login-button").click()
    visible_error(driver, "")
    assert path_of(driver) == "/login", driver.current_url

    token = css(driver, "#token")
    token.clear()
    token.send_keys(server.tokens["editor"])
    css(driver, "#login-button").click()
    form = visible(driver, "#screen-form")
    assert path_of(driver) == "/", driver.current_url
    set_live(driver, False)  # this walk is the plain form (the live one: test_screen_as_you_type)
    assert (form.get_attribute("method") or "").lower() == "post"
    assert (form.get_attribute("enctype") or "").lower() == "multipart/form-data"
    assert urllib.parse.urlsplit(form.get_attribute("action") or "").path == "/screen"
    assert css(form, "input[type=hidden][name=csrf_token]").get_attribute("value")
    assert css(driver, "#draft").get_attribute("name") == "text"
    assert css(driver, "#upload").get_attribute("name") == "file"
    assert css(driver, "#upload").get_attribute("type") == "file"
    assert css(driver, "#policy").get_attribute("name") == "policy"
    css(driver, "#logout-button")


def screen_draft(driver: WebDriver) -> None:
    """b. Fill the draft (mostly by script, the end by keyboard), pick the policy, press Enter."""

    draft = css(driver, "#draft")
    fill_draft(driver, DRAFT.removesuffix(TYPED_TAIL))
    ActionChains(driver).send_keys(TYPED_TAIL).perform()
    assert draft.get_property("value") == DRAFT
    Select(css(driver, "#policy")).select_by_value("publish")

    button = css(driver, "#screen-button")
    driver.execute_script("arguments[0].focus();", button)
    assert driver.switch_to.active_element == button
    ActionChains(driver).send_keys(Keys.ENTER).perform()
    visible(driver, "#result")


def check_annotated_draft(driver: WebDriver) -> dict[str, Any]:
    """c. Marks with kinds, identities, visible tags, tooltips on focus, linked mentions."""
    # The draft reads as written: the markup adds no characters (#draft-view keeps whitespace).
    shown = draft_text(driver, css(driver, "#draft-view"))
    assert shown == DRAFT, f"#draft-view does not show the draft as written: {shown!r}"
    found = marks(driver)
    assert found, "no mark.finding in #draft-view"
    untagged = []
    for mark in found:
        element = mark["element"]
        assert mark["kind"] in KINDS, mark["kind"]
        assert mark["identity"], f"mark {mark['text']!r} has no data-identity"
        assert element.get_attribute("tabindex") == "0", mark["text"]
        assert css_all(element, ".tip"), f"mark {mark['text']!r} has no .tip"
        tags = [t for t in css_all(element, ".tag") if t.is_displayed() and t.text.strip()]
        if not tags:
            untagged.append((mark["kind"], mark["text"]))
    # Every highlighted piece, not only the first piece of a finding: colour is never the only
    # signal, and a piece may wrap onto another line far from the first.
    assert not untagged, f"marks without a visible .tag: {untagged}"

    full = only(
        [m for m in found if m["kind"] == "citizen-journalist" and m["text"] == "Yara Mansour"],
        "citizen-journalist mark 'Yara Mansour'",
    )
    short = only(
        [m for m in found if m["text"] == "Mansour" and m["identity"] == full["identity"]],
        "mark 'Mansour' with the identity of 'Yara Mansour'",
    )
    public_figure = only([m for m in found if m["kind"] == "public-figure"], "public-figure mark")
    # One tag for the whole anonymous-source span, whatever details are marked inside it.
    sources = [m for m in found if m["kind"] == "anonymous-source"]
    assert len(sources) == 1, [m["text"] for m in sources]
    own_tags = css_all(sources[0]["element"], ":scope > .tag")
    assert len(own_tags) == 1 and own_tags[0].text.strip() == "ANON", own_tags
    assert css_all(sources[0]["element"], "mark.finding"), "no detail marked inside the source"
    assert "Haddad" in public_figure["text"], public_figure["text"]

    legend = {
        li.get_attribute("data-kind"): li.text.strip() for li in css_all(driver, "#legend li")
    }
    for kind in KINDS:
        assert legend.get(kind), f"#legend has no text label for {kind}: {legend}"

    # The tooltip opens on keyboard focus, not only on hover.
    driver.execute_script("arguments[0].focus();", full["element"])
    tip = css(full["element"], ".tip")
    assert tip.is_displayed(), "the tooltip of a focused mark is hidden"
    assert "score" in tip.text and "action" in tip.text, tip.text
    assert "[citizen journalist A]" in tip.text, tip.text
    # Tab moves through the marks: the next tab stop in #draft-view is the next mark.
    ActionChains(driver).send_keys(Keys.TAB).perform()
    following = found[found.index(full) + 1]["element"]
    assert driver.switch_to.active_element == following, "Tab does not reach the next mark"

    same = [m["element"] for m in found if m["identity"] == full["identity"]]
    other = [m["element"] for m in found if m["identity"] != full["identity"]]
    for activate in ("hover", "focus"):
        driver.execute_script("document.activeElement && document.activeElement.blur();")
        ActionChains(driver).move_to_element(css(driver, "#legend")).perform()
        if activate == "hover":
            ActionChains(driver).move_to_element(short["element"]).perform()
        else:
            driver.execute_script("arguments[0].focus();", short["element"])
        classes = [(e.get_attribute("class") or "").split() for e in same]
        assert all("linked" in c for c in classes), f"{activate}: same identity not linked"
        assert not any("linked" in (e.get_attribute("class") or "").split() for e in other), (
            f"{activate}: a mark of another identity is linked"
        )
    return public_figure


def check_jigsaw_and_sanitized(driver: WebDriver) -> None:
    """d, e. The jigsaw warning names the anonymous source; the sanitized text hides Mansour."""
    warnings = [li.text for li in css_all(driver, "#jigsaw li")]
    assert any("anonymous source" in w.lower() for w in warnings), warnings
    text = sanitized(driver)
    assert "Mansour" not in text and "Yara" not in text, text
    assert "[citizen journalist A]" in text, text
    assert "Karim Haddad" in text, text


def person_row(driver: WebDriver, identity: str) -> WebElement:
    """The person's entry in the list, its correction controls opened."""
    row = css(driver, f'#identities .person[data-identity="{identity}"]')
    box = css(row, "details.correct-box")
    if not box.get_attribute("open"):
        css(box, "summary").click()
    return row


def apply_override(driver: WebDriver, server: Server, public_figure: dict[str, Any]) -> None:
    """f. Redacting the public figure needs a reason; without one nothing is applied."""

    identity = public_figure["identity"]
    row = person_row(driver, identity)
    select = Select(css(row, "select.override"))
    assert [o.get_attribute("value") for o in select.options] == ["", "keep", "redact"]
    roles = Select(css(row, "select.role"))
    assert [o.get_attribute("value") for o in roles.options] == [
        "",
        "not-person",
        "public",
        "pseudonym",
        "at-risk",
    ]
    css(row, "input.reason")
    select.select_by_value("redact")
    css(driver, "#apply-overrides").click()
    visible_error(driver, "reason")
    assert "Haddad" in sanitized(driver), "an override without a reason was applied"
    assert not css_all(driver, "#overrides-applied li"), "an override without a reason is listed"
    # The page may re-screen (and audit) the draft, but no record may carry the override.
    refused = [r for r in audit_records(server) if (r.get("details") or {}).get("corrections")]
    assert not refused, f"a refused override reached the audit log: {refused}"

    # The page was re-rendered: the choice is still selected, only the reason is missing.
    row = person_row(driver, identity)
    select = Select(css(row, "select.override"))
    assert select.first_selected_option.get_attribute("value") == "redact"
    reason = css(row, "input.reason")
    reason.clear()
    reason.send_keys(OVERRIDE_REASON)
    css(driver, "#apply-overrides").click()
    wait_for(driver, lambda d: css_all(d, "#overrides-applied li"), "no override listed")
    text = sanitized(driver)
    assert "Haddad" not in text and "Karim" not in text, text
    assert "Mansour" not in text, text
    applied = [li.text for li in css_all(driver, "#overrides-applied li")]
    assert len(applied) == 1 and identity in applied[0], applied


def check_copy_and_download(driver: WebDriver) -> None:
    """g. Copy puts exactly the sanitized text on the clipboard; download offers it as a file."""
    # Record what the page hands to the clipboard, whichever API it uses.
    driver.execute_script(
        """
        window.__e2eCopied = [];
        if (navigator.clipboard && navigator.clipboard.writeText) {
            const original = navigator.clipboard.writeText.bind(navigator.clipboard);
            navigator.clipboard.writeText = (text) => {
                window.__e2eCopied.push(text);
                return original(text);
            };
        }
        document.addEventListener('copy', () => {
            window.__e2eCopied.push(String(window.getSelection()));
        }, true);
        """
    )
    expected = sanitized(driver).strip()
    css(driver, "#show-sanitized").click()
    visible(driver, "#sanitized")
    css(driver, "#copy-sanitized").click()
    status = css(driver, "#copy-status")
    assert status.get_attribute("aria-live"), "#copy-status is not announced (aria-live)"
    wait_for(driver, lambda d: "Copied" in css(d, "#copy-status").text, "no 'Copied' status")
    copied: list[str] = driver.execute_script("return window.__e2eCopied;") or []
    on_clipboard = read_clipboard(driver)
    proofs = [t for t in [*copied, on_clipboard] if t is not None]
    assert any(t.strip() == expected for t in proofs), (
        f"neither the page's copy nor the clipboard holds the sanitized text: {proofs!r}"
    )
    if on_clipboard is not None:
        assert on_clipboard.strip() == expected, on_clipboard

    link = css(driver, "#download-sanitized")
    assert link.tag_name.lower() == "a"
    assert link.get_attribute("download") is not None, "#download-sanitized has no download"
    href = link.get_attribute("href") or ""
    assert href.startswith(("data:", "blob:")), href
    if href.startswith("data:"):
        meta, _, payload = href.partition(",")
        body = (
            base64.b64decode(payload).decode("utf-8")
            if meta.endswith(";base64")
            else urllib.parse.unquote(payload)
        )
    else:
        body = fetch_in_page(driver, href) or ""
    assert body.strip() == expected, body


def check_audit(server: Server, public_figure: dict[str, Any]) -> None:
    """i. The audit log says who redacted which identity and why, by fingerprint, with no name."""
    records = audit_records(server)
    last = records[-1]
    assert last["operation"] == "sanitize", last
    editor = token_id(server.tokens["editor"])
    assert last["actor"] == editor, last
    overrides = last["details"]["corrections"]
    assert isinstance(overrides, list) and len(overrides) == 1, overrides
    entry = overrides[0]
    assert entry["identity"] == public_figure["identity"], entry
    assert entry["action"] == "redact", entry
    assert entry["actor"] == editor, entry
    assert "reason_fingerprint" in entry or "reason" in entry, entry
    dumped = json.dumps(records, ensure_ascii=False)
    for name in NAMES:
        assert name not in dumped, f"{name!r} reached the audit log"
    with_overrides = [r for r in records if (r.get("details") or {}).get("corrections")]
    assert with_overrides == [last], "another audit record carries overrides"


def check_csrf(driver: WebDriver, server: Server) -> None:
    """j. The editor's own session cookie is not enough to post a form: the CSRF token is."""
    cookies = "; ".join(f"{c['name']}={c['value']}" for c in driver.get_cookies())
    assert cookies, "the browser holds no session cookie"
    response = requests.post(
        server.url + "/screen",
        files={"text": (None, "The water came back on Tuesday."), "policy": (None, "publish")},
        headers={"Cookie": cookies, "Origin": server.url, "Referer": server.url + "/"},
        allow_redirects=False,
        timeout=60,
    )
    assert response.status_code == 400, (response.status_code, response.text[:500])
    assert "security token has expired" in response.text, response.text[:500]
    assert "[detail" not in response.text and 'id="result"' not in response.text, "screened"


def logout(driver: WebDriver, server: Server) -> None:
    """k. Logging out ends the session: the editor page needs a login again."""

    driver.get(server.url + "/")
    css(driver, "#logout-button").click()
    wait_for(driver, lambda d: path_of(d) == "/login", "logout did not land on /login")
    visible(driver, "#login-form")
    driver.get(server.url + "/")
    assert path_of(driver) == "/login", "the session survived logout"


# -- the editor's daily tool: one test per feature ------------------------------------------------
LATER = " Activist Lina Farouk was detained on Friday."
SLOW_FETCH_JS = """
if (!window.__e2eFetch) window.__e2eFetch = window.fetch;
window.__e2eDelay = arguments[0];
window.fetch = (...args) => new Promise((r) => setTimeout(r, window.__e2eDelay))
    .then(() => window.__e2eFetch(...args));
"""
RECORD_STATES_JS = """
window.__e2eStates = [];
const el = document.getElementById("screen-state");
new MutationObserver(() => window.__e2eStates.push(el.dataset.state))
    .observe(el, {attributes: true, childList: true, characterData: true, subtree: true});
"""


def sign_in(driver: WebDriver, server: Server) -> None:
    driver.get(server.url + "/")
    if path_of(driver) == "/login":
        css(driver, "#token").send_keys(server.tokens["editor"])
        css(driver, "#login-button").click()
    visible(driver, "#screen-form")


def set_live(driver: WebDriver, on: bool) -> None:
    """The "Screen as I type" switch (the page remembers the choice, never the draft)."""
    box = visible(driver, "#live")
    if box.is_selected() != on:
        box.click()
    assert box.is_selected() == on


def fill_draft(driver: WebDriver, text: str) -> None:
    driver.execute_script(
        """
        const area = arguments[0];
        area.value = arguments[1];
        area.dispatchEvent(new Event('input', {bubbles: true}));
        area.focus();
        area.setSelectionRange(area.value.length, area.value.length);
        """,
        css(driver, "#draft"),
        text,
    )


def screen_by_button(driver: WebDriver, text: str) -> None:
    set_live(driver, False)
    fill_draft(driver, text)
    driver.execute_script("window.__e2eOldPage = true;")
    css(driver, "#screen-button").click()
    wait_for(
        driver,
        lambda d: (
            not d.execute_script("return window.__e2eOldPage === true;")
            and d.execute_script("return document.readyState") == "complete"
            and state_of(d) in ("up-to-date", "failed")
        ),
        "no screening result",
    )


def state_of(driver: WebDriver) -> str:
    return css(driver, "#screen-state").get_attribute("data-state") or ""


def rect(driver: WebDriver, selector: str) -> dict[str, float]:
    return driver.execute_script(
        "const r = document.querySelector(arguments[0]).getBoundingClientRect();"
        "return {left: r.left, right: r.right, top: r.top + window.scrollY,"
        " bottom: r.bottom + window.scrollY, width: r.width};",
        selector,
    )


def sideways_overflow(driver: WebDriver) -> int:
    """How many CSS pixels the page is wider than the viewport (0: no sideways scrolling)."""
    return driver.execute_script(
        "return Math.max(document.documentElement.scrollWidth, document.body.scrollWidth)"
        " - window.innerWidth;"
    )


def shot(driver: WebDriver, name: str) -> None:
    path = save_screenshot(driver, name)
    print(f"screenshot: {path}")


def test_two_panes_side_by_side_and_stacked_at_400px(browser: WebDriver, server: Server) -> None:
    with screenshot_on_failure(browser, "layout-failure.png"):
        sign_in(browser, server)
        screen_by_button(browser, DRAFT)
        draft, findings = rect(browser, ".draft-pane"), rect(browser, "#findings-pane")
        assert findings["left"] >= draft["right"] - 1, (draft, findings)  # beside, not below
        assert abs(findings["top"] - draft["top"]) < 5, (draft, findings)
        assert css(browser, "#summary").text.startswith("1 person at risk, 1 public figure kept")
        assert sideways_overflow(browser) <= 0
        shot(browser, "panes-1400.png")
        try:
            set_width(browser, 400, 900)
            wait_for(browser, lambda d: d.execute_script("return innerWidth") == 400, "width")
            draft, findings = rect(browser, ".draft-pane"), rect(browser, "#findings-pane")
            assert findings["top"] >= draft["bottom"] - 1, (draft, findings)  # stacked
            assert draft["width"] <= 400 and findings["width"] <= 400, (draft, findings)
            assert sideways_overflow(browser) <= 0, "the page scrolls sideways at 400 px"
            shot(browser, "stacked-400.png")
            # An open explanation fits the screen too (a sheet along the bottom edge).
            for mark in css_all(browser, "#draft-view mark.finding"):
                browser.execute_script("arguments[0].focus();", mark)
                assert sideways_overflow(browser) <= 0, "a tooltip makes the page scroll sideways"
            tip = rect(browser, "mark.finding:focus > .tip")
            assert tip["left"] >= 0 and tip["right"] <= 400, tip
            shot(browser, "stacked-400-tooltip.png")
        finally:
            browser.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})


def test_keyboard_moves_between_findings(browser: WebDriver, server: Server) -> None:
    with screenshot_on_failure(browser, "keyboard-failure.png"):
        sign_in(browser, server)
        screen_by_button(browser, DRAFT)
        found = css_all(browser, "#draft-view mark.finding")
        assert len(found) >= 4
        css(browser, "#next-finding").click()
        assert browser.switch_to.active_element == found[0]
        assert css(browser, "#finding-position").text == f"finding 1 of {len(found)}"
        keys = ActionChains(browser)
        keys.send_keys(Keys.ARROW_RIGHT).perform()
        assert browser.switch_to.active_element == found[1]
        ActionChains(browser).send_keys(Keys.ARROW_LEFT).perform()
        assert browser.switch_to.active_element == found[0]
        ActionChains(browser).send_keys(Keys.END).perform()
        assert browser.switch_to.active_element == found[-1]
        ActionChains(browser).send_keys(Keys.HOME).perform()
        assert browser.switch_to.active_element == found[0]
        css(browser, "#prev-finding").click()  # wraps around
        assert browser.switch_to.active_element == found[-1]
        # Enter on a person's mention goes to that person's corrections.
        first = found[0]
        identity = first.get_attribute("data-identity")
        browser.execute_script("arguments[0].focus();", first)
        ActionChains(browser).send_keys(Keys.ENTER).perform()
        active = browser.switch_to.active_element
        assert active.get_attribute("id") == css(
            person_row(browser, identity), "select"
        ).get_attribute("id")
        # ...and "Show" in the list goes back to the mentions, one after the other.
        show = css(person_row(browser, identity), ".show-mentions")
        show.click()
        assert browser.switch_to.active_element.get_attribute("data-identity") == identity
        shot(browser, "keyboard-navigation.png")


def test_tab_order_follows_the_layout(browser: WebDriver, server: Server) -> None:
    """Focus order: toolbar, the draft, the left pane's result, then the right pane."""
    sign_in(browser, server)
    screen_by_button(browser, DRAFT)
    assert not browser.execute_script(
        "return [...document.querySelectorAll('[tabindex]')].filter((e) => e.tabIndex > 0).length;"
    ), "a positive tabindex breaks the focus order"
    browser.execute_script("document.getElementById('policy').focus();")
    order: list[str] = []
    for _ in range(120):
        element = browser.switch_to.active_element
        key = element.get_attribute("id") or element.tag_name.lower()
        if element.tag_name.lower() == "mark":
            key = "mark"
        if not order or order[-1] != key:
            order.append(key)
        if element.tag_name.lower() == "summary":
            break
        ActionChains(browser).send_keys(Keys.TAB).perform()
    expected = [
        "policy",
        "upload",
        "live",
        "screen-button",
        "draft",
        "show-findings",
        "show-sanitized",
        "prev-finding",
        "next-finding",
        "mark",
    ]
    positions = [order.index(k) for k in expected]
    assert positions == sorted(positions), order
    assert order[-2:] == ["button", "summary"], order  # the first person: Show, then Correct


def test_correct_a_classification(browser: WebDriver, server: Server) -> None:
    """A public official who in fact fled: "at risk", with a reason, on every mention."""
    with screenshot_on_failure(browser, "correction-failure.png"):
        sign_in(browser, server)
        screen_by_button(browser, DRAFT)
        public = only([m for m in marks(browser) if m["kind"] == "public-figure"], "public figure")
        identity = public["identity"]
        row = person_row(browser, identity)
        Select(css(row, "select.role")).select_by_value("at-risk")
        css(row, "input.reason").send_keys("left the ministry; now threatened")
        css(browser, "#apply-overrides").click()
        wait_for(browser, lambda d: css_all(d, "#overrides-applied li"), "no correction listed")
        text = sanitized(browser)
        assert "Haddad" not in text and "[source A]" in text, text
        assert "[citizen journalist A]" in text, text  # the others keep their role word
        row = person_row(browser, identity)
        assert "at-risk source" in row.text and "found as public figure" in row.text, row.text
        kinds = {m["kind"] for m in marks(browser) if m["identity"] == identity}
        assert kinds == {"at-risk"}, kinds
        assert css(browser, "#summary").text.startswith("2 people at risk"), css(
            browser, "#summary"
        ).text
        shot(browser, "correction-at-risk.png")
        entry = audit_records(server)[-1]["details"]["corrections"][0]
        assert entry["corrected_to"] == "AT_RISK_SOURCE" and entry["identity"] == identity
        assert entry["entity_type"] == "PUBLIC_FIGURE"
        dumped = json.dumps(audit_records(server))
        assert "Haddad" not in dumped and "Mansour" not in dumped


def test_screen_as_you_type(browser: WebDriver, server: Server) -> None:
    with screenshot_on_failure(browser, "live-failure.png"):
        sign_in(browser, server)
        browser.get(server.url + "/")
        set_live(browser, True)
        browser.execute_script("window.__e2ePage = 'same page';")
        browser.execute_script(RECORD_STATES_JS)
        fill_draft(browser, DRAFT)
        assert state_of(browser) == "edited"
        wait_for(browser, lambda d: state_of(d) == "up-to-date", "the draft was not screened")
        assert browser.execute_script("return window.__e2ePage;") == "same page", "page reloaded"
        assert "[citizen journalist A]" in sanitized(browser)
        states = browser.execute_script("return window.__e2eStates;")
        assert "screening" in states, states
        shot(browser, "live-up-to-date.png")

        # Typing goes on while a (slow) screening is under way; its answer, now stale, is
        # dropped and the newer text is screened.
        browser.execute_script(SLOW_FETCH_JS, 2500)
        draft = css(browser, "#draft")
        browser.execute_script("arguments[0].focus();", draft)
        ActionChains(browser).send_keys(LATER[:20]).perform()
        wait_for(browser, lambda d: state_of(d) == "screening", "no screening state")
        ActionChains(browser).send_keys(LATER[20:]).perform()
        assert draft.get_property("value") == DRAFT + LATER, "typing was blocked"
        assert state_of(browser) in ("edited", "screening")
        browser.execute_script(SLOW_FETCH_JS, 0)
        wait_for(
            browser,
            lambda d: state_of(d) == "up-to-date" and "Farouk" in css(d, "#draft-view").text,
            "the latest text was not screened",
        )
        assert draft_text(browser, css(browser, "#draft-view")) == DRAFT + LATER
        changes = css(browser, "#changes").text
        assert changes.startswith("Changed:") and "new: P" in changes, changes
        assert "Farouk" not in changes  # ids and roles, not names
        assert css_all(browser, "#identities .person.changed"), "the new person is not marked"
        shot(browser, "live-changed.png")

        # The server fails: the state says so, the draft stays, the old copy cannot be copied.
        browser.execute_script(
            "document.getElementById('screen-form').dataset.liveUrl = '/screen/no-such-page';"
        )
        browser.execute_script("arguments[0].focus();", draft)
        ActionChains(browser).send_keys(" More.").perform()
        wait_for(browser, lambda d: state_of(d) == "failed", "no failed state")
        assert css(browser, "#screen-state").text == "failed — not sanitized"
        assert draft.get_property("value") == DRAFT + LATER + " More."
        assert "stale" in (css(browser, "#result").get_attribute("class") or "")
        visible_error(browser, "nothing was sanitized")
        css(browser, "#show-sanitized").click()
        assert css(browser, "#stale-note").is_displayed()
        css(browser, "#copy-sanitized").click()
        assert "Not copied" in css(browser, "#copy-status").text
        shot(browser, "live-failed.png")

        # The sign-in ends: same, with a message that says what to do.
        browser.execute_script(
            "document.getElementById('screen-form').dataset.liveUrl = '/screen/live';"
        )
        browser.delete_all_cookies()
        browser.execute_script("arguments[0].focus();", draft)
        ActionChains(browser).send_keys(" Again.").perform()
        wait_for(
            browser,
            lambda d: state_of(d) == "failed" and "sign-in has ended" in css(d, "#errors").text,
            "no failure for an ended session",
        )
        assert draft.get_property("value").endswith(" More. Again.")
        set_live(browser, False)


def test_errors_are_human_and_keep_the_draft(
    browser: WebDriver, server: Server, tmp_path: Any
) -> None:
    with screenshot_on_failure(browser, "errors-failure.png"):
        sign_in(browser, server)
        screen_by_button(browser, "   ")
        message = visible_error(browser, "empty")
        assert message.startswith("The draft is empty."), message
        fill_draft(browser, DRAFT)
        pdf = tmp_path / "draft.pdf"
        pdf.write_bytes(b"%PDF-1.4 not a draft")
        css(browser, "#upload").send_keys(str(pdf))
        css(browser, "#screen-button").click()
        message = visible_error(browser, "only .txt")
        assert "Your draft is still in the box." in message, message
        assert css(browser, "#draft").get_property("value") == DRAFT
        assert state_of(browser) == "failed"
        shot(browser, "error-keeps-draft.png")
        # Too long to send: the page says so itself (the server could not read it back).
        browser.execute_script("document.getElementById('screen-form').dataset.maxChars = '50';")
        browser.execute_script("window.__e2eOldPage = true;")
        css(browser, "#upload").clear()
        css(browser, "#screen-button").click()
        message = visible_error(browser, "too long")
        assert "Your draft is still in the box." in message, message
        assert browser.execute_script("return window.__e2eOldPage === true;"), "the form was sent"
        assert css(browser, "#draft").get_property("value") == DRAFT


def test_accessibility_of_every_state(browser: WebDriver, server: Server) -> None:
    """axe-core, injected offline: WCAG 2.1 A/AA and best practice (labels, contrast, order)."""
    with screenshot_on_failure(browser, "a11y-failure.png"):
        browser.delete_all_cookies()
        browser.get(server.url + "/login")
        pages: dict[str, list[dict[str, Any]]] = {"login": axe_violations(browser)}
        sign_in(browser, server)
        browser.get(server.url + "/")
        pages["empty editor"] = axe_violations(browser)
        screen_by_button(browser, DRAFT)
        pages["result"] = axe_violations(browser)
        browser.execute_script(
            "arguments[0].focus();", css(browser, "#draft-view mark.finding")
        )  # a tooltip open
        pages["tooltip"] = axe_violations(browser)
        css(browser, "#show-sanitized").click()
        pages["sanitized view"] = axe_violations(browser)
        try:
            set_width(browser, 400, 900)
            pages["result at 400 px"] = axe_violations(browser)
        finally:
            browser.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
        screen_by_button(browser, "   ")
        pages["error"] = axe_violations(browser)
        # The checker itself works: an unlabelled field and grey-on-grey text are caught.
        browser.execute_script(
            """
            const probe = document.createElement("div");  // styled by CSSOM: CSP forbids inline
            probe.id = "e2e-probe";
            probe.appendChild(document.createElement("input"));
            const faint = document.createElement("p");
            faint.textContent = "faint text";
            faint.style.color = "#bbb";
            faint.style.background = "#ccc";
            probe.appendChild(faint);
            document.getElementById("main").appendChild(probe);
            """
        )
        caught = {v["id"] for v in axe_violations(browser)}
        browser.execute_script("document.getElementById('e2e-probe').remove();")
        assert {"label", "color-contrast"} <= caught, caught
        found = {name: v for name, v in pages.items() if v}
        print(f"axe-core: {len(pages)} page states checked; screenshots in {SCREENSHOTS}")
        assert not found, json.dumps(found, indent=1)
