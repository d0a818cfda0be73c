"""Background jobs: work that must not run inside a web request.

A job is a function registered by name; `enqueue` hands it to the configured backend:

* ``thread`` (the embedded default): a daemon thread of this process, in its own app context
  and therefore its own database session;
* ``eager``: at once, in the caller (tests and one-off commands);
* ``rq``: onto a Redis queue (REDIS_URL) by job name and plain arguments, run by
  ``flask jobs worker`` processes on any host (marketplace.job_worker).

Jobs take plain arguments (ids, not objects) and keep their own state in the database, so a
job that dies with its process leaves a row that says so and can be retried; nothing a job
needs for correctness lives in process memory.
"""

import logging
import threading
from collections.abc import Callable

from flask import Flask, current_app
from redis import Redis
from redis.exceptions import RedisError

log = logging.getLogger(__name__)

_registry: dict[str, Callable] = {}
_threads: list[threading.Thread] = []
_threads_lock = threading.Lock()
BACKENDS = ("thread", "eager", "rq")
QUEUE_NAME = "marketplace"
# The modules whose import registers every job (a worker imports them before it starts).
JOB_MODULES = ("marketplace.services.placement.job", "marketplace.services.roster.job")


def job(name: str) -> Callable[[Callable], Callable]:
    """Register the decorated function as the job called `name`."""

    def register(function: Callable) -> Callable:
        _registry[name] = function
        return function

    return register


def enqueue(name: str, *args) -> bool:
    """Run the job `name` with args through the configured backend; False if Redis refused it."""
    function = _registry[name]
    backend = current_app.config.get("JOB_BACKEND", "thread")
    if backend == "eager":
        function(*args)
    elif backend == "thread":
        _start_thread(current_app._get_current_object(), name, function, args)
    elif backend == "rq":
        return _enqueue_rq(name, args)
    else:
        raise RuntimeError(f"unknown JOB_BACKEND {backend!r}; use one of {BACKENDS}")
    return True


def _start_thread(app, name: str, function: Callable, args: tuple) -> None:
    def run() -> None:
        with app.app_context():
            try:
                function(*args)
            except Exception:  # the job records its own failure; this is the last resort
                log.exception("job %s%r failed", name, args)

    thread = threading.Thread(target=run, name=f"job:{name}", daemon=True)
    with _threads_lock:
        _threads[:] = [t for t in _threads if t.is_alive()]
        _threads.append(thread)
    thread.start()


def wait_for_threads(timeout: float | None = None) -> bool:
    """Wait for this process's job threads to finish; whether they all did."""
    with _threads_lock:
        running = list(_threads)
    for thread in running:
        thread.join(timeout)
    return not any(t.is_alive() for t in running)


def redis_client(app: Flask | None = None) -> Redis:
    """This app's Redis client for REDIS_URL (one connection pool per process)."""
    app = app or current_app._get_current_object()
    client = app.extensions.get("marketplace.redis")
    if client is None:
        timeout = app.config["REDIS_TIMEOUT_SECONDS"]
        client = Redis.from_url(
            app.config["REDIS_URL"], socket_connect_timeout=timeout, socket_timeout=timeout
        )
        app.extensions["marketplace.redis"] = client
    return client


def rq_queue(connection: Redis):
    """The RQ queue every job goes on; JSON, so nothing read from Redis is unpickled."""
    from rq import Queue
    from rq.serializers import JSONSerializer

    return Queue(QUEUE_NAME, connection=connection, serializer=JSONSerializer)


def _enqueue_rq(name: str, args: tuple) -> bool:
    config = current_app.config
    try:
        rq_queue(redis_client()).enqueue_call(
            "marketplace.jobs.run_job",
            args=(name, *args),
            timeout=config["JOB_TIMEOUT_SECONDS"],
            result_ttl=config["JOB_RESULT_TTL_SECONDS"],
            failure_ttl=config["JOB_FAILURE_TTL_SECONDS"],
            description=f"{name}{args!r}",
        )
    except RedisError as error:
        # The row is committed as queued: the caller marks it not handed over, and the
        # workers enqueue it within seconds of Redis answering again (marketplace.job_worker),
        # so the request that asked for it still succeeds.
        log.warning(
            "could not enqueue job %s%r (%s); the workers will once Redis answers",
            name,
            args,
            error,
        )
        return False
    return True


_worker_app: Flask | None = None


def set_worker_app(app: Flask) -> None:
    """Make `app` the one the worker process runs its jobs in (built once, by create_app)."""
    global _worker_app
    _worker_app = app


def run_job(name: str, *args) -> None:
    """An RQ job's entry point: run the job `name` in a fresh app context of the worker's app.

    A fresh context per job gives each job its own database session, as a request has.
    """
    if _worker_app is None:
        raise RuntimeError("run_job runs inside `flask jobs worker` (set_worker_app)")
    with _worker_app.app_context():
        _registry[name](*args)
