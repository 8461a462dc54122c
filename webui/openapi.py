"""The OpenAPI 3.1 description of the JSON API, served at /api/openapi.json.

Schemas are strict (every field required, no others allowed) so that
tests/test_openapi.py, which validates real responses against them, fails
when an endpoint and this description drift apart.
"""

from indexer.facets import FACETS, SORTS
from indexer.query import MAX_QUERY_CHARS
from indexer.search import MAX_PER_PAGE, MAX_RESULT_WINDOW
from indexer.suggest import MAX_SUGGESTIONS
from webui.params import DEFAULT_PER_PAGE


def _object(properties: dict, description: str = "") -> dict:
    schema = {"type": "object", "properties": properties, "required": list(properties),
              "additionalProperties": False}
    return {"description": description, **schema} if description else schema


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


_TEXT = {"type": "string"}
_DOCUMENT_INFO = {
    "id": {"type": "string", "description": "JSONL id, or the file's path relative to the corpus root"},
    "title": _TEXT,
    "title_html": {"type": "string", "description": "the title, HTML-escaped, query words in <mark>"},
    "date": {"type": "string", "description": "ISO date (2024-05-01, 2024-05 or 2024), or empty"},
    "source": _TEXT,
    "category": _TEXT,
    "source_url": {"type": "string", "description": "the original's address, as the corpus gave it"},
}
_URL = {"type": "string", "description": "the document's page in this site"}

SCHEMAS = {
    "Hit": _object({**_DOCUMENT_INFO, "snippet": {"type": "string", "description": "HTML: text escaped, matches in <mark>"},
                    "score": {"type": "number"}, "url": _URL}),
    "FacetValue": _object({"value": _TEXT, "count": {"type": "integer", "minimum": 0}, "selected": {"type": "boolean"}}),
    "SearchResults": _object({
        "query": _TEXT,
        "total": {"type": "integer", "minimum": 0, "description": "documents matched (with the filters)"},
        "page": {"type": "integer", "minimum": 1},
        "per_page": {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE},
        "took_ms": {"type": "number"},
        "hits": {"type": "array", "items": _ref("Hit")},
        "suggestion": {"type": ["string", "null"],
                       "description": "the query with accents restored or Telex converted, if it differs"},
        "suggestion_kind": {"enum": ["accents", "typing", "typo", "split", None],
                            "description": "what the suggestion changed: accents put back (the typed query "
                                           "was searched too), Telex/VNI typing converted, a mistyped word "
                                           "corrected or joined syllables split (the results include the "
                                           "corrections); null without a suggestion"},
        "corrections": {"type": "array", "description": "words searched in place of what was typed",
                        "items": _object({"typed": _TEXT, "searched": _TEXT, "kind": {"enum": ["typo", "split"]}})},
        "expansions": {"type": "array", "description": "abbreviations and synonyms also searched",
                       "items": _object({"typed": _TEXT, "also": _TEXT, "source": _TEXT})},
        "verbatim": {"type": "boolean", "description": "searched exactly as typed (verbatim=1)"},
        "not_searched": {"type": "string",
                         "description": "the end of a long query that was left out of the search (empty if none)"},
        "generation": {"type": "string", "description": "the index generation that answered"},
        "phrases_relaxed": {"type": "boolean",
                            "description": "no document held the quoted phrases; their words were searched"},
        "timed_out": {"type": "boolean",
                      "description": "the search's time budget ran out: the hits are what was found by then "
                                     "(some query words or bonuses left unscored, later snippets unmarked)"},
        "sort": {"enum": list(SORTS)},
        "filters": {"type": "object", "additionalProperties": {"type": "array", "items": _TEXT},
                    "propertyNames": {"enum": list(FACETS)}},
        "facets": {"type": "object", "additionalProperties": {"type": "array", "items": _ref("FacetValue")},
                   "propertyNames": {"enum": list(FACETS)},
                   "description": "per facet, counts over the matches with the other facets' filters applied"},
    }),
    "Suggestions": _object({"query": _TEXT, "suggestions": {"type": "array", "items": _TEXT,
                                                           "maxItems": MAX_SUGGESTIONS}}),
    "RelatedDocument": _object({**_DOCUMENT_INFO, "url": _URL}),
    "Document": _object({**_DOCUMENT_INFO, "body_html": {"type": "string", "description": "HTML, query words in <mark>"},
                         "similar": {"type": "array", "items": _ref("RelatedDocument"),
                                     "description": "more like this"}}),
    "Health": {**_object({
        "status": {"enum": ["ok", "degraded"],
                   "description": "degraded: the live generation failed its verification; an older one answers"},
        "documents": {"type": "integer", "minimum": 0, "description": "in the generation that answers"},
        "generation": {"type": "string", "description": "the index generation that answers"},
        "integrity": {"enum": ["verified", "verifying", "unverified", "corrupt"],
                      "description": "the live generation against its checksums; unverified: built before "
                                     "timkiem recorded them"},
        "live": {"type": "string", "description": "when degraded: the corrupt live generation"},
        "differences": {"type": "array", "items": _TEXT,
                        "description": "when degraded: one line per file that differs from its checksum"},
    }), "required": ["status", "documents", "generation", "integrity"]},
    "Error": _object({"error": _object({"code": _TEXT, "message": _TEXT})}),
}


def _parameter(name: str, description: str, schema: dict, required: bool = False, **extra) -> dict:
    return {"name": name, "in": "query", "required": required, "description": description, "schema": schema, **extra}


def _response(description: str, schema: str, media: str = "application/json") -> dict:
    return {"description": description, "content": {media: {"schema": _ref(schema)}}}


_RETRY_AFTER = {"Retry-After": {"description": "seconds to wait before trying again (when busy)",
                                "schema": {"type": "integer", "minimum": 1}}}
_UNAVAILABLE = {**_response("no index built yet, or one an older timkiem built; or the server is busy "
                            "(code overloaded, with Retry-After)", "Error"), "headers": _RETRY_AFTER}
_TOO_MANY = {**_response("too many requests from this client (answered by the proxy of deploy/, "
                         "code too_many_requests)", "Error"), "headers": _RETRY_AFTER}
_ERRORS = {"400": _response("bad parameters", "Error"), "429": _TOO_MANY, "503": _UNAVAILABLE}
_QUERY = {"type": "string", "maxLength": MAX_QUERY_CHARS}

PATHS = {
    "/api/search": {"get": {
        "summary": "Ranked, highlighted, paginated search with facets",
        "parameters": [
            _parameter("q", 'words with or without accents; "phrase", -word, title:word, a OR b', _QUERY, True),
            _parameter("page", "", {"type": "integer", "minimum": 1, "default": 1}),
            _parameter("per_page", f"page * per_page <= {MAX_RESULT_WINDOW}",
                       {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE, "default": DEFAULT_PER_PAGE}),
            _parameter("sort", "undated documents come last when sorting by date",
                       {"enum": list(SORTS), "default": "relevance"}),
            _parameter("verbatim", "1: search exactly what was typed, no corrections of typos, joined "
                       "syllables or Telex", {"enum": ["0", "1", "true", "false"], "default": "0"}),
            *[_parameter(facet, "keep documents with any of these values; repeat for several",
                         {"type": "array", "items": _TEXT}, style="form", explode=True) for facet in FACETS],
        ],
        "responses": {"200": _response("results", "SearchResults"), **_ERRORS},
    }},
    "/api/suggest": {"get": {
        "summary": "Completions of a query being typed, from the index's words",
        "parameters": [
            _parameter("q", "the text typed so far", _QUERY, True),
            _parameter("limit", "", {"type": "integer", "minimum": 1, "maximum": MAX_SUGGESTIONS,
                                     "default": MAX_SUGGESTIONS}),
            _parameter("format", "opensearch: answer as [query, [completions]] for browsers",
                       {"enum": ["opensearch"]}),
        ],
        "responses": {"200": {"description": "completions", "content": {
            "application/json": {"schema": _ref("Suggestions")},
            "application/x-suggestions+json": {"schema": {
                "type": "array", "prefixItems": [_TEXT, {"type": "array", "items": _TEXT}],
                "minItems": 2, "maxItems": 2}},
        }}, **_ERRORS},
    }},
    "/api/doc/{id}": {"get": {
        "summary": "One document, query words highlighted, with similar documents",
        "parameters": [
            {"name": "id", "in": "path", "required": True, "schema": _TEXT,
             "description": "ids with empty or dot segments go in ?id= instead: /api/doc/?id=…"},
            _parameter("q", "words to highlight", _QUERY),
        ],
        "responses": {"200": _response("the document", "Document"), "404": _response("no such id", "Error"),
                      "429": _ERRORS["429"], "503": _ERRORS["503"]},
    }},
    "/healthz": {"get": {
        "summary": "Liveness, how many documents the index holds, and whether its files verified",
        "responses": {"200": _response("serving", "Health"), "503": _ERRORS["503"]},
    }},
}


def openapi_document(server_url: str) -> dict:
    return {
        "openapi": "3.1.0",
        "info": {"title": "timkiem", "version": "1",
                 "description": "Vietnamese full-text search: with or without diacritics, Telex, facets."},
        "servers": [{"url": server_url}],
        "paths": PATHS,
        "components": {"schemas": SCHEMAS},
    }
