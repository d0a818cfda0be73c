"""Background jobs: work that must not run inside a web request.

A job is a function registered by name; `enqueue` hands it to the configured backend:

* ``thread`` (the embedded default): a daemon thread of this process, in its own app context
  and therefore its own database session;
* ``eager``: at once, in the caller (tests and one-off commands).

Jobs take plain arguments (ids, not objects) and keep their own state in the database, so a
job that dies with its process leaves a row that says so and can be retried; nothing a job
needs for correctness lives in process memory.
"""

import logging
import threading
from collections.abc import Callable

from flask import current_app

log = logging.getLogger(__name__)

_registry: dict[str, Callable] = {}
_threads: list[threading.Thread] = []
_threads_lock = threading.Lock()
BACKENDS = ("thread", "eager")


def job(name: str) -> Callable[[Callable], Callable]:
    """Register the decorated function as the job called `name`."""

    def register(function: Callable) -> Callable:
        _registry[name] = function
        return function

    return register


def enqueue(name: str, *args) -> None:
    """Run the job `name` with args through the configured backend."""
    function = _registry[name]
    backend = current_app.config.get("JOB_BACKEND", "thread")
    if backend == "eager":
        function(*args)
    elif backend == "thread":
        _start_thread(current_app._get_current_object(), name, function, args)
    else:
        raise RuntimeError(f"unknown JOB_BACKEND {backend!r}; use one of {BACKENDS}")


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
