"""Hostile documents and requests: shown as text, never executed, never reaching files."""

import json

import pytest

from indexer.build import rebuild
from webui import create_app

ODD_IDS = ["../../etc/passwd", "/etc/passwd", "a//b/", "..", "x%2e%2e", "tin?q=1#frag", "có dấu/tệp 1.txt"]


@pytest.fixture(scope="module")
def odd_client(tmp_path_factory):
    root = tmp_path_factory.mktemp("odd")
    (root / "corpus").mkdir()
    records = [{"id": doc_id, "title": f"Tài liệu {n}", "text": f"Nội dung kỳ lạ số {n}"}
               for n, doc_id in enumerate(ODD_IDS)]
    (root / "corpus" / "odd.jsonl").write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in records),
                                               encoding="utf-8")
    rebuild(root / "corpus", root / "index", workers=1)
    return create_app({"INDEX_DIR": root / "index"}).test_client()


def test_every_odd_id_is_reachable_through_its_own_link(odd_client):
    hits = odd_client.get("/api/search?q=noi+dung+ky+la&per_page=50").get_json()["hits"]
    assert sorted(hit["id"] for hit in hits) == sorted(ODD_IDS)
    for hit in hits:
        page = odd_client.get(hit["url"])
        assert page.status_code == 200, hit["id"]
        assert f"Tài liệu {ODD_IDS.index(hit['id'])}" in page.get_data(as_text=True)


@pytest.mark.parametrize("path", ["/doc/../../etc/passwd", "/doc/%2e%2e/%2e%2e/etc/passwd", "/doc//etc/passwd",
                                  "/doc/%2Fetc%2Fpasswd", "/doc/a%00b", "/api/doc/..%2F..%2Fetc%2Fpasswd",
                                  "/doc/" + "a" * 5000])
def test_ids_never_reach_files(client, path):
    response = client.get(path)
    assert response.status_code == 404
    assert "root:" not in response.get_data(as_text=True)


def test_hostile_document_is_shown_as_text(mini_index):
    client = create_app({"INDEX_DIR": mini_index}).test_client()
    results = client.get("/?q=độc+hại").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in results and "<b>độc" not in results
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in results
    page = client.get("/doc/n-3?q=<img>").get_data(as_text=True)
    assert "<img src=x onerror" not in page
    assert "javascript:alert(4)" not in page  # a javascript: source link is not offered
    for response in (client.get("/"), client.get("/doc/n-3"), client.get("/api/search?q=a"), client.get("/nope")):
        assert "script-src 'self'" in response.headers["Content-Security-Policy"]
        assert response.headers["X-Frame-Options"] == "DENY"
        assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_query_is_escaped_everywhere(client):
    hostile = '"><script>alert(1)</script><img src=x onerror=alert(2)>'
    for url in ("/?q=", "/doc/003_d5561cf7ca1d1a0e.txt?q="):
        html = client.get(url + hostile).get_data(as_text=True)
        assert "<script>alert(1)" not in html and "<img src=x" not in html


def test_filter_values_and_sort_are_escaped(news_client):
    hostile = '"><script>alert(1)</script>'
    html = news_client.get("/", query_string={"q": "giá", "source": hostile, "sort": "newest"}).get_data(as_text=True)
    assert "<script>alert(1)" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html  # shown as an active, removable filter
