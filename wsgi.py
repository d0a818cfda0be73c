"""Entry point for gunicorn and the flask command: ``app = create_app()``."""

from marketplace import create_app

app = create_app()
