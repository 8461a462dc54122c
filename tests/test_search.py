import pytest

from indexer.build import rebuild
from indexer.search import InvalidRequest, SearchEngine


def ids(results):
    return [hit.id for hit in results.hits]


@pytest.mark.parametrize("query, first", [
    ("Bắc Giang", "000_"), ("Long An", "003_"), ("Vĩnh Phúc", "004_"),
    ("bac giang", "000_"), ("long an", "003_"), ("vinh phuc", "004_"),
])
def test_place_names_rank_their_article_first(seed_engine, query, first):
    assert ids(seed_engine.search(query))[0].startswith(first)


def test_unaccented_queries_find_what_accented_ones_find(seed_engine):
    for accented, plain in [("công thương", "cong thuong"), ("Đại hội Đảng bộ", "Dai hoi Dang bo"),
                            ("Bắc Giang", "bac giang")]:
        assert set(ids(seed_engine.search(accented))) == set(ids(seed_engine.search(plain)))
    assert seed_engine.search("cong thuong").total == 5


def test_single_syllable_finds_compound_words(seed_engine):
    # "thương" alone finds every article, all of which say "Công Thương"
    assert seed_engine.search("thương").total == 5


def test_exact_diacritics_rank_above_folded_matches(mini_engine):
    assert ids(mini_engine.search("đường"))[0] == "duong.txt"
    assert ids(mini_engine.search("dương"))[0] == "duong-lieu.txt"
    assert {"duong.txt", "duong-lieu.txt"} <= set(ids(mini_engine.search("duong")))


def test_a_wrong_accent_still_finds_the_word(seed_engine):
    assert seed_engine.search("cộng thương").total == 5


def test_old_and_new_tone_placement_match_each_other(mini_engine):
    for query in ("hòa bình", "hoà bình", "thủy lợi", "thuỷ lợi", "khỏe", "khoẻ"):
        assert ids(mini_engine.search(query)) == ["hoa-binh-old-tones.txt"], query


def test_all_words_rank_before_some_words(seed_engine):
    results = seed_engine.search("Long An Vĩnh Phúc")
    with_all = [h.id for h in results.hits if "Long An" in h.snippet and "Vĩnh Phúc" in h.snippet]
    assert results.total >= 3
    # documents holding every word come first; others still follow
    assert ids(seed_engine.search("Bắc Giang thủy điện"))[0].startswith("000_")
    assert seed_engine.search("Bắc Giang thủy điện").total > 1
    assert with_all == ids(results)[:len(with_all)]


def test_quoted_phrase_and_exclusion(seed_engine):
    everything = set(ids(seed_engine.search("công thương")))
    without_long_an = set(ids(seed_engine.search('công thương -"Long An"')))
    long_an = set(ids(seed_engine.search('"Long An"')))
    assert long_an and without_long_an == everything - long_an
    # "long" stands in 000 ("long trọng") and 003 ("Long An")
    party = set(ids(seed_engine.search('"Đảng bộ"')))
    assert len(party) == 5
    assert set(ids(seed_engine.search('"Đảng bộ" -long'))) == party - {"000_6193fe72d397037f.txt",
                                                                      "003_d5561cf7ca1d1a0e.txt"}


@pytest.mark.parametrize("noise", ['"unbalanced', "(((", "AND", "title:", "OR OR", "*", "?", "a:b:c",
                                   "-", '""', "\\", "NOT", "~2", "^3", "[1 TO 5]"])
def test_query_syntax_noise_is_searched_as_plain_words(seed_engine, noise):
    # the noise neither fails nor hides what the real words find
    assert ids(seed_engine.search(f"{noise} Bắc Giang"))[0] == "000_6193fe72d397037f.txt"
    assert ids(seed_engine.search(f"Bắc Giang {noise}"))[0] == "000_6193fe72d397037f.txt"
    assert ids(seed_engine.search("công?")) == ids(seed_engine.search("công"))


def test_pagination_and_total(seed_engine):
    full = ids(seed_engine.search("công thương", per_page=10))
    pages = [ids(seed_engine.search("công thương", page=p, per_page=2)) for p in (1, 2, 3)]
    assert sum(pages, []) == full
    third = seed_engine.search("công thương", page=3, per_page=2)
    assert third.total == 5 and third.pages == 3 and len(third.hits) == 1
    assert seed_engine.search("công thương", page=4, per_page=2).hits == []


def test_results_report_time_and_metadata(mini_engine):
    results = mini_engine.search("giá xăng")
    hit = results.hits[0]
    assert hit.id == "n-1" and hit.source == "Báo A" and hit.category == "Kinh tế" and hit.date == "2024-05-01"
    assert hit.source_url == "https://example.vn/xang"
    assert results.took_ms > 0


@pytest.mark.parametrize("page, per_page, code", [(0, 10, "bad_page"), (1, 0, "bad_per_page"),
                                                  (1, 101, "bad_per_page"), (2000, 10, "page_too_deep")])
def test_bad_paging_is_refused(seed_engine, page, per_page, code):
    with pytest.raises(InvalidRequest) as refused:
        seed_engine.search("công", page=page, per_page=per_page)
    assert refused.value.code == code


def test_document_view_highlights_query(seed_engine):
    view = seed_engine.document("003_d5561cf7ca1d1a0e.txt", "long an")
    assert "<mark>Long An</mark>" in view.body_html
    assert seed_engine.document("missing.txt") is None


def test_unaccented_query_is_restored_from_the_index_vocabulary(seed_engine):
    assert seed_engine.search("cong thuong").suggestion == "công thương"
    assert seed_engine.search("cong thuong").suggestion_kind == "accents"
    assert seed_engine.search("Dai hoi Dang bo").suggestion == "Đại hội Đảng bộ"
    assert seed_engine.search("Bắc Giang").suggestion is None  # typed with accents: nothing to suggest
    assert seed_engine.search("Bắc Giang").suggestion_kind is None
    assert seed_engine.search("zzz qqq").suggestion is None


def test_accents_are_put_back_from_the_syllables_around_them(tmp_path):
    """"ban" alone is most often "bán" here, but beside "tôi" the index says "bạn", though pyvi
    never joins the two into one word."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    texts = {f"cho-{n}.txt": f"Chợ số {n}\nChợ bán cá, bán gạo và bán muối." for n in range(4)}
    texts |= {f"ban-{n}.txt": f"Thư {n}\nHôm qua bạn tôi đến chơi." for n in range(2)}
    for name, text in texts.items():
        (corpus / name).write_text(text, encoding="utf-8")
    rebuild(corpus, tmp_path / "index", workers=1)
    engine = SearchEngine(tmp_path / "index")
    assert engine.search("ban toi").suggestion == "bạn tôi"
    assert engine.search("ban ca").suggestion == "bán cá"
    assert engine.search("ban").suggestion == "bán"


def test_question_words_do_not_outweigh_the_topic(mini_engine):
    # "bao nhiêu" (how much) is in no document; the topic words decide
    assert ids(mini_engine.search("Giá xăng giảm bao nhiêu?"))[0] == "n-1"
    assert ids(mini_engine.search("gia xang giam bao nhieu"))[0] == "n-1"


def test_telex_and_vni_typed_without_an_input_method(seed_engine):
    for typed in ("coong nghieepj", "co6ng nghie65p"):
        results = seed_engine.search(typed)
        assert results.suggestion == "công nghiệp" and results.suggestion_kind == "typing"
        assert set(ids(results)) == set(ids(seed_engine.search("công nghiệp")))
    # words the index knows as typed, or English words, are left alone
    assert seed_engine.search("logistic").suggestion is None
    assert seed_engine.search("free see saree").suggestion is None


def test_a_quoted_phrase_no_document_holds_falls_back_to_its_words(seed_engine):
    exact = seed_engine.search('"Bắc Giang"')
    assert not exact.phrases_relaxed and ids(exact) == ["000_6193fe72d397037f.txt"]
    relaxed = seed_engine.search('"Giang Bắc công thương"')
    assert relaxed.phrases_relaxed and relaxed.total > 0
    assert ids(relaxed)[0] == "000_6193fe72d397037f.txt"


def test_title_restriction(seed_engine):
    # "mại" (thương mại) is in four articles but in one title only
    assert seed_engine.search("mại").total == 4
    assert ids(seed_engine.search("title:mại")) == ["001_d23bc6b310a03c33.txt"]
    assert ids(seed_engine.search("title:mai")) == ["001_d23bc6b310a03c33.txt"]
    assert ids(seed_engine.search('title:"Bắc Giang"')) == ["000_6193fe72d397037f.txt"]
    assert ids(seed_engine.search("TITLE:kiểm")) == ["002_65ae49e15be055b1.txt"]


def test_or_between_two_words(seed_engine):
    long_an, vinh_phuc = set(ids(seed_engine.search('"Long An"'))), set(ids(seed_engine.search('"Vĩnh Phúc"')))
    either = seed_engine.search("An OR Phúc")
    assert set(ids(either)) >= long_an | vinh_phuc
    # both words required without OR: fewer documents hold both first
    assert seed_engine.search("An Phúc").total <= either.total
    assert ids(seed_engine.search("OR")) == ids(seed_engine.search("or"))  # alone, a plain word


def test_a_search_past_its_time_budget_answers_with_what_it_has(seed_index):
    query = "cong thuong bac giang dai hoi"
    full = SearchEngine(seed_index).search(query)
    hurried = SearchEngine(seed_index, time_budget=0).search(query)
    assert not full.timed_out and hurried.timed_out
    assert 1 <= hurried.total <= full.total  # the first word's matches, scored by it alone
    assert all("<mark>" not in hit.snippet for hit in hurried.hits)  # no time left to mark snippets
    assert any("<mark>" in hit.snippet for hit in full.hits)
