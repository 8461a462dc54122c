"""Every use of Whoosh's private API (indexer/whoosh_internals.py) against Whoosh's own public
behaviour: our segment writer writes what Whoosh's writer writes (every term, posting, stored
field and length, read back through Whoosh), bulk posting reads agree with Whoosh's iteration,
and deletions without a commit give what Whoosh's own deletion gives."""

import json
import mmap
from collections import Counter

from whoosh import index as whoosh_index
from whoosh.writing import SegmentWriter

from indexer import spellings
from indexer.build import fields_of, rebuild
from indexer.codec import TimkiemCodec
from indexer.corpus import Document
from indexer.schema import SPELLINGS_FIELD, IndexOptions, build_schema
from indexer.generations import open_generation, require_live
from indexer.view import LiveIndex
from indexer.whoosh_internals import (TermSegmentWriter, WorkerStorage, commit_segments, inlined_values,
                                      read_postings, segments_without)

from tests.conftest import FIXTURES


def documents() -> list[Document]:
    news = [json.loads(line) for line in (FIXTURES / "news" / "articles.jsonl").open(encoding="utf-8")]
    found = [Document(id=n["id"], title=n["title"], body=n["text"], date=n.get("date", ""),
                      source=n.get("source", ""), category=n.get("category", "")) for n in news]
    # 300 more: "chung" fills several posting blocks, "riêngN" is in one document only, and
    # "phong chung" is spelt two ways
    found += [Document(id=f"extra-{n}", title=f"Tin {n}",
                       body=f"Phòng chung công nghiệp riêng{n}{' phong chung' * (n % 5 == 0)}")
              for n in range(300)]
    return found


def write(folder, writer_class) -> object:
    whoosh_index.create_in(str(folder), build_schema(IndexOptions()))
    extra = {"gathered": spellings.GATHERED} if writer_class is TermSegmentWriter else {}
    writer = writer_class(WorkerStorage(str(folder)).open_index(), _lk=False, codec=TimkiemCodec(), **extra)
    for document in documents():
        writer.add_document(**fields_of(document, IndexOptions()))
    writer.commit()
    return whoosh_index.open_dir(str(folder)).reader()


def test_segment_matches_whoosh_writer(tmp_path):
    (tmp_path / "ours").mkdir()
    (tmp_path / "whoosh").mkdir()
    ours, theirs = write(tmp_path / "ours", TermSegmentWriter), write(tmp_path / "whoosh", SegmentWriter)
    postings, expected = reader_postings(ours), reader_postings(theirs)
    assert without_spellings(postings) == without_spellings(expected)
    assert [docnum for docnum, _, _ in postings[("body", "chung".encode())]] == list(range(24, 324))
    assert postings[("body", "riêng7".encode())] == [(31, 1.0, theirs.postings("body", "riêng7").value())]
    for docnum in range(theirs.doc_count_all()):
        assert ours.stored_fields(docnum) == theirs.stored_fields(docnum)
        for field in ("title", "body", "title_f", "body_f", "pairs_f"):
            assert ours.doc_field_length(docnum, field) == theirs.doc_field_length(docnum, field)


def test_pair_spellings_are_gathered_per_segment(tmp_path):
    """Whoosh's writer keeps a posting per document and spelling; ours one per folded pair (at
    document 0) with the documents counted per spelling."""
    (tmp_path / "ours").mkdir()
    (tmp_path / "whoosh").mkdir()
    ours = reader_postings(write(tmp_path / "ours", TermSegmentWriter))
    per_document = reader_postings(write(tmp_path / "whoosh", SegmentWriter))
    pairs = [key for key in per_document if key[0] == SPELLINGS_FIELD]
    assert pairs and pairs == [key for key in ours if key[0] == SPELLINGS_FIELD]
    for key in pairs:
        spelt = Counter(value for _, _, value in per_document[key])
        assert ours[key] == [(0, float(len(per_document[key])), spellings.encode(spelt))]
    phong_chung = spellings.decode(ours[(SPELLINGS_FIELD, "phong chung".encode())][0][2])
    assert phong_chung == {"phòng chung": 300, "phong chung": 60}


def without_spellings(postings: dict) -> dict:
    return {key: found for key, found in postings.items() if key[0] != SPELLINGS_FIELD}


def reader_postings(reader) -> dict:
    """(field, term) -> [(document, weight, value), …] for every term of the index."""
    found = {}
    for field, term in reader.all_terms():
        matcher, postings = reader.postings(field, term), []
        while matcher.is_active():
            postings.append((matcher.id(), matcher.weight(), matcher.value()))
            matcher.next()
        found[(field, term)] = postings
    return found


def whoosh_postings(searcher, field, term):
    expected = []
    if field in searcher.schema and searcher.reader().doc_frequency(field, term):
        matcher = searcher.reader().postings(field, term)
        while matcher.is_active():
            expected.append((matcher.id(), matcher.weight()))
            matcher.next()
    return expected


def test_bulk_postings_agree_with_whoosh_iteration(seed_index):
    searcher = LiveIndex(seed_index).view().searcher
    for field, term in [("body", "công"), ("body", "công_thương"), ("body_f", "cong"), ("title", "giang"),
                        ("pairs_f", "cong thuong"), ("body", "không-có-từ-này"), ("nofield", "x")]:
        ids, frequencies = read_postings(searcher, field, term)
        assert list(zip(ids.tolist(), frequencies.tolist())) == whoosh_postings(searcher, field, term), (field, term)


def test_long_short_and_multi_segment_postings_read_alike(tmp_path):
    """Terms in 300 documents fill blocks, terms in a few are stored inline (codec.py), and two
    workers write two segments: bulk reading must agree with Whoosh's iteration in every case."""
    corpus = tmp_path / "c"
    corpus.mkdir()
    for number in range(300):
        (corpus / f"{number:03}.txt").write_text(
            f"Tin {number}\nPhòng chung {'công nghiệp ' * (number % 4)}riêng{number} nhóm{number % 7}", encoding="utf-8")
    rebuild(corpus, tmp_path / "index", workers=2)
    searcher = LiveIndex(tmp_path / "index").view().searcher
    assert len(searcher.reader().leaf_readers()) == 2
    for field, term in [("body", "chung"), ("body", "riêng7"), ("body", "nhóm3"), ("body_f", "cong"),
                        ("pairs_f", "phong chung"), ("title", "tin"), ("body", "công_nghiệp")]:
        ids, frequencies = read_postings(searcher, field, term)
        assert len(ids) and list(zip(ids.tolist(), frequencies.tolist())) == whoosh_postings(searcher, field, term)


def test_inlined_values_are_the_postings_values(tmp_path):
    """A pair's spellings are read from the term's entry in each segment: the same value that
    Whoosh's matcher gives for its single posting."""
    (tmp_path / "ours").mkdir()
    reader = write(tmp_path / "ours", TermSegmentWriter)
    for pair in ("phong chung", "cong nghiep"):
        matcher = reader.postings(SPELLINGS_FIELD, pair)
        assert inlined_values(reader, SPELLINGS_FIELD, pair) == [matcher.value()]
    assert inlined_values(reader, SPELLINGS_FIELD, "khong co") == []


def test_deletions_without_a_commit_equal_whooshs_own(tmp_path):
    """``segments_without`` leaves the documents that Whoosh's own deletion and commit leave."""
    corpus = tmp_path / "c"
    corpus.mkdir()
    for number in range(120):  # two workers: two segments
        (corpus / f"{number:03}.txt").write_text(f"Tin {number}\nNội dung số {number}", encoding="utf-8")
    removed = ["001.txt", "002.txt", "100.txt"]
    live_ids = {}
    for name in ("ours", "whoosh"):
        rebuild(corpus, tmp_path / name, workers=2)
        ix = open_generation(require_live(tmp_path / name))
        if name == "ours":
            commit_segments(ix, segments_without(ix, removed))
        else:
            with ix.writer() as writer:
                for doc_id in removed:
                    writer.delete_by_term("id", doc_id)
        with ix.refresh().searcher() as searcher:
            reader = searcher.reader()
            live_ids[name] = sorted(reader.stored_fields(d)["id"] for d in range(reader.doc_count_all())
                                    if not reader.is_deleted(d))
    assert live_ids["ours"] == live_ids["whoosh"]
    assert len(live_ids["ours"]) == 117 and not set(removed) & set(live_ids["ours"])


def test_fields_without_positions_are_kept_in_compact_tables(seed_index):
    """With folding, the exact terms, pairs and spellings are read from each segment's compact
    table; the folded fields keep their positions in Whoosh's own files, for phrases."""
    from indexer.whoosh_internals import compact_table

    searcher = LiveIndex(seed_index).view().searcher
    for reader, _ in searcher.reader().leaf_readers():
        assert all(compact_table(reader, field) is not None for field in ("title", "body", "pairs_f", SPELLINGS_FIELD))
        assert compact_table(reader, "body_f") is None and compact_table(reader, "id") is None
        assert reader.schema["body_f"].format.supports("positions")
        assert not reader.schema["body"].format.supports("positions")


def test_the_folded_fields_are_scored_from_a_faithful_copy(seed_index):
    """The fields with positions stay Whoosh's, for phrases; scoring reads their document
    numbers and weights from a copy in the compact table, which must hold every term alike."""
    from indexer.whoosh_internals import scoring_copy

    searcher = LiveIndex(seed_index).view().searcher
    for reader, _ in searcher.reader().leaf_readers():
        for field in ("title_f", "body_f"):
            copy = scoring_copy(reader, field)
            terms = list(reader.lexicon(field))
            assert copy is not None and copy.term_count == len(terms) > 0
            for term in terms:
                matcher = reader.postings(field, term)
                ids, weights = copy.postings(copy.find(term))
                assert list(zip(ids.tolist(), weights.tolist())) == [(i, w) for i, w in matcher.items_as("weight")]
        assert scoring_copy(reader, "body") is None  # kept in the compact table only


def test_every_thread_of_a_process_reads_one_mapping_of_a_segments_tables(seed_index):
    """Each waitress thread has its own searcher; their compact tables must be one memory map per
    segment, not a copy read per searcher (a server's memory grew by the tables with every thread)."""
    import threading

    from indexer.whoosh_internals import compact_table

    live = LiveIndex(seed_index)
    tables = []

    def look():
        searcher = live.view().searcher
        tables.append([compact_table(reader, "pairs_f") for reader, _ in searcher.reader().leaf_readers()])

    threads = [threading.Thread(target=look) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    first, *others = tables
    assert first and all(table is not None for table in first)
    assert all(all(a is b for a, b in zip(first, other)) for other in others)
    assert all(isinstance(table._buffer.obj, mmap.mmap) for table in first)
