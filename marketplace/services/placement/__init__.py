"""Placement runs: a moderator's run over a window, the background job that solves it, and the
problem as arrays.
"""

from .job import execute_run, lease_length
from .problem import build_problem, free_beds, open_places, window_shifts
from .runs import (
    apply_run,
    can_retry,
    discard_run,
    failure_message,
    get_run,
    list_runs,
    retry_run,
    run_proposals,
    start_run,
)

__all__ = [
    "apply_run",
    "build_problem",
    "can_retry",
    "discard_run",
    "execute_run",
    "failure_message",
    "free_beds",
    "get_run",
    "lease_length",
    "list_runs",
    "open_places",
    "retry_run",
    "run_proposals",
    "start_run",
    "window_shifts",
]
