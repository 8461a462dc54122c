"""The web face of timkiem: HTML pages and a JSON API over ``indexer.search``."""

from pathlib import Path

from flask import Flask
from werkzeug.routing import PathConverter

from indexer.search import SearchEngine
from webui import api, views
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
    """The app; ``config["INDEX_DIR"]`` names the index folder (default ./index)."""
    app = Flask(__name__)
    app.config["INDEX_DIR"] = Path("index")
    app.config["JSON_AS_ASCII"] = False
    app.config.update(config or {})
    app.json.ensure_ascii = False
    app.url_map.converters["doc_id"] = DocumentIdConverter
    app.url_map.merge_slashes = False
    app.extensions["search_engine"] = SearchEngine(app.config["INDEX_DIR"])
    app.extensions["search_engine"].warm_up()
    app.register_blueprint(views.blueprint)
    app.register_blueprint(api.blueprint)
    register_error_handlers(app)

    @app.after_request
    def secure(response):
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        return response

    return app
