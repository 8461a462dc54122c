"""Facets, filters and date order over the documents a query matched.

Each document's source, category and date are read once per generation from
Whoosh columns into integer codes; counting a facet for a query is then one
numpy ``bincount`` over its matches.

Counts are disjunctive, as on news and shopping sites: a facet's counts
apply the filters chosen in the *other* facets, not its own, so choosing a
second category widens the results instead of showing zero everywhere.
"""

from dataclasses import dataclass

import numpy as np

FACETS = ("source", "category", "year")
SORTS = ("relevance", "newest", "oldest")
MAX_FACET_VALUES = 20


@dataclass
class FacetValue:
    value: str
    count: int
    selected: bool


Filters = dict[str, tuple[str, ...]]  # facet -> chosen values (any of them)


class Metadata:
    """Facet codes, date order and id order of every document of one generation."""

    def __init__(self, reader):
        size = reader.doc_count_all()
        dates = _column(reader, "date", size)
        columns = {"source": _column(reader, "source", size), "category": _column(reader, "category", size),
                   "year": [date[:4] for date in dates]}
        self.values: dict[str, np.ndarray] = {}
        self.codes: dict[str, np.ndarray] = {}
        for name, column in columns.items():
            self.values[name], self.codes[name] = np.unique(np.array(column, dtype=object), return_inverse=True)
        self.id_rank = np.unique(np.array(_column(reader, "id", size), dtype=object), return_inverse=True)[1]
        # ISO dates sort as text; an undated document has rank -1.
        dated, self.date_rank = np.unique(np.array(dates, dtype=object), return_inverse=True)
        self.date_rank = self.date_rank.astype(np.int64) - (1 if len(dated) and dated[0] == "" else 0)

    def chosen(self, facet: str, values: tuple[str, ...], docnums: np.ndarray) -> np.ndarray:
        """Which of ``docnums`` have one of ``values`` in ``facet``."""
        codes = np.flatnonzero(np.isin(self.values[facet], list(values)))
        return np.isin(self.codes[facet][docnums], codes)

    def filter_masks(self, filters: Filters, docnums: np.ndarray) -> dict[str, np.ndarray]:
        return {facet: self.chosen(facet, values, docnums) for facet, values in filters.items() if values}

    def counts(self, filters: Filters, docnums: np.ndarray, masks: dict[str, np.ndarray]) -> dict[str, list[FacetValue]]:
        """Per facet, its values among ``docnums`` with the other facets' filters applied.

        Values are listed most frequent first (years newest first), the empty
        value (unknown) left out; chosen values are always listed.
        """
        result = {}
        for facet in FACETS:
            keep = np.ones(len(docnums), dtype=bool)
            for other, mask in masks.items():
                if other != facet:
                    keep &= mask
            counts = np.bincount(self.codes[facet][docnums[keep]], minlength=len(self.values[facet]))
            chosen = set(filters.get(facet, ()))
            listed = [FacetValue(str(value), int(count), value in chosen)
                      for value, count in zip(self.values[facet], counts) if value and (count or value in chosen)]
            if facet == "year":
                listed.sort(key=lambda item: item.value, reverse=True)
            else:
                listed.sort(key=lambda item: (-item.count, item.value))
            top = listed[:MAX_FACET_VALUES]
            top += [item for item in listed[MAX_FACET_VALUES:] if item.selected]
            top += [FacetValue(value, 0, True) for value in sorted(chosen - {item.value for item in listed})]
            result[facet] = top
        return result

    def order(self, sort: str, docnums: np.ndarray) -> np.ndarray | None:
        """A key that ranks first what ``sort`` wants first (None: by relevance).  Undated documents
        come after dated ones either way."""
        if sort == "relevance":
            return None
        ranks = self.date_rank[docnums]
        if sort == "newest":
            return ranks
        return np.where(ranks < 0, -len(self.date_rank) - 1, -ranks)


def _column(reader, field: str, size: int) -> list[str]:
    """The field's value for every document; '' everywhere in an index built before the column existed."""
    if not reader.has_column(field):
        return [""] * size
    return [value or "" for value in reader.column_reader(field)]
