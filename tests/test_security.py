"""Hostile documents and requests: shown as text, never executed, never reaching files.

Each test runs twice: against the app itself, and over HTTP through the shipped nginx
front (deploy/) to a real `timkiem serve`, as the public would reach it."""

import json

import pytest
from flask.testing import FlaskClient

from indexer.build import rebuild
from webui import create_app

ODD_IDS = ["../../etc/passwd", "/etc/passwd", "a//b/", "..", "x%2e%2e", "tin?q=1#frag", "có dấu/tệp 1.txt"]


@pytest.fixture(params=["app", "proxy"])
def reach(request):
    """``reach(index_dir)``: a client of that index, the app's test client or an HTTP client of nginx."""
    if request.param == "app":
        return lambda index_dir: create_app({"INDEX_DIR": index_dir}).test_client()
    return request.getfixturevalue("proxied")


@pytest.fixture(scope="module")
def odd_index(tmp_path_factory):
    root = tmp_path_factory.mktemp("odd")
    (root / "corpus").mkdir()
    records = [{"id": doc_id, "title": f"Tài liệu {n}", "text": f"Nội dung kỳ lạ số {n}"}
               for n, doc_id in enumerate(ODD_IDS)]
    (root / "corpus" / "odd.jsonl").write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in records),
                                               encoding="utf-8")
    rebuild(root / "corpus", root / "index", workers=1)
    return root / "index"


def test_every_odd_id_is_reachable_through_its_own_link(reach, odd_index):
    odd_client = reach(odd_index)
    hits = odd_client.get("/api/search?q=noi+dung+ky+la&per_page=50").get_json()["hits"]
    assert sorted(hit["id"] for hit in hits) == sorted(ODD_IDS)
    for hit in hits:
        page = odd_client.get(hit["url"])
        assert page.status_code == 200, hit["id"]
        assert f"Tài liệu {ODD_IDS.index(hit['id'])}" in page.get_data(as_text=True)


@pytest.mark.parametrize("path", ["/doc/../../etc/passwd", "/doc/%2e%2e/%2e%2e/etc/passwd", "/doc//etc/passwd",
                                  "/doc/%2Fetc%2Fpasswd", "/doc/a%00b", "/api/doc/..%2F..%2Fetc%2Fpasswd",
                                  "/doc/" + "a" * 5000])
def test_ids_never_reach_files(reach, seed_index, path):
    client = reach(seed_index)
    response = client.get(path)
    # nginx refuses a path that climbs above / or holds a NUL byte itself: 400, the app never sees it
    assert response.status_code in ({404} if isinstance(client, FlaskClient) else {404, 400})
    assert "root:" not in response.get_data(as_text=True)


def test_hostile_document_is_shown_as_text(reach, mini_index):
    client = reach(mini_index)
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


def test_query_is_escaped_everywhere(reach, seed_index):
    client = reach(seed_index)
    hostile = '"><script>alert(1)</script><img src=x onerror=alert(2)>'
    for url in ("/?q=", "/doc/003_d5561cf7ca1d1a0e.txt?q="):
        html = client.get(url + hostile).get_data(as_text=True)
        assert "<script>alert(1)" not in html and "<img src=x" not in html


def test_filter_values_and_sort_are_escaped(reach, news_index):
    news_client = reach(news_index)
    hostile = '"><script>alert(1)</script>'
    html = news_client.get("/", query_string={"q": "giá", "source": hostile, "sort": "newest"}).get_data(as_text=True)
    assert "<script>alert(1)" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html  # shown as an active, removable filter
