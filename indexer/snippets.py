"""Highlighting query words in the original text, as HTML.

Matching works on syllables found with a regular expression, not on pyvi
words, so highlighting costs no segmentation at query time.  A query
syllable typed with accents marks its exact occurrences; where the text has
none (the document matched through folding), or the query had no accents, it
marks every occurrence that folds to the same letters: ``cong thuong`` marks
``Công Thương``.

All text is HTML-escaped; only our own ``<mark>`` tags are added.
"""

from collections.abc import Sequence
from html import escape

from indexer.analysis import SYLLABLE, syllable_term
from indexer.query import QueryTerm
from indexer.text import fold

SCAN_LIMIT = 200_000  # characters of a very long document searched for snippets
ELLIPSIS = "…"


Phrases = Sequence[Sequence[QueryTerm]]
_PHRASE_GAP = frozenset({"", ".", "-"})  # what may stand between two syllables of a phrase (TP.HCM)


def match_spans(text: str, terms: list[QueryTerm], allow_folded: bool = True,
                phrases: Phrases = ()) -> list[tuple[int, int]]:
    """(start, end) of the syllables of ``text`` that the query matches, merged when adjacent.

    ``terms`` are in query order.  Where the text holds two or more of them side by
    side, in that order, those runs are what the query meant: lone occurrences of
    their syllables elsewhere are not marked (``cong thuong`` marks "Công Thương",
    not the "công" of "công tác").  A query syllable found in no such run is
    marked wherever it matches.  ``phrases`` (an abbreviation's full name …) are
    marked only where they stand whole."""
    if not terms and not phrases:
        return []
    found = [(m.start(), m.end(), syllable_term(m.group())) for m in SYLLABLE.finditer(text)]
    marked = _term_spans(text, found, terms, allow_folded) + _phrase_spans(text, found, phrases, allow_folded)
    spans: list[tuple[int, int]] = []
    for start, end in sorted(set(marked)):
        if spans and start <= spans[-1][1]:
            spans[-1] = (spans[-1][0], max(end, spans[-1][1]))
        elif spans and not text[spans[-1][1]:start].strip():
            spans[-1] = (spans[-1][0], end)  # "Công Thương" as one mark
        else:
            spans.append((start, end))
    return spans


def _phrase_spans(text: str, found, phrases: Phrases, allow_folded: bool) -> list[tuple[int, int]]:
    """Where each phrase stands whole: its syllables one after another, each matched as a query
    term is, with at most a dot or a dash between them."""
    present = {form for _, _, form in found}
    wanted = [[(term.exact, term.folded, (term.accented and term.exact in present) or not allow_folded)
               for term in phrase] for phrase in phrases if phrase]
    by_first: dict[str, list[list[tuple[str, str, bool]]]] = {}
    for phrase in wanted:
        exact, folded_form, exactly = phrase[0]
        by_first.setdefault(exact if exactly else folded_form, []).append(phrase)

    def matches(form: str, exact: str, folded_form: str, exactly: bool) -> bool:
        return form == exact or (not exactly and fold(form) == folded_form)

    spans = []
    for i, (start, _, form) in enumerate(found):
        for phrase in by_first.get(form, []) + by_first.get(fold(form), []):
            last = i + len(phrase) - 1
            if last < len(found) and all(
                    matches(found[i + k][2], *phrase[k])
                    and (k == 0 or text[found[i + k - 1][1]:found[i + k][0]].strip() in _PHRASE_GAP)
                    for k in range(len(phrase))):
                spans.append((start, found[last][1]))
    return spans


def _term_spans(text: str, found, terms: list[QueryTerm], allow_folded: bool) -> list[tuple[int, int]]:
    if not terms:
        return []
    present = {form for _, _, form in found}
    exact: dict[str, set[int]] = {}
    folded: dict[str, set[int]] = {}
    for position, term in enumerate(terms):
        if term.accented or not allow_folded:
            exact.setdefault(term.exact, set()).add(position)
        if allow_folded and not (term.accented and term.exact in present):
            folded.setdefault(term.folded, set()).add(position)
    none: frozenset[int] = frozenset()

    def positions(form: str):
        by_exact, by_folded = exact.get(form), folded.get(fold(form)) if folded else None
        return (by_exact | by_folded) if by_exact and by_folded else by_exact or by_folded or none

    matching = [positions(form) for _, _, form in found]
    in_run = [False] * len(found)
    covered: set[int] = set()
    for i in range(1, len(found)):
        if matching[i] and matching[i - 1] and not text[found[i - 1][1]:found[i][0]].strip():
            linked = {j for j in matching[i] if j - 1 in matching[i - 1]}
            if linked:
                in_run[i - 1] = in_run[i] = True
                covered |= linked | {j - 1 for j in linked}
    return [(start, end) for (start, end, _), positions, run in zip(found, matching, in_run)
            if run or positions - covered]


def highlight(text: str, terms: list[QueryTerm], allow_folded: bool = True, phrases: Phrases = ()) -> str:
    """The whole ``text`` as HTML with every match marked."""
    return _render(text, 0, len(text), match_spans(text, terms, allow_folded, phrases))


def snippet(text: str, terms: list[QueryTerm], allow_folded: bool = True,
            width: int = 200, fragments: int = 2, phrases: Phrases = ()) -> str:
    """Up to ``fragments`` windows of about ``width`` characters around the best matches."""
    scanned = text[:SCAN_LIMIT]
    spans = match_spans(scanned, terms, allow_folded, phrases)
    if not spans:
        end = _word_boundary(scanned, min(len(scanned), width + width // 2))
        return _flatten(escape(scanned[:end])) + (ELLIPSIS if end < len(text) else "")
    chosen = []
    for start, end, _ in sorted(_windows(scanned, spans, width), key=lambda w: -w[2]):
        if len(chosen) == fragments:
            break
        if all(end <= s or start >= e for s, e in chosen):
            chosen.append((start, end))
    html = f" {ELLIPSIS} ".join(
        _flatten(_render(scanned, start, end, spans)) for start, end in sorted(chosen))
    first, last = min(chosen)[0], max(chosen)[1]
    return (ELLIPSIS if first > 0 else "") + html + (ELLIPSIS if last < len(text) else "")


def _windows(text, spans, width):
    """A window starting a little before each match, scored by the distinct words it holds."""
    for start, _ in spans:
        window_start = _word_boundary(text, max(0, start - width // 4), backwards=True)
        window_end = _word_boundary(text, min(len(text), window_start + width))
        inside = [text[s:e].lower() for s, e in spans if s >= window_start and e <= window_end]
        yield window_start, window_end, len(set(inside)) * 100 + len(inside)


def _word_boundary(text: str, position: int, backwards: bool = False) -> int:
    """Move ``position`` to the nearest whitespace so no word is cut in half."""
    if position <= 0 or position >= len(text):
        return position
    limit = 30
    step = -1 if backwards else 1
    probe = position
    while 0 < probe < len(text) and not text[probe].isspace() and limit:
        probe += step
        limit -= 1
    return probe + (1 if backwards and probe > 0 else 0) if limit else position


def _render(text: str, start: int, end: int, spans) -> str:
    out, cursor = [], start
    for s, e in spans:
        if s < start or e > end:
            continue  # outside this fragment
        out.append(escape(text[cursor:s]))
        out.append("<mark>" + escape(text[s:e]) + "</mark>")
        cursor = e
    out.append(escape(text[cursor:end]))
    return "".join(out)


def _flatten(html: str) -> str:
    return " ".join(html.split())
