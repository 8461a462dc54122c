"""The JSON API contract and the HTML pages, through Flask's test client."""

import pytest


def test_search_contract(client):
    response = client.get("/api/search?q=cong+thuong&per_page=2")
    assert response.status_code == 200
    assert response.content_type == "application/json"
    body = response.get_json()
    assert {"query", "total", "page", "per_page", "took_ms", "hits", "suggestion"} <= body.keys()
    assert body["query"] == "cong thuong" and body["total"] == 5 and body["page"] == 1 and body["per_page"] == 2
    assert len(body["hits"]) == 2
    for hit in body["hits"]:
        assert {"id", "title", "score", "snippet", "url"} <= hit.keys()
        assert "<mark>" in hit["snippet"]
        assert hit["url"].startswith("/doc/")
        assert client.get(hit["url"]).status_code == 200
    assert body["hits"][0]["score"] >= body["hits"][1]["score"]


@pytest.mark.parametrize("query, code", [
    ("q=abc&page=0", "bad_page"), ("q=abc&page=abc", "bad_page"), ("q=abc&per_page=100000", "bad_per_page"),
    ("", "missing_query"), ("q=+++", "missing_query"), ("q=" + "a" * 10_001, "query_too_long"),
    ("q=abc&page=99999", "page_too_deep"),
])
def test_bad_parameters_get_a_json_400(client, query, code):
    response = client.get("/api/search?" + query)
    assert response.status_code == 400
    assert response.content_type == "application/json"
    assert response.get_json()["error"]["code"] == code
    assert response.get_json()["error"]["message"]


def test_unknown_api_path_is_json_404(client):
    response = client.get("/api/nothing")
    assert response.status_code == 404 and response.get_json()["error"]["code"] == "not_found"


def test_health(client, seed_index):
    assert client.get("/healthz").get_json() == {"status": "ok", "documents": 5, "integrity": "verified",
                                                 "generation": (seed_index / "CURRENT").read_text().strip()}


def test_search_page_shows_results_with_marks(client):
    html = client.get("/?q=bac+giang").get_data(as_text=True)
    assert 'lang="vi"' in html
    assert "1 kết quả" in html
    assert "<mark>Bắc Giang</mark>" in html
    assert 'href="/doc/000_6193fe72d397037f.txt?q=bac%20giang"' in html


def test_empty_result_page_helps(client):
    response = client.get("/?q=xyzzyqwerty")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Không tìm thấy kết quả nào" in html and "không dấu" in html


def test_pagination_links(client):
    html = client.get("/?q=cong+thuong&per_page=2&page=2").get_data(as_text=True)
    assert 'aria-current="page">2<' in html
    assert 'rel="prev" href="/?q=cong+thuong&amp;per_page=2"' in html  # page 1 keeps the page size
    assert 'href="/?q=cong+thuong&amp;per_page=2&amp;page=3"' in html


def test_bad_page_parameter_on_html_page_is_a_400_page(client):
    response = client.get("/?q=abc&page=-1")
    assert response.status_code == 400
    assert "text/html" in response.content_type
    assert "Traceback" not in response.get_data(as_text=True)


def test_document_page(client):
    response = client.get("/doc/003_d5561cf7ca1d1a0e.txt?q=long+an")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<mark>Long An</mark>" in html
    assert "Quay lại kết quả tìm kiếm" in html
    assert client.get("/doc/no-such-document").status_code == 404


def test_api_document(client):
    body = client.get("/api/doc/000_6193fe72d397037f.txt?q=bac+giang").get_json()
    assert body["id"] == "000_6193fe72d397037f.txt" and "<mark>Bắc Giang</mark>" in body["body_html"]
    assert client.get("/api/doc/nothing").status_code == 404


def test_security_headers(client):
    headers = client.get("/").headers
    assert "default-src 'none'" in headers["Content-Security-Policy"]
    assert headers["X-Content-Type-Options"] == "nosniff"


def test_html_in_documents_and_queries_is_shown_as_text(mini_index):
    from webui import create_app

    mini = create_app({"INDEX_DIR": mini_index}).test_client()
    page = mini.get("/?q=<script>alert(1)</script>+độc+hại").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    document = mini.get("/doc/n-3").get_data(as_text=True)
    assert "<img src=x" not in document and "&lt;img src=x onerror=alert(2)&gt;" in document
    assert 'href="javascript:' not in document


def test_suggestion_in_json_and_page(client):
    assert client.get("/api/search?q=cong+thuong").get_json()["suggestion"] == "công thương"
    html = client.get("/?q=cong+thuong").get_data(as_text=True)
    assert "Có phải bạn muốn tìm:" in html and 'href="?q=c%C3%B4ng%20th%C6%B0%C6%A1ng"' in html


def test_relaxed_phrase_is_said_on_the_page(client):
    html = client.get('/?q="Giang Bắc công thương"').get_data(as_text=True)
    assert "Không tài liệu nào có đúng cụm từ" in html and "<mark>" in html
    assert client.get('/api/search?q="Giang Bắc công thương"').get_json()["phrases_relaxed"] is True


def test_api_filters_sort_and_facets_match_the_page(news_client):
    body = news_client.get("/api/search?q=gia&category=Kinh+t%E1%BA%BF&category=N%C3%B4ng+nghi%E1%BB%87p"
                           "&sort=newest&per_page=100").get_json()
    assert body["filters"] == {"category": ["Kinh tế", "Nông nghiệp"]} and body["sort"] == "newest"
    assert {hit["category"] for hit in body["hits"]} == {"Kinh tế", "Nông nghiệp"}
    dates = [hit["date"] for hit in body["hits"] if hit["date"]]
    assert dates == sorted(dates, reverse=True)
    chosen = {item["value"] for item in body["facets"]["category"] if item["selected"]}
    assert chosen == {"Kinh tế", "Nông nghiệp"}
    html = news_client.get("/?q=gia&category=Kinh+t%E1%BA%BF&category=N%C3%B4ng+nghi%E1%BB%87p&sort=newest"
                           ).get_data(as_text=True)
    assert f'{body["total"]} kết quả' in html


def test_page_links_toggle_filters_and_keep_the_rest(news_client):
    html = news_client.get("/?q=gia&year=2024&sort=oldest").get_data(as_text=True)
    # removing the year filter keeps the query and the sort
    assert 'href="/?q=gia&amp;sort=oldest" title="Bỏ bộ lọc này"' in html
    # a category link adds to the year filter; facet links restart at page 1
    assert 'href="/?q=gia&amp;category=Kinh+t%E1%BA%BF&amp;year=2024&amp;sort=oldest"' in html
    assert 'aria-current="true">Cũ nhất<' in html


def test_suggest_completes_unaccented_prefixes_with_accented_words(news_client):
    body = news_client.get("/api/suggest?q=khu+cong+ng").get_json()
    assert body == {"query": "khu cong ng", "suggestions": ["khu công nghiệp"]}
    assert "công thương" in news_client.get("/api/suggest?q=cong+th").get_json()["suggestions"]
    accented = news_client.get("/api/suggest?q=c%C3%B4ng+").get_json()["suggestions"]  # "công "
    assert accented and all(s.startswith("công ") for s in accented)
    assert news_client.get("/api/suggest?q=").get_json()["suggestions"] == []
    assert news_client.get("/api/suggest?q=cong&limit=99").status_code == 400


def test_opensearch_description_points_at_search_and_suggest(news_client):
    response = news_client.get("/opensearch.xml")
    assert response.content_type.startswith("application/opensearchdescription+xml")
    xml = response.get_data(as_text=True)
    assert 'template="http://localhost/?q={searchTerms}"' in xml
    assert "api/suggest?format=opensearch&amp;q={searchTerms}" in xml
    assert 'rel="search" type="application/opensearchdescription+xml"' in news_client.get("/").get_data(as_text=True)


def test_document_page_lists_similar_documents(news_client):
    html = news_client.get("/doc/kt-01?q=gia").get_data(as_text=True)
    assert "Tài liệu tương tự" in html
    assert 'href="/doc/kt-01"' not in html  # never itself
    # kt-01 is about rice in the Mekong delta: so are nn-01 (farmers there) and kt-02 (rice exports)
    similar = html[html.index("Tài liệu tương tự"):]
    assert 'href="/doc/nn-01"' in similar and 'href="/doc/kt-02"' in similar


def test_back_link_returns_to_the_results_page_the_user_came_from(news_client):
    came_from = "http://localhost/?q=gia&category=Kinh+t%E1%BA%BF&sort=newest&page=2"
    html = news_client.get("/doc/kt-03?q=gia", headers={"Referer": came_from}).get_data(as_text=True)
    assert 'href="/?q=gia&amp;category=Kinh+t%E1%BA%BF&amp;sort=newest&amp;page=2"' in html
    elsewhere = news_client.get("/doc/kt-03?q=gia", headers={"Referer": "https://evil.example/?q=x"})
    assert 'href="/?q=gia"' in elsewhere.get_data(as_text=True)
