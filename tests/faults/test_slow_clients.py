"""Slow clients against the production stack: nginx (marketplace/nginx.conf.template) in front.

gunicorn's sync workers serve one connection each. Facing clients directly, a few that
connect and send nothing, or a header line now and then, hold every worker: the probe took
the site down for a whole minute with 200 such connections, and 4 were enough (the first
part of this test shows it again with as many as there are workers: the next visitor is not
served). nginx reads every request whole before passing it on, so the same attack through
it holds no worker: a visitor making requests meanwhile is served every time, quickly.

The app runs on a SQLite file here: the attack concerns connections, not the database.
"""

import contextlib
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
from pathlib import Path

import pytest
import requests

from marketplace import nginx_conf
from tests import live_server

from .live_app import flask, server_env

NGINX = shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin:/usr/local/sbin")
GUNICORN_WORKERS = 2
ATTACKERS = 200
ATTACK_SECONDS = 12  # longer than nginx's client_header_timeout (10 s): it drops them
HEADER_EVERY_SECONDS = 4
VISITOR_TIMEOUT = 5
P99_LIMIT_SECONDS = 1.0  # what issue 14 asks of the visitor's requests during the attack

pytestmark = pytest.mark.skipif(NGINX is None, reason="needs nginx (make faults installs it)")


@pytest.fixture
def app_server(tmp_path):
    """gunicorn with the production settings file on 127.0.0.1, on a migrated SQLite file."""
    env = server_env(
        f"sqlite:///{tmp_path / 'app.db'}",
        TRUSTED_PROXY_HOPS="1",
        LOG_FORMAT="json",
        WEB_CONCURRENCY=str(GUNICORN_WORKERS),
        GUNICORN_CONTROL_SOCKET=str(tmp_path / "gunicorn.ctl"),
    )
    flask(env, "db", "upgrade")
    log_path = tmp_path / "gunicorn.log"
    options = ["--config", "python:marketplace.gunicorn_conf"]
    with live_server.gunicorn(options, "wsgi:app", env, log_path) as base_url:
        yield base_url, log_path


@contextlib.contextmanager
def nginx_in_front(upstream: str):
    """nginx with the repository's configuration, listening on a free port; its base URL."""
    run_dir = Path(tempfile.mkdtemp(prefix="marketplace-nginx-"))
    port = live_server.free_port()
    config = nginx_conf.write(run_dir, f"127.0.0.1:{port}", upstream)
    log = (run_dir / "nginx.log").open("wb")
    server = subprocess.Popen(
        [NGINX, "-c", str(config)], stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )
    base_url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_answering(base_url, server, run_dir / "nginx.log")
        yield base_url
    finally:
        server.send_signal(signal.SIGQUIT)  # graceful: finish what is in flight
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=15)
        log.close()
        shutil.rmtree(run_dir, ignore_errors=True)


def _wait_until_answering(base_url: str, server, log_path: Path) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        assert server.poll() is None, f"nginx exited:\n{log_path.read_text()}"
        with contextlib.suppress(requests.RequestException):
            requests.get(base_url + "/healthz", timeout=2)
            return
        time.sleep(0.1)
    pytest.fail(f"nginx did not answer:\n{log_path.read_text()}")


class SlowClients:
    """Connections that send a request's first line, then a header line now and then, never
    the blank line that ends the headers (slowloris); half send nothing at all."""

    def __init__(self, base_url: str, count: int):
        host, port = base_url.removeprefix("http://").split(":")
        self.address = (host, int(port))
        self.count = count
        self.sockets: list[socket.socket] = []
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._trickle, daemon=True)

    def __enter__(self):
        for n in range(self.count):
            with contextlib.suppress(OSError):
                sock = socket.create_connection(self.address, timeout=2)
                if n % 2:
                    sock.sendall(b"GET / HTTP/1.1\r\nHost: localhost\r\n")
                self.sockets.append(sock)
        self.thread.start()
        return self

    def _trickle(self) -> None:
        while not self.stop.wait(HEADER_EVERY_SECONDS):
            for n, sock in enumerate(self.sockets):
                if n % 2:
                    with contextlib.suppress(OSError):
                        sock.sendall(b"X-Slow: 1\r\n")

    def __exit__(self, *exc) -> None:
        self.stop.set()
        self.thread.join(timeout=10)
        for sock in self.sockets:
            sock.close()


def _visit(base_url: str, seconds: float) -> list[float | None]:
    """Request the home page again and again for `seconds`; each one's time, None if unserved."""
    times: list[float | None] = []
    session = requests.Session()
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        started = time.monotonic()
        try:
            response = session.get(base_url + "/", timeout=VISITOR_TIMEOUT)
            times.append(time.monotonic() - started if response.status_code == 200 else None)
        except requests.RequestException:
            times.append(None)
        time.sleep(0.1)
    return times


def _p99(times: list[float]) -> float:
    ordered = sorted(times)
    return ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]


def test_slow_clients_hold_no_worker_behind_nginx(app_server):
    base_url, log_path = app_server

    # Without the proxy: one idle connection per gunicorn worker, and the next visitor waits.
    with SlowClients(base_url, GUNICORN_WORKERS), pytest.raises(requests.Timeout):
        requests.get(base_url + "/", timeout=3)

    upstream = base_url.removeprefix("http://")
    with nginx_in_front(upstream) as front, SlowClients(front, ATTACKERS) as attack:
        assert len(attack.sockets) == ATTACKERS
        times = _visit(front, ATTACK_SECONDS)
        # Who the app saw: nginx's peer, whatever the client claims to be.
        spoofed = requests.get(front + "/healthz", headers={"X-Forwarded-For": "203.0.113.9"})
        assert spoofed.status_code == 200

    served = [t for t in times if t is not None]
    print(
        f"\n{len(times)} visits during {ATTACKERS} slow connections through nginx:"
        f" {len(served)} served, p99 {_p99(served) * 1000:.0f} ms"
    )
    assert served and len(served) == len(times), f"visits not served: {times}"
    assert _p99(served) < P99_LIMIT_SECONDS, sorted(served)[-5:]
    log = log_path.read_text()
    assert '"remote_addr": "127.0.0.1"' in log and "203.0.113.9" not in log
