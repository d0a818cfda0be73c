"""Health and readiness for load balancers and orchestrators: /healthz and /readyz.

No login, no session, no audit: a probe every few seconds must cost next to nothing and
leave no trace. /healthz says the process answers (and touches nothing else); /readyz
says whether it can serve: the database answers `SELECT 1` and, with JOB_BACKEND=rq,
Redis answers PING. Each check runs in a helper thread and is given up after
HEALTH_CHECK_TIMEOUT_SECONDS, so a host that swallows packets cannot hang the probe.
"""

import logging
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout

from flask import Blueprint, Flask, current_app, jsonify
from sqlalchemy import text

from .. import jobs
from ..extensions import db

log = logging.getLogger(__name__)
bp = Blueprint("health", __name__)
# Few threads: a check stuck past its timeout holds one; later probes then time out too.
_checks = ThreadPoolExecutor(max_workers=4, thread_name_prefix="readyz")


@bp.get("/healthz")
def healthz():
    """The process is up."""
    return jsonify(status="ok")


@bp.get("/readyz")
def readyz():
    """Every dependency answers: 200 with each check's status, else 503."""
    app = current_app._get_current_object()
    probes = {"database": _database}
    if app.config.get("JOB_BACKEND") == "rq":
        probes["redis"] = _redis
    checks = {name: _run(app, probe) for name, probe in probes.items()}
    ready = all(check["status"] == "ok" for check in checks.values())
    body = {"status": "ok" if ready else "unavailable", "checks": checks}
    return jsonify(body), 200 if ready else 503


def _run(app: Flask, probe) -> dict:
    timeout = app.config["HEALTH_CHECK_TIMEOUT_SECONDS"]
    future = _checks.submit(_in_context, app, probe)
    try:
        future.result(timeout=timeout)
    except FutureTimeout:
        log.warning("readiness check %s timed out", probe.__name__)
        return {"status": "fail", "error": "timeout"}
    except Exception as error:  # any failure means not ready; the type is enough to say why
        log.warning("readiness check %s failed: %s", probe.__name__, type(error).__name__)
        return {"status": "fail", "error": type(error).__name__}
    return {"status": "ok"}


def _in_context(app: Flask, probe) -> None:
    with app.app_context():
        probe()


def _database() -> None:
    # A connection of its own, not the session: nothing of a request is touched.
    with db.engine.connect() as connection:
        connection.execute(text("SELECT 1"))


def _redis() -> None:
    jobs.redis_client().ping()
