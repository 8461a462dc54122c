"""What pages and the API share: the engine and reading request parameters."""

from urllib.parse import quote

from flask import current_app, request, url_for

from indexer.search import InvalidRequest, SearchEngine

DEFAULT_PER_PAGE = 10


def engine() -> SearchEngine:
    return current_app.extensions["search_engine"]


def int_param(name: str, default: int) -> int:
    raw = request.args.get(name, "").strip()
    if not raw:
        return default
    try:
        return int(raw)
    except ValueError:
        raise InvalidRequest(f"bad_{name}", f"{name} must be a whole number, got {raw[:20]!r}") from None


def search_params() -> tuple[str, int, int]:
    """(query, page, per_page) of the current request; raises InvalidRequest."""
    return request.args.get("q", ""), int_param("page", 1), int_param("per_page", DEFAULT_PER_PAGE)


def document_url(doc_id: str, query: str = "") -> str:
    """The document page: /doc/<id> for path-like ids, /doc/?id=… for ids that clients
    would rewrite in a path (empty or dot segments, leading or doubled slashes)."""
    segments = doc_id.split("/")
    if all(segment not in ("", ".", "..") for segment in segments):
        url = url_for("views.home") + "doc/" + quote(doc_id, safe="/")
        separator = "?"
    else:
        url = url_for("views.home") + "doc/?id=" + quote(doc_id, safe="")
        separator = "&"
    return url + (separator + "q=" + quote(query, safe="") if query else "")
