"""What the user meant: the query as typed, read once per request against the index.

Two readings of what was typed, each only where the index supports it:

- **typing converted**: Telex/VNI typed without an input method (``coong
  nghieepj`` -> ``công nghiệp``), where the index knows the converted word
  but not the word as typed; the converted query is what is searched.
- **accents restored**: a query without diacritics gets them put back from
  the index's own spellings (restore.py); the unaccented form is still what
  is searched, the restored one lends ranking its pyvi words and meaning.

``Query`` carries the result; every later step (ranking, highlighting, the
suggestion shown to the user) reads it instead of parsing again.
"""

import math
from dataclasses import dataclass, field

import numpy as np

from indexer import telex
from indexer.analysis import SYLLABLE, syllable_term
from indexer.query import ParsedQuery, QueryTerm, bounded, parse, plain_syllables, query_terms
from indexer.ranking import CORRECTED_WEIGHT
from indexer.schema import FOLDED_SUFFIX
from indexer.text import clean, fold, has_diacritics
from indexer.typos import EDIT, MIN_DOCUMENTS, damerau, is_syllable, looks_vietnamese, replaced_far, split

# Suggestion kinds, as the JSON names them.
TYPING = "typing"  # Telex/VNI converted: searched as converted
ACCENTS = "accents"  # accents put back: searched unaccented too
TYPO = "typo"  # a syllable the index does not know, corrected to one it knows
SPLIT = "split"  # syllables typed without the space between them
# Letters: shorter syllables have too many neighbours to tell which was meant, unless accents or
# the index's never having seen the word narrow them down (``iet`` for "viet").
MIN_CORRECTED = 4
MIN_CORRECTED_NARROWED = 3
MOST_SYLLABLES = 50  # of a pasted question, the first ones are searched
# How much an edit costs against how often the correction stands beside the query's other words:
# log(1 + documents holding them side by side) - COST_WEIGHT * cost.
COST_WEIGHT = 2.0
# An accent changed in a syllable typed with accents costs half an edit ("mễn" for "miễn" costs a
# missing letter and nothing more; "đănh" for "danh" two accents).
ACCENT_EDIT = 0.5
# A cut into syllables (SPLIT) scores how well its ends fit the query's words, plus this much of
# the log of how often its pieces stand together: a rare pair ("hu het" for "huhet") loses to a
# typo of one syllable ("huyet") that fits the query.
COHESION_WEIGHT = 0.5
JOINED_WEIGHT = 0.8  # "Hà Nội" matching "Hanoi": less than what was typed
SYNONYM_WEIGHT = 0.8  # "UBND" matching "Ủy ban nhân dân" and back
RARE = 2  # documents: a word known more widely is never corrected
# A word the index knows (rarely) is corrected only when what it would be corrected to is this
# many times more widespread; it is then searched as typed too.
RARER_THAN_CORRECTION = 1000
# A word the index knows (rarely) is split only when its syllables stand side by side this many
# times as often ("Hanoi" in 2 documents, "Hà Nội" in hundreds, but "Huihui" a name in its own
# right); it stays searched as typed, its syllables beside it.
RARER_THAN_SPLIT = 20
# A word the index knows is doubted only when it stands beside the query's other words in fewer
# than FITS documents, and a neighbour of it in DOUBT_RATIO times as many documents fits them
# better by DOUBT_MARGIN, its edit paid for (_Context.score): beside a word standing alone, a
# neighbour one confusion away must stand beside them in some 20 documents, one edit away in 50.
FITS = 2
DOUBT_RATIO = 20
DOUBT_MARGIN = 2.0
# A correction only suggested (the typed word searched too) that is no slip of the finger is made
# only when documents holding it hold this share of the rest of the query, weighted by rarity.
MEETS_QUERY = 0.5
# Of two lists of documents, this many of the shorter are looked for in the longer: lists that
# long and sharing none of them are too rare to pay for looking further.
PROBED = 4096


@dataclass(frozen=True)
class Restored:
    """The searched query with its likely accents put back."""

    text: str  # the whole query, syntax kept ("Bắc Giang -"long an"")
    parsed: ParsedQuery


@dataclass(frozen=True)
class Correction:
    """A plain word of the query and what the index suggests was meant."""

    typed: str  # as typed
    searched: str  # what replaces it: one syllable, or several for a split
    kind: str  # TYPO or SPLIT
    # The index knows the typed word too (rarely): it is searched as typed, the correction
    # beside it, and only suggested.
    keep_typed: bool = False


@dataclass(frozen=True)
class Alternative:
    """Another way to write plain syllables ``start`` to ``end - 1`` of the searched query,
    searched beside them with ``weight``."""

    start: int
    end: int
    syllables: tuple[str, ...]  # folded
    weight: float
    text: str = ""  # as written, for a synonym ("Ủy ban nhân dân")
    source: str = ""  # a synonym's: builtin, corpus, or FILE:LINE of the user's file


@dataclass(frozen=True)
class Query:
    typed: str  # what the user typed, cleaned
    searched: ParsedQuery  # what is searched: the typed query, converted and corrected
    converted: str | None = None  # the query with Telex/VNI converted, when that changed it
    restored: Restored | None = None  # when the query had no accents and some could be put back
    corrected: str | None = None  # the query with every correction made, accents put back
    corrections: tuple[Correction, ...] = ()
    alternatives: tuple[Alternative, ...] = ()
    lowered: frozenset[int] = field(default_factory=frozenset)  # corrected plain syllables (ranking.CORRECTED_WEIGHT)
    ignored: str = ""  # the end of a long query, not searched

    @property
    def expansions(self) -> list[Alternative]:
        """The synonyms and abbreviations the query was also searched with."""
        return [alternative for alternative in self.alternatives if alternative.source]

    @property
    def meant(self) -> ParsedQuery:
        """The query as the user most likely meant it (accents restored where they were left out)."""
        return self.restored.parsed if self.restored else self.searched

    @property
    def words_text(self) -> str | None:
        """The query as the user most likely meant it, corrected and accented, where pyvi finds
        its words (ranking.plan); None when it is what was searched, or unaccented still."""
        text = self.corrected or (self.restored and self.restored.text)
        return text if text and has_diacritics(text) else None

    def highlight_terms(self) -> list[QueryTerm]:
        """What to mark in results: the syllables as meant, and the other single words that
        may stand for them (``Hanoi`` for "Hà Nội")."""
        others = [QueryTerm(found.syllables[0], found.syllables[0], False)
                  for found in self.alternatives if len(found.syllables) == 1]
        return self.meant.highlight_terms() + others

    def highlight_phrases(self) -> list[tuple[QueryTerm, ...]]:
        """Phrases that stand for some of the query's words (an abbreviation's full name), to
        be marked only where they stand whole."""
        return [tuple(query_terms(found.text or " ".join(found.syllables)))
                for found in self.alternatives if len(found.syllables) > 1]

    @property
    def suggestion(self) -> tuple[str, str] | None:
        """(text, kind) of the "Có phải bạn muốn tìm" suggestion; None for a query typed right."""
        text = self.restored.text if self.restored else None
        if self.corrected:
            kinds = {correction.kind for correction in self.corrections}
            return self.corrected, TYPO if TYPO in kinds else SPLIT
        if self.converted:
            return text or self.converted, TYPING
        return (text, ACCENTS) if text else None


def understand(view, raw: str, correct: bool = True) -> Query:
    """``raw`` as typed, read against the index of ``view`` (view.View); without ``correct``
    what was typed is searched as it is (accents are still put back where none were typed)."""
    typed = clean(raw).strip()
    text, ignored = bounded(typed, MOST_SYLLABLES)
    converted = convert_typing(view, text) if correct else text
    searched_text, corrected, corrections, lowered, kept = (
        _correct(view, converted) if correct and view.folding else (converted, converted, (), frozenset(), []))
    searched = parse(searched_text)
    restored = None
    if view.folding and not searched.is_empty():
        if not searched.accented:
            restored = restore(view, searched_text)
        elif corrections and searched_text != converted:  # "cong nghệp": accents on some words, a typo
            restored = restore(view, searched_text)
            searched = restored.parsed if restored else searched
    if corrected != searched_text:  # words the index knows rarely: their corrections only suggested
        corrected = (restore(view, corrected) or Restored(corrected, searched)).text
    elif corrections:
        corrected = restored.text if restored else corrected
    alternatives = tuple(kept) + (_joined(view, searched) + _synonyms(view, searched)
                                  if correct and view.folding else ())
    return Query(typed, searched, converted if converted != text else None, restored,
                 corrected if corrections else None, corrections, alternatives, lowered, ignored)


def convert_typing(view, text: str) -> str:
    """``text`` with Telex/VNI words (``coong nghieepj``) converted where the index knows the
    converted word but not the word as typed, unless a typo of the word fits the words around
    it better: ``dia chaf`` is "địa chất" with a slip of the finger, not "địa chà"."""
    folded_field = "body_f" if view.folding else "body"
    matches = list(SYLLABLE.finditer(text))
    converted = []
    for found in matches:
        typed = found.group()
        form = telex.convert(typed)
        known = form and view.knows("body", syllable_term(form)) and not view.knows(folded_field, fold(typed))
        converted.append(form if known else None)
    typed_terms = [syllable_term(form or found.group()) for form, found in zip(converted, matches)]
    folded = [fold(term) for term in typed_terms]
    parts, cursor = [], 0
    for number, (form, found) in enumerate(zip(converted, matches)):
        if form and not (view.folding and _typo_fits_better(view, found.group(), _Context(view, folded, typed_terms, number))):
            parts += [text[cursor:found.start()], form]
            cursor = found.end()
    return "".join(parts) + text[cursor:]


def _typo_fits_better(view, typed: str, context: "_Context") -> bool:
    """Whether a typo of ``typed`` stands beside the query's other words so much more often than
    its Telex conversion (``context.folded[context.number]``) that it pays for the edit."""
    converted = context.folded[context.number]
    as_converted = context.score(converted, converted, 0.0)
    return _typo_option(view, typed, fold(typed), context, 0, better_than=as_converted) is not None


def restore(view, text: str) -> Restored | None:
    """``text`` with likely accents put back, or None when there is nothing to add; each
    syllable keeps its capital, and those typed with accents keep them."""
    matches = list(SYLLABLE.finditer(text))
    exact = [syllable_term(m.group()) for m in matches]
    folded = [fold(syllable) for syllable in exact]
    fixed = {i: syllable for i, syllable in enumerate(exact) if syllable != folded[i]}
    accented = view.restore_accents(folded, fixed)
    if accented == exact:
        return None
    parts, cursor = [], 0
    for found, form, before in zip(matches, accented, exact):
        typed = found.group()
        parts += [text[cursor:found.start()], typed if form == before else _case_as(typed, form)]
        cursor = found.end()
    restored = ("".join(parts) + text[cursor:]).strip()
    return Restored(restored, parse(restored))


def _correct(view, text: str):
    """(``text`` with the plain words the index does not know replaced by what it suggests,
    ``text`` with every correction, the corrections, the positions of the replacing syllables,
    the corrections of words the index knows rarely as alternatives searched beside them)."""
    searched, suggested, corrections, lowered, alternatives = [], [], [], set(), []
    cursor, position = 0, 0
    words = plain_syllables(text)
    typed_terms = [syllable_term(found.group()) for found in words]
    folded = [fold(term) for term in typed_terms]
    for number, found in enumerate(words):
        correction = _correction(view, found.group(), _Context(view, folded, typed_terms, number), first=number == 0)
        if correction is None:
            position += 1
            continue
        meant = tuple(fold(syllable_term(syllable)) for syllable in correction.searched.split())
        if correction.keep_typed and _other_number(folded[number], meant):
            # "Mamluk" for "Mamluks": the same word, searched beside it, and no typo to suggest
            alternatives.append(Alternative(position, position + 1, meant, CORRECTED_WEIGHT))
            position += 1
            continue
        gap = text[cursor:found.start()]
        cursor = found.end()
        corrections.append(correction)
        suggested += [gap, correction.searched]
        if correction.keep_typed:
            searched += [gap, found.group()]
            alternatives.append(Alternative(position, position + 1, meant, CORRECTED_WEIGHT))
            position += 1
        else:
            searched += [gap, correction.searched]
            lowered.update(range(position, position + len(meant)))
            position += len(meant)
    rest = text[cursor:]
    return ("".join(searched) + rest, "".join(suggested) + rest, tuple(corrections), frozenset(lowered),
            alternatives)


@dataclass(frozen=True)
class _Context:
    """The syllables on each side of a typed one, and how often a replacement stands beside them."""

    view: object
    folded: list[str]
    typed_terms: list[str]  # the same syllables as typed, in their indexed form (lower case)
    number: int

    def support(self, first: str, last: str, spelt: str | None = None) -> int:
        """Documents holding ``first`` (folded) after the syllable before, plus those holding
        ``last`` before the syllable after.  With ``spelt``, the one syllable replacing the
        typed one as written with accents, only the documents writing it so beside the
        neighbours as they were typed (a neighbour typed without accents, in any spelling):
        "cân nhắc" counts for "cân nhặc", "căn nhà" does not count for "cân nhà"."""
        before, after = self.number - 1, self.number + 1
        return ((self._beside(before, (self.folded[before], first), spelt, 1) if before >= 0 else 0)
                + (self._beside(after, (last, self.folded[after]), spelt, 0) if after < len(self.folded) else 0))

    def _beside(self, neighbour: int, pair: tuple[str, str], spelt: str | None, at: int) -> int:
        """Documents holding the folded ``pair``, whose syllable ``at`` replaces the typed one;
        with ``spelt``, those spelling it so (see support)."""
        if spelt is None:
            return self.view.side_by_side(*pair)
        typed = self.typed_terms[neighbour]
        exact = has_diacritics(typed)
        held = 0
        for spelling, documents in self.view.pair_spellings(*pair).items():
            written = spelling.split(" ")
            if written[at] == spelt and (not exact or written[1 - at] == typed):
                held += documents
        return held

    def score(self, first: str, last: str, cost: float, spelt: str | None = None) -> float:
        return math.log1p(self.support(first, last, spelt)) - COST_WEIGHT * cost


def _correction(view, typed: str, context: _Context, first: bool) -> Correction | None:
    """What the plain syllable ``typed`` most likely meant, if the index suggests it was
    mistyped: cut into syllables, or one syllable corrected, whichever its neighbours in the
    query stand beside more often."""
    word = context.folded[context.number]
    if not word.isalpha() or not word.isascii():
        return None  # numbers
    if typed.isupper() and len(typed) > 1:
        return None  # an abbreviation: synonyms may know it
    accented = has_diacritics(typed)
    # Typed with accents, the spelling is what the index must know ("kíng" is no word, "king" is);
    # counted in the documents not deleted, so that an update forgets what it removed.
    known = (view.document_frequency("body", syllable_term(typed)) if accented
             else view.document_frequency("body" + FOLDED_SUFFIX, word))
    if known > RARE:
        correction = _doubted(view, typed, word, known, context, first)
    else:
        correction = _unknown_or_rare(view, typed, word, known, context, first)
    if correction and correction.keep_typed and correction.kind == TYPO and not _believed(
            view, correction, context, known_as_typed=bool(known) and accented):
        return None
    return correction


def _unknown_or_rare(view, typed: str, word: str, known: int, context: _Context, first: bool) -> Correction | None:
    """What a syllable the index holds in RARE documents or fewer meant: cut, or corrected."""
    if not known and (pieces := _case_cut(view, typed)):
        return Correction(typed, " ".join(pieces), SPLIT, keep_typed=False)
    # A capitalised word may be a name: one the index knows, however rarely, is not corrected
    # (only cut, as "Hanoi" is); one it has never seen is searched as typed too when it is
    # inside the query, and cut only where its syllables stand together often.
    capitalised = typed[:1].isupper()
    name = capitalised and not first
    options = [_split_option(view, typed, word, max(known, capitalised), context)]
    if not (capitalised and known):
        # a word the index knows is only corrected to one that fits the query's words better
        as_typed = context.score(word, word, 0.0, _spelt(typed)) if known else -math.inf
        options.append(_typo_option(view, typed, word, context, RARER_THAN_CORRECTION * known, better_than=as_typed))
    options = [option for option in options if option]
    if not options:
        return None
    score, kind, searched = max(options)
    foreign = not (has_diacritics(typed) or looks_vietnamese(word))  # cut, it may be syllables run together
    return Correction(typed, searched, kind, keep_typed=known > 0 or name or (foreign and kind == TYPO))


def _believed(view, correction: Correction, context: _Context, known_as_typed: bool) -> bool:
    """Whether a correction only suggested (the typed word searched too) is likelier than what
    was typed: the index never writes the typed word beside the query's words as typed
    ("giới hạn rão" is a phrase of the index, however rare "rão"), and the correction is a slip
    of the finger (typos.replaced_far) or documents holding it hold most of what the rest of the
    query asks for (MEETS_QUERY): "Seaman" beside "ủy ban" is no slip for "Selman" of a football
    report, where "Tesa" for "Tesla" is one, and "Sheepshanks" is named with the paintings asked for."""
    typed = context.folded[context.number]
    if known_as_typed and context.support(typed, typed, context.typed_terms[context.number]):
        return False
    meant = fold(syllable_term(correction.searched))
    return not replaced_far(typed, meant) or _meets_query(view, meant, context)


def _meets_query(view, meant: str, context: _Context) -> bool:
    """Whether documents holding the folded syllable ``meant`` hold MEETS_QUERY of the query's
    other words the index knows, each weighted by its rarity (log N / documents); looked up
    rarest first, until the answer is known."""
    field = "body" + FOLDED_SUFFIX
    weights = {}
    for other in set(context.folded) - {context.folded[context.number], meant}:
        if documents := view.document_frequency(field, other):
            weights[other] = math.log(view.size / documents)
    left = sum(weights.values())  # of the words not looked up yet
    needed = MEETS_QUERY * left
    holders, _ = view.postings(field, meant)
    met = 0.0
    for other, weight in sorted(weights.items(), key=lambda item: -item[1]):
        if met >= needed or met + left < needed:
            break
        left -= weight
        if _meet(holders, view.postings(field, other)[0]):
            met += weight
    return met >= needed


def _meet(some: np.ndarray, others: np.ndarray) -> bool:
    """Whether two sorted arrays of document numbers share one (the first PROBED of the shorter looked for)."""
    probe, into = (some, others) if len(some) <= len(others) else (others, some)
    probe = probe[:PROBED]
    if not len(probe):
        return False
    at = np.minimum(np.searchsorted(into, probe), len(into) - 1)
    return bool(np.any(into[at] == probe))


def _other_number(typed: str, meant: tuple[str, ...]) -> bool:
    """Whether the folded ``meant`` is the folded ``typed`` with an English plural's "s" put on
    or taken off: no Vietnamese syllable ends in "s"."""
    return len(meant) == 1 and (meant[0] == typed + "s" or typed == meant[0] + "s")


def _doubted(view, typed: str, word: str, known: int, context: _Context, first: bool) -> Correction | None:
    """A word the index knows that was likely mistyped all the same: it hardly stands beside the
    query's other words, and a far more widespread neighbour of it does, often ("thung mai"
    for "thương mại"). Searched as typed, the correction beside it, and only suggested."""
    if (typed[:1].isupper() and not first) or not is_syllable(word):
        return None  # a name, or a word of no syllable's shape that the index holds often: its own
    if context.support(word, word) >= FITS:
        return None
    as_typed = context.score(word, word, 0.0, _spelt(typed))
    option = _typo_option(view, typed, word, context, DOUBT_RATIO * known, better_than=as_typed + DOUBT_MARGIN)
    return Correction(typed, option[2], TYPO, keep_typed=True) if option else None


def _spelt(typed: str) -> str | None:
    """What _Context.support weighs a word typed with accents by, its spelling; None without accents."""
    return syllable_term(typed) if has_diacritics(typed) else None


def _case_cut(view, typed: str) -> list[str] | None:
    """``typed`` cut where its case says two words were run together, if the index knows every
    piece: before a capital that follows a small letter (``theoJacksonville``), after capitals
    that a small letter follows (``UBNDtỉnh``); None for no such cut.  The case is the user's
    own word boundary: no need for the pieces to have been seen side by side, nor to be
    syllables (names are longer)."""
    cuts = [0] + [at for at in range(1, len(typed))
                  if (typed[at - 1].islower() and typed[at].isupper())
                  or (at > 1 and typed[at - 2].isupper() and typed[at - 1].isupper() and typed[at].islower())]
    if len(cuts) == 1:
        return None
    pieces = [typed[start:end] for start, end in zip(cuts, cuts[1:] + [len(typed)])]
    if any(len(piece) < 2 or not view.knows("body" + FOLDED_SUFFIX, fold(piece)) for piece in pieces):
        return None
    return pieces


def _split_option(view, typed: str, word: str, known: int, context: _Context):
    """(score, SPLIT, the syllables) of ``word`` cut into syllables, if the index offers a cut
    whose syllables stand together RARER_THAN_SPLIT times as often as ``known``; the score
    counts how often its pieces stand together (COHESION_WEIGHT)."""
    if len(word) < 3:
        return None
    pieces = split(word, lambda piece: view.folded_syllables.get(piece, 0), view.side_by_side)
    if not pieces:
        return None
    together = min(map(view.side_by_side, pieces, pieces[1:]))
    if together < RARER_THAN_SPLIT * known:
        return None
    # how often the rarer of two pieces stands beside the other: "hu het" is seldom said, "y te" often
    counts = view.folded_syllables
    cohesion = sum(math.log(view.side_by_side(left, right) / min(counts[left], counts[right]))
                   for left, right in zip(pieces, pieces[1:]))
    score = context.score(pieces[0], pieces[-1], EDIT) + COHESION_WEIGHT * cohesion
    return (score, math.log(together)), SPLIT, " ".join(_as_typed(typed, pieces))


def _typo_option(view, typed: str, word: str, context: _Context, at_least: int, better_than: float = -math.inf):
    """(score, TYPO, the syllable) of the index syllable ``typed`` most likely stands for, among
    those in ``at_least`` documents or more whose score (_Context.score) is above ``better_than``;
    typed with accents, each spelling of a folded neighbour is weighed, its accents changed
    costing ACCENT_EDIT each."""
    accented = has_diacritics(typed)
    rare = view.folded_syllables.get(word, 0) <= RARE
    if len(word) < (MIN_CORRECTED_NARROWED if accented or rare else MIN_CORRECTED):
        return None
    lower = syllable_term(typed)
    near = dict(view.neighbours.near(word))
    if accented and word in view.neighbours.documents:
        near[word] = 0.0  # the same letters, other accents ("kíng" -> "kính" is one edit, "king" none)
    options = []
    for candidate, cost in near.items():
        spellings = (_spellings(view, lower, candidate) if accented
                     else [(candidate, 0, view.folded_syllables[candidate])])
        for form, accent_edits, widespread in spellings:
            if form == lower or widespread < at_least:
                continue
            score = context.score(candidate, candidate, cost + ACCENT_EDIT * accent_edits, form if accented else None)
            if score > better_than:
                options.append(((score, math.log(max(widespread, 1))), form))
    if not options:
        return None
    score, meant = max(options)
    return score, TYPO, _case_as(typed, meant)


def _spellings(view, lower: str, folded: str) -> list[tuple[str, int, int]]:
    """(spelling, edits of accents only from ``lower``, documents) of each spelling the index
    has of the folded syllable ``folded``, for ``lower`` typed with accents."""
    letters = damerau(fold(lower), folded)
    forms = view.vocabulary.candidates(folded, view.document_frequency) or [(folded, view.folded_syllables[folded])]
    return [(form, max(0, damerau(lower, form) - letters), documents) for form, documents in forms]


def _as_typed(typed: str, pieces: list[str]) -> list[str]:
    """A capitalised word split into capitalised syllables (``Hanoi`` -> ``Ha Noi``)."""
    return [_case_as(typed, piece) for piece in pieces]


def _case_as(typed: str, word: str) -> str:
    """``word`` in the case of ``typed``: capitalised, or all capitals for an abbreviation ("DH" -> "ĐH")."""
    if typed.isupper() and len(typed) > 1:
        return word.upper()
    return word.capitalize() if typed[:1].isupper() else word


def _joined(view, searched: ParsedQuery) -> tuple[Alternative, ...]:
    """Two adjacent capitalised syllables (a name) that the index also knows written as one word
    ("Hà Nội" and "Hanoi"); not when the word is a Vietnamese syllable ("La Ô" is not "lao")."""
    terms, typed = searched.plain.terms, list(SYLLABLE.finditer(searched.plain.text))
    found = []
    for position, (left, right) in enumerate(zip(terms, terms[1:])):
        joined = left.folded + right.folded
        if (typed[position].group()[:1].isupper() and typed[position + 1].group()[:1].isupper()
                and joined.isalpha() and not is_syllable(joined)
                and view.folded_syllables.get(joined, 0) >= MIN_DOCUMENTS):
            found.append(Alternative(position, position + 2, (joined,), JOINED_WEIGHT))
    return tuple(found)


def _synonyms(view, searched: ParsedQuery) -> tuple[Alternative, ...]:
    """The abbreviations and synonyms of the query's plain words, both ways (synonyms.py), where
    the words were typed with accents or in capitals: unaccented, "viet nam" may be "viết năm"."""
    folded = [term.folded for term in searched.plain.terms]
    typed = [found.group() for found in SYLLABLE.finditer(searched.plain.text)]
    return tuple(Alternative(found.start, found.end, found.phrase, SYNONYM_WEIGHT, found.text, found.source)
                 for found in view.synonyms.alternatives(folded)
                 if searched.accented or all(word.isupper() for word in typed[found.start:found.end]))
