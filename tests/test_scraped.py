"""Scraped text: the headline, the date line and the site chrome of real pages' text."""

import pytest

from indexer.formats.plain import read_plain
from indexer.formats.scraped import clean_body, read_scraped
from indexer.text import decode_entities
from tests.conftest import SEED_CORPUS


def seed(name: str):
    (path,) = SEED_CORPUS.glob(f"{name}_*.txt")
    return read_plain(path.read_text(encoding="utf-8"))


@pytest.mark.parametrize("name, title, date", [
    ("000", "Đại hội Đảng bộ Sở Công thương tỉnh Bắc Giang lần thứ III Nhiệm kỳ (2020-2025)", ""),
    ("001", "Phát triển công nghiệp, thương mại hiện đại", "2020-05-28"),  # "Thứ 5, 28.05.2020 | 10:10:03"
    ("002", "Đoàn Kiểm tra Tỉnh ủy làm việc với Sở Công Thương về tình hình thực hiện Nghị quyết của "
            "Trung ương Đảng", ""),  # under a "logo" line; "ngày 09/05" has no year
    ("003", "Ông Lê Minh Đức tiếp tục giữ chức vụ Bí thư Đảng uỷ Sở Công Thương Long An", "2020-05-29"),
    ("004", "Ngày 20/1/2020, Sở Công thương tổ chức hội nghị triển khai nhiệm vụ năm 2020", "2020-01"),
])
def test_the_seed_articles_get_their_headline_and_written_date(name, title, date):
    document = seed(name)
    assert (document.title, document.date) == (title, date)


def test_seed_chrome_is_left_out_of_the_body():
    bodies = {name: seed(name).body for name in ("000", "001", "002", "003", "004")}
    everything = "\n".join(bodies.values())
    for chrome in ("5839a11a55caaf94f6db.jpg", "2798dc812851d20f8b40_1.jpg", "Tin liên quan", "Chia sẻ bài viết",
                   "Các bài viết đã đăng", "Từ khóa", "270 lượt xem", "Tiếng Việt | English", "logo",
                   "29/05/2020 - 19:54", "date 2020-01"):
        assert chrome not in everything, chrome
    # the related article after "• Từ khóa" went with it; the article's own ending stayed
    assert "Khơi dậy động lực" not in bodies["001"] and bodies["001"].endswith("Duy Huy")
    assert bodies["000"].endswith("Hải Yến - Trung Tâm KC&XTTM Bắc Giang")  # a literal & survives
    assert bodies["002"].endswith("Hồng Phúc - XTTM.") and bodies["003"].endswith("Mai Hương")
    # no headline in 004: its lead's first sentence names it, and the lead stays in the body
    assert bodies["004"].startswith("Ngày 20/1/2020, Sở Công thương tổ chức hội nghị")
    assert "Toàn cảnh buổi làm việc" in bodies["002"]  # a picture's caption is text


@pytest.mark.parametrize("top, date", [
    ("Trang chủ > Tin tức > Công nghiệp", ""),
    ("Trang chủ » Hoạt động của Sở", ""),
    ("English | Tiếng Việt", ""),
    ("VI | EN", ""),
    ("Chủ nhật, 13/2/2022, 16:08 (GMT+7)", "2022-02-13"),
    ("Cập nhật: 10:10 28/5/2020", "2020-05-28"),
    ("Hà Nội, ngày 20 tháng 1 năm 2020", "2020-01-20"),
    ("Lượt xem: 1.234", ""),
    ("• Chia sẻ bài", ""),
])
def test_each_kind_of_chrome_above_a_headline(top, date):
    text = f"{top}\n\nSở Công Thương kiểm tra chợ Tết\n\nĐoàn kiểm tra đã đến 12 chợ trong tỉnh.\nHết."
    document = read_scraped(text)
    assert document.title == "Sở Công Thương kiểm tra chợ Tết" and document.date == date
    assert document.body == "Đoàn kiểm tra đã đến 12 chợ trong tỉnh.\nHết."


@pytest.mark.parametrize("ending", [
    ["Tin liên quan", "Giá xăng giảm lần thứ ba", "Chợ phiên vùng cao"],
    ["Bài viết liên quan:", "- Giá xăng giảm lần thứ ba"],
    ["Từ khóa: chợ Tết, quản lý thị trường"],
    ["Tags", "chợ Tết", "quản lý thị trường"],
    ["(*) Không sao chép dưới mọi hình thức khi chưa có sự đồng ý bằng văn bản của Báo."],
    ["© 2020 Sở Công Thương. Ghi rõ nguồn khi phát hành lại."],
])
def test_what_follows_an_article_is_left_out(ending):
    article = ("Chợ Tết năm nay\n\nĐoàn kiểm tra liên ngành của tỉnh đã đến 12 chợ, kiểm tra nguồn gốc hàng hóa"
               " và giá cả niêm yết.\n\nKết quả cho thấy các tiểu thương chấp hành tốt quy định.\n\nMinh An")
    assert read_scraped("\n".join([article, "", *ending])).body == read_scraped(article).body


def test_words_that_are_chrome_on_some_sites_and_text_on_others_are_kept():
    text = ("Sống vui mỗi ngày\nĐọc một câu chuyện mỗi ngày.\nChia sẻ\nQuan tâm đến những mảnh đời bất hạnh.\n"
            "Thời gian: ngày 12-2-2006 (15 tháng giêng ÂL).\nĐịa điểm: thị xã Hội An.")
    document = read_scraped(text)
    assert document.body == text.split("\n", 1)[1] and document.date == ""  # both seen in vntc articles


def test_an_ending_header_inside_the_article_is_kept():
    long_body = "\n".join(f"Đoạn {n}: hoạt động thương mại của tỉnh tiếp tục tăng trưởng." for n in range(30))
    text = f"Báo cáo tổng kết\nXem thêm\n{long_body}"
    assert "Xem thêm" in read_scraped(text).body  # far from the end: a line of the article
    short = "Báo cáo\nMột dòng.\nTin liên quan\n" + "\n".join(f"Tin {n} rất dài " * 5 for n in range(5))
    assert "Tin liên quan" in read_scraped(short).body  # never cut the larger part of a text


def test_text_without_chrome_stays_exactly_as_it_is():
    text = ("Giá vàng tăng mạnh\n\n  Sáng nay, giá vàng SJC tăng 300.000 đồng/lượng.\n\n\n"
            "Theo các chuyên gia, xu hướng còn kéo dài.   \n\nVăn Hà")
    document = read_scraped(text)
    assert document.title == "Giá vàng tăng mạnh" and document.date == ""
    assert document.body == text.split("\n", 1)[1].strip()
    body = text.split("\n", 1)[1]
    assert clean_body(body) == (body, "") and clean_body(body)[0] is body


def test_a_picture_file_name_is_dropped_in_the_middle_and_its_caption_kept():
    text = "Tiêu đề\nĐoạn một.\n\n   IMG_2041.JPG   \n\nToàn cảnh hội nghị\n\nĐoạn hai."
    assert read_scraped(text).body == "Đoạn một.\n\nToàn cảnh hội nghị\n\nĐoạn hai."


def test_markdown_headings_and_a_file_of_chrome_only():
    assert read_scraped("logo\n# Báo cáo năm\nNội dung.", markdown=True).title == "Báo cáo năm"
    assert read_scraped("logo\nChia sẻ bài viết\n").title == ""


def test_entities_are_decoded_once_and_a_literal_ampersand_survives():
    assert decode_entities("Anh hùng &amp; đổi mới") == "Anh hùng & đổi mới"
    assert decode_entities("&amp;amp; &lt;b&gt;") == "&amp; <b>"  # once: what was escaped twice keeps one
    assert decode_entities("KC&XTTM, R&D, AT&T; Q&A") == "KC&XTTM, R&D, AT&T; Q&A"
    assert decode_entities("Ph&#432;&#7901;ng &#x110;&#xF4;ng &TT;") == "Phường Đông &TT;"
    document = read_plain("Anh hùng &amp; đổi mới\nCông ty X &amp;amp; Y đạt giải.")
    assert (document.title, document.body) == ("Anh hùng & đổi mới", "Công ty X &amp; Y đạt giải.")
