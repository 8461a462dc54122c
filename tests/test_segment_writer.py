"""Our segment writer must write what Whoosh's own writer writes: every term, every posting,
every stored field and length, read back through Whoosh."""

import json
from collections import Counter

from whoosh import index as whoosh_index
from whoosh.writing import SegmentWriter

from indexer.build import _fields, _WorkerStorage, analyse
from indexer.codec import TimkiemCodec
from indexer.corpus import Document
from indexer.schema import SPELLINGS_FIELD, IndexOptions, build_schema, decode_spellings, encode_spellings
from indexer.segment_writer import TermSegmentWriter

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
    writer = writer_class(_WorkerStorage(str(folder)).open_index(), _lk=False, codec=TimkiemCodec())
    for document in documents():
        writer.add_document(**_fields(*analyse(document), IndexOptions()))
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
        assert ours[key] == [(0, float(len(per_document[key])), encode_spellings(spelt))]
    phong_chung = decode_spellings(ours[(SPELLINGS_FIELD, "phong chung".encode())][0][2])
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
