"""nginx's configuration for the production stack, from marketplace/nginx.conf.template.

``python -m marketplace.nginx_conf RUN_DIR --listen 0.0.0.0:8000 --upstream 127.0.0.1:8001``
writes RUN_DIR/nginx.conf and prints its path; ``nginx -c`` that path runs it in the
foreground. RUN_DIR holds nginx's pid file and its temporary files (request and response
bodies buffered to disk), so nothing is written under /etc or /var and no root is needed;
started as root, nginx's workers run as www-data.
"""

import argparse
import os
from pathlib import Path

TEMPLATE = Path(__file__).with_name("nginx.conf.template")
# ROSTER_MAX_BYTES (10 MiB) and the form around it; larger bodies are refused by nginx.
DEFAULT_MAX_BODY = "11m"
DEFAULT_CONN_PER_ADDRESS = 32


def render(
    run_dir: Path,
    listen: str,
    upstream: str,
    *,
    max_body: str = DEFAULT_MAX_BODY,
    conn_per_address: int = DEFAULT_CONN_PER_ADDRESS,
) -> str:
    """The configuration text for these addresses and this run directory."""
    user_line = "user www-data;" if os.geteuid() == 0 else "# (not root: workers run as this user)"
    values = {
        "USER_LINE": user_line,
        "RUN_DIR": str(Path(run_dir).resolve()),
        "LISTEN": listen,
        "UPSTREAM": upstream,
        "MAX_BODY": max_body,
        "CONN_PER_ADDRESS": str(conn_per_address),
    }
    text = TEMPLATE.read_text()
    for name, value in values.items():
        text = text.replace(f"@{name}@", value)
    return text


def write(run_dir: Path, listen: str, upstream: str, **options) -> Path:
    """Write RUN_DIR/nginx.conf (making RUN_DIR, which nginx's workers must be able to enter)."""
    run_dir = Path(run_dir)
    run_dir.mkdir(parents=True, exist_ok=True)
    # Enterable but not listable: the workers reach their temporary directories (made 0700 by
    # nginx itself) when nginx was started as root and they run as www-data.
    run_dir.chmod(0o711)
    path = run_dir / "nginx.conf"
    path.write_text(render(run_dir, listen, upstream, **options))
    return path


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("run_dir", type=Path)
    parser.add_argument("--listen", required=True, help="address:port clients connect to")
    parser.add_argument("--upstream", required=True, help="gunicorn's address:port or unix:path")
    parser.add_argument("--max-body", default=DEFAULT_MAX_BODY)
    parser.add_argument("--conn-per-address", type=int, default=DEFAULT_CONN_PER_ADDRESS)
    args = parser.parse_args(argv)
    path = write(
        args.run_dir,
        args.listen,
        args.upstream,
        max_body=args.max_body,
        conn_per_address=args.conn_per_address,
    )
    print(path)


if __name__ == "__main__":
    main()
