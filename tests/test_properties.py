"""Property-based tests: no query, parameter or path makes the engine or the web app fail."""

import unicodedata
from urllib.parse import quote

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from indexer.search import InvalidRequest

SYNTAX = ['"', "-", "(", ")", "AND", "OR", "NOT", "title:", "*", "?", "\\", "~", "^", ":", "[", "]", "{", "}",
          "công", "thương", "Bắc Giang", "cong", "\u200b", "\u0301", "\u202e", "🙂", "日本", "مرحبا", "\x00", "\n"]
queries = st.one_of(
    st.text(max_size=300),
    st.lists(st.sampled_from(SYNTAX), max_size=30).map(" ".join),
    st.lists(st.sampled_from(SYNTAX), max_size=30).map("".join),
    st.text(max_size=100).map(lambda text: unicodedata.normalize("NFD", text + " Hoà Bình")),
)
params = st.one_of(st.integers(min_value=-5, max_value=10**7).map(str), st.text(max_size=12))
common = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@common
@given(query=queries)
def test_engine_answers_any_query(seed_engine, query):
    try:
        results = seed_engine.search(query)
    except InvalidRequest as refused:
        assert refused.code == "query_too_long"
        return
    assert results.total >= len(results.hits) >= 0
    for hit in results.hits:
        assert "<script" not in hit.snippet.lower()


@common
@given(query=queries, page=params, per_page=params)
def test_api_answers_200_or_a_json_4xx(client, query, page, per_page):
    response = client.get("/api/search", query_string={"q": query, "page": page, "per_page": per_page})
    assert response.status_code in (200, 400), response.get_data(as_text=True)[:300]
    body = response.get_json()
    if response.status_code == 400:
        assert body["error"]["code"] and body["error"]["message"]
    else:
        assert body["total"] >= 0


@common
@given(query=queries, page=params)
def test_search_page_never_fails(client, query, page):
    response = client.get("/", query_string={"q": query, "page": page})
    assert response.status_code in (200, 400)
    html = response.get_data(as_text=True)
    assert "Traceback" not in html and "<script>" not in html


@common
@given(doc_id=st.text(min_size=1, max_size=200))
def test_document_paths_answer_200_or_404(client, doc_id):
    for prefix in ("/doc/", "/api/doc/"):
        response = client.get(prefix + quote(doc_id, safe=""))
        assert response.status_code in (200, 404), (doc_id, response.status_code)


@common
@given(query=queries, value=queries, sort=st.one_of(st.sampled_from(["relevance", "newest", "oldest"]), st.text(max_size=10)),
       facet=st.sampled_from(["source", "category", "year", "author"]))
def test_filters_and_sort_answer_200_or_a_4xx(news_client, query, value, sort, facet):
    for path in ("/api/search", "/"):
        response = news_client.get(path, query_string={"q": query or "giá", facet: value, "sort": sort})
        assert response.status_code in (200, 400), response.get_data(as_text=True)[:300]
        assert "Traceback" not in response.get_data(as_text=True)


@common
@given(text=queries, limit=params)
def test_suggest_answers_any_text(news_client, text, limit):
    response = news_client.get("/api/suggest", query_string={"q": text, "limit": limit})
    assert response.status_code in (200, 400)
    if response.status_code == 200:
        assert all(isinstance(s, str) and s for s in response.get_json()["suggestions"])
