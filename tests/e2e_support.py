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
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
import requests

if TYPE_CHECKING:
    from selenium.webdriver.remote.webdriver import WebDriver

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
STARTUP_SECONDS = 120
SECRET = "e2e-test-master-secret-0123456789"
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
def sourceguard_command() -> list[str]:
    script = Path(sys.executable).with_name("sourceguard")
    return [str(script)] if script.exists() else [sys.executable, "-m", "service.cli"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """``sourceguard serve`` in its own process group, with editor and auditor tokens.

    Tokens are created before the server starts, through the CLI, as an operator would.
    """

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = {
            **os.environ,
            "SOURCEGUARD_DATA_DIR": str(data_dir),
            "SOURCEGUARD_SECRET_KEY": SECRET,
        }
        # A developer's shell settings must not point the test server at a shared store.
        self.env.pop("SOURCEGUARD_DATABASE_URL", None)
        self.env.pop("PROMETHEUS_MULTIPROC_DIR", None)
        self.log_path = data_dir / "server.log"
        self.tokens: dict[str, str] = {}
        self.proc: subprocess.Popen[bytes] | None = None

    def cli(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [*sourceguard_command(), *args],
            env=self.env,
            capture_output=True,
            text=True,
            timeout=120,
        )

    def create_token(self, role: str, name: str) -> str:
        done = self.cli("token", "create", "--role", role, "--name", name)
        assert done.returncode == 0, done.stderr
        self.tokens[role] = done.stdout.strip()
        return self.tokens[role]

    def start(self) -> None:
        with self.log_path.open("wb") as log:
            self.proc = subprocess.Popen(
                [*sourceguard_command(), "serve", "--port", str(self.port), "--workers", "1"],
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def log_tail(self, chars: int = 3000) -> str:
        return self.log_path.read_text(errors="replace")[-chars:]

    def wait_ready(self) -> None:
        assert self.proc is not None
        deadline = time.monotonic() + STARTUP_SECONDS
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise AssertionError(f"server exited early:\n{self.log_tail()}")
            with contextlib.suppress(requests.RequestException):
                if requests.get(self.url + "/readyz", timeout=5).status_code == 200:
                    return
            time.sleep(0.5)
        raise AssertionError(f"server not ready after {STARTUP_SECONDS} s:\n{self.log_tail()}")

    def stop(self) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        os.killpg(self.proc.pid, signal.SIGTERM)
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()

    def headers(self, role: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[role]}"}


@contextlib.contextmanager
def running_server(data_dir: Path) -> Iterator[Server]:
    server = Server(data_dir)
    try:
        server.create_token("editor", "e2e-editor")
        server.create_token("auditor", "e2e-auditor")
        server.start()
        server.wait_ready()
        yield server
    finally:
        server.stop()


def token_id(token: str) -> str:
    """The id the audit log records for a token: ``sgt_<id>_<secret>`` (see service/store.py)."""
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
    """A full-page PNG under test-artifacts/ (the viewport only if Chromium cannot do more)."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / name
    try:
        shot = driver.execute_cdp_cmd(
            "Page.captureScreenshot", {"format": "png", "captureBeyondViewport": True}
        )
        path.write_bytes(base64.b64decode(shot["data"]))
    except Exception:
        driver.save_screenshot(str(path))
    return path


@contextlib.contextmanager
def screenshot_on_failure(driver: WebDriver, name: str) -> Iterator[None]:
    """Keep what the browser showed when a step failed: the page is gone after the test."""
    try:
        yield
    except BaseException:
        with contextlib.suppress(Exception):
            save_screenshot(driver, name)
            (ARTIFACTS / (Path(name).stem + ".html")).write_text(driver.page_source)
        raise
