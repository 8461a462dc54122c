"""HTML pages: the search page and the document page, server-rendered."""

from flask import Blueprint, abort, render_template, request

from webui.requests import document_url, engine, search_params

blueprint = Blueprint("views", __name__)
PAGE_LINKS = 9  # page numbers shown around the current one


@blueprint.get("/")
def home():
    query, page, per_page = search_params()
    results = engine().search(query, page=page, per_page=per_page) if query.strip() else None
    return render_template(
        "search.html", query=query, results=results, document_url=document_url,
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
    return render_template("document.html", doc=view, query=query)


def _page_numbers(results) -> list[int]:
    first = max(1, min(results.page - PAGE_LINKS // 2, results.pages - PAGE_LINKS + 1))
    return list(range(first, min(results.pages, first + PAGE_LINKS - 1) + 1))
