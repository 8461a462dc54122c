"""The Whoosh codec timkiem writes with: Whoosh's own W3 format, written faster.

Two changes, both measured on 1,000 VNTC articles (bench/index_speed.py for
the whole build): the time to write a segment's postings fell from 7.3 s to
4.5 s.

- Short posting lists are stored inside the term's entry instead of as a
  compressed block of their own.  Most adjacent-syllable pairs occur in one
  or two documents; a block costs a pickle, a zlib call and a header each.
  Whoosh has this "inlining" but never uses it: its writer calls a method
  that does not exist (``set_inline`` for ``set_inlined``), so the limit is
  left at 1, which inlines nothing.  Readers handle inlined terms already.
- A term's postings can be given at once (``add_postings_in_blocks``)
  rather than one call per posting (segment_writer.py).
- No per-block length statistics: Whoosh reads every posting's document
  length back from disk to record the shortest and longest document of each
  block, which only its own block-skipping scorers use.  timkiem scores with
  numpy (scoring.py) from the per-document lengths, which are still stored.

Segments pickle their codec by import path: keep this module and class name.
"""

from array import array

from whoosh.codec.whoosh3 import W3Codec, W3PostingsWriter

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


class TimkiemCodec(W3Codec):
    length_stats = False

    def postings_writer(self, dbfile, byteids=False):
        return InliningPostingsWriter(dbfile, blocklimit=self._blocklimit, byteids=byteids,
                                      compression=self._compression)
