"""Every use of Whoosh's private API, in one place: read this module first when upgrading
whoosh-reloaded.  tests/test_whoosh_internals.py checks each piece against Whoosh's own
public behaviour (what its writer writes, what its matchers iterate).

Why each is needed:

- **Writing a term's postings at once, short lists inlined** (``InliningPostingsWriter``):
  Whoosh's W3 writer takes one posting per call and never inlines (it calls
  ``set_inline`` where the method is ``set_inlined``, so the limit stays at
  1).  Most adjacent-syllable pairs occur in one or two documents; a block
  costs a pickle, a zlib call and a header each.
- **Postings kept per term while a segment is written** (``TermSegmentWriter``):
  Whoosh's SegmentWriter pools every posting as a tuple in one list and sorts
  it at the end; documents arrive in number order, so a list per term is
  sorted already and reaches the codec whole.  Fields gathered per segment
  (the pair spellings, spellings.py) are counted instead of pooled.
- **Some fields' terms in a compact table instead of Whoosh's term file**
  (``TermSegmentWriter``, ``CompactTermsReader``, compact.py): Whoosh's W3
  format spends a hash-table record and a term info per term; the fields
  without positions (pairs, spellings, exact terms) are most of an index's terms.  The codec
  (codec.py) names those fields; Whoosh's look-ups and term iteration
  answer from the table (not its cursors, which only spelling suggestions use).
- **Closing a segment without committing** (``close_segment``): build workers
  write segments that only the parent lists in a table of contents.
- **Marking documents deleted in existing segments** (``segments_without``):
  ``timkiem update`` keeps the old segments with deletions, writes no new ones.
- **Reading a term's postings a block at a time** (``read_postings``) and a
  short list's inlined postings (``inlined_postings``): public iteration costs
  a Python call per posting.
"""

import mmap
import os
import threading
import weakref
from array import array

import numpy as np
from whoosh.codec.whoosh3 import W3PostingsWriter, W3TermInfo, W3TermsReader
from whoosh.filedb.compound import CompoundStorage
from whoosh.filedb.filestore import FileStorage, OverlayStorage
from whoosh.index import TOC, clean_files
from whoosh.matching import ListMatcher
from whoosh.reading import TermNotFound
from whoosh.system import pack_uint
from whoosh.writing import SegmentWriter

from indexer.compact import EXTENSION, CompactTables, CompactWriter

INLINE_UP_TO = 15  # postings: about the size of one term entry's fixed part


class InliningPostingsWriter(W3PostingsWriter):
    def add_postings_in_blocks(self, ids: list[int], weights: list[float], values: list[bytes]) -> None:
        """All postings of the current term, in document order, cut into blocks as
        ``add_posting`` would buffer them one by one."""
        if values and not values[0]:
            values = []  # a format without values (Existence): add_posting keeps none
        limit = self._blocklimit
        for start in range(0, len(ids), limit):
            if self._ids:
                self._write_block()
            self._ids = array("I", ids[start:start + limit])
            self._weights = array("f", weights[start:start + limit])
            self._values = values[start:start + limit]
            self._maxweight = max(self._weights)

    def finish_postings(self):
        terminfo = self._terminfo
        if not self.written() and len(self) <= INLINE_UP_TO:
            terminfo.add_block(self)
            terminfo.set_inlined(self._ids, self._weights, self._values)
        else:
            if self._ids:
                self._write_block(last=True)
            terminfo.set_extent(self._startoffset, self._postfile.tell() - self._startoffset)
        self._terminfo = None
        return terminfo


class PostingsByTerm:
    """Takes the place of Whoosh's posting pool inside a SegmentWriter.

    ``gathered`` names fields whose postings are not kept per document: each
    has a gatherer (``add(term, value)``, ``postings()``, ``clear()``) that
    turns them into the segment's postings of that field
    (spellings.SegmentSpellings)."""

    def __init__(self, gathered: dict[str, type], valueless: frozenset[str] = frozenset()):
        """``valueless``: fields whose postings' values are not written (compact tables without
        values): a value object per posting was most of a build's memory."""
        # field -> term (UTF-8) -> (document numbers, weights, encoded values or None); numbers
        # and weights as machine arrays (the codec writes weights as 32-bit floats anyway)
        self.fields: dict[str, dict[bytes, tuple[array, array, list | None]]] = {}
        self.gathered = {name: make() for name, make in gathered.items()}
        self.valueless = valueless

    def add(self, item) -> None:
        field, term, docnum, weight, value = item
        gatherer = self.gathered.get(field)
        if gatherer is not None:
            gatherer.add(term, value)
            return
        terms = self.fields.get(field)
        if terms is None:
            terms = self.fields[field] = {}
        postings = terms.get(term)
        if postings is None:
            postings = terms[term] = (array("I"), array("f"), None if field in self.valueless else [])
        postings[0].append(docnum)
        postings[1].append(weight)
        if postings[2] is not None:
            postings[2].append(value)

    def field_names(self) -> list[str]:
        return sorted(set(self.fields) | {name for name, gatherer in self.gathered.items() if gatherer})

    def sorted_postings(self, field: str):
        """(term, (document numbers, weights, encoded values)) of one field, in term order."""
        if field in self.gathered:
            yield from self.gathered[field].postings()
            return
        terms = self.fields[field]
        yield from ((term, terms[term]) for term in sorted(terms))

    def cleanup(self) -> None:
        self.fields.clear()
        for gatherer in self.gathered.values():
            gatherer.clear()


class TermSegmentWriter(SegmentWriter):
    """Writes the documents added as one new segment, with a codec whose postings writer
    takes a term's postings at once (``InliningPostingsWriter``) and that names the fields
    kept in compact tables (``compact_fields(schema)``: field -> whether its postings carry values)."""

    def __init__(self, *args, gathered: dict[str, type], **kwargs):
        super().__init__(*args, **kwargs)
        valueless = frozenset(name for name, with_values in self.codec.compact_fields(self.schema).items()
                              if not with_values)
        self.pool = PostingsByTerm(gathered, valueless)

    def _flush_segment(self):
        self.perdocwriter.close()
        writer, tables = self.fieldwriter, None
        compact = self.codec.compact_fields(self.schema)
        copied = self.codec.scoring_copies(self.schema)
        for name in self.pool.field_names():  # Whoosh's order: by field, then term
            if tables is None and (name in compact or name in copied):
                tables = CompactWriter(self.newsegment.create_file(self.storage, EXTENSION), self.doc_count())
            if name in compact:
                tables.add_field(name, self.pool.sorted_postings(name), compact[name])
                continue
            if name in copied:
                tables.add_field(name, self.pool.sorted_postings(name), False, scoring_copy=True)
            writer.start_field(name, self.schema[name])
            for term, postings in self.pool.sorted_postings(name):
                writer.start_term(term)
                writer._postwriter.add_postings_in_blocks(*postings)
                writer.finish_term()
            writer.finish_field()
        writer.close()
        if tables is not None:
            tables.close()


class CompactTermsReader(W3TermsReader):
    """Whoosh's W3 term reader, with the fields of the segment's compact tables (``tables``,
    None for a segment without) answered from them."""

    def __init__(self, codec, dbfile, length, postfile, tables: CompactTables | None):
        super().__init__(codec, dbfile, length, postfile)
        self.tables = tables  # held: the process's shared tables live as long as a reader needs them
        self.compact = tables.fields if tables is not None else {}  # field -> compact.CompactField
        self.copies = tables.copies if tables is not None else {}  # a positional field -> its scoring copy

    def _find(self, fieldname: str, tbytes: bytes):
        """(table, term number) of a compact field's term (KeyError when absent)."""
        table = self.compact[fieldname]
        number = table.find(tbytes)
        if number is None:
            raise KeyError((fieldname, tbytes))
        return table, number

    def __contains__(self, term):
        if term[0] not in self.compact:
            return super().__contains__(term)
        return self.compact[term[0]].find(term[1]) is not None

    def indexed_field_names(self):
        return list(super().indexed_field_names()) + list(self.compact)

    def terms(self):
        yield from super().terms()
        for fieldname, table in self.compact.items():
            yield from ((fieldname, term) for term, _ in table.terms())

    def items(self):
        return ((term, self.term_info(*term)) for term in self.terms())

    def terms_from(self, fieldname, prefix):
        if fieldname not in self.compact:
            return super().terms_from(fieldname, prefix)
        return ((fieldname, term) for term, _ in self.compact[fieldname].terms(prefix))

    def items_from(self, fieldname, prefix):
        if fieldname not in self.compact:
            return super().items_from(fieldname, prefix)
        return (((fieldname, term), self.term_info(fieldname, term)) for term, _ in self.compact[fieldname].terms(prefix))

    def term_info(self, fieldname, tbytes):
        if fieldname not in self.compact:
            return super().term_info(fieldname, tbytes)
        try:
            table, number = self._find(fieldname, tbytes)
        except KeyError:
            raise TermNotFound(f"No term {fieldname}:{tbytes!r}") from None
        ids, weights = table.postings(number)
        info = W3TermInfo(weight=float(weights.sum()), df=len(ids), minid=int(ids[0]), maxid=int(ids[-1]),
                          maxweight=float(weights.max()))
        info.set_inlined(ids.tolist(), weights.tolist(), table.values(number))
        return info

    def frequency(self, fieldname, tbytes):
        if fieldname not in self.compact:
            return super().frequency(fieldname, tbytes)
        table, number = self._find(fieldname, tbytes)
        return float(table.postings(number)[1].sum())

    def doc_frequency(self, fieldname, tbytes):
        if fieldname not in self.compact:
            return super().doc_frequency(fieldname, tbytes)
        table, number = self._find(fieldname, tbytes)
        return int(table.counts[number])

    def matcher(self, fieldname, tbytes, format_, scorer=None):
        if fieldname not in self.compact:
            return super().matcher(fieldname, tbytes, format_, scorer)
        table, number = self._find(fieldname, tbytes)
        ids, weights = table.postings(number)
        # Without stored values the field's format is Frequency, whose value is the frequency packed
        values = table.values(number) if table.has_values else [pack_uint(int(w)) for w in weights.tolist()]
        return ListMatcher(ids.tolist(), weights.tolist(), values, format_, scorer=scorer, term=(fieldname, tbytes))


def terms_reader(codec, storage, segment) -> CompactTermsReader:
    """Whoosh's W3 terms reader of a segment, with its compact tables when it has them
    (segments written before them have none)."""
    name = segment.make_filename(codec.TERMS_EXT)
    length = storage.file_length(name)
    tables = None
    if storage.file_exists(segment.make_filename(EXTENSION)):
        tables = _shared_tables(storage, segment.make_filename(EXTENSION))
    return CompactTermsReader(codec, storage.open_file(name), length,
                              segment.open_file(storage, codec.POSTS_EXT), tables)


# (file, offset) -> its compact tables: one memory map per segment and process, however many
# threads' searchers open it (timkiem opens indexes without Whoosh's mmap, generations.py: each
# searcher would map the whole index again).  Gone with the last reader that holds them.
_tables: weakref.WeakValueDictionary = weakref.WeakValueDictionary()
_tables_lock = threading.Lock()


def _shared_tables(storage, name: str) -> CompactTables:
    if isinstance(storage, OverlayStorage):  # a compound segment's reader: its parts, then the folder
        return _shared_tables(storage.a if storage.a.file_exists(name) else storage.b, name)
    if isinstance(storage, CompoundStorage):
        if storage._source is not None:  # Whoosh mapped the segment itself
            offset, length = storage.range(name)
            return CompactTables(memoryview(storage._source)[offset:offset + length])
        path, (offset, length) = storage._file.file.name, storage.range(name)
    elif isinstance(storage, FileStorage):
        path, offset, length = storage._fpath(name), 0, storage.file_length(name)
    else:  # a writer's own storage, for the moment of a deletion
        with storage.open_file(name) as file:
            return CompactTables(file.read())
    key = (os.path.realpath(path), offset)
    with _tables_lock:
        tables = _tables.get(key)
        if tables is None:
            with open(path, "rb") as file:
                mapped = mmap.mmap(file.fileno(), 0, access=mmap.ACCESS_READ)
            tables = _tables[key] = CompactTables(memoryview(mapped)[offset:offset + length])
        return tables


def document_frequencies(segment_reader, field: str):
    """(term as UTF-8, documents holding it) of every term of ``field`` in one segment, in order."""
    table = compact_table(segment_reader, field)
    if table is None:
        return ((term, info.doc_frequency()) for term, info in segment_reader.iter_field(field))
    return ((term, int(table.counts[number])) for term, number in table.terms())


def compact_table(segment_reader, field: str):
    """The segment's compact table of ``field`` (compact.CompactField), or None."""
    return getattr(segment_reader._terms, "compact", {}).get(field)


def scoring_copy(segment_reader, field: str):
    """The segment's copy of a positional field's document numbers and weights
    (compact.CompactField), or None (another field, or a segment written before them)."""
    return getattr(segment_reader._terms, "copies", {}).get(field)


class WorkerStorage(FileStorage):
    """Whoosh names a writer's temporary folder after the index only: one per process here."""

    def temp_storage(self, name=None):
        return super().temp_storage(f"{name or 'tmp'}-{os.getpid()}")


def segment_writer(generation_dir: str, codec, gathered: dict[str, type]) -> TermSegmentWriter:
    """A writer of one new segment of the index in ``generation_dir``, never committed itself."""
    return TermSegmentWriter(WorkerStorage(generation_dir).open_index(), _lk=False, codec=codec, gathered=gathered)


def close_segment(writer: TermSegmentWriter):
    """Write the segment out and return it, unlisted (``commit_segments`` lists it)."""
    segment = writer._finalize_segment()
    writer._finish()
    return segment


def commit_segments(ix, segments: list) -> None:
    """Make ``segments`` the index's content: a new table of contents, unlisted files removed."""
    toc = TOC(ix.schema, segments, ix.latest_generation() + 1)
    toc.write(ix.storage, ix.indexname)
    clean_files(ix.storage, ix.indexname, toc.generation, segments)


def segments_without(ix, removed_ids: list[str]) -> list:
    """The index's segments with the documents of ``removed_ids`` marked deleted (nothing is
    committed; segments left with no live document are dropped)."""
    writer = ix.writer()
    try:
        for doc_id in removed_ids:
            writer.delete_by_term("id", doc_id)
        return [segment for segment in writer.segments if segment.doc_count() > 0]
    finally:
        writer.cancel()  # its own new segment stays empty; the deletions live on in the segments


def read_postings(searcher, field: str, term: str) -> tuple[np.ndarray, np.ndarray]:
    """All postings of a term across the index's segments (deleted documents included):
    (document numbers, weights), from the compact table or scoring copy of each segment that
    has one, else read a block at a time, or from the term's entry when its list is inlined."""
    ids, weights = [], []
    if field not in searcher.schema:
        return np.empty(0, dtype=np.int32), np.empty(0, dtype=np.float32)
    tbytes = term.encode("utf-8")
    for reader, offset in searcher.reader().leaf_readers():
        table = compact_table(reader, field) or scoring_copy(reader, field)
        if table is not None:
            number = table.find(tbytes)
            if number is not None:
                found, found_weights = table.postings(number)
                ids.append(found + offset)
                weights.append(found_weights)
            continue
        try:
            matcher = reader.postings(field, term)
        except TermNotFound:
            continue
        leaf = getattr(matcher, "child", matcher)  # unwrap the deleted-documents filter
        if isinstance(leaf, ListMatcher):
            ids.append(np.asarray(leaf._ids, dtype=np.int32) + offset)
            weights.append(np.asarray(leaf._weights, dtype=np.float32))
            continue
        while leaf.is_active():
            leaf._read_ids()
            leaf._read_weights()
            ids.append(np.asarray(leaf._ids, dtype=np.int32) + offset)
            weights.append(np.asarray(leaf._weights, dtype=np.float32))
            leaf._next_block()
    if not ids:
        return np.empty(0, dtype=np.int32), np.empty(0, dtype=np.float32)
    return np.concatenate(ids), np.concatenate(weights)


def inlined_values(segment_reader, field: str, term: str) -> list[bytes]:
    """The values of a term's inlined postings in one segment ([] when it has none), read from
    the term's entry or compact table: Whoosh's matcher would hide a deleted document's posting."""
    table = compact_table(segment_reader, field)
    if table is not None:
        number = table.find(term.encode("utf-8"))
        return [] if number is None else table.values(number)
    try:
        inlined = segment_reader.term_info(field, term).inlined_postings()
    except TermNotFound:
        return []
    return list(inlined[2]) if inlined else []
