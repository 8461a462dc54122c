"""A person's visit in headless Chromium: search without accents, see marks, open a document."""

import re

from tests.conftest import ARTIFACTS


def test_search_without_accents_and_open_a_document(browser, live_server):
    ARTIFACTS.mkdir(exist_ok=True)
    page = browser.new_page(viewport={"width": 1200, "height": 900}, java_script_enabled=False)
    page.goto(live_server.url + "/")
    assert page.locator("html").get_attribute("lang") == "vi"
    page.get_by_label("Từ khóa tìm kiếm").fill("cong thuong")
    page.get_by_role("button", name="Tìm kiếm").click()
    page.wait_for_url(re.compile(r"\?q=cong\+thuong"))

    assert "5 kết quả" in page.locator(".summary").inner_text()
    marks = page.locator(".hit .snippet mark").all_inner_texts()
    assert any(text.lower() == "công thương" for text in marks)
    assert page.locator("#q").input_value() == "cong thuong"  # the box keeps the query
    page.screenshot(path=str(ARTIFACTS / "search-results.png"))

    first = page.locator(".hit h2 a").first
    title = first.inner_text()
    first.click()
    page.wait_for_url(re.compile(r"/doc/"))
    assert page.locator("article h1").inner_text() == title
    assert page.locator("article .body mark").count() > 0
    page.get_by_role("link", name=re.compile("Quay lại kết quả")).click()
    page.wait_for_url(re.compile(r"\?q=cong"))
    assert page.locator(".hit").count() == 5
    page.close()


def test_no_results_page_and_phone_layout(browser, live_server):
    page = browser.new_page(viewport={"width": 390, "height": 844}, is_mobile=True)
    page.goto(live_server.url + "/?q=bac+giang")
    box = page.locator(".hit").first.bounding_box()
    assert box["width"] <= 390  # nothing wider than the phone's screen
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.screenshot(path=str(ARTIFACTS / "search-phone.png"))
    page.goto(live_server.url + "/?q=khongcogi")
    assert "Không tìm thấy kết quả nào" in page.locator(".empty").inner_text()
    page.close()


def test_document_page_scrolls_to_the_first_match(browser, live_server):
    page = browser.new_page(viewport={"width": 1000, "height": 500})
    page.goto(live_server.url + "/doc/000_6193fe72d397037f.txt?q=Quang+Trung")  # said near the end only
    mark = page.locator("article .body mark").first
    mark.wait_for()
    page.wait_for_function("window.scrollY > 0")
    box = mark.bounding_box()
    assert 0 <= box["y"] <= 500 - box["height"]  # on screen
    page.close()
