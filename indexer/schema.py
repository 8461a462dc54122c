"""The Whoosh schema: what is indexed, what is stored.

``title`` and ``body`` hold exact terms (canonical tones, lower case) and are
stored so that results can show and highlight the original text.  With
folding on, ``title_f`` and ``body_f`` hold the same terms without
diacritics, indexed only.

The field class is pickled into the index by import path: keep it here.
"""

from collections import defaultdict

from whoosh.fields import ID, STORED, TEXT, Schema

from indexer.analysis import VietnameseTokenizer

TEXT_FIELDS = ("title", "body")
FOLDED_SUFFIX = "_f"


class VietnameseText(TEXT):
    """A text field that also takes terms analysed beforehand.

    Given a tuple of (term, position) pairs, as ``index_terms`` returns them
    (possibly from a worker process), it indexes those instead of analysing
    again.  Whoosh itself would read a tuple as words at positions 0, 1, 2…
    """

    def __init__(self, folded: bool = False, stored: bool = False):
        super().__init__(analyzer=VietnameseTokenizer(folded), stored=stored, phrase=True)

    def index(self, value, **kwargs):
        if not isinstance(value, tuple):
            yield from super().index(value, **kwargs)
            return
        positions = defaultdict(list)
        for term, position in value:
            positions[term].append(position)
        boost = self.format.field_boost
        for term, found in positions.items():
            yield term.encode("utf-8"), len(found), len(found) * boost, self.format.encode(found)


def build_schema(fold: bool = True) -> Schema:
    fields = {
        "id": ID(stored=True, unique=True),
        "title": VietnameseText(stored=True),
        "body": VietnameseText(stored=True),
        "date": STORED(),
        "url": STORED(),
        "source": ID(stored=True),
        "category": ID(stored=True),
    }
    if fold:
        for name in TEXT_FIELDS:
            fields[name + FOLDED_SUFFIX] = VietnameseText(folded=True)
    return Schema(**fields)


def has_folding(schema: Schema) -> bool:
    return "body" + FOLDED_SUFFIX in schema
