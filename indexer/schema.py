"""The Whoosh schema: what is indexed, what is stored.

``title`` and ``body`` hold exact terms (canonical tones, lower case) and are
stored so that results can show and highlight the original text.  With
folding on, ``title_f`` and ``body_f`` hold the same terms without
diacritics, and ``pairs_f`` the adjacent folded syllables of title and body
(frequencies only, no positions), all indexed only.  With semantic vectors
on, ``vector`` stores each document's sentence vector (semantic.py).

The field class is pickled into the index by import path: keep it here.
"""

from collections import defaultdict
from dataclasses import dataclass

from whoosh.columns import FixedBytesColumn
from whoosh.fields import COLUMN, ID, STORED, TEXT, Schema
from whoosh.formats import Positions
from whoosh.system import pack_uint

from indexer.analysis import VietnameseTokenizer

TEXT_FIELDS = ("title", "body")
FOLDED_SUFFIX = "_f"
PAIRS_FIELD = "pairs_f"
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
        positions = defaultdict(list)
        for term, position in value:
            positions[term].append(position)
        boost = self.format.field_boost
        keep_positions = isinstance(self.format, Positions)
        for term, found in positions.items():
            encoded = self.format.encode(found) if keep_positions else pack_uint(len(found))
            yield term.encode("utf-8"), len(found), len(found) * boost, encoded


def build_schema(options: IndexOptions = IndexOptions()) -> Schema:
    fields = {
        "id": ID(stored=True, unique=True, sortable=True),  # the column orders ties by id
        "digest": COLUMN(FixedBytesColumn(DIGEST_BYTES)),  # what `timkiem update` compares
        "title": VietnameseText(stored=True),
        "body": VietnameseText(stored=True),
        "url": STORED(),
        # Columns (sortable) give facets and date order a value per document without reading stored fields.
        **{name: ID(stored=True, sortable=True) for name in METADATA_FIELDS},
    }
    if options.fold:
        for name in TEXT_FIELDS:
            fields[name + FOLDED_SUFFIX] = VietnameseText("folded")
        fields[PAIRS_FIELD] = VietnameseText("pairs", positions=False)
    if options.semantic:
        fields[VECTOR_FIELD] = STORED()
    return Schema(**fields)


def options_of(schema: Schema) -> IndexOptions:
    return IndexOptions(fold=has_folding(schema), semantic=VECTOR_FIELD in schema)


def has_folding(schema: Schema) -> bool:
    return "body" + FOLDED_SUFFIX in schema
