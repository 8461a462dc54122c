"""Queries as people type them: typos, syllables without spaces, a name written as one word,
long pasted questions, and what is never "corrected"."""

import pytest

from indexer.build import rebuild
from indexer.search import SearchEngine
from indexer.understand import understand

NEWS = {
    "tm-1": ("Hội chợ thương mại quốc tế", "Hội chợ thương mại mở cửa tại Hà Nội với nhiều gian hàng."),
    "tm-2": ("Thương mại điện tử tăng", "Doanh thu thương mại điện tử của các doanh nghiệp tăng mạnh."),
    "tm-3": ("Bộ Thương mại họp", "Bộ Thương mại bàn về xuất khẩu gạo và cà phê."),
    "gm-1": ("Bệnh giang mai", "Giang mai là bệnh lây truyền, cần điều trị sớm."),
    "cn-1": ("Khu công nghiệp mới", "Khu công nghiệp Quang Châu thu hút đầu tư vào công nghiệp chế biến."),
    "cn-2": ("Công nghiệp phần mềm", "Ngành công nghiệp phần mềm cần thêm kỹ sư."),
    "cn-3": ("Công nghệ thông tin", "Công nghệ thông tin thay đổi cách làm việc."),
    "bg-1": ("Bắc Giang mùa vải", "Nông dân Bắc Giang thu hoạch vải thiều."),
    "bg-2": ("Đường về Bắc Giang", "Quốc lộ lên Bắc Giang được mở rộng."),
    "bd-1": ("Bóng đá Việt Nam thắng", "Đội tuyển bóng đá thắng trận mở màn."),
    "bd-2": ("Giải bóng đá sinh viên", "Giải bóng đá sinh viên khởi tranh tại Hà Nội."),
    "hn-1": ("Hà Nội mưa lớn", "Mưa lớn khiến nhiều phố Hà Nội ngập."),
    "en-1": ("Hanoi in English", "The Hanoi office of the company opened in May."),
    "en-2": ("Hanoi news", "Traffic in Hanoi is heavy."),
    "mk-1": ("Tiếp thị trực tuyến", "Các cửa hàng bán hàng online qua mạng xã hội."),
    "mk-2": ("Mua sắm online", "Người tiêu dùng mua sắm online nhiều hơn."),
    "ub-1": ("Tỉnh họp thường kỳ", "Ủy ban nhân dân tỉnh Lạng Sơn họp phiên thường kỳ."),
    "ub-2": ("Huyện ra quyết định", "UBND huyện Lục Nam ban hành quyết định mới."),
    "hd-1": ("Kỳ họp HĐND", "HĐND tỉnh Bắc Giang khai mạc kỳ họp thứ năm."),
}
# Hà Nội written as the name it is, far more often than "Hanoi"
NEWS |= {f"fl-{n}": ("Tin thể thao Mỹ", f"Đội bóng Jacksonville thắng trận thứ {n} tại Florida.") for n in (1, 2)}
NEWS |= {f"tt-{day}": (f"Thời tiết ngày {day}", f"Trời Hà Nội nắng ráo, nhiệt độ {20 + day % 10} độ.")
         for day in range(1, 41)}


@pytest.fixture(scope="module")
def engine(tmp_path_factory) -> SearchEngine:
    folder = tmp_path_factory.mktemp("typing")
    corpus = folder / "corpus"
    corpus.mkdir()
    for doc_id, (title, body) in NEWS.items():
        (corpus / f"{doc_id}.txt").write_text(f"{title}\n{body}", encoding="utf-8")
    rebuild(corpus, folder / "index", workers=1)
    return SearchEngine(folder / "index")


def ids(results) -> list[str]:
    return [hit.id.removesuffix(".txt") for hit in results.hits]


def test_a_mistyped_syllable_is_searched_as_the_index_spells_it(engine):
    results = engine.search("thuogn mai")
    assert (results.suggestion, results.suggestion_kind) == ("thương mại", "typo")
    assert results.corrections == [{"typed": "thuogn", "searched": "thuong", "kind": "typo"}]
    assert set(ids(results)[:3]) == {"tm-1", "tm-2", "tm-3"}  # not "Giang mai"
    assert "<mark>thương mại</mark>" in results.hits[0].snippet.lower()


def test_a_typo_in_an_accented_query(engine):
    results = engine.search("cong nghệp")
    assert results.suggestion == "công nghiệp" and results.suggestion_kind == "typo"
    assert ids(results)[0] in {"cn-1", "cn-2"}


@pytest.mark.parametrize("typed, meant, found", [("congnghiep", "công nghiệp", {"cn-1", "cn-2"}),
                                                 ("bacgiang", "bắc giang", {"bg-1", "bg-2"}),
                                                 ("bongda", "bóng đá", {"bd-1", "bd-2"})])
def test_syllables_typed_without_spaces_are_split(engine, typed, meant, found):
    results = engine.search(typed)
    assert (results.suggestion, results.suggestion_kind) == (meant, "split")
    assert set(ids(results)[:2]) == found


def test_a_name_written_as_one_word_and_as_syllables_find_each_other(engine):
    assert {"en-1", "en-2"} <= set(ids(engine.search("Hà Nội")))  # "Hanoi" in English text
    assert not {"en-1", "en-2"} & set(ids(engine.search("hà nội")))  # not written as a name
    results = engine.search("Hanoi")  # the index knows it, rarely: searched as typed, and split
    assert {"hn-1", "en-1", "en-2"} <= set(ids(results))
    assert (results.suggestion, results.suggestion_kind) == ("Hà Nội", "split")
    assert results.corrections == []  # nothing was searched in its place


@pytest.mark.parametrize("typed, meant, found", [("độiJacksonville", "đội Jacksonville", "fl-1"),
                                                 ("UBNDhuyện", "UBND huyện", "ub-2")])
def test_words_run_together_are_cut_where_the_case_changes(engine, typed, meant, found):
    """A name or an abbreviation typed against its neighbour: the capitals mark the cut, even
    for a name longer than any syllable."""
    results = engine.search(typed)
    assert (results.suggestion, results.suggestion_kind) == (meant, "split")
    assert found in ids(results)[:2]


def test_a_cut_by_case_needs_every_piece_known(engine):
    results = engine.search("độiJacksonvillx")
    assert results.suggestion_kind != "split" and results.total == 0


@pytest.mark.parametrize("typed", ["giang mai", "online", "marketing online", '"thuogn mai"'])
def test_what_is_not_corrected(engine, typed):
    """Words the index knows, foreign words it knows and quoted phrases stay as typed."""
    results = engine.search(typed)
    assert results.corrections == []
    assert results.suggestion_kind in (None, "accents")


@pytest.mark.parametrize("typed, meant, found", [("hội chợ Thuogn", "thương", "tm-1"), ("Hanoj", "hanoi", "en-1"),
                                                  ("đội Jacskonville", "jacksonville", "fl-1")])
def test_an_unknown_name_is_searched_as_typed_and_its_correction_offered(engine, typed, meant, found):
    """A capitalised word the index does not know may be a name it has never seen: it is still
    searched, the index's likeliest word beside it."""
    results = engine.search(typed)
    assert results.corrections == []  # nothing searched in its place
    assert results.suggestion_kind == "typo" and meant in results.suggestion.lower()
    assert found in ids(results)


def test_an_accented_spelling_the_index_does_not_know_is_corrected(engine):
    """"nghiêp" is the letters of "nghiệp" with another accent: the index knows the letters only."""
    results = engine.search("công nghiêp")
    assert results.suggestion == "công nghiệp" and ids(results)[0] in {"cn-1", "cn-2"}


def test_verbatim_searches_exactly_what_was_typed(engine):
    results = engine.search("thuogn mai", verbatim=True)
    assert results.corrections == [] and results.verbatim and results.suggestion_kind != "typo"
    assert "gm-1" in ids(results)  # "mai" as typed


def test_a_long_pasted_question_is_searched_by_its_first_words(engine):
    question = "Xin hỏi hội chợ thương mại quốc tế năm nay tổ chức ở đâu " + "và khi nào thì kết thúc " * 40
    assert len(question) > 600
    results = engine.search(question)
    assert ids(results)[0] == "tm-1"
    assert results.not_searched and question.strip().endswith(results.not_searched)
    assert engine.search("hội chợ thương mại").not_searched == ""


def test_the_phrase_meant_is_marked_not_its_lookalikes(seed_engine):
    """``cong thuong``: "Công Thương", not the "thưởng" of "khen thưởng" nor a lone "công"."""
    for hit in seed_engine.search("cong thuong", per_page=10).hits:
        document = seed_engine.document(hit.id, "cong thuong")
        marked = {part.split("</mark>")[0].lower() for part in document.body_html.split("<mark>")[1:]}
        assert marked and marked <= {"công thương"}, (hit.id, marked)


def test_the_page_and_the_api_say_what_was_corrected(client):
    body = client.get("/api/search?q=cong+thuogn").get_json()
    assert body["suggestion_kind"] == "typo" and body["corrections"][0]["typed"] == "thuogn"
    page = client.get("/?q=cong+thuogn").get_data(as_text=True)
    assert "Kết quả cho: <strong>công thương</strong>" in page
    assert 'href="/?q=cong+thuogn&amp;verbatim=1"' in page  # "search instead for" what was typed
    exact = client.get("/api/search?q=cong+thuogn&verbatim=1").get_json()
    assert exact["corrections"] == [] and exact["verbatim"]


def test_long_questions_are_answered_and_hostile_sizes_refused(client):
    question = "Sở Công Thương tỉnh Bắc Giang tổ chức đại hội nhiệm kỳ nào " * 12
    body = client.get("/api/search", query_string={"q": question}).get_json()
    assert body["total"] > 0 and body["not_searched"]
    assert "phần sau bị bỏ qua" in client.get("/", query_string={"q": question}).get_data(as_text=True)
    refused = client.get("/api/search", query_string={"q": "a" * 2_000_000})
    assert refused.status_code in (400, 414, 431) and refused.status_code != 500


def test_abbreviations_find_their_full_names_and_back(engine):
    short = engine.search("UBND")
    assert set(ids(short)) == {"ub-1", "ub-2"}
    assert short.expansions[0] == {"typed": "UBND", "also": "Ủy ban nhân dân", "source": "builtin"}
    assert "<mark>Ủy ban nhân dân</mark>" in next(h for h in short.hits if h.id == "ub-1.txt").snippet
    full = engine.search("ủy ban nhân dân")
    assert set(ids(full)[:2]) == {"ub-1", "ub-2"}
    assert "<mark>UBND</mark>" in next(h for h in full.hits if h.id == "ub-2.txt").snippet
    assert short.suggestion is None  # an abbreviation is typed right
    assert engine.search("UBND", verbatim=True).expansions == []


def test_an_abbreviation_typed_without_accents_keeps_its_capitals_in_the_suggestion(engine):
    results = engine.search("HDND tinh")
    assert (results.suggestion, results.suggestion_kind) == ("HĐND tỉnh", "accents")
    assert ids(results)[0] == "hd-1"


def test_unaccented_lowercase_words_are_not_read_as_a_name_they_may_not_be(engine):
    """"viet nam" may be "viết năm": only "Việt Nam" typed with accents (or VN) is expanded."""
    assert engine.search("bai viet nam").expansions == []
    assert [found["also"] for found in engine.search("Việt Nam").expansions] == ["VN"]


@pytest.fixture(scope="module")
def market_engine(tmp_path_factory) -> SearchEngine:
    """"thương mại" in many documents, "thung" (of "thung lũng") in a few, never beside "mại"."""
    folder = tmp_path_factory.mktemp("market")
    corpus = folder / "corpus"
    corpus.mkdir()
    for number in range(65):
        (corpus / f"tm-{number}.txt").write_text(f"Hội chợ số {number}\nHội chợ thương mại mở cửa ngày {number}.",
                                                 encoding="utf-8")
    for number in range(3):
        (corpus / f"tl-{number}.txt").write_text(f"Thung lũng {number}\nĐường vào thung lũng mai vàng.",
                                                 encoding="utf-8")
    rebuild(corpus, folder / "index", workers=1)
    return SearchEngine(folder / "index")


def test_a_known_word_that_fits_nowhere_is_searched_beside_its_likelier_neighbour(market_engine):
    """"thung mai": "thung" is a word, but it never stands before "mai" and "thương" often does."""
    results = market_engine.search("hội chợ thung mại")
    assert results.suggestion == "hội chợ thương mại" and results.suggestion_kind == "typo"
    assert results.corrections == []  # searched as typed too: the word is real
    assert ids(results)[0].startswith("tm-")
    # pyvi finds its words in what was meant ("thương_mại"), not in what was typed
    assert understand(market_engine.live.view(), "hội chợ thung mại").words_text == "hội chợ thương mại"
    assert market_engine.search("đường vào thung lũng").suggestion is None  # where it fits, it stays


def test_a_word_left_only_in_deleted_documents_is_corrected_after_an_update(tmp_path):
    """After `update` removes the documents that held "thuogn", it is unknown: corrected as after a rebuild."""
    from indexer.update import update

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for number in range(5):
        (corpus / f"tm-{number}.txt").write_text(f"Hội chợ {number}\nHội chợ thương mại mở cửa.", encoding="utf-8")
    for number in range(3):
        (corpus / f"typo-{number}.txt").write_text(f"Tin {number}\nBài viết gõ sai thuogn.", encoding="utf-8")
    rebuild(corpus, tmp_path / "index", workers=1)
    assert SearchEngine(tmp_path / "index").search("thuogn mai").suggestion_kind != "typo"  # a word of the corpus
    for number in range(3):
        (corpus / f"typo-{number}.txt").unlink()
    update(corpus, tmp_path / "index", workers=1)
    results = SearchEngine(tmp_path / "index").search("thuogn mai")
    assert (results.suggestion, results.suggestion_kind) == ("thương mại", "typo")


@pytest.fixture(scope="module")
def slips_engine(tmp_path_factory) -> SearchEngine:
    """News where "địa chất", "bài viết", "tài tử" and "học sinh" are common, "chà" and
    "tự học" rare, and the poet Shelley named once."""
    documents = [f"Nhà địa chất số {n}\nNhà địa chất khảo sát mỏ đá vùng núi." for n in range(5)]
    documents += ["Quả chà là\nChà là ngọt, bán ở chợ."]
    documents += [f"Bài viết số {n}\nBài viết được đăng trên báo ngày {n}." for n in range(3)]
    documents += [f"Phim số {n}\nDiễn viên tài tử đóng phim mới." for n in range(8)]
    documents += [f"Lớp số {n}\nHọc sinh đến lớp đúng giờ." for n in range(8)]
    documents += [f"Sách số {n}\nSinh viên tự học tiếng Anh." for n in range(2)]
    documents += [f"Lịch sử số {n}\nĐời sống thời thuộc địa." for n in range(4)]
    documents += ["Thơ Anh\nNhà thơ Percy Shelley viết bài thơ về gió tây."]
    documents += [f"Hoa lan số {n}\nLan và cúc nở." for n in range(70)]
    documents += [f"Trượt tuyết {n}\nKhu Lane mở cửa mùa đông." for n in range(3)]
    documents += ["Bóng đá\nCầu thủ Selman ghi bàn thắng.", "Lịch sử Ai Cập\nQuân Mamluks của Ai Cập thắng."]
    documents += [f"Nhạc số {n}\nNghe nhạc trẻ buổi tối." for n in range(6)]
    documents += [f"Mua nhà số {n}\nMua căn nhà mới cần cân nhắc." for n in range(3)]
    documents += [f"Căn nhà số {n}\nMột căn nhà đẹp." for n in range(5)]
    documents += ["Đường\nNgọt như đường.", "Tin học\nMột xâu ký tự.", "Xâu chuỗi\nXâu chuỗi hạt.", "Đồ xâu\nXâu thịt nướng."]
    documents += [f"Câu chuyện số {n}\nNhu cầu nhà ở tăng." for n in range(120)]
    folder = tmp_path_factory.mktemp("slips")
    corpus = folder / "corpus"
    corpus.mkdir()
    for number, text in enumerate(documents):
        (corpus / f"d-{number}.txt").write_text(text, encoding="utf-8")
    rebuild(corpus, folder / "index", workers=1)
    return SearchEngine(folder / "index")


def test_a_slip_that_spells_telex_is_read_as_the_slip_it_is(slips_engine):
    """"chaf" is Telex for "chà", but "t" is the key beside "f" and "địa chất" is what stands
    after "địa"; alone, nothing says it is not Telex."""
    results = slips_engine.search("nha dia chaf")
    assert (results.suggestion, results.suggestion_kind) == ("nhà địa chất", "typo")
    assert (slips_engine.search("chaf").suggestion, slips_engine.search("chaf").suggestion_kind) == ("chà", "typing")


def test_a_short_syllable_the_index_never_saw_is_corrected_in_context(slips_engine):
    results = slips_engine.search("bai iet")  # a dropped first letter leaves three
    assert (results.suggestion, results.suggestion_kind) == ("bài viết", "typo")
    assert slips_engine.search("bai viet").suggestion_kind == "accents"  # typed right: nothing but accents


def test_a_name_the_index_holds_once_is_found_one_slip_away(slips_engine):
    results = slips_engine.search("bài thơ của Percy Shelly")
    assert results.suggestion == "bài thơ của Percy Shelley" and results.suggestion_kind == "typo"
    assert "Shelley" in results.hits[0].snippet


def test_a_name_one_letter_from_a_name_of_another_story_is_not_suggested(slips_engine):
    """"Seaman" is not in the index and "Selman" is, in a football story: beside "nhà thơ" it
    is not what was meant, beside "cầu thủ" it may be."""
    results = slips_engine.search("bài thơ của nhà thơ Seaman")
    assert results.suggestion is None and results.corrections == []
    assert results.hits[0].title == "Thơ Anh"  # the poem, found by its other words
    assert slips_engine.search("cầu thủ Selmen ghi bàn").suggestion == "cầu thủ Selman ghi bàn"
    # a letter dropped is a slip, whatever the rest of the query asks
    assert slips_engine.search("nhà địa chất Shelly").suggestion == "nhà địa chất Shelley"


def test_a_name_of_the_corpus_at_the_start_of_a_question_is_not_doubted(slips_engine):
    """"Lane" is capitalised as the first word of any question: a word the index holds that has no
    Vietnamese syllable's shape is its own, though "Lan" is commoner."""
    assert slips_engine.search("Lane và Vail mở cửa").suggestion_kind not in ("typo", "split")
    assert slips_engine.search("khu Lane").hits  # as typed


def test_an_english_plural_is_searched_beside_its_singular_and_not_suggested(slips_engine):
    results = slips_engine.search("quân Mamluk của Ai Cập")
    assert results.suggestion is None and results.corrections == []
    assert "Mamluks" in results.hits[0].snippet


def test_a_syllable_typed_with_accents_is_weighed_beside_its_neighbours_as_typed(slips_engine):
    """"cân nhặc": the letters are those of "nhạc" (the commoner spelling) and "nhắc"; only
    "nhắc" stands after "cân"; "căn nhà", more common still, is no "cân nhà"."""
    assert slips_engine.search("cân nhặc").suggestion == "cân nhắc"
    # "xâu ký tự" is in one document; "nhu cầu", folded "nhu cau", is in many, "như câu" in none
    assert slips_engine.search("như xâu ký tự").suggestion is None


def test_a_cut_into_syllables_seldom_said_together_loses_to_a_typo(slips_engine):
    """"tuhoc" cuts into "tu hoc", and "tai tu" (tài tử) stands together more often than "tai
    thuoc"; but "tự học" is rare beside how common "tu" and "hoc" are, and "thuộc địa" fits."""
    results = slips_engine.search("tai tuhoc dia")
    assert results.suggestion.endswith(" thuộc địa") and results.suggestion_kind == "typo"
    assert slips_engine.search("sinh vien tuhoc").suggestion_kind == "split"  # where the pair fits, it is cut
