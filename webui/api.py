"""The JSON API: /api/search, /api/doc/<id>, /healthz."""

from dataclasses import asdict

from flask import Blueprint, abort, jsonify, request

from indexer.search import InvalidRequest
from webui.requests import document_url, engine, search_params

blueprint = Blueprint("api", __name__)


def results_json(results) -> dict:
    """The search results as JSON, each hit with the URL of its document page."""
    body = results.to_dict()
    for hit in body["hits"]:
        hit["url"] = document_url(hit["id"], results.query)
    return body


@blueprint.get("/api/search")
def search():
    query, page, per_page = search_params()
    if not query.strip():
        raise InvalidRequest("missing_query", "parameter q is required")
    return jsonify(results_json(engine().search(query, page=page, per_page=per_page)))


@blueprint.get("/api/doc/", defaults={"doc_id": None})
@blueprint.get("/api/doc/<doc_id:doc_id>")
def document(doc_id):
    doc_id = doc_id if doc_id is not None else request.args.get("id", "")
    view = engine().document(doc_id, request.args.get("q", ""))
    if view is None:
        abort(404, description=f"no document with id {doc_id!r}")
    return jsonify(asdict(view))


@blueprint.get("/healthz")
def health():
    return jsonify(status="ok", documents=engine().document_count())
