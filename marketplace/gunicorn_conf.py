"""gunicorn settings for production: ``gunicorn -c python:marketplace.gunicorn_conf wsgi:app``.

Every value comes from the environment. gunicorn's access log is off: the app writes one
line per request itself (marketplace.request_log), with the request id and without query
strings, which gunicorn's would print with any mobile number in them.
"""

import multiprocessing
import os
from pathlib import Path


def _int(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


# Loopback only: sync workers must never face clients directly (a few connections that send
# nothing would hold them all); nginx in front reads each request whole first (`make
# serve-prod`, marketplace/nginx.conf.template). On a host of its own behind a proxy on another
# host, bind an interface the proxy alone can reach (GUNICORN_BIND).
bind = os.environ.get("GUNICORN_BIND", f"127.0.0.1:{_int('PORT', 8000)}")
# gunicorn's control socket (gunicornc), one per server rather than the shared default in the
# home directory, which two servers on one host would fight over.
control_socket = os.environ.get(
    "GUNICORN_CONTROL_SOCKET",
    str(Path(__file__).resolve().parents[1] / "instance" / "gunicorn.ctl"),
)
workers = _int("WEB_CONCURRENCY", min(2 * multiprocessing.cpu_count() + 1, 8))
# Sync workers, chosen by `make loadtest` (README): requests are short and the long work goes to
# the job workers. gthread is there to measure against; gevent never (SQLite and NumPy block it).
worker_class = os.environ.get("GUNICORN_WORKER_CLASS", "sync")
threads = _int("GUNICORN_THREADS", 1)
timeout = _int("GUNICORN_TIMEOUT", 60)
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 30)
keepalive = _int("GUNICORN_KEEPALIVE", 5)
# Recycling workers is off unless asked for: a fresh process renders its first pages and loads
# its matching index from cold (seconds on 100,000 workers), which `make loadtest` showed as
# p99 spikes of two seconds at the old default of 1,000 requests. Set it if memory ever grows.
max_requests = _int("GUNICORN_MAX_REQUESTS", 0)
max_requests_jitter = _int("GUNICORN_MAX_REQUESTS_JITTER", 0)
accesslog = None
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info").lower()

# gunicorn's own lines (workers booting, "Error handling request <uri>") in the app's format and
# through its masking of mobile and ID numbers; the root logger is left for the app to set up.
_FORMATS = {"json": "JsonFormatter", "text": "TextFormatter"}
_FORMATTER = _FORMATS[os.environ.get("LOG_FORMAT", "json")]
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"app": {"()": f"marketplace.request_log.{_FORMATTER}"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "app",
            "stream": "ext://sys.stderr",
        }
    },
    "root": {"level": "WARNING", "handlers": []},
    "loggers": {
        "gunicorn.error": {"level": loglevel.upper(), "handlers": ["console"], "propagate": False},
        # The app logs each request itself, with its route's pattern and never a query string.
        "gunicorn.access": {"level": "CRITICAL", "handlers": [], "propagate": False},
    },
}
