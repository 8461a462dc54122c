from indexer.query import query_terms
from indexer.snippets import highlight, snippet


def test_unaccented_query_marks_the_accented_original(seed_engine):
    hits = seed_engine.search("cong thuong").hits
    assert all("<mark>Công" in hit.snippet or "<mark>công" in hit.snippet for hit in hits)
    assert any("<mark>Công Thương</mark>" in hit.snippet or "<mark>Công thương</mark>" in hit.snippet
               for hit in hits)


def test_accented_query_marks_exact_forms_when_present():
    text = "Con đường nhỏ và hàng dương."
    assert highlight(text, query_terms("đường")) == "Con <mark>đường</mark> nhỏ và hàng dương."
    assert highlight(text, query_terms("duong")) == "Con <mark>đường</mark> nhỏ và hàng <mark>dương</mark>."
    # no exact form in the text: the folded match is shown
    assert highlight("Hàng dương.", query_terms("đường")) == "Hàng <mark>dương</mark>."


def test_everything_else_is_escaped():
    text = "<script>alert('x')</script> Công & Thương"
    html = highlight(text, query_terms("công"))
    assert html == "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; <mark>Công</mark> &amp; Thương"


def test_snippet_is_short_and_centred_on_matches():
    text = ("Mở đầu không liên quan. " * 40) + "Tỉnh Bắc Giang phát triển. " + ("Đoạn kết thúc. " * 40)
    html = snippet(text, query_terms("bac giang"))
    assert "<mark>Bắc Giang</mark>" in html
    assert html.startswith("…") and html.endswith("…")
    assert len(html) < 400


def test_snippet_without_match_shows_the_beginning():
    assert snippet("Một hai ba bốn", query_terms("không")) == "Một hai ba bốn"
