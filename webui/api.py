"""The JSON API: /api/search, /api/suggest, /api/doc/<id>, /healthz, described at /api/openapi.json."""

from dataclasses import asdict

from flask import Blueprint, abort, current_app, jsonify, request, url_for

from indexer.search import InvalidRequest
from indexer.suggest import MAX_SUGGESTIONS
from webui.openapi import openapi_document
from webui.params import document_url, engine, int_param, search_params

blueprint = Blueprint("api", __name__)


def results_json(results) -> dict:
    """The search results as JSON, each hit with the URL of its document page."""
    body = results.to_dict()
    for hit in body["hits"]:
        hit["url"] = document_url(hit["id"], results.query)
    return body


@blueprint.get("/api/search")
def search():
    params = search_params()
    if not params["query"].strip():
        raise InvalidRequest("missing_query", "parameter q is required")
    return jsonify(results_json(engine().search(**params)))


@blueprint.get("/api/suggest")
def suggest():
    """Completions of a query being typed; ``format=opensearch`` answers in the OpenSearch
    suggestions format ``[query, [completions]]`` that browsers' address bars read."""
    query = request.args.get("q", "")
    suggestions = engine().suggest(query, limit=int_param("limit", MAX_SUGGESTIONS))
    if request.args.get("format") == "opensearch":
        return current_app.response_class(current_app.json.dumps([query, suggestions]),
                                          mimetype="application/x-suggestions+json")
    return jsonify(query=query, suggestions=suggestions)


@blueprint.get("/api/doc/", defaults={"doc_id": None})
@blueprint.get("/api/doc/<doc_id:doc_id>")
def document(doc_id):
    doc_id = doc_id if doc_id is not None else request.args.get("id", "")
    view = engine().document(doc_id, request.args.get("q", ""))
    if view is None:
        abort(404, description=f"no document with id {doc_id!r}")
    body = asdict(view)
    for related in body["similar"]:
        related["url"] = document_url(related["id"])
    return jsonify(body)


@blueprint.get("/api/openapi.json")
def openapi():
    return jsonify(openapi_document(url_for("views.home", _external=True).rstrip("/")))


@blueprint.get("/healthz")
def health():
    """Liveness: ``degraded`` when the live generation failed its verification and an older
    one answers (or, with none that verifies, the corrupt one)."""
    state = engine().health()
    body = dict(status="degraded" if state.degraded else "ok", documents=engine().document_count(),
                generation=state.served, integrity=state.integrity)
    if state.degraded:
        body.update(live=state.live, differences=list(state.differences))
    return jsonify(body)
