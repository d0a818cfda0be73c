"""Helpers (no fixtures) for fault tests: the real app under gunicorn, and a client for it.

The server comes from tests/live_server.py (its own process group, bounded waits).
"""

import contextlib
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import requests

from tests import live_server

ROOT = Path(__file__).resolve().parents[2]
COMMAND_SECONDS = 300
REQUEST_SECONDS = 15  # a request that takes longer counts as a hang
STRONG_PASSWORD = "Spring-return-to-work-2020!"


def server_env(database_url: str, **extra: str) -> dict:
    """The environment of `make run`, on the given database, with registration unthrottled."""
    return {
        **os.environ,
        "FLASK_APP": "wsgi.py",
        "MARKETPLACE_ENV": "development",
        "DATABASE_URL": database_url,
        "SECRET_KEY": secrets.token_urlsafe(32),
        "REGISTRATION_MAX_PER_ADDRESS": "100000",  # every request here comes from 127.0.0.1
        **extra,
    }


def flask(env: dict, *args: str) -> str:
    """Run a flask command (bounded), failing with its output."""
    done = subprocess.run(
        [sys.executable, "-m", "flask", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=COMMAND_SECONDS,
    )
    assert done.returncode == 0, f"flask {' '.join(args)}:\n{done.stdout}\n{done.stderr}"
    return done.stdout


def served_value(env: dict, expression: str) -> str:
    """Evaluate an expression inside the app the server builds (wsgi.app), in its context."""
    code = (
        "from wsgi import app\n"
        "from marketplace.extensions import db\n"
        f"with app.app_context(): print(repr({expression}))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


@contextlib.contextmanager
def gunicorn(env: dict, log_path: Path, workers: int = 2):
    """Serve wsgi:app with gunicorn sync workers; yields the base URL, stops it afterwards."""
    options = ["--workers", str(workers), "--timeout", "30", "--access-logfile", "-"]
    with live_server.gunicorn(options, "wsgi:app", env, log_path) as base_url:
        yield base_url


class Visitor:
    """One browser: its own cookies and language, every request bounded by REQUEST_SECONDS."""

    def __init__(self, base_url: str, language: str = "en"):
        self.base_url = base_url
        self.http = requests.Session()
        self.http.headers["Accept-Language"] = language

    def get(self, path: str) -> requests.Response:
        return self.http.get(self.base_url + path, timeout=REQUEST_SECONDS)

    def register_api(self, mobile: str, district_id: int) -> requests.Response:
        """POST /api/v1/auth/register as a cookie client (CSRF token first)."""
        token = self.get("/api/v1/auth/csrf").json()["csrf_token"]
        body = {
            "name": "故障测试",
            "mobile": mobile,
            "password": STRONG_PASSWORD,
            "kind": "volunteer",
            "district_id": district_id,
        }
        return self.http.post(
            self.base_url + "/api/v1/auth/register",
            json=body,
            headers={"X-CSRFToken": token},
            timeout=REQUEST_SECONDS,
        )

    def register_form(self, mobile: str, district_id: int) -> requests.Response:
        """Fill in and post the worker registration page, as a browser would."""
        page = self.get("/auth/register/worker").text
        token = re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', page).group(1)
        form = {
            "csrf_token": token,
            "name": "故障测试",
            "mobile": mobile,
            "password": STRONG_PASSWORD,
            "confirm": STRONG_PASSWORD,
            "kind": "volunteer",
            "district_id": str(district_id),
            "max_travel_km": "20",
        }
        return self.http.post(
            self.base_url + "/auth/register/worker",
            data=form,
            allow_redirects=False,
            timeout=REQUEST_SECONDS,
        )


MOBILE_PREFIX = "198"  # a prefix the demo data never uses


def mobile_number(n: int) -> str:
    """A distinct mainland mobile number per n."""
    return f"{MOBILE_PREFIX}{n:08d}"


def error_code(response: requests.Response) -> str | None:
    """The API error's code, or None when the body is not the API's error JSON."""
    try:
        return response.json()["error"]["code"]
    except (ValueError, KeyError, TypeError):
        return None
