"""The Whoosh codec timkiem writes with: Whoosh's own W3 format, written faster.

- Short posting lists are stored inside the term's entry, and a term's
  postings are given at once (whoosh_internals.InliningPostingsWriter).
- The adjacent pairs and their spellings, most of an index's terms, in a
  compact table per segment rather than Whoosh's term file (compact.py;
  ``compact_fields``); segments written before it have none and read as before.
- No per-block length statistics: Whoosh reads every posting's document
  length back from disk to record the shortest and longest document of each
  block, which only its own block-skipping scorers use.  timkiem scores with
  numpy (scoring.py) from the per-document lengths, which are still stored.

Segments pickle their codec by import path: keep this module and class name.
"""

from whoosh.codec.whoosh3 import W3Codec

from indexer.schema import PAIRS_FIELD, SPELLINGS_FIELD
from indexer.whoosh_internals import InliningPostingsWriter, terms_reader


class TimkiemCodec(W3Codec):
    length_stats = False
    compact_fields = {PAIRS_FIELD: False, SPELLINGS_FIELD: True}  # field -> whether postings carry values

    def terms_reader(self, storage, segment):
        return terms_reader(self, storage, segment)

    def postings_writer(self, dbfile, byteids=False):
        return InliningPostingsWriter(dbfile, blocklimit=self._blocklimit, byteids=byteids,
                                      compression=self._compression)
