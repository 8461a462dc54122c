"""HTML pages: the search page and the document page, server-rendered."""

from urllib.parse import urlsplit, urlunsplit

from flask import Blueprint, Response, abort, render_template, request, url_for

from webui.params import document_url, engine, search_params, search_url

blueprint = Blueprint("views", __name__)
PAGE_LINKS = 9  # page numbers shown around the current one
FACET_NAMES = {"source": "Nguồn", "category": "Chuyên mục", "year": "Năm"}
SORT_NAMES = {"relevance": "Liên quan nhất", "newest": "Mới nhất", "oldest": "Cũ nhất"}


@blueprint.get("/")
def home():
    params = search_params()
    query = params["query"]
    results = engine().search(**params) if query.strip() else None
    return render_template(
        "search.html", query=query, results=results, document_url=document_url, search_url=search_url,
        facet_names=FACET_NAMES, sort_names=SORT_NAMES,
        page_numbers=_page_numbers(results) if results else [],
        documents=engine().document_count(),
    )


@blueprint.get("/doc/", defaults={"doc_id": None})
@blueprint.get("/doc/<doc_id:doc_id>")
def document(doc_id):
    doc_id = doc_id if doc_id is not None else request.args.get("id", "")
    query = request.args.get("q", "")
    view = engine().document(doc_id, query)
    if view is None:
        abort(404)
    return render_template("document.html", doc=view, query=query, document_url=document_url,
                           back=_results_page(query))


def _results_page(query: str) -> str:
    """Where "back" leads: the results page the user came from, filters, sort and page
    included, or else the results of ``query``."""
    came_from = urlsplit(request.referrer or "")
    if (came_from.scheme, came_from.netloc) == (request.scheme, request.host) and came_from.path == url_for("views.home"):
        return urlunsplit(("", "", came_from.path, came_from.query, ""))
    return url_for("views.home", q=query) if query else url_for("views.home")


@blueprint.get("/opensearch.xml")
def opensearch():
    """Lets a browser add timkiem as a search engine (with address-bar suggestions)."""
    xml = render_template("opensearch.xml", home=url_for("views.home", _external=True))
    return Response(xml, mimetype="application/opensearchdescription+xml")


def _page_numbers(results) -> list[int]:
    first = max(1, min(results.page - PAGE_LINKS // 2, results.pages - PAGE_LINKS + 1))
    return list(range(first, min(results.pages, first + PAGE_LINKS - 1) + 1))
