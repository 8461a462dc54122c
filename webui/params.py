"""What pages and the API share: the engine and reading request parameters."""

from urllib.parse import quote, urlencode

from flask import current_app, request, url_for

from indexer.facets import FACETS
from indexer.search import InvalidRequest, SearchEngine, SearchResults

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


def search_params() -> dict:
    """The current request's search as ``SearchEngine.search`` arguments: q, page, per_page,
    sort and the filters (``source``, ``category``, ``year``, each repeatable); raises InvalidRequest."""
    return dict(query=request.args.get("q", ""), page=int_param("page", 1),
                per_page=int_param("per_page", DEFAULT_PER_PAGE), sort=request.args.get("sort", "relevance"),
                filters={facet: tuple(request.args.getlist(facet)) for facet in FACETS if facet in request.args},
                verbatim=request.args.get("verbatim", "") in ("1", "true"))


def search_url(results: SearchResults, page: int = 1, sort: str | None = None,
               toggle: tuple[str, str] | None = None, clear_filters: bool = False,
               verbatim: bool | None = None) -> str:
    """The page of ``results`` with one thing changed: the page, the sort, one filter value
    switched on or off, all filters removed, or corrections switched off (``verbatim``).
    Any change but the page starts at page 1."""
    filters = {} if clear_filters else {facet: list(values) for facet, values in results.filters.items()}
    if toggle:
        facet, value = toggle
        chosen = filters.setdefault(facet, [])
        if value in chosen:
            chosen.remove(value)
        else:
            chosen.append(value)
    params = [("q", results.query)]
    params += [(facet, value) for facet in FACETS for value in filters.get(facet, [])]
    if (sort or results.sort) != "relevance":
        params.append(("sort", sort or results.sort))
    if results.per_page != DEFAULT_PER_PAGE:
        params.append(("per_page", results.per_page))
    if results.verbatim if verbatim is None else verbatim:
        params.append(("verbatim", 1))
    if page > 1:
        params.append(("page", page))
    return url_for("views.home") + "?" + urlencode(params)


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
