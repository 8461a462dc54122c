"""/api/openapi.json is a valid OpenAPI document and describes what the endpoints really answer."""

import jsonschema
import pytest
from openapi_spec_validator import validate

QUERIES = ["giá", "gia", "cong nghiep", '"khu công nghiệp"', "tỉnh -bóng", "xyzzy", "coong nhaan"]


@pytest.fixture(scope="module")
def spec(news_client):
    response = news_client.get("/api/openapi.json")
    assert response.status_code == 200
    document = response.get_json()
    validate(document)  # raises on anything OpenAPI 3.1 does not allow
    return document


def check(spec, path: str, status: int, body, media: str = "application/json"):
    """``body`` against the schema ``spec`` declares for ``path``'s ``status`` answer."""
    declared = spec["paths"][path]["get"]["responses"][str(status)]["content"][media]["schema"]
    schema = {**declared, "components": spec["components"]}
    jsonschema.validate(body, schema, cls=jsonschema.Draft202012Validator)


@pytest.mark.parametrize("query", QUERIES)
@pytest.mark.parametrize("extra", ["", "&sort=newest", "&category=Kinh+t%E1%BA%BF&year=2024", "&per_page=3&page=2"])
def test_search_responses_match_the_schema(spec, news_client, query, extra):
    response = news_client.get(f"/api/search?q={query}{extra}")
    assert response.status_code == 200
    check(spec, "/api/search", 200, response.get_json())


def test_responses_with_every_optional_part_match(spec, news_client):
    body = news_client.get("/api/search?q=gia&source=B%C3%A1o+C%C3%B4ng+Th%C6%B0%C6%A1ng").get_json()
    assert body["suggestion"] and body["facets"]["source"] and body["filters"] and body["hits"]
    check(spec, "/api/search", 200, body)


def test_suggest_document_health_and_errors_match(spec, news_client):
    check(spec, "/api/suggest", 200, news_client.get("/api/suggest?q=cong+th").get_json())
    opensearch = news_client.get("/api/suggest?q=cong+th&format=opensearch")
    check(spec, "/api/suggest", 200, opensearch.get_json(force=True), "application/x-suggestions+json")
    document = news_client.get("/api/doc/kt-01?q=gia").get_json()
    assert document["similar"]
    check(spec, "/api/doc/{id}", 200, document)
    check(spec, "/api/doc/{id}", 404, news_client.get("/api/doc/none").get_json())
    check(spec, "/healthz", 200, news_client.get("/healthz").get_json())
    for bad in ["q=gia&sort=x", "q=gia&per_page=0", "q=", "q=gia&year=" + "9" * 600]:
        response = news_client.get("/api/search?" + bad)
        assert response.status_code == 400
        check(spec, "/api/search", 400, response.get_json())


def test_an_undeclared_field_would_fail(spec, news_client):
    """The schemas are strict: the test above would notice a field the description lacks."""
    body = news_client.get("/api/search?q=gia").get_json()
    body["hits"][0]["extra"] = 1
    with pytest.raises(jsonschema.ValidationError):
        check(spec, "/api/search", 200, body)


def test_every_endpoint_the_app_serves_under_api_is_described(spec, news_client):
    rules = {rule.rule for rule in news_client.application.url_map.iter_rules() if rule.rule.startswith("/api/")}
    described = {path.replace("{id}", "<doc_id:doc_id>") for path in spec["paths"]}
    assert rules - {"/api/openapi.json", "/api/doc/"} <= described
