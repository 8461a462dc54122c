"""The Whoosh schema: what is indexed, what is stored.

``title`` and ``body`` hold exact terms (canonical tones, lower case) and are
stored so that results can show and highlight the original text; their
positions are kept only without folding (with folding, phrases are checked on
the folded fields).  With
folding on, ``title_f`` and ``body_f`` hold the same terms without
diacritics, ``pairs_f`` the adjacent folded syllables of title and body
(frequencies only, no positions), and ``pair_spellings`` how the segment's
documents spell each such pair (for accent restoration), all indexed only.
With semantic vectors on, ``vector`` stores each document's sentence vector
(semantic.py).

The field class is pickled into the index by import path: keep it here.
"""

from collections import Counter, defaultdict
from dataclasses import dataclass

from whoosh.columns import FixedBytesColumn
from whoosh.fields import COLUMN, ID, STORED, TEXT, FieldType, Schema
from whoosh.formats import Format, Positions
from whoosh.system import pack_uint

from indexer.analysis import VietnameseTokenizer

TEXT_FIELDS = ("title", "body")
FOLDED_SUFFIX = "_f"
PAIRS_FIELD = "pairs_f"
SPELLINGS_FIELD = "pair_spellings"
METADATA_FIELDS = ("source", "category", "date")
VECTOR_FIELD = "vector"
DIGEST_BYTES = 16


@dataclass(frozen=True)
class IndexOptions:
    """What an index holds beyond the exact terms; read back from its schema by ``options_of``."""

    fold: bool = True  # unaccented terms and adjacent-syllable pairs
    semantic: bool = False  # a sentence vector per document (semantic.py)


class VietnameseText(TEXT):
    """A text field that also takes terms analysed beforehand.

    Given a tuple of (term, position) pairs, as ``index_terms`` returns them
    (possibly from a worker process), it indexes those instead of analysing
    again.  Whoosh itself would read a tuple as words at positions 0, 1, 2…
    """

    def __init__(self, kind: str = "exact", stored: bool = False, positions: bool = True):
        super().__init__(analyzer=VietnameseTokenizer(kind), stored=stored, phrase=positions)

    def index(self, value, **kwargs):
        if not isinstance(value, tuple):
            yield from super().index(value, **kwargs)
            return
        boost = self.format.field_boost
        if not isinstance(self.format, Positions):  # counted at C speed
            for term, count in Counter(term for term, _ in value).items():
                yield term.encode("utf-8"), count, count * boost, pack_uint(count)
            return
        positions = defaultdict(list)
        for term, position in value:
            positions[term].append(position)
        for term, found in positions.items():
            yield term.encode("utf-8"), len(found), len(found) * boost, self.format.encode(found)


class SpellingCounts(Format):
    """The posting format of ``PairSpellings``: a value of variable size per posting."""

    posting_size = -1


class PairSpellings(FieldType):
    """Per segment, each adjacent pair of folded syllables with the spellings its documents
    use and how many documents use each: "cong thuong" -> {"công thương": 412, "cộng thương": 1}.

    A document gives its (folded pair, spelt pair)s; spellings.py gathers them
    per segment while it is written and reads them back.
    """

    def __init__(self):
        super().__init__(SpellingCounts(), analyzer=None)

    def index(self, value, **kwargs):
        for pair, spelt in set(value):
            yield pair.encode("utf-8"), 1, 1.0, spelt.encode("utf-8")


def build_schema(options: IndexOptions = IndexOptions()) -> Schema:
    fields = {
        "id": ID(stored=True, unique=True, sortable=True),  # the column orders ties by id
        "digest": COLUMN(FixedBytesColumn(DIGEST_BYTES)),  # what `timkiem update` compares
        # With folding, phrases are checked on the folded fields: nothing reads exact positions.
        "title": VietnameseText(stored=True, positions=not options.fold),
        "body": VietnameseText(stored=True, positions=not options.fold),
        "url": STORED(),
        # Columns (sortable) give facets and date order a value per document without reading stored fields.
        **{name: ID(stored=True, sortable=True) for name in METADATA_FIELDS},
    }
    if options.fold:
        for name in TEXT_FIELDS:
            fields[name + FOLDED_SUFFIX] = VietnameseText("folded")
        fields[PAIRS_FIELD] = VietnameseText("pairs", positions=False)
        fields[SPELLINGS_FIELD] = PairSpellings()
    if options.semantic:
        fields[VECTOR_FIELD] = STORED()
    return Schema(**fields)


def document_fields(document, title_terms, body_terms, options: IndexOptions, fingerprint: bytes,
                    vector: bytes | None = None) -> dict:
    """What ``writer.add_document`` takes for one document of a ``build_schema(options)`` index:
    ``title_terms`` and ``body_terms`` are analysis.Terms, ``vector`` is given with semantic on."""
    fields = {
        "id": document.id,
        "digest": fingerprint,
        "title": title_terms.exact,
        "_stored_title": document.title,
        "body": body_terms.exact,
        "_stored_body": document.body,
        "url": document.url,
        **{name: getattr(document, name) for name in METADATA_FIELDS},
    }
    if options.fold:
        for name, terms in (("title", title_terms), ("body", body_terms)):
            fields[name + FOLDED_SUFFIX] = terms.folded
        fields[PAIRS_FIELD] = title_terms.pairs + body_terms.pairs
        fields[SPELLINGS_FIELD] = title_terms.spellings + body_terms.spellings
    if options.semantic:
        fields[VECTOR_FIELD] = vector
    return fields


def options_of(schema: Schema) -> IndexOptions:
    return IndexOptions(fold=has_folding(schema), semantic=VECTOR_FIELD in schema)


def is_current(schema: Schema) -> bool:
    """Whether this version can search and update an index of this schema: older ones lack
    document fingerprints or, with folding, the pairs' spellings."""
    return "digest" in schema and (SPELLINGS_FIELD in schema or not has_folding(schema))


def has_folding(schema: Schema) -> bool:
    return "body" + FOLDED_SUFFIX in schema
