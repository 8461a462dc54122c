import unicodedata

import pytest

from indexer.text import canonical_tones, clean, fold, has_diacritics


@pytest.mark.parametrize("old, new", [
    ("hoà", "hòa"), ("thuỷ", "thủy"), ("Hoá", "Hóa"), ("khoẻ", "khỏe"), ("HOÀ", "HÒA"),
    ("Thuỵ Điển", "Thụy Điển"), ("hoàng", "hoàng"), ("quý", "quý"), ("giường", "giường"),
    ("người", "người"), ("ngoài", "ngoài"), ("khuỷu", "khuỷu"),
])
def test_tone_marks_are_placed_one_way(old, new):
    assert canonical_tones(old) == new
    assert canonical_tones(new) == new


def test_canonical_tones_keeps_length_and_other_text():
    text = "Công trình thuỷ lợi (2020) café, Hoà Bình!"
    result = canonical_tones(text)
    assert len(result) == len(text)
    assert result == "Công trình thủy lợi (2020) café, Hòa Bình!"


def test_nfd_input_is_the_same_as_nfc():
    nfc = "Đại hội Đảng bộ tỉnh Bắc Giang"
    nfd = unicodedata.normalize("NFD", nfc)
    assert nfd != nfc
    assert clean(nfd) == nfc
    assert canonical_tones(clean(nfd)).lower() == canonical_tones(nfc).lower()


def test_clean_removes_invisible_and_control_characters():
    assert clean("Công\u200b Thương\ufeff\u00a0tỉnh\x07\r\nBắc\tGiang") == "Công Thương tỉnh\nBắc Giang"


@pytest.mark.parametrize("word, folded", [
    ("Đường", "duong"), ("công nghiệp", "cong nghiep"), ("Đại hội Đảng bộ", "dai hoi dang bo"), ("2020", "2020"),
])
def test_fold_removes_diacritics(word, folded):
    assert fold(word) == folded


def test_has_diacritics():
    assert has_diacritics("cong thương")
    assert has_diacritics("Đ")
    assert not has_diacritics("cong thuong 2020")
    assert not has_diacritics("日本")  # not Vietnamese diacritics
