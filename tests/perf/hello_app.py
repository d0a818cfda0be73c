"""The load benchmark's baseline: a bare Flask app with one "hello" endpoint.

`make loadtest` serves it with the same gunicorn configuration as the marketplace and reports
the marketplace's figures as ratios against it, measured in the same run on the same machine.
"""

from flask import Flask

app = Flask(__name__)


@app.get("/hello")
def hello() -> str:
    return "hello"
