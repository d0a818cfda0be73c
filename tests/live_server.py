"""gunicorn as a subprocess on a free local port, for the fault tests and the load benchmarks.

The server runs in its own process group, so stopping it stops every worker it started;
every wait here is bounded.
"""

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on just now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextlib.contextmanager
def gunicorn(
    options: list[str],
    app_spec: str,
    env: dict,
    log_path: Path,
    *,
    ready_path: str = "/",
    start_seconds: float = 60,
    stop_seconds: float = 15,
):
    """Serve `app_spec` with the given gunicorn options; yields the base URL, then stops it."""
    port = free_port()
    command = [sys.executable, "-m", "gunicorn", *options, "--bind", f"127.0.0.1:{port}"]
    with log_path.open("ab") as log:
        server = subprocess.Popen(
            [*command, app_spec],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    base_url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_answering(base_url + ready_path, server, log_path, start_seconds)
        yield base_url
    finally:
        stop(server, stop_seconds)


def _wait_until_answering(url: str, server, log_path: Path, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"gunicorn exited early:\n{log_path.read_text()[-4000:]}")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except urllib.error.HTTPError:
            return  # it answers, if not with 200
        except (OSError, urllib.error.URLError):
            time.sleep(0.2)
    raise RuntimeError(f"no answer from {url} in {seconds:g} s:\n{log_path.read_text()[-4000:]}")


def stop(server: subprocess.Popen, seconds: float = 15) -> None:
    """Terminate the server's process group; kill it if it does not go within `seconds`."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(server.pid, signal.SIGTERM)
    try:
        server.wait(timeout=seconds)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(server.pid, signal.SIGKILL)
        server.wait(timeout=seconds)
