"""The rush's clients: one thread per worker and a few per factory staff token.

Threads with `requests` sessions rather than asyncio: `requests` is already a pinned dev
dependency, and a thread blocked on a socket costs the client nothing, which is all these
clients do (the server's two sync processes, not the client, are the bottleneck). Every
request is timed and counted by action and status; timeouts and connection errors are
counted apart from HTTP statuses.
"""

import random
import threading
import time
import traceback
from collections import Counter, defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import requests

from tests.perf.rush_scene import RushWorker, Scene, Staff

CLIENT_TIMEOUT_SECONDS = 60
POLL_SECONDS = 1.0
HOLDER_POLL_SECONDS = 5.0  # a worker with a place only looks in now and then
FACTORY_PAUSE_SECONDS = 0.2
OFFERS_AT_ONCE = 8  # a factory thread's offers in flight at once
LIVE = ("applied", "offered")  # an application that may still become a place
OFFERABLE = ("applied", "waitlisted")
HOLDING = ("accepted", "in_progress", "completed")


@dataclass
class Stats:
    """Every request's outcome and latency, and the 2xx applies and accepts to check later."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    statuses: dict = field(default_factory=lambda: defaultdict(Counter))
    latencies: dict = field(default_factory=lambda: defaultdict(list))
    refusals: dict = field(default_factory=lambda: defaultdict(Counter))
    crashes: Counter = field(default_factory=Counter)  # clients that died of an exception
    applies: list = field(default_factory=list)  # (application id, worker id, shift id)
    accepts: list = field(default_factory=list)  # (application id, worker id, shift id)
    offers: int = 0
    first_at: float | None = None
    last_at: float | None = None

    def refusal(self, action: str, response: requests.Response) -> None:
        """Count a refusal by status and message, to tell a full shift from a lapsed offer."""
        try:
            message = response.json()["error"]["message"]
        except (ValueError, KeyError, TypeError):
            message = response.text[:80]
        with self.lock:
            self.refusals[action][f"{response.status_code} {message}"] += 1

    def record(self, action: str, outcome, seconds: float) -> None:
        """Count one request's outcome (an HTTP status or an error name) and its latency."""
        now = time.monotonic()
        with self.lock:
            self.statuses[action][str(outcome)] += 1
            self.latencies[action].append(seconds)
            self.first_at = min(self.first_at or now, now - seconds)
            self.last_at = max(self.last_at or now, now)


@dataclass
class Rush:
    """Shared by every client: the server, the scene, the stats, the start and the deadline."""

    base_url: str
    scene: Scene
    stats: Stats
    barrier: threading.Barrier
    seconds: float
    applies_per_worker: int
    deadline: float = 0.0
    stragglers: int = 0  # clients still running when the rush gave up on them

    def over(self) -> bool:
        return time.monotonic() >= self.deadline


def _call(rush: Rush, session: requests.Session, action: str, method: str, path: str, **kw):
    """One request, timed and counted; the JSON body on 2xx, else None."""
    started = time.monotonic()
    try:
        response = session.request(
            method, rush.base_url + path, timeout=CLIENT_TIMEOUT_SECONDS, **kw
        )
    except requests.Timeout:
        rush.stats.record(action, "timeout", time.monotonic() - started)
        return None
    except requests.ConnectionError:
        rush.stats.record(action, "connection_error", time.monotonic() - started)
        return None
    rush.stats.record(action, response.status_code, time.monotonic() - started)
    if 200 <= response.status_code < 300:
        return response.json()
    rush.stats.refusal(action, response)
    return None


def _session(secret: str) -> requests.Session:
    session = requests.Session()
    session.headers["Authorization"] = f"Bearer {secret}"
    session.headers["Accept-Language"] = "en"  # refusals tallied by their English message
    return session


def _sleep_until(rush: Rush, seconds: float) -> None:
    time.sleep(max(0.0, min(seconds, rush.deadline - time.monotonic())))


class WorkerClient:
    """Applies, polls its applications about once a second and accepts every offer it sees."""

    def __init__(self, rush: Rush, worker: RushWorker, seed: int):
        self.rush, self.worker = rush, worker
        self.rng = random.Random(seed)
        self.session = _session(worker.secret)
        self.untried = list(rush.scene.shift_ids)
        self.rng.shuffle(self.untried)

    def run(self) -> None:
        """The worker's morning, from the barrier to the deadline."""
        self.rush.barrier.wait()
        for _ in range(self.rush.applies_per_worker):
            self._apply_somewhere()
        holding = False
        while not self.rush.over():
            pause = HOLDER_POLL_SECONDS if holding else POLL_SECONDS
            _sleep_until(self.rush, pause * self.rng.uniform(0.5, 1.5))
            if self.rush.over():
                return
            mine = _call(self.rush, self.session, "list_mine", "GET", "/api/v1/applications")
            if mine is None:
                continue
            statuses = [a["status"] for a in mine["items"]]
            holding = any(s in HOLDING for s in statuses)
            offered = [a for a in mine["items"] if a["status"] == "offered"]
            if offered:
                self._accept_all(offered)
            elif not holding and not any(s in LIVE for s in statuses):
                self._apply_somewhere()  # all ended or waitlisted: try another shift

    def _apply_somewhere(self) -> None:
        if not self.untried or self.rush.over():
            return
        shift_id = self.untried.pop()
        body = _call(
            self.rush, self.session, "apply", "POST", "/api/v1/applications",
            json={"shift_id": shift_id},
        )  # fmt: skip
        if body is not None:
            with self.rush.stats.lock:
                self.rush.stats.applies.append((body["id"], self.worker.worker_id, shift_id))

    def _accept_all(self, offered: list[dict]) -> None:
        # Several offers are accepted at once, as two taps on two phones would: the
        # server must let this worker take one place at most.
        if len(offered) == 1:
            self._accept(self.session, offered[0])
            return
        threads = [
            threading.Thread(target=self._accept, args=(_session(self.worker.secret), a))
            for a in offered
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

    def _accept(self, session: requests.Session, application: dict) -> None:
        path = f"/api/v1/applications/{application['id']}/accept"
        body = _call(self.rush, session, "accept", "POST", path)
        if body is not None:
            with self.rush.stats.lock:
                self.rush.stats.accepts.append(
                    (body["id"], self.worker.worker_id, application["shift_id"])
                )


class FactoryClient:
    """Lists the applications of its shifts and offers a place to every one still waiting."""

    def __init__(self, rush: Rush, staff: Staff, shift_ids: list[int]):
        self.rush, self.staff, self.shift_ids = rush, staff, shift_ids
        self.session = _session(staff.secret)
        self.local = threading.local()
        self.pool = ThreadPoolExecutor(OFFERS_AT_ONCE)

    def run(self) -> None:
        """Sweep the shifts again and again until the deadline."""
        self.rush.barrier.wait()
        try:
            while not self.rush.over():
                for shift_id in self.shift_ids:
                    if self.rush.over():
                        return
                    self._sweep(shift_id)
                _sleep_until(self.rush, FACTORY_PAUSE_SECONDS)
        finally:
            self.pool.shutdown(wait=True)

    def _sweep(self, shift_id: int) -> None:
        listed = _call(
            self.rush, self.session, "list_shift", "GET", "/api/v1/applications",
            params={"shift_id": shift_id},
        )  # fmt: skip
        if listed is None:
            return
        waiting = [a["id"] for a in listed["items"] if a["status"] in OFFERABLE]
        # Staff click "offer" down the list without waiting for each answer: a few at once.
        list(self.pool.map(self._offer, waiting))

    def _offer(self, application_id: int) -> None:
        if self.rush.over():
            return
        session = getattr(self.local, "session", None)
        if session is None:
            session = self.local.session = _session(self.staff.secret)
        path = f"/api/v1/applications/{application_id}/offer"
        if _call(self.rush, session, "offer", "POST", path, json={}) is not None:
            with self.rush.stats.lock:
                self.rush.stats.offers += 1


def clients(rush: Rush, threads_per_staff: int, seed: int) -> list:
    """Every client of the rush: the workers' and, per staff token, a few factory threads."""
    made: list = [WorkerClient(rush, w, seed + n) for n, w in enumerate(rush.scene.workers)]
    for staff in rush.scene.staff:
        for k in range(threads_per_staff):
            share = staff.shift_ids[k::threads_per_staff]
            if share:
                made.append(FactoryClient(rush, staff, share))
    return made


def _guarded(rush: Rush, client) -> None:
    # A client that breaks is counted (and shown once), not silently missing from the figures.
    try:
        client.run()
    except Exception as exc:
        with rush.stats.lock:
            rush.stats.crashes[type(exc).__name__] += 1
            first = sum(rush.stats.crashes.values()) == 1
        if first:
            traceback.print_exc()


def run_rush(rush_args: dict, scene: Scene, threads_per_staff: int, seed: int) -> Rush:
    """Start every client, release them together, wait until all have stopped."""
    count = len(scene.workers) + sum(min(threads_per_staff, len(s.shift_ids)) for s in scene.staff)
    rush = Rush(scene=scene, stats=Stats(), barrier=threading.Barrier(count + 1), **rush_args)
    everyone = clients(rush, threads_per_staff, seed)
    threads = [threading.Thread(target=_guarded, args=(rush, c), daemon=True) for c in everyone]
    for thread in threads:
        thread.start()
    rush.deadline = time.monotonic() + 10**6  # set for real once everyone is waiting
    rush.barrier.wait(timeout=120)
    rush.deadline = time.monotonic() + rush.seconds
    # A request begun just before the deadline may take the whole client timeout.
    give_up = rush.deadline + CLIENT_TIMEOUT_SECONDS + 10
    for thread in threads:
        thread.join(timeout=max(0.0, give_up - time.monotonic()))
    rush.stragglers = sum(t.is_alive() for t in threads)
    return rush
