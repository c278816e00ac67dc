"""Infrastructure for the browser end-to-end tests: a real server, headless Chromium, screenshots.

Only Debian's ``chromium`` and ``chromium-driver`` packages are used (``.ci/run`` installs them):
no tool may download a browser or a driver, so Selenium gets explicit paths and ``SE_OFFLINE``.
In CI (``CI=true``) a missing browser, driver or Selenium fails the tests instead of skipping
them, so a broken CI image cannot pass silently with the UI untested.
"""

from __future__ import annotations

import base64
import contextlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from tests.server_process import Server, start_server

if TYPE_CHECKING:
    from selenium.webdriver.remote.webdriver import WebDriver

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
SCREENSHOTS = ARTIFACTS / "screenshots"
"""What the browser showed, one PNG per step; the test summary names the folder for CI."""
WRITTEN: list[Path] = []
AXE_ENV = "SOURCEGUARD_AXE_JS"
AXE_DEFAULT = Path.home() / ".cache/sourceguard/axe/node_modules/axe-core/axe.min.js"
"""axe-core (MPL-2.0) from the npm registry, installed by .ci/run outside the package."""
STARTUP_SECONDS = 120
WINDOW_SIZE = (1400, 1000)
CHROMIUM_FLAGS = (
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
)
CLIPBOARD_PERMISSIONS = ["clipboardReadWrite", "clipboardSanitizedWrite"]


def in_ci() -> bool:
    return os.environ.get("CI") == "true"


def unavailable(reason: str) -> None:
    """Fail in CI (the image must have the browser), skip elsewhere (a developer may lack it)."""
    if in_ci():
        pytest.fail(f"end-to-end UI test cannot run in CI: {reason}", pytrace=False)
    pytest.skip(f"end-to-end UI test skipped: {reason} (install Debian's chromium chromium-driver)")


def require_browser() -> None:
    """Fail or skip unless Selenium, /usr/bin/chromium and /usr/bin/chromedriver are usable."""
    try:
        import selenium  # noqa: F401
    except ImportError:
        unavailable("the Python package selenium is not installed")
    for binary in (CHROMIUM, CHROMEDRIVER):
        if not os.access(binary, os.X_OK):
            unavailable(f"{binary} is missing or not executable")


# -- server -------------------------------------------------------------------------------------
@contextlib.contextmanager
def running_server(data_dir: Path) -> Iterator[Server]:
    """One ``sourceguard serve`` worker with editor and auditor tokens (see server_process)."""
    server = start_server(data_dir, workers=1, roles=("editor", "auditor"), timeout=STARTUP_SECONDS)
    try:
        yield server
    finally:
        server.stop()


def token_id(token: str) -> str:
    """The id the audit log records for a token: ``sgt_<id>_<secret>`` (see service/audit/store.py)."""
    prefix = "sgt_"
    assert token.startswith(prefix), "unexpected token format"
    return token[len(prefix) :].split("_", 1)[0]


# -- browser ------------------------------------------------------------------------------------
@contextlib.contextmanager
def chromium() -> Iterator[WebDriver]:
    """Headless Debian Chromium with a throw-away profile; never lets Selenium go online."""
    require_browser()
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    # Selenium Manager would otherwise try to resolve (and download) a browser or driver.
    os.environ["SE_OFFLINE"] = "true"
    profile = tempfile.mkdtemp(prefix="sourceguard-e2e-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in CHROMIUM_FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={profile}")
    options.add_argument(f"--window-size={WINDOW_SIZE[0]},{WINDOW_SIZE[1]}")
    service = Service(
        executable_path=str(CHROMEDRIVER), log_output=str(Path(profile) / "chromedriver.log")
    )
    driver = None
    try:
        driver = webdriver.Chrome(service=service, options=options)
        driver.set_page_load_timeout(60)
        driver.set_script_timeout(30)
        yield driver
    finally:
        if driver is not None:
            driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


def grant_clipboard(driver: WebDriver, origin: str) -> bool:
    """Allow the page at ``origin`` to write and read the clipboard; False if Chromium refuses."""
    try:
        driver.execute_cdp_cmd(
            "Browser.grantPermissions", {"origin": origin, "permissions": CLIPBOARD_PERMISSIONS}
        )
    except Exception:
        return False
    return True


def read_clipboard(driver: WebDriver) -> str | None:
    """The clipboard text as the page sees it, or None where headless Chromium forbids it."""
    result: Any = driver.execute_async_script(
        """
        const done = arguments[arguments.length - 1];
        if (!navigator.clipboard || !navigator.clipboard.readText) { done({error: "no api"}); }
        else navigator.clipboard.readText().then(
            (text) => done({text: text}), (e) => done({error: String(e)}));
        """
    )
    return result.get("text") if isinstance(result, dict) else None


def save_screenshot(driver: WebDriver, name: str) -> Path:
    """A full-page PNG under test-artifacts/screenshots/ (the viewport if Chromium cannot more)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / name
    try:
        shot = driver.execute_cdp_cmd(
            "Page.captureScreenshot", {"format": "png", "captureBeyondViewport": True}
        )
        path.write_bytes(base64.b64decode(shot["data"]))
    except Exception:
        driver.save_screenshot(str(path))
    WRITTEN.append(path)
    return path


def set_width(driver: WebDriver, width: int, height: int = WINDOW_SIZE[1]) -> None:
    """Emulate a viewport ``width`` CSS pixels wide (a phone at 400), as media queries see it."""
    driver.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": width < 600},
    )


# -- accessibility ----------------------------------------------------------------------------
def axe_source() -> str:
    """The axe-core script; fail in CI, skip elsewhere when it is not installed."""
    path = Path(os.environ.get(AXE_ENV, "") or AXE_DEFAULT)
    if not path.is_file():
        unavailable(f"axe-core is not installed at {path} (npm install axe-core, see .ci/run)")
    return path.read_text(encoding="utf-8")


AXE_RUN = """
const done = arguments[arguments.length - 1];
axe.run(document, {
    runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]},
    resultTypes: ["violations"],
}).then((r) => done({violations: r.violations.map((v) => ({
        id: v.id, impact: v.impact, help: v.help,
        nodes: v.nodes.slice(0, 5).map((n) => n.target.join(" ") + " :: " + n.failureSummary),
    }))}), (e) => done({error: String(e)}));
"""


def axe_violations(driver: WebDriver) -> list[dict[str, Any]]:
    """Run axe-core in the page (offline: the script is injected, nothing is fetched)."""
    if not driver.execute_script("return typeof window.axe !== 'undefined';"):
        driver.execute_script(axe_source())
    result: Any = driver.execute_async_script(AXE_RUN)
    assert isinstance(result, dict) and "error" not in result, result
    return result["violations"]


@contextlib.contextmanager
def screenshot_on_failure(driver: WebDriver, name: str) -> Iterator[None]:
    """Keep what the browser showed when a step failed: the page is gone after the test."""
    try:
        yield
    except BaseException:
        with contextlib.suppress(Exception):
            save_screenshot(driver, name)
            (SCREENSHOTS / (Path(name).stem + ".html")).write_text(driver.page_source)
        raise
