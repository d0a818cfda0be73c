"""Configuration classes; every value can be overridden from the environment."""

import os
from datetime import timedelta
from pathlib import Path

from dotenv import load_dotenv

BASE_DIR = Path(__file__).resolve().parent
# A .env file beside this one applies to every entry point (flask, gunicorn, tests).
load_dotenv(BASE_DIR / ".env")

INSTANCE_DIR = BASE_DIR / "instance"


def _env_int(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


class Config:
    """Embedded default: a SQLite file under instance/, jobs in-process."""

    SECRET_KEY = os.environ.get("SECRET_KEY", "dev-only-insecure-secret-key")
    SQLALCHEMY_DATABASE_URI = os.environ.get(
        "DATABASE_URL", f"sqlite:///{INSTANCE_DIR / 'marketplace.db'}"
    )
    SQLALCHEMY_ENGINE_OPTIONS: dict = {"pool_pre_ping": True}
    REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")

    BABEL_DEFAULT_LOCALE = "zh_Hans_CN"
    BABEL_DEFAULT_TIMEZONE = "Asia/Shanghai"
    BABEL_TRANSLATION_DIRECTORIES = str(BASE_DIR / "marketplace" / "translations")
    LANGUAGES = ("zh_Hans_CN", "en")
    CLI_LOCALE = os.environ.get("CLI_LOCALE", "zh_Hans_CN")  # messages of flask commands

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = os.environ.get("SESSION_COOKIE_SECURE", "0") == "1"
    WTF_CSRF_TIME_LIMIT = 8 * 3600
    MAX_CONTENT_LENGTH = 16 * 1024 * 1024

    # Passwords: length floor and the zxcvbn score (0-4) below which we refuse.
    PASSWORD_MIN_LENGTH = 8
    PASSWORD_MIN_SCORE = _env_int("PASSWORD_MIN_SCORE", 3)
    # Failed-login throttling, counted in the database so every process sees it.
    LOGIN_FAILURE_WINDOW_SECONDS = _env_int("LOGIN_FAILURE_WINDOW_SECONDS", 15 * 60)
    # Per account and address is the tight limit; per account alone is looser, so that
    # a stranger who knows someone's number cannot lock them out with a few tries.
    LOGIN_MAX_FAILURES_PER_ACCOUNT_ADDRESS = _env_int("LOGIN_MAX_FAILURES_PER_ACCOUNT_ADDRESS", 5)
    LOGIN_MAX_FAILURES_PER_ACCOUNT = _env_int("LOGIN_MAX_FAILURES_PER_ACCOUNT", 20)
    LOGIN_MAX_FAILURES_PER_ADDRESS = _env_int("LOGIN_MAX_FAILURES_PER_ADDRESS", 50)
    # Registration tells whether a number is taken; limit how fast anyone can ask.
    REGISTRATION_WINDOW_SECONDS = _env_int("REGISTRATION_WINDOW_SECONDS", 3600)
    REGISTRATION_MAX_PER_ADDRESS = _env_int("REGISTRATION_MAX_PER_ADDRESS", 20)
    # How many reverse proxies in front set X-Forwarded-For; 0 trusts none.
    TRUSTED_PROXY_HOPS = _env_int("TRUSTED_PROXY_HOPS", 0)
    # Sessions end SESSION_LIFETIME_HOURS after login, or after SESSION_IDLE_MINUTES unused,
    # whichever comes first (ASVS L2: 12 h absolute, 30 min idle); both checked on the server.
    SESSION_LIFETIME_HOURS = _env_int("SESSION_LIFETIME_HOURS", 12)
    SESSION_IDLE_MINUTES = _env_int("SESSION_IDLE_MINUTES", 30)
    # Flask's own cookie lifetime, should a session be made permanent: never past the above.
    PERMANENT_SESSION_LIFETIME = timedelta(hours=SESSION_LIFETIME_HOURS)
    SESSION_COOKIE_NAME = "session"
    # Registrations per account (the mobile number or email asked about) in the window above.
    REGISTRATION_MAX_PER_ACCOUNT = _env_int("REGISTRATION_MAX_PER_ACCOUNT", 5)

    SHIFTS_PER_PAGE = 20
    # Anonymous visitors' copies of the open-shift list and shift pages, per process: how old a
    # copy may be (0 turns the cache off) and how many copies each process keeps.
    PAGE_CACHE_SECONDS = float(os.environ.get("PAGE_CACHE_SECONDS", 5))
    PAGE_CACHE_ENTRIES = _env_int("PAGE_CACHE_ENTRIES", 512)

    # JSON API (/api/v1, flask-smorest). The OpenAPI document and the docs page are served
    # by the app itself; the docs page (api/docs.py, not flask-smorest's, whose inline script
    # the CSP refuses) loads Swagger UI from the app's own static files.
    API_TITLE = "Shared-staff marketplace"
    API_VERSION = "1"
    OPENAPI_VERSION = "3.0.3"
    OPENAPI_URL_PREFIX = "/api/v1"
    OPENAPI_JSON_PATH = "openapi.json"
    # The largest JSON body the API reads; bigger ones get 413 before anything is parsed.
    API_MAX_CONTENT_LENGTH = _env_int("API_MAX_CONTENT_LENGTH", 64 * 1024)
    # Origins allowed to call the API from a browser with credentials; empty: no CORS headers.
    API_CORS_ORIGINS = tuple(
        o.strip() for o in os.environ.get("API_CORS_ORIGINS", "").split(",") if o.strip()
    )
    # Personal API tokens: every one expires; the lifetime a token gets when none is asked
    # for, and the longest a client may ask for.
    API_TOKEN_DEFAULT_DAYS = _env_int("API_TOKEN_DEFAULT_DAYS", 90)
    API_TOKEN_MAX_DAYS = _env_int("API_TOKEN_MAX_DAYS", 365)
    # How long a worker has to answer an offer (never past the shift's start).
    OFFER_TTL_HOURS = _env_int("OFFER_TTL_HOURS", 24)
    # The longest lending agreement a borrower may request.
    LENDING_MAX_DAYS = _env_int("LENDING_MAX_DAYS", 90)

    # Background jobs: "thread" runs each in a thread of this process (the embedded default);
    # "eager" runs it at once in the caller (tests, one-off commands).
    JOB_BACKEND = os.environ.get("JOB_BACKEND", "thread")
    # --- Job queue, health checks and request logs (marketplace.jobs, job_worker, web/health,
    # request_log). JOB_BACKEND=rq puts jobs on a Redis queue (REDIS_URL) run by `flask jobs
    # worker` processes. How long a Redis connect or command may take before it fails:
    REDIS_TIMEOUT_SECONDS = _env_int("REDIS_TIMEOUT_SECONDS", 5)
    # The longest a job may run in a worker before RQ stops it (leases cover shorter deaths).
    JOB_TIMEOUT_SECONDS = _env_int("JOB_TIMEOUT_SECONDS", 3600)
    # How long RQ keeps a finished job's record; the job's own state lives in the database.
    JOB_RESULT_TTL_SECONDS = _env_int("JOB_RESULT_TTL_SECONDS", 600)
    JOB_FAILURE_TTL_SECONDS = _env_int("JOB_FAILURE_TTL_SECONDS", 7 * 24 * 3600)
    # Workers expire lapsed offers this often (one of them each time, under a Redis lock).
    OFFER_EXPIRY_INTERVAL_SECONDS = _env_int("OFFER_EXPIRY_INTERVAL_SECONDS", 60)
    # Workers sweep this often for runs and imports whose job was lost: queued this long ago
    # and never claimed, or running past their lease (their worker died).
    JOB_SWEEP_INTERVAL_SECONDS = _env_int("JOB_SWEEP_INTERVAL_SECONDS", 60)
    JOB_SWEEP_QUEUED_AFTER_SECONDS = _env_int("JOB_SWEEP_QUEUED_AFTER_SECONDS", 600)
    # Rows whose enqueue failed (Redis down) are handed to the queue this often once it answers,
    # and neither RQ nor the periodic tasks wait longer than this between tries to reach Redis.
    JOB_HAND_OVER_INTERVAL_SECONDS = _env_int("JOB_HAND_OVER_INTERVAL_SECONDS", 5)
    REDIS_RETRY_MAX_SECONDS = _env_int("REDIS_RETRY_MAX_SECONDS", 5)
    # A row whose worker died this many times is marked failed rather than tried again.
    JOB_MAX_ATTEMPTS = _env_int("JOB_MAX_ATTEMPTS", 3)
    # Room beyond the solver's time budget before a placement run's lease lapses.
    PLACEMENT_LEASE_MARGIN_SECONDS = _env_int("PLACEMENT_LEASE_MARGIN_SECONDS", 600)
    # /readyz: how long each check (database, Redis) may take.
    HEALTH_CHECK_TIMEOUT_SECONDS = _env_int("HEALTH_CHECK_TIMEOUT_SECONDS", 2)
    # Logs: one JSON object a line ("json") or plain lines ("text"); and the level.
    LOG_FORMAT = os.environ.get("LOG_FORMAT", "text")
    LOG_LEVEL = os.environ.get("LOG_LEVEL", "INFO")
    # Placement runs: candidates per shift handed to the solver (best first), the solver's time
    # budget, and the longest window a run may cover.
    PLACEMENT_CANDIDATES_PER_SHIFT = _env_int("PLACEMENT_CANDIDATES_PER_SHIFT", 1000)
    PLACEMENT_TIME_LIMIT_SECONDS = _env_int("PLACEMENT_TIME_LIMIT_SECONDS", 300)
    PLACEMENT_MAX_WINDOW_DAYS = _env_int("PLACEMENT_MAX_WINDOW_DAYS", 31)

    # Roster imports: the largest file, the most rows, and how long an invitation link lasts.
    ROSTER_MAX_BYTES = _env_int("ROSTER_MAX_BYTES", 10 * 1024 * 1024)
    ROSTER_MAX_ROWS = _env_int("ROSTER_MAX_ROWS", 50_000)
    ROSTER_INVITATION_DAYS = _env_int("ROSTER_INVITATION_DAYS", 14)

    # E-mail for notifications: sent through SMTP when MAIL_SERVER is set, else logged.
    MAIL_SERVER = os.environ.get("MAIL_SERVER") or None
    MAIL_PORT = _env_int("MAIL_PORT", 25)
    MAIL_USE_TLS = os.environ.get("MAIL_USE_TLS", "0") == "1"
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME") or None
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD", "")
    MAIL_FROM = os.environ.get("MAIL_FROM", "marketplace@localhost")
    MAIL_TIMEOUT = _env_int("MAIL_TIMEOUT", 30)


class TestConfig(Config):
    """Tests: TEST_DATABASE_URL (PostgreSQL in CI) or a SQLite file the fixture picks."""

    TESTING = True
    SECRET_KEY = "test-secret-key"
    SQLALCHEMY_DATABASE_URI = os.environ.get("TEST_DATABASE_URL", "sqlite://")
    SQLALCHEMY_ENGINE_OPTIONS: dict = {}
    # CSRF stays on in tests: the tests post the token like a browser does.
    WTF_CSRF_ENABLED = True
    CLI_LOCALE = "en"
    JOB_BACKEND = "eager"  # a test that needs a real background thread sets "thread"
    MAIL_SERVER = None  # tests start their own SMTP server when they need one
    PAGE_CACHE_SECONDS = 0.0  # tests see every change at once; test_page_cache turns it on
    REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/5")


class ProductionConfig(Config):
    """PostgreSQL behind gunicorn; refuses to start without a real secret and database."""

    PRODUCTION = True
    SESSION_COOKIE_SECURE = os.environ.get("SESSION_COOKIE_SECURE", "1") == "1"
    TRUSTED_PROXY_HOPS = _env_int("TRUSTED_PROXY_HOPS", 1)
    LOG_FORMAT = os.environ.get("LOG_FORMAT", "json")  # one object a line, for a log shipper
    # __Host-: the browser keeps it only if Secure, Path=/ and without Domain, so neither a
    # sibling subdomain nor plain HTTP can set or overwrite it.
    SESSION_COOKIE_NAME = "__Host-session" if SESSION_COOKIE_SECURE else "session"

    @classmethod
    def check(cls) -> None:
        """Fail at start-up rather than run with development secrets."""
        if not os.environ.get("SECRET_KEY"):
            raise RuntimeError("SECRET_KEY must be set in production")
        if not os.environ.get("DATABASE_URL"):
            raise RuntimeError("DATABASE_URL must be set in production")


CONFIGS = {"development": Config, "testing": TestConfig, "production": ProductionConfig}


def get_config(name: str | None = None) -> type[Config]:
    """Pick a configuration class by name or by the MARKETPLACE_ENV variable."""
    return CONFIGS[name or os.environ.get("MARKETPLACE_ENV", "development")]
