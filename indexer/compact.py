"""Compact term tables: a segment's biggest fields as sorted terms with postings in blocks.

The adjacent folded pairs (``pairs_f``) and their spellings (``pair_spellings``)
hold most of an index's distinct terms.  As Whoosh term entries each cost a
hash-table record and a term info with pickled postings, about 30 bytes of
bookkeeping for a posting or two (the table in docs/ARCHITECTURE.md).  Here a
segment keeps those fields in one file of its own (``.cpt``, inside the compound
segment), per field:

- the terms in byte order, in blocks of at most BLOCK_TERMS terms and, past
  their first term, BLOCK_POSTINGS postings, each block's texts compressed;
  the first term of each block ("heads") and its number are read once when the
  segment is opened, to find a term's block by bisection;
- per term: its text's length and its document count, and for a field whose
  postings carry values (the spellings) each value's length, as arrays;
- per block: its terms' postings, document numbers as deltas then weights,
  compressed, and likewise its values.

Finding a term costs one bisection and one block of texts decompressed; its
postings, one block decompressed into numpy arrays.  A block is cut by its
postings too because a rare word's block would otherwise hold common words
beside it ("thuyet" beside "thuong"), all decompressed to read the rare one.
Tables written before (MAGIC_FIXED_BLOCKS) have BLOCK_TERMS terms to every block.

The fields with positions (the folded text, for phrases) stay in Whoosh's
format, whose blocks pickle each posting's positions: reading a common word's
postings there unpickled them all, and made the first searches after a start
far slower than once their postings are cached.  Their document numbers and
weights are kept here too, as scoring copies: scoring reads those.  ``codec.TimkiemCodec``
writes and opens the file; Whoosh's look-ups (``term_info``, ``postings``,
``doc_frequency``) and term iteration answer from it (whoosh_internals.CompactTermsReader).
"""

import bisect
import itertools
import pickle
import threading
import zlib
from typing import Iterable

import numpy as np

EXTENSION = ".cpt"
MAGIC = b"TKC2"
MAGIC_FIXED_BLOCKS = b"TKC1"
BLOCK_TERMS = 128
BLOCK_POSTINGS = 4096
TERM_BLOCKS_KEPT = 128  # decompressed term blocks kept per table: a query looks a common word up once per segment
LEVEL = 6  # zlib: 9 wrote 3% smaller tables, twice slower
WEIGHT_TYPES = (np.uint8, np.uint16, np.float32)  # a block's weights, in the smallest that holds them

# (term, (document numbers, weights, values)) in term order, as whoosh_internals.PostingsByTerm gives them
Postings = Iterable[tuple[bytes, tuple[list, list, list]]]


def _weight_type(weights: np.ndarray) -> int:
    if np.array_equal(weights, np.round(weights)) and weights.min(initial=0) >= 0:
        for code, kind in enumerate(WEIGHT_TYPES[:2]):
            if weights.max(initial=0) <= np.iinfo(kind).max:
                return code
    return 2


class CompactWriter:
    """Writes the compact tables of one segment to ``dbfile`` (a Whoosh StructFile)."""

    def __init__(self, dbfile, doc_count: int):
        self._file = dbfile
        self._docs = np.uint16 if doc_count <= np.iinfo(np.uint16).max + 1 else np.uint32
        self._fields: dict[str, dict] = {}
        self._copies: dict[str, dict] = {}
        dbfile.write(MAGIC)

    def _section(self, data: bytes) -> tuple[int, int]:
        start = self._file.tell()
        self._file.write(data)
        return start, len(data)

    def add_field(self, name: str, postings: Postings, with_values: bool, scoring_copy: bool = False) -> None:
        """All of a field's terms and postings in this segment, in term order; with
        ``scoring_copy``, those of a field Whoosh keeps too (with its positions), for scoring."""
        lengths, counts, value_lengths, heads, firsts = [], [], [], [], []
        term_blocks, posting_blocks, value_blocks, weight_codes = [], [], [], []
        block: list = []

        def flush():
            heads.append(block[0][0])
            firsts.append(len(lengths) - len(block))
            term_blocks.append(zlib.compress(b"".join(term for term, _ in block), LEVEL))
            # The whole block at once: numpy's per-call cost, paid per term, dominated writing the tables.
            ids = np.fromiter(itertools.chain.from_iterable(postings[0] for _, postings in block), dtype=np.int64)
            weights = np.fromiter(itertools.chain.from_iterable(postings[1] for _, postings in block),
                                  dtype=np.float32, count=len(ids))
            starts = np.cumsum([0] + [len(postings[0]) for _, postings in block[:-1]])
            deltas = np.diff(ids, prepend=0)
            deltas[starts] = ids[starts]  # each term's first document is written whole
            later = np.ones(len(ids), dtype=bool)
            later[starts] = False
            if (deltas[later] <= 0).any():
                unordered = np.searchsorted(starts, np.flatnonzero(later & (deltas <= 0))[0], side="right") - 1
                raise ValueError(f"postings of {block[unordered][0]!r} not in document order")
            code = _weight_type(weights)
            weight_codes.append(code)
            posting_blocks.append(zlib.compress(deltas.astype(self._docs).tobytes()
                                                + weights.astype(WEIGHT_TYPES[code]).tobytes(), LEVEL))
            if with_values:
                value_blocks.append(zlib.compress(b"".join(b"".join(values) for _, (_, _, values) in block), LEVEL))
            block.clear()

        in_block = 0  # postings
        for term, (ids, weights, values) in postings:
            if block and (len(block) == BLOCK_TERMS or in_block + len(ids) > BLOCK_POSTINGS):
                flush()
                in_block = 0
            block.append((term, (ids, weights, values)))
            in_block += len(ids)
            lengths.append(len(term))
            counts.append(len(ids))
            if with_values:
                value_lengths.extend(map(len, values))
        if block:
            flush()
        sections = {
            "term_lengths": np.asarray(lengths, dtype=np.uint16).tobytes(),
            "counts": np.asarray(counts, dtype=np.uint32).tobytes(),
            "heads": b"".join(heads),
            "head_lengths": np.asarray([len(head) for head in heads], dtype=np.uint16).tobytes(),
            "block_firsts": np.asarray(firsts, dtype=np.uint32).tobytes(),
            "weight_codes": np.asarray(weight_codes, dtype=np.uint8).tobytes(),
        }
        for kind, blocks in (("terms", term_blocks), ("postings", posting_blocks), ("values", value_blocks)):
            sections[kind] = b"".join(blocks)
            sections[kind + "_ends"] = np.cumsum([len(b) for b in blocks], dtype=np.uint64).tobytes()
        if with_values:
            sections["value_lengths"] = np.asarray(value_lengths, dtype=np.uint32).tobytes()
        (self._copies if scoring_copy else self._fields)[name] = {
            "terms": len(lengths), "values": with_values,
            "sections": {kind: self._section(data) for kind, data in sections.items()}}

    def close(self) -> None:
        directory = pickle.dumps({"docs": np.dtype(self._docs).str, "fields": self._fields, "copies": self._copies},
                                 protocol=4)
        start, _ = self._section(directory)
        self._file.write(start.to_bytes(8, "little") + MAGIC)
        self._file.close()


class CompactField:
    """One field's table in one segment, read from ``buffer`` (the file's bytes, usually mmapped)."""

    def __init__(self, buffer, docs: np.dtype, spec: dict, fixed_blocks: bool = False):
        self._docs = docs
        self._buffer = buffer
        self.term_count = spec["terms"]
        self.has_values = spec["values"]
        self._sections = spec["sections"]
        # Per term and per posting only what the file holds (mapped, not copied); offsets are
        # summed per block when a block is read: held per term, they took 16 bytes a term.
        self._term_lengths = self._array("term_lengths", np.uint16)
        self.counts = self._array("counts", np.uint32)
        self._value_lengths = self._array("value_lengths", np.uint32) if self.has_values else None
        firsts = (np.arange(0, self.term_count, BLOCK_TERMS) if fixed_blocks
                  else self._array("block_firsts", np.uint32).astype(np.int64))
        # each block's first term number, and the term count after the last block
        self._block_firsts = firsts.tolist() + [self.term_count]
        self._block_postings = np.concatenate([[0], np.cumsum(np.add.reduceat(self.counts, firsts, dtype=np.int64))
                                               if self.term_count else []]).astype(np.int64)
        head_lengths = self._array("head_lengths", np.uint16)
        heads = bytes(self._bytes("heads"))
        ends = np.cumsum(head_lengths, dtype=np.int64).tolist()
        self._heads = [heads[end - length:end] for end, length in zip(ends, head_lengths.tolist())]
        self._weight_codes = self._array("weight_codes", np.uint8)
        self._term_blocks: dict[int, bytes] = {}  # the last TERM_BLOCKS_KEPT read, oldest first
        self._term_blocks_lock = threading.Lock()  # threads share the table

    @staticmethod
    def _offsets(lengths: np.ndarray, start: int, stop: int) -> list[int]:
        """Where entries ``start`` to ``stop`` begin, counted from the first, and where the last ends."""
        return [0] + np.cumsum(lengths[start:stop], dtype=np.int64).tolist()

    def _block_terms(self, block: int) -> tuple[int, int]:
        """The numbers of the block's first term and of the one after its last."""
        return self._block_firsts[block], self._block_firsts[block + 1]

    def _block_of(self, number: int) -> int:
        return bisect.bisect_right(self._block_firsts, number) - 1

    def _bytes(self, kind: str) -> memoryview:
        offset, length = self._sections[kind]
        return memoryview(self._buffer)[offset:offset + length]

    def _array(self, kind: str, dtype) -> np.ndarray:
        return np.frombuffer(self._bytes(kind), dtype=dtype)

    def _block(self, kind: str, number: int) -> bytes:
        ends = self._array(kind + "_ends", np.uint64)
        start = int(ends[number - 1]) if number else 0
        return zlib.decompress(self._bytes(kind)[start:int(ends[number])])

    def _terms_of(self, block: int) -> bytes:
        """The texts of the block's terms, end to end."""
        texts = self._term_blocks.get(block)
        if texts is None:
            texts = self._block("terms", block)
            with self._term_blocks_lock:
                self._term_blocks[block] = texts
                if len(self._term_blocks) > TERM_BLOCKS_KEPT:
                    del self._term_blocks[next(iter(self._term_blocks))]
        return texts

    def find(self, term: bytes) -> int | None:
        """The term's number in the table, or None."""
        number = bisect.bisect_right(self._heads, term) - 1
        if number < 0:
            return None
        texts = self._terms_of(number)
        first, last = self._block_terms(number)
        starts = self._offsets(self._term_lengths, first, last)
        low, high = 0, len(starts) - 1
        while low < high:  # the first text of the block not below ``term``
            middle = (low + high) // 2
            if texts[starts[middle]:starts[middle + 1]] < term:
                low = middle + 1
            else:
                high = middle
        if low < len(starts) - 1 and texts[starts[low]:starts[low + 1]] == term:
            return first + low
        return None

    def terms(self, start: bytes = b""):
        """(term, number) of the table's terms from ``start`` on, in order."""
        block = max(bisect.bisect_right(self._heads, start) - 1, 0)
        for block in range(block, len(self._heads)):
            texts = self._block("terms", block)  # a walk: no block is read twice
            first, last = self._block_terms(block)
            starts = self._offsets(self._term_lengths, first, last)
            for offset, (begin, end) in enumerate(zip(starts, starts[1:])):
                if texts[begin:end] >= start:
                    yield texts[begin:end], first + offset

    def postings(self, number: int) -> tuple[np.ndarray, np.ndarray]:
        """(segment document numbers as int32, weights as float32) of term ``number``."""
        block = self._block_of(number)
        first, last = self._block_terms(block)
        within = self._offsets(self.counts, first, last)
        start, end, total = within[number - first], within[number - first + 1], within[-1]
        data = self._block("postings", block)
        width, kind = np.dtype(self._docs).itemsize, WEIGHT_TYPES[self._weight_codes[block]]
        ids = np.frombuffer(data, dtype=self._docs, count=end - start, offset=start * width)
        weights = np.frombuffer(data, dtype=kind, count=end - start,
                                offset=total * width + start * np.dtype(kind).itemsize)
        return np.cumsum(ids, dtype=np.int32), weights.astype(np.float32)

    def values(self, number: int) -> list[bytes]:
        """The values of term ``number``'s postings ([] for a field without values)."""
        if not self.has_values:
            return []
        block = self._block_of(number)
        first, last = self._block_terms(block)
        within = self._offsets(self.counts, first, last)
        start, end = within[number - first], within[number - first + 1]
        base = int(self._block_postings[block])
        starts = self._offsets(self._value_lengths, base, base + end)[start:]
        data = self._block("values", block)
        return [data[begin:stop] for begin, stop in zip(starts, starts[1:])]

    def section_bytes(self) -> dict[str, int]:
        """Bytes of terms (texts, lengths, heads) and postings (with counts and values)."""
        sizes = {kind: length for kind, (_, length) in self._sections.items()}
        terms = sum(sizes[kind] for kind in ("terms", "terms_ends", "term_lengths", "heads", "head_lengths"))
        return {"terms": terms, "postings": sum(sizes.values()) - terms}


class CompactTables:
    """The compact tables of one segment: ``buffer`` holds the whole ``.cpt`` file.  ``fields``:
    the fields kept here only; ``copies``: the scoring copies of fields Whoosh keeps."""

    def __init__(self, buffer):
        magic = bytes(buffer[:4])
        if magic not in (MAGIC, MAGIC_FIXED_BLOCKS) or bytes(buffer[-4:]) != magic:
            raise ValueError("not a compact term table file")
        fixed_blocks = magic == MAGIC_FIXED_BLOCKS
        start = int.from_bytes(bytes(buffer[-12:-4]), "little")
        directory = pickle.loads(bytes(buffer[start:len(buffer) - 12]))
        docs = np.dtype(directory["docs"])
        self.fields = {name: CompactField(buffer, docs, spec, fixed_blocks)
                       for name, spec in directory["fields"].items()}
        self.copies = {name: CompactField(buffer, docs, spec, fixed_blocks)
                       for name, spec in directory.get("copies", {}).items()}

    def bytes_by_field(self) -> dict[str, dict[str, int]]:
        """Per field, and per scoring copy as "FIELD (scoring copy)"."""
        return {**{name: table.section_bytes() for name, table in self.fields.items()},
                **{f"{name} (scoring copy)": table.section_bytes() for name, table in self.copies.items()}}
