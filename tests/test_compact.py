"""The compact term tables (indexer/compact.py) give back every term, posting and value written,
across block boundaries, for small and large segments, and find no term that was not written;
tables written by an earlier timkiem (fixed blocks) read alike."""

import random

import numpy as np
import pytest
from whoosh.filedb.filestore import RamStorage

from indexer import compact
from indexer.compact import BLOCK_POSTINGS, BLOCK_TERMS, CompactTables, CompactWriter


def written_bytes(postings: dict, doc_count: int, with_values: bool) -> bytes:
    storage = RamStorage()
    writer = CompactWriter(storage.create_file("t.cpt"), doc_count)
    writer.add_field("f", ((term, postings[term]) for term in sorted(postings)), with_values)
    writer.close()
    with storage.open_file("t.cpt") as file:
        return file.read()


def written(postings: dict, doc_count: int, with_values: bool) -> CompactTables:
    return CompactTables(written_bytes(postings, doc_count, with_values))


def assert_reads_back(table, postings: dict) -> None:
    assert [term for term, _ in table.terms()] == sorted(postings)
    for term, (ids, term_weights, values) in postings.items():
        number = table.find(term)
        found_ids, found_weights = table.postings(number)
        assert found_ids.tolist() == ids and found_ids.dtype == np.int32
        assert np.array_equal(found_weights, np.asarray(term_weights, dtype=np.float32))
        assert table.values(number) == values and table.counts[number] == len(ids)


def random_postings(count: int, doc_count: int, weights, seed: int) -> dict:
    chooser = random.Random(seed)
    postings = {}
    for number in range(count):
        ids = sorted(chooser.sample(range(doc_count), chooser.choice([1, 1, 2, 3, 40, 300])))
        postings[f"từ {number:05} {chooser.random()}".encode()] = (
            ids, [weights(chooser) for _ in ids], [f"v{number}-{i}".encode() for i in ids])
    return postings


@pytest.mark.parametrize("doc_count, weights", [
    (1000, lambda chooser: float(chooser.randint(1, 3))),  # small frequencies: one byte each
    (70_000, lambda chooser: float(chooser.randint(1, 900))),  # document numbers past 16 bits, 2-byte weights
    (500, lambda chooser: chooser.random() * 3),  # weights that are not whole numbers
])
def test_every_posting_and_value_comes_back(doc_count, weights):
    postings = random_postings(3 * BLOCK_TERMS + 5, doc_count, weights, seed=doc_count)
    assert_reads_back(written(postings, doc_count, with_values=True).fields["f"], postings)


def test_a_rare_word_is_read_without_the_common_ones_beside_it():
    """Reading a word decompresses its block: beside a word in most documents, a rare one's
    block must not hold it."""
    doc_count = 3 * BLOCK_POSTINGS
    postings = {b"thuong": (list(range(doc_count)), [1.0] * doc_count, [b""] * doc_count),
                b"thuyet": ([5, 9], [1.0, 2.0], [b"", b""]),
                b"thuy": (list(range(0, doc_count, 2)), [1.0] * (doc_count // 2), [b""] * (doc_count // 2))}
    table = written(postings, doc_count, with_values=False).fields["f"]
    first, last = table._block_terms(table._block_of(table.find(b"thuyet")))
    assert table.counts[first:last].sum() <= BLOCK_POSTINGS
    assert_reads_back(table, {term: (ids, weights, []) for term, (ids, weights, _) in postings.items()})


def test_a_table_of_fixed_blocks_reads_back(monkeypatch):
    """An index built before blocks were cut by postings: BLOCK_TERMS terms to every block."""
    monkeypatch.setattr(compact, "BLOCK_POSTINGS", float("inf"))
    postings = random_postings(3 * BLOCK_TERMS + 5, 2000, lambda chooser: 1.0, seed=7)
    data = written_bytes(postings, 2000, with_values=True)
    old = compact.MAGIC_FIXED_BLOCKS + data[4:-4] + compact.MAGIC_FIXED_BLOCKS
    assert_reads_back(CompactTables(old).fields["f"], postings)


def test_terms_not_written_are_not_found():
    postings = random_postings(2 * BLOCK_TERMS, 400, lambda chooser: 1.0, seed=1)
    table = written(postings, 400, with_values=False).fields["f"]
    terms = sorted(postings)
    for missing in (b"", b"a", terms[0][:-1], terms[BLOCK_TERMS] + b"x", terms[-1] + b"\x00", b"\xff"):
        assert table.find(missing) is None
    assert table.values(table.find(terms[3])) == []
    assert [term for term, _ in table.terms(terms[BLOCK_TERMS + 7])] == terms[BLOCK_TERMS + 7:]


def test_postings_out_of_document_order_are_refused():
    with pytest.raises(ValueError, match="document order"):
        written({b"a": ([3, 2], [1.0, 1.0], [b"", b""])}, 10, with_values=False)


def test_a_file_of_another_kind_is_refused():
    with pytest.raises(ValueError, match="compact term table"):
        CompactTables(b"not a table at all")
