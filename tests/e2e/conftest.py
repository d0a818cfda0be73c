"""Browser tests: the real app served by gunicorn on 127.0.0.1, driven by Debian's chromium.

The server runs as a subprocess on a fresh SQLite database, migrated with `flask db upgrade`
and loaded with `flask seed-demo`, exactly as `make run` does. Pages are opened in
headless chromium through Playwright; screenshots go to test-output/screenshots/.
"""

import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

from .browsing import DESKTOP, PHONE, ROOT

CHROMIUM = os.environ.get("E2E_CHROMIUM", "/usr/bin/chromium")
# Few workers keep seeding to seconds; the 150 shifts are seeded whatever the number.
SEED_WORKERS = 200
SERVER_START_SECONDS = 60


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _flask(env: dict, *args: str) -> None:
    subprocess.run(
        [sys.executable, "-m", "flask", *args], cwd=ROOT, env=env, check=True, capture_output=True
    )


def _wait_until_answering(url: str, server: subprocess.Popen, log_path: Path) -> None:
    deadline = time.monotonic() + SERVER_START_SECONDS
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"the server exited early:\n{log_path.read_text()}")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.2)
    pytest.fail(f"no answer from {url} within {SERVER_START_SECONDS} s:\n{log_path.read_text()}")


@pytest.fixture(scope="session")
def live_server(tmp_path_factory) -> str:
    """Base URL of the app served by gunicorn on a fresh, seeded database."""
    workdir = tmp_path_factory.mktemp("e2e-server")
    env = {
        **os.environ,
        "FLASK_APP": "wsgi.py",
        "MARKETPLACE_ENV": "development",
        "DATABASE_URL": f"sqlite:///{workdir / 'e2e.db'}",
        "SECRET_KEY": secrets.token_urlsafe(32),
    }
    _flask(env, "db", "upgrade")
    _flask(env, "seed-demo", "--workers", str(SEED_WORKERS))
    port = _free_port()
    log_path = workdir / "server.log"
    command = [sys.executable, "-m", "gunicorn", "--workers", "2", "--bind", f"127.0.0.1:{port}"]
    with log_path.open("wb") as log:
        server = subprocess.Popen(
            [*command, "--access-logfile", "-", "wsgi:app"],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    base_url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_answering(base_url + "/", server, log_path)
        yield base_url
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


@pytest.fixture(scope="session")
def browser():
    """Headless chromium from Debian; Playwright's own browser download is never used."""
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: run `make e2e`, which installs Debian's chromium")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def new_page(browser, live_server):
    """Opens a page in a fresh browser context (own cookies) at a viewport and language."""
    contexts = []

    def open_page(viewport=DESKTOP, locale="zh-CN", **context_options):
        context = browser.new_context(
            base_url=live_server, viewport=viewport, locale=locale, **context_options
        )
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture
def phone_page(new_page):
    """A 360 × 740 phone whose browser asks for Chinese."""
    return new_page(PHONE, is_mobile=True, has_touch=True)


@pytest.fixture
def desktop_page(new_page):
    """A 1280 × 800 desktop whose browser asks for Chinese."""
    return new_page(DESKTOP)
