"""Abbreviations and synonyms: the built-in list, what the corpus defines, the user's file, and
the synonyms.json that rebuild and update store in each generation."""

import json
import os
import shutil

import pytest

from indexer import synonyms
from indexer.build import rebuild
from indexer.generations import live_generation
from indexer.synonyms import (Alternative, DamagedSynonyms, DefinitionCounter, Synonyms, SynonymsError, builtin,
                              load, phrase, read_user_file)
from indexer.update import update
from tests.conftest import FIXTURES, timkiem

HO_CHI_MINH_CITY = ("thanh", "pho", "ho", "chi", "minh")


def offered(found: list[Alternative]) -> set[tuple[int, int, tuple[str, ...]]]:
    return {(alternative.start, alternative.end, alternative.phrase) for alternative in found}


@pytest.fixture(scope="module")
def standard() -> Synonyms:
    return Synonyms(builtin())


def test_phrases_are_folded_as_the_index_folds_them():
    assert phrase("TP.HCM").syllables == phrase("TP HCM").syllables == ("tp", "hcm")
    assert phrase("TPHCM").syllables == ("tphcm",)
    assert phrase("HĐND").syllables == ("hdnd",)
    assert phrase("Uỷ  ban nhân dân") == synonyms.Phrase(("uy", "ban", "nhan", "dan"), "Uỷ ban nhân dân")


def test_the_builtin_list_maps_abbreviations_to_full_forms_and_back(standard):
    assert offered(standard.alternatives(["ubnd"])) == {(0, 1, ("uy", "ban", "nhan", "dan"))}
    assert offered(standard.alternatives(["uy", "ban", "nhan", "dan", "tinh"])) == {(0, 4, ("ubnd",))}
    [alternative] = standard.alternatives(["ubnd"])
    assert (alternative.text, alternative.source) == ("Ủy ban nhân dân", "builtin")
    for written in (["tp", "hcm"], ["tphcm"]):
        assert (0, len(written), HO_CHI_MINH_CITY) in offered(standard.alternatives(written))
    from_full_name = offered(standard.alternatives(list(HO_CHI_MINH_CITY)))
    assert {(0, 5, ("tp", "hcm")), (0, 5, ("tphcm",))} <= from_full_name
    assert offered(standard.alternatives(["hdnd"])) == {(0, 1, ("hoi", "dong", "nhan", "dan"))}
    assert (0, 1, ("cum", "cong", "nghiep")) in offered(standard.alternatives(["ccn"]))


def test_an_abbreviation_with_two_meanings_finds_both_but_they_do_not_find_each_other(standard):
    assert offered(standard.alternatives(["dh"])) == {(0, 1, ("dai", "hoc")), (0, 1, ("dai", "hoi"))}
    assert offered(standard.alternatives(["dai", "hoc"])) == {(0, 2, ("dh",))}
    assert standard.alternatives(["ca"]) == []  # công an, but "ca" is a word of its own


def test_the_longest_phrase_wins_and_spans_do_not_overlap(standard):
    found = standard.alternatives(["so", "tp", "hcm", "va", "tp", "da", "nang", "ubnd"])
    spans = {(alternative.start, alternative.end) for alternative in found}
    assert spans == {(1, 3), (4, 5), (7, 8)}  # "tp hcm" as a whole, then "tp" alone: thành phố
    assert (4, 5, ("thanh", "pho")) in offered(found)
    assert all(alternative.phrase != ("tp", "hcm") for alternative in found if alternative.start == 1)
    assert standard.alternatives([]) == [] and standard.alternatives(["khong", "co", "gi"]) == []


def test_groups_offer_each_other_phrase_but_do_not_chain(tmp_path):
    path = tmp_path / "synonyms.txt"
    path.write_text("xe máy, xe gắn máy, mô tô\nmô tô = xe phân khối lớn\n", encoding="utf-8")
    table = Synonyms(read_user_file(path))
    assert offered(table.alternatives(["xe", "may"])) == {(0, 2, ("xe", "gan", "may")), (0, 2, ("mo", "to"))}
    assert offered(table.alternatives(["mo", "to"])) == {
        (0, 2, ("xe", "may")), (0, 2, ("xe", "gan", "may")), (0, 2, ("xe", "phan", "khoi", "lon"))}
    assert offered(table.alternatives(["xe", "phan", "khoi", "lon"])) == {(0, 4, ("mo", "to"))}


def test_a_user_file_with_comments_blank_lines_and_a_bom(tmp_path):
    path = tmp_path / "mine.txt"
    path.write_bytes("\ufeff# từ đồng nghĩa\r\n\r\nUBND = Ủy ban nhân dân   # viết tắt\r\n"
                     "xe máy, xe gắn máy\r\n".encode("utf-8"))
    groups = read_user_file(path)
    assert [[one.text for one in group.phrases] for group in groups] == [["UBND", "Ủy ban nhân dân"],
                                                                        ["xe máy", "xe gắn máy"]]
    assert [group.source for group in groups] == [f"{path}:3", f"{path}:4"]


@pytest.mark.parametrize("content, line, reason", [
    ("UBND = Ủy ban nhân dân\nHĐND\n", 2, "one phrase only"),
    ("# đầu\nUBND = \n", 2, "phrase 2 is empty"),
    ("xe máy,, mô tô\n", 1, "phrase 2 is empty"),
    ("UBND = 123\n", 1, "phrase 2 ('123') has no letters"),
    ("UBND = ubnd\n", 1, "all the same"),
    ("a = b\n" + "UBND = " + "Ủy ban " * 400 + "\n", 2, "line longer than"),
])
def test_a_bad_line_is_reported_with_its_file_and_line(tmp_path, content, line, reason):
    path = tmp_path / "bad.txt"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(SynonymsError) as raised:
        read_user_file(path)
    assert str(raised.value).startswith(f"{path}:{line}: ") and reason in str(raised.value)


def test_files_that_cannot_be_read_are_reported(tmp_path, monkeypatch):
    latin = tmp_path / "latin.txt"
    latin.write_bytes("UBND = Ủy ban\nxe máy = xe gắn máy\n".encode("utf-8") + "cà phê = café\n".encode("latin-1"))
    with pytest.raises(SynonymsError, match=rf"^{latin}:3: not UTF-8"):
        read_user_file(latin)
    with pytest.raises(SynonymsError, match=rf"^{tmp_path / 'none.txt'}: synonyms file not found"):
        read_user_file(tmp_path / "none.txt")
    monkeypatch.setattr(synonyms, "MAX_LINES", 3)
    long = tmp_path / "long.txt"
    long.write_text("a = b\n" * 4, encoding="utf-8")
    with pytest.raises(SynonymsError, match=rf"^{long}:4: more than 3 lines"):
        read_user_file(long)


def learnt(*texts: str) -> dict[str, str]:
    counter = DefinitionCounter()
    for text in texts:
        counter.add(text)
    return {group.phrases[0].text: group.phrases[1].text for group in counter.consistent()}


def test_abbreviations_the_corpus_defines_consistently_are_learnt():
    assert learnt("Ủy ban nhân dân (UBND) tỉnh họp.", "Sáng nay, UỶ BAN NHÂN DÂN (UBND) huyện …",
                  "Theo Ủy ban nhân dân (UBND) xã", "Các cụm công nghiệp (CCN) mới.",
                  "cụm công nghiệp (CCN) Tân Phú") == {"UBND": "Ủy ban nhân dân", "CCN": "cụm công nghiệp"}


def test_definitions_joined_by_va_dashes_and_commas():
    assert learnt(*2 * ["Bộ Nông nghiệp và Phát triển nông thôn (NN&PTNT) cho biết",
                        "Sở Lao động - Thương binh và Xã hội (LĐ-TB&XH)",
                        "Bộ Văn hóa, Thể thao và Du lịch (VH-TT&DL)",
                        "Sở Giáo dục và Đào tạo (GDĐT)", "tại Thành phố Hồ Chí Minh (TP.HCM)"]) == {
        "NN&PTNT": "Nông nghiệp và Phát triển nông thôn", "LĐ-TB&XH": "Lao động - Thương binh và Xã hội",
        "VH-TT&DL": "Văn hóa, Thể thao và Du lịch", "GDĐT": "Giáo dục và Đào tạo",
        "TP.HCM": "Thành phố Hồ Chí Minh"}


def test_an_abbreviation_defined_once_or_two_ways_is_not_learnt():
    once = "Hội đồng nhân dân (HĐND) tỉnh. Kỳ họp của Hội đồng nhân dân (HĐND) …"  # one document
    assert learnt(once, "HĐND tỉnh đã họp.") == {}
    assert learnt("Đồng Tháp (ĐT) thắng", "đội tuyển (ĐT) thua", "Đồng Tháp (ĐT)", "đội tuyển (ĐT)") == {}
    assert learnt(*4 * ["Đồng Tháp (ĐT) thắng"], "đội tuyển (ĐT) thua") == {"ĐT": "Đồng Tháp"}  # 4 of 5


def test_brackets_that_are_not_definitions():
    assert learnt(*2 * ["Bệnh viện Cấp cứu Trưng Vương (TP.HCM)",  # a place, not the initials
                        "Lực lượng Công an (CA)",  # "ca" reads as a word: every "ca" would match
                        "Ban chấp hành\n(BCH)",  # not on one line
                        "ông Nguyễn Văn (A)"]) == {}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    folder = tmp_path_factory.mktemp("synonyms-corpus")
    (folder / "a.txt").write_text("Trung tâm Y tế huyện\nTrung tâm Y tế (TTYT) huyện khám cho 200 người.",
                                  encoding="utf-8")
    (folder / "b.txt").write_text("Tiêm chủng\nTrung tâm Y tế (TTYT) tỉnh tổ chức tiêm chủng.", encoding="utf-8")
    (folder / "c.txt").write_text("Xe máy\nGiá xe gắn máy tăng; UBND tỉnh họp.", encoding="utf-8")
    return folder


def stored(generation) -> list[tuple[str, list[str]]]:
    """(source, phrases) of each group the generation's synonyms.json holds, the built-in ones left out."""
    data = json.loads((generation / synonyms.FILE).read_text(encoding="utf-8"))
    return [(entry["source"], entry["phrases"]) for entry in data["groups"] if entry["source"] != "builtin"]


def test_a_rebuild_stores_learnt_and_user_synonyms(tmp_path, corpus):
    mine = tmp_path / "mine.txt"
    mine.write_text("# ours\nxe máy = xe gắn máy\n", encoding="utf-8")
    rebuild(corpus, tmp_path / "index", workers=1, synonyms_file=mine)
    live = live_generation(tmp_path / "index")
    assert stored(live) == [(f"{mine}:2", ["xe máy", "xe gắn máy"]), ("corpus", ["TTYT", "Trung tâm Y tế"])]
    table = load(live)
    assert offered(table.alternatives(["ttyt"])) == {(0, 1, ("trung", "tam", "y", "te"))}
    assert offered(table.alternatives(["gia", "xe", "gan", "may"])) == {(1, 4, ("xe", "may"))}
    assert (0, 1, ("uy", "ban", "nhan", "dan")) in offered(table.alternatives(["ubnd"]))  # built-in kept


def test_synonyms_txt_in_the_index_folder_is_used_without_the_flag(tmp_path, corpus):
    (tmp_path / "index").mkdir()
    (tmp_path / "index" / "synonyms.txt").write_text("y tế = sức khỏe\n", encoding="utf-8")
    rebuild(corpus, tmp_path / "index", workers=1)
    assert stored(live_generation(tmp_path / "index"))[0] == \
        (f"{tmp_path / 'index' / 'synonyms.txt'}:1", ["y tế", "sức khỏe"])


def test_a_bad_synonyms_file_stops_the_rebuild_before_it_writes_anything(tmp_path, corpus):
    bad = tmp_path / "bad.txt"
    bad.write_text("UBND = Ủy ban nhân dân\nxe máy\n", encoding="utf-8")
    first = timkiem("rebuild", "--corpus", corpus, "--index", tmp_path / "new", "--synonyms", bad, check=False)
    assert first.returncode == 2 and not (tmp_path / "new").exists()
    assert first.stderr == f"timkiem: error: {bad}:2: one phrase only: a group needs two or more, " \
                           "separated by '=' or ','\n"

    timkiem("rebuild", "--corpus", corpus, "--index", tmp_path / "index")
    before = sorted(path.name for path in (tmp_path / "index").iterdir())
    live = live_generation(tmp_path / "index")
    again = timkiem("rebuild", "--corpus", corpus, "--index", tmp_path / "index", "--synonyms", bad, check=False)
    assert again.returncode == 2 and again.stderr.startswith(f"timkiem: error: {bad}:2: ")
    assert sorted(path.name for path in (tmp_path / "index").iterdir()) == before
    assert live_generation(tmp_path / "index") == live
    missing = timkiem("update", "--corpus", corpus, "--index", tmp_path / "index", "--synonyms",
                      tmp_path / "none.txt", check=False)
    assert missing.returncode == 2 and "none.txt: synonyms file not found" in missing.stderr
    assert live_generation(tmp_path / "index") == live
    assert f"synonyms: {len(builtin())} built-in, 1 learnt from the corpus, 0 from synonyms files" in \
        timkiem("stats", "--index", tmp_path / "index").stdout


def test_update_refreshes_the_synonyms_and_leaves_the_previous_generation_alone(tmp_path, corpus):
    mine, index, corpus = tmp_path / "mine.txt", tmp_path / "index", shutil.copytree(corpus, tmp_path / "corpus")
    mine.write_text("xe máy = xe gắn máy\n", encoding="utf-8")
    rebuild(corpus, index, workers=1, synonyms_file=mine)
    first = live_generation(index)
    kept = update(corpus, index, workers=1, synonyms_file=mine)
    assert kept.generation == first.name  # nothing changed: no new generation

    mine.write_text("xe máy = mô tô\n", encoding="utf-8")
    refreshed = update(corpus, index, workers=1, synonyms_file=mine)
    second = live_generation(index)
    assert refreshed.generation == second.name != first.name
    assert (refreshed.added, refreshed.changed, refreshed.deleted) == (0, 0, 0)
    assert stored(second)[0] == (f"{mine}:1", ["xe máy", "mô tô"])
    assert stored(first)[0] == (f"{mine}:1", ["xe máy", "xe gắn máy"])  # replaced, not written into the link
    assert os.stat(first / synonyms.FILE).st_ino != os.stat(second / synonyms.FILE).st_ino
    assert offered(load(second).alternatives(["mo", "to"])) == {(0, 2, ("xe", "may"))}

    (corpus / "d.txt").write_text("Khu chế xuất\nKhu chế xuất Tân Thuận (KCXTT) mở rộng.", encoding="utf-8")
    (corpus / "e.txt").write_text("Việc làm\nKhu chế xuất Tân Thuận (KCXTT) tuyển người.", encoding="utf-8")
    added = update(corpus, index, workers=1, synonyms_file=mine)
    assert added.added == 2
    assert ("corpus", ["KCXTT", "Khu chế xuất Tân Thuận"]) in stored(live_generation(index))


def test_an_index_without_synonyms_json_searches_with_the_builtin_list(tmp_path):
    old_generation = live_generation(FIXTURES / "seed-index-2f30b2c")  # built before synonyms were stored
    assert not (old_generation / synonyms.FILE).exists()
    table = load(old_generation)
    assert len(table) == len(builtin())
    assert (0, 1, ("uy", "ban", "nhan", "dan")) in offered(table.alternatives(["ubnd"]))


def test_a_damaged_synonyms_json_asks_for_a_rebuild(tmp_path):
    (tmp_path / synonyms.FILE).write_text('{"groups": [{"source": "corpus", "phr', encoding="utf-8")
    with pytest.raises(DamagedSynonyms, match="run `timkiem rebuild`"):
        load(tmp_path)
