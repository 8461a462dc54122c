"""One line per request in a file (``timkiem serve --access-log FILE``): who asked what, the answer's status.

The client is the address waitress gives the app: behind a trusted proxy the one
from X-Forwarded-For, otherwise the connection's.  Lines are appended whole by
every worker process (O_APPEND), so one file serves them all.
"""

import logging
import time
from pathlib import Path

from flask import Flask, g, request

log = logging.getLogger("timkiem.access")


def register_access_log(app: Flask, path: Path) -> None:
    handler = logging.FileHandler(path, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(message)s"))
    log.addHandler(handler)
    log.setLevel(logging.INFO)
    log.propagate = False

    @app.before_request
    def started():
        g.started = time.perf_counter()

    @app.after_request
    def written(response):
        took_ms = (time.perf_counter() - g.get("started", time.perf_counter())) * 1000
        log.info("%s %s %s %d %.1fms", request.remote_addr, request.method, request.full_path.rstrip("?"),
                 response.status_code, took_ms)
        return response
