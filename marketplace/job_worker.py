"""The job worker behind `flask jobs worker`: RQ jobs from Redis, plus the periodic tasks.

One worker is one process running one job at a time (RQ's SimpleWorker: no fork per job,
so the per-process matching index built for one placement run serves the next). Run as
many as the hosts allow; they share nothing but Redis and the database.

Periodic tasks (expiring lapsed offers, sweeping lost jobs, handing over the jobs whose
enqueue failed while Redis was down) run in a thread of each worker.
A Redis key set with NX and an expiry of the task's interval decides which worker runs a
task in each interval, so several workers do not all run it; the tasks are safe to run
at once anyway (conditional updates), the lock only saves the work.
"""

import contextlib
import importlib
import logging
import os
import socket
import threading
import time
from collections.abc import Callable

from flask import Flask
from redis import Redis
from redis.exceptions import RedisError

from . import jobs

log = logging.getLogger(__name__)
LOCK_PREFIX = "marketplace:periodic:"
SWEPT_PREFIX = "marketplace:swept:"
TICK_SECONDS = 1.0


def run_worker(app: Flask, *, burst: bool = False, scheduler: bool = True) -> bool:
    """Work the queue until stopped (or, with burst, until it is empty); whether any job ran."""
    from rq import SimpleWorker
    from rq.serializers import JSONSerializer

    for module in jobs.JOB_MODULES:
        importlib.import_module(module)
    # Jobs this process enqueues (the sweep's) go on the queue too.
    app.config["JOB_BACKEND"] = "rq"
    jobs.set_worker_app(app)
    # No socket timeout here: RQ sets one longer than its blocking wait for the next job.
    connection = Redis.from_url(app.config["REDIS_URL"])

    def new_worker():
        worker = SimpleWorker(
            [jobs.rq_queue(connection)], connection=connection, serializer=JSONSerializer
        )
        # RQ waits ever longer between attempts to reach a Redis that is down (up to a
        # minute); a queue that comes back should be worked within seconds.
        worker.max_connection_wait_time = app.config["REDIS_RETRY_MAX_SECONDS"]
        return worker

    if scheduler and burst:
        run_due(app, connection)  # once, as a cron-driven worker would
    elif scheduler:
        Ticker(app, connection).start()
    level = app.config["LOG_LEVEL"]
    if burst:
        return new_worker().work(burst=True, logging_level=level)
    while True:
        worker, worked = new_worker(), False
        with contextlib.suppress(RedisError):  # its teardown could not reach Redis either
            worked = worker.work(logging_level=level)
        if worker._shutdown_requested_date is not None:  # SIGTERM or Ctrl-C: RQ's warm stop
            return worked
        # RQ retries a Redis that is down while it waits for a job, but quits if Redis goes
        # at another moment; this process works on, as it would under a supervisor.
        log.warning("the worker lost Redis; working again once it answers")
        time.sleep(app.config["REDIS_RETRY_MAX_SECONDS"])


def _expire_offers() -> None:
    from .services.applications.offer_expiry import expire_offers

    count = expire_offers()
    if count:
        log.info("expired %d offer(s)", count)


def _sweep() -> None:
    """Enqueue the lost jobs again (each at most once per JOB_SWEEP_QUEUED_AFTER_SECONDS)."""
    from flask import current_app

    from .services.platform.job_sweep import lost_jobs, mark_enqueued

    connection = jobs.redis_client()
    guard = current_app.config["JOB_SWEEP_QUEUED_AFTER_SECONDS"]
    for name, row_id in lost_jobs():
        # A queued row may just wait behind long jobs: do not pile up copies of its job.
        if connection.set(f"{SWEPT_PREFIX}{name}:{row_id}", 1, nx=True, ex=max(guard, 1)):
            log.warning("job %s(%s) was lost; enqueued again", name, row_id)
            if jobs.enqueue(name, row_id):
                mark_enqueued(name, row_id)


def _hand_over() -> None:
    """Enqueue the jobs whose enqueue failed while Redis was down (it answers again now)."""
    from .services.platform.job_sweep import hand_over_unqueued

    count = hand_over_unqueued()
    if count:
        log.warning("enqueued %d job(s) that could not be queued while Redis was away", count)


# (name, interval setting, task): each task runs in its own app context.
PERIODIC: tuple[tuple[str, str, Callable[[], None]], ...] = (
    ("offers.expire", "OFFER_EXPIRY_INTERVAL_SECONDS", _expire_offers),
    ("jobs.sweep", "JOB_SWEEP_INTERVAL_SECONDS", _sweep),
    ("jobs.hand_over", "JOB_HAND_OVER_INTERVAL_SECONDS", _hand_over),
)


def run_due(app: Flask, connection: Redis) -> list[str]:
    """Run each periodic task that no worker has run within its interval; the names run."""
    owner = f"{socket.gethostname()}:{os.getpid()}"
    ran = []
    for name, setting, task in PERIODIC:
        interval = app.config[setting]
        if interval <= 0:
            continue  # switched off
        # A RedisError here goes to the caller: with Redis away no task runs (Ticker waits).
        if not connection.set(f"{LOCK_PREFIX}{name}", owner, nx=True, ex=interval):
            continue
        with app.app_context():
            try:
                task()
            except Exception:  # the next interval tries again; the worker must live on
                log.exception("periodic task %s failed", name)
        ran.append(name)
    return ran


class Ticker(threading.Thread):
    """A daemon thread of the worker that runs the periodic tasks when they are due."""

    def __init__(self, app: Flask, connection: Redis):
        super().__init__(name="jobs:periodic", daemon=True)
        self.app = app
        self.connection = connection
        self.stopped = threading.Event()

    def run(self) -> None:
        wait, away = TICK_SECONDS, False
        while True:
            try:
                run_due(self.app, self.connection)
            except RedisError as error:
                # One line per outage, not a traceback per task and tick; and a slower pace,
                # though never slower than REDIS_RETRY_MAX_SECONDS, so that the jobs refused
                # meanwhile are handed over within seconds of Redis answering again.
                if not away:
                    log.warning("Redis unreachable (%s); periodic tasks wait for it", error)
                away = True
                wait = min(wait * 2, self.app.config["REDIS_RETRY_MAX_SECONDS"])
            else:
                if away:
                    log.warning("Redis answers again; periodic tasks resume")
                wait, away = TICK_SECONDS, False
            if self.stopped.wait(wait):
                return
