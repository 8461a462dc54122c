"""The Whoosh codec timkiem writes with: Whoosh's own W3 format, written faster.

- Short posting lists are stored inside the term's entry, and a term's
  postings are given at once (whoosh_internals.InliningPostingsWriter).
- No per-block length statistics: Whoosh reads every posting's document
  length back from disk to record the shortest and longest document of each
  block, which only its own block-skipping scorers use.  timkiem scores with
  numpy (scoring.py) from the per-document lengths, which are still stored.

Segments pickle their codec by import path: keep this module and class name.
"""

from whoosh.codec.whoosh3 import W3Codec

from indexer.whoosh_internals import InliningPostingsWriter


class TimkiemCodec(W3Codec):
    length_stats = False

    def postings_writer(self, dbfile, byteids=False):
        return InliningPostingsWriter(dbfile, blocklimit=self._blocklimit, byteids=byteids,
                                      compression=self._compression)
