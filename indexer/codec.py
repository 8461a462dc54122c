"""The Whoosh codec timkiem writes with: Whoosh's own W3 format, written faster.

- Short posting lists are stored inside the term's entry, and a term's
  postings are given at once (whoosh_internals.InliningPostingsWriter).
- The fields without positions (the adjacent pairs, their spellings and, with
  folding, the exact terms), most of an index's terms, in a compact table per
  segment rather than Whoosh's term file (compact.py; ``compact_fields``);
  segments written before it have none and read as before.
- The fields with positions (the folded text) in Whoosh's format, and their
  document numbers and weights once more in the compact table, for scoring
  (``scoring_copies``).
- No per-block length statistics: Whoosh reads every posting's document
  length back from disk to record the shortest and longest document of each
  block, which only its own block-skipping scorers use.  timkiem scores with
  numpy (scoring.py) from the per-document lengths, which are still stored.

Segments pickle their codec by import path: keep this module and class name.
"""

from whoosh.codec.whoosh3 import W3Codec
from whoosh.formats import Frequency, Positions

from indexer.schema import SpellingCounts
from indexer.whoosh_internals import InliningPostingsWriter, terms_reader


class TimkiemCodec(W3Codec):
    length_stats = False

    @staticmethod
    def compact_fields(schema) -> dict[str, bool]:
        """The fields kept in compact tables, each with whether its postings carry values:
        text fields without positions (their value is the frequency, rebuilt from the
        weight) and the pairs' spellings.  Document ids and metadata stay Whoosh's."""
        return {name: isinstance(field.format, SpellingCounts) for name, field in schema.items()
                if type(field.format) in (Frequency, SpellingCounts) and field.format.field_boost == 1}

    @staticmethod
    def scoring_copies(schema) -> set[str]:
        """The fields with positions, whose document numbers and weights the compact table
        also holds: scoring reads those without unpickling the positions."""
        return {name for name, field in schema.items() if isinstance(field.format, Positions)}

    def terms_reader(self, storage, segment):
        return terms_reader(self, storage, segment)

    def postings_writer(self, dbfile, byteids=False):
        return InliningPostingsWriter(dbfile, blocklimit=self._blocklimit, byteids=byteids,
                                      compression=self._compression)
