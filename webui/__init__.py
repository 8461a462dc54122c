"""The web face of timkiem: HTML pages and a JSON API over ``indexer.search``."""

from pathlib import Path

from flask import Flask
from werkzeug.routing import PathConverter

from indexer.search import DEFAULT_TIME_BUDGET, SearchEngine
from webui import api, views
from webui.access_log import register_access_log
from webui.admission import register_admission
from webui.errors import register_error_handlers

SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
}


class DocumentIdConverter(PathConverter):
    """Any document id, even with leading, doubled or trailing slashes."""

    regex = ".+"
    part_isolating = False  # werkzeug would guess True: the regex has no "/"


def create_app(config: dict | None = None) -> Flask:
    """The app; ``config["INDEX_DIR"]`` names the index folder (default ./index),
    ``SEARCH_TIME_BUDGET`` the seconds one search may take (None: no limit), and
    ``ADMISSION`` (an admission.Bound) the requests one process runs and lets wait,
    ``ACCESS_LOG`` a file for one line per request."""
    app = Flask(__name__)
    app.config["INDEX_DIR"] = Path("index")
    app.config["SEARCH_TIME_BUDGET"] = DEFAULT_TIME_BUDGET
    app.config["JSON_AS_ASCII"] = False
    app.config.update(config or {})
    app.json.ensure_ascii = False
    app.url_map.converters["doc_id"] = DocumentIdConverter
    app.url_map.merge_slashes = False
    app.extensions["search_engine"] = SearchEngine(app.config["INDEX_DIR"], app.config["SEARCH_TIME_BUDGET"])
    app.extensions["search_engine"].warm_up()
    app.register_blueprint(views.blueprint)
    app.register_blueprint(api.blueprint)
    register_error_handlers(app)
    if app.config.get("ACCESS_LOG"):  # first, so that refused requests are logged too
        register_access_log(app, app.config["ACCESS_LOG"])
    if app.config.get("ADMISSION"):
        register_admission(app, app.config["ADMISSION"])

    @app.after_request
    def secure(response):
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        return response

    return app
