"""Our segment writer must write what Whoosh's own writer writes: every term, every posting,
every stored field and length, read back through Whoosh."""

import json

from whoosh import index as whoosh_index
from whoosh.writing import SegmentWriter

from indexer.build import _fields, _WorkerStorage, analyse
from indexer.codec import TimkiemCodec
from indexer.corpus import Document
from indexer.schema import IndexOptions, build_schema
from indexer.segment_writer import TermSegmentWriter

from tests.conftest import FIXTURES


def documents() -> list[Document]:
    news = [json.loads(line) for line in (FIXTURES / "news" / "articles.jsonl").open(encoding="utf-8")]
    found = [Document(id=n["id"], title=n["title"], body=n["text"], date=n.get("date", ""),
                      source=n.get("source", ""), category=n.get("category", "")) for n in news]
    # 300 more: "chung" fills several posting blocks, "riêngN" is in one document only
    found += [Document(id=f"extra-{n}", title=f"Tin {n}", body=f"Phòng chung công nghiệp riêng{n}")
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
    postings = reader_postings(ours)
    assert postings == reader_postings(theirs)
    assert [docnum for docnum, _, _ in postings[("body", "chung".encode())]] == list(range(24, 324))
    assert postings[("body", "riêng7".encode())] == [(31, 1.0, theirs.postings("body", "riêng7").value())]
    for docnum in range(theirs.doc_count_all()):
        assert ours.stored_fields(docnum) == theirs.stored_fields(docnum)
        for field in ("title", "body", "title_f", "body_f", "pairs_f"):
            assert ours.doc_field_length(docnum, field) == theirs.doc_field_length(docnum, field)


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
